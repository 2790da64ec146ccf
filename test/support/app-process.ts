// Runs the built service (dist/src/main.js) as a real child process, the way operators run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TestEnv } from './test-env';

const MAIN = join(__dirname, '../../dist/src/main.js');

export interface AppProcess {
  url: string;
  child: ChildProcess;
  logs: string[];
  /** Sends SIGTERM (or `signal`) and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Environment that points a service process at the spec's database and Redis prefix. */
export function appEnv(env: TestEnv, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    TXMSG_REDIS_PREFIX: env.redisPrefix,
    TXMSG_ADMIN_TOKEN: env.adminToken,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Starts a process with exactly `vars` (plus PATH/HOME) and waits for its "listening" log line. */
export function startProcess(vars: Record<string, string>, timeoutMs = 60_000): Promise<AppProcess> {
  const child = spawn(process.execPath, [MAIN], {
    // The heap cap `npm start` sets.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_OPTIONS: '--max-old-space-size=256',
      ...vars,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start within ${timeoutMs} ms:\n${logs.join('\n')}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      logs.push(line);
      if (!line.includes('"msg":"listening"')) return;
      clearTimeout(timer);
      const url = (JSON.parse(line) as { url: string }).url.replace('[::1]', '127.0.0.1');
      resolve({
        url,
        child,
        logs,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    lines(child.stdout, onLine);
    lines(child.stderr, onLine);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`service exited (code ${code}, signal ${signal}) before listening:\n${logs.join('\n')}`),
      );
    });
  });
}

export const startApp = (env: TestEnv, extra: Record<string, string> = {}) =>
  startProcess(appEnv(env, extra));

/** Runs the service expecting it to exit (e.g. on bad config); resolves with its code and output. */
export function runToExit(vars: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN], {
    // The heap cap `npm start` sets.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_OPTIONS: '--max-old-space-size=256',
      ...vars,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void) {
  let buffered = '';
  stream?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    parts.filter(Boolean).forEach(onLine);
  });
}
