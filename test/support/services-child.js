// A child process that owns a Postgres and a Redis of its own for a spec that must restart them
// (jest's module runtime cannot load the ESM-only launcher packages). It prints one JSON line of
// URLs when ready, then takes commands on stdin, one per line: "restart-postgres",
// "kill-postgres" (SIGKILL, then start again: crash recovery), "crash-postgres" (every Postgres
// process at once, as a power cut would: what sat in its shared WAL buffers is gone), "restart-redis",
// "stop"; each is answered by a JSON line with the current URLs.
const { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createInterface } = require('node:readline');
const { startEmbeddedPostgres } = require('../../dist/src/infra/local-services/embedded-postgres.js');
const { startLocalRedis } = require('../../dist/src/infra/local-services/local-redis.js');

const quiet = () => undefined;
const dir = mkdtempSync(join(tmpdir(), 'txmsg-services-'));
chmodSync(dir, 0o755); // as root, Postgres runs as 'postgres' and must reach its data dir
let pg;
let redis;

const urls = () => ({ postgres: pg.url('postgres'), redis: redis.url });
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** Backends outlive a killed postmaster for a moment; until they are gone it cannot start. */
async function startAfterCrash() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEmbeddedPostgres(join(dir, 'postgres'), 'postgres', quiet);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** The pids whose parent is `pid` (from /proc, so no procps is needed). */
function childrenOf(pid) {
  return readdirSync('/proc')
    .filter((name) => /^[0-9]+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** Freezes the postmaster (so it restarts nothing), kills every backend and helper, then it. */
function crashAllPostgres(pid) {
  process.kill(pid, 'SIGSTOP');
  for (const child of childrenOf(pid)) process.kill(child, 'SIGKILL');
  process.kill(pid, 'SIGKILL');
}

async function main() {
  pg = await startEmbeddedPostgres(join(dir, 'postgres'), 'postgres', quiet);
  redis = await startLocalRedis(join(dir, 'redis'), quiet);
  say(urls());
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'restart-postgres') {
      await pg.stop();
      pg = await startEmbeddedPostgres(join(dir, 'postgres'), 'postgres', quiet);
    } else if (line === 'kill-postgres') {
      const pid = Number(readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      pg = await startAfterCrash();
    } else if (line === 'crash-postgres') {
      crashAllPostgres(Number(readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]));
      pg = await startAfterCrash();
    } else if (line === 'restart-redis') {
      await redis.stop();
      redis = await startLocalRedis(join(dir, 'redis'), quiet);
    } else if (line === 'stop') {
      break;
    }
    say(urls());
  }
  await Promise.allSettled([pg.stop(), redis.stop()]);
  rmSync(dir, { recursive: true, force: true });
  say({ stopped: true });
  process.exit(0);
}

main().catch((error) => {
  say({ error: String(error && error.stack) });
  process.exit(1);
});
