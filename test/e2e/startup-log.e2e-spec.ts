// What an operator sees at start: readable lines on a terminal (LOG_FORMAT=pretty, the default on
// a TTY), JSON lines otherwise; no warnings, and none of the framework's per-route chatter.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { appEnv } from '../support/app-process';
import { createTestEnv, type TestEnv } from '../support/test-env';

const MAIN = join(__dirname, '../../dist/src/main.js');

/** Runs the service until it logs that it listens, then stops it; resolves with all it printed. */
function startAndStop(vars: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening/.test(output) && child.exitCode === null && !child.killed) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      if (/listening/.test(output)) resolve(output);
      else reject(new Error(`service never listened:\n${output}`));
    });
  });
}

describe('start-up log', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.close());

  it('is one readable line per event with LOG_FORMAT=pretty', async () => {
    const output = await startAndStop({ ...appEnv(env), LOG_FORMAT: 'pretty' });
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    expect(lines.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: listening/.test(stripColours(line)))).toBe(
      true,
    );
    expect(lines.filter((line) => line.trimStart().startsWith('{"'))).toEqual([]);
    expect(output).not.toMatch(/warn|deprecat|RouterExplorer|InstanceLoader/i);
  });

  it('is JSON lines when not on a terminal, and with LOG_FORMAT=json', async () => {
    for (const vars of [appEnv(env), { ...appEnv(env), LOG_FORMAT: 'json' }]) {
      const output = await startAndStop(vars);
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      const parsed = lines.map((line) => JSON.parse(line) as { msg?: string; level: number });
      expect(parsed.some((entry) => entry.msg === 'listening')).toBe(true);
      expect(parsed.filter((entry) => entry.level >= 40)).toEqual([]);
    }
  });

  it('refuses an unknown LOG_FORMAT', async () => {
    await expect(startAndStop({ ...appEnv(env), LOG_FORMAT: 'xml' })).rejects.toThrow(/LOG_FORMAT/);
  });
});

const stripColours = (line: string) => stripVTControlCharacters(line);
