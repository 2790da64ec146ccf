// A real Patroni cluster on 127.0.0.1 for HA specs: one etcd and two Postgres nodes, each run by
// Patroni (docs/ha/patroni.yml: synchronous mode, a 10 s leader ttl) from Debian's packages.
// Postgres refuses to run as root, so as root every process runs as the `postgres` user.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, waitUntil } from '../../src/infra/local-services/free-port';
import { writeHaConfig } from './ha-config';

export const PATRONI_PASSWORD = 'txmsg-ha-secret';

export interface PatroniNode {
  name: string;
  pgPort: number;
  restPort: number;
  dataDir: string;
}

export interface PatroniCluster {
  nodes: PatroniNode[];
  /** `postgres://postgres:…@127.0.0.1:p1,127.0.0.1:p2/<database>?target_session_attrs=read-write`. */
  url(database: string): string;
  /** One node's own URL. */
  nodeUrl(node: PatroniNode, database: string): string;
  /** The node Patroni's REST API calls leader now (null while there is none). */
  leader(): Promise<PatroniNode | null>;
  /** The node's machine is lost: SIGKILL of its Patroni and its postmaster. */
  killNode(node: PatroniNode): void;
  /** Starts the node's Postgres as it was, with pg_ctl and without Patroni (a primary on its old timeline). */
  startPostgresAsItWas(node: PatroniNode): Promise<void>;
  stop(): Promise<void>;
}

/** Debian's newest Postgres binaries, or null when patroni, etcd or Postgres is missing. */
export function haBinaries(): { binDir: string } | null {
  const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
  if (!has('patroni') || !has('etcd') || !existsSync('/usr/lib/postgresql')) return null;
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? { binDir: `/usr/lib/postgresql/${versions[0]}/bin` } : null;
}

export async function startPatroniCluster(binDir: string): Promise<PatroniCluster> {
  const root = userInfo().uid === 0;
  const dir = await mkdtemp(join(tmpdir(), 'txmsg-patroni-'));
  await chmod(dir, 0o755);
  const children: ChildProcess[] = [];
  const run = (command: string, args: string[], log: string) => {
    const [file, argv] = root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const out = openSync(log, 'a');
    const child = spawn(file, argv, { stdio: ['ignore', out, out] });
    closeSync(out);
    children.push(child);
    return child;
  };
  const own = async (path: string) => {
    if (root) {
      const { uid, gid } = postgresUser();
      await chown(path, uid, gid);
    }
  };

  const [etcdClient, etcdPeer] = [await freePort(), await freePort()];
  await mkdir(join(dir, 'etcd'), { mode: 0o700 });
  await own(join(dir, 'etcd'));
  run(
    'etcd',
    [
      '--name',
      'e1',
      '--data-dir',
      join(dir, 'etcd'),
      '--listen-client-urls',
      `http://127.0.0.1:${etcdClient}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${etcdPeer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster',
      `e1=http://127.0.0.1:${etcdPeer}`,
    ],
    join(dir, 'etcd.log'),
  );
  await waitUntil(
    () =>
      fetch(`http://127.0.0.1:${etcdClient}/version`).then(
        (r) => r.ok,
        () => false,
      ),
    20_000,
    'etcd',
  );

  const nodes: PatroniNode[] = [];
  const patroni = new Map<string, ChildProcess>();
  const startPatroni = (node: PatroniNode) =>
    patroni.set(node.name, run('patroni', [join(dir, `${node.name}.yml`)], join(dir, `${node.name}.log`)));
  for (const name of ['pg1', 'pg2']) {
    const node = {
      name,
      pgPort: await freePort(),
      restPort: await freePort(),
      dataDir: join(dir, name, 'data'),
    };
    await mkdir(join(dir, name), { mode: 0o700 });
    await own(join(dir, name));
    const config = join(dir, `${name}.yml`);
    await writeHaConfig('patroni.yml', config, {
      NAME: name,
      HOST: '127.0.0.1',
      REST_PORT: node.restPort,
      ETCD_HOSTS: `127.0.0.1:${etcdClient}`,
      PG_PORT: node.pgPort,
      DATA_DIR: node.dataDir,
      BIN_DIR: binDir,
      PASSWORD: PATRONI_PASSWORD,
      SOCKET_DIR: join(dir, name),
    });
    await own(config);
    nodes.push(node);
  }

  const role = async (node: PatroniNode) => {
    try {
      const response = await fetch(`http://127.0.0.1:${node.restPort}/patroni`);
      return ((await response.json()) as { role?: string; state?: string; replication?: unknown[] }) ?? {};
    } catch {
      return {};
    }
  };
  const leader = async () => {
    for (const node of nodes) if ((await role(node)).role === 'master') return node;
    return null;
  };
  // The first node bootstraps and leads; the second joins as its synchronous standby.
  startPatroni(nodes[0]);
  await waitUntil(async () => (await leader()) === nodes[0], 60_000, 'the first Patroni node to lead');
  startPatroni(nodes[1]);
  await waitUntil(async () => (await role(nodes[1])).state === 'running', 60_000, 'the standby to run');
  await waitUntil(
    async () => {
      const cluster = (await (await fetch(`http://127.0.0.1:${nodes[0].restPort}/cluster`)).json()) as {
        members: { name: string; role: string }[];
      };
      return cluster.members.some((m) => m.name === 'pg2' && m.role === 'sync_standby');
    },
    60_000,
    'the standby to become synchronous',
  );

  const nodeUrl = (node: PatroniNode, database: string) =>
    `postgres://postgres:${PATRONI_PASSWORD}@127.0.0.1:${node.pgPort}/${database}`;
  const postmasterPid = (node: PatroniNode) => {
    const file = join(node.dataDir, 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
  };
  const kill = (pid: number | null | undefined) => {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return {
    nodes,
    url: (database) =>
      `postgres://postgres:${PATRONI_PASSWORD}@${nodes.map((n) => `127.0.0.1:${n.pgPort}`).join(',')}/${database}?target_session_attrs=read-write&connect_timeout=2`,
    nodeUrl,
    leader,
    killNode: (node) => {
      const child = patroni.get(node.name);
      // runuser's child is Patroni: kill the whole process group of the node.
      spawnSync('pkill', ['-KILL', '-f', `patroni ${join(dir, `${node.name}.yml`)}`]);
      kill(child?.pid);
      kill(postmasterPid(node));
    },
    startPostgresAsItWas: async (node) => {
      const args = ['-D', node.dataDir, '-l', join(dir, node.name, 'as-it-was.log'), '-w', 'start'];
      const result = root
        ? spawnSync('runuser', ['-u', 'postgres', '--', join(binDir, 'pg_ctl'), ...args])
        : spawnSync(join(binDir, 'pg_ctl'), args);
      if (result.status !== 0) throw new Error(`pg_ctl start failed: ${result.stderr?.toString()}`);
    },
    stop: async () => {
      spawnSync('pkill', ['-KILL', '-f', `patroni ${dir}`]);
      for (const node of nodes) kill(postmasterPid(node));
      for (const child of children) kill(child.pid);
      spawnSync('pkill', ['-KILL', '-f', `etcd --name e1 --data-dir ${join(dir, 'etcd')}`]);
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user: install Debian’s postgresql package');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Creates `database` on the node that leads now. */
export async function createDatabaseOnLeader(cluster: PatroniCluster, database: string): Promise<void> {
  const leader = await cluster.leader();
  if (!leader) throw new Error('no Patroni leader');
  const client = new Client({ connectionString: cluster.nodeUrl(leader, 'postgres') });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}
