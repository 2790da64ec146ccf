// A real Redis Sentinel deployment on 127.0.0.1 for HA specs: one master, one replica and three
// sentinels (quorum 2), each a `redis-server` process (`--sentinel` for the sentinels), with a
// short down-after so a failover takes seconds: docs/ha/sentinel.conf, as the HA guide shows it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitUntil } from '../../src/infra/local-services/free-port';
import { writeHaConfig } from './ha-config';

export const SENTINEL_MASTER_NAME = 'txmsg';

export interface RedisSentinelSet {
  /** `host:port,…` of the sentinels, for REDIS_SENTINELS. */
  sentinels: string;
  /** The port of the master the sentinels name now. */
  masterPort(): Promise<number>;
  /** SIGKILL of the current master's process. */
  killMaster(): Promise<number>;
  stop(): Promise<void>;
}

export async function startRedisSentinelSet(): Promise<RedisSentinelSet> {
  const dir = await mkdtemp(join(tmpdir(), 'txmsg-sentinel-'));
  const children = new Map<number, ChildProcess>();
  const start = (port: number, args: string[]) => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    children.set(port, child);
    return child;
  };
  const ping = async (port: number) => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  };

  const [master, replica] = [await freePort(), await freePort()];
  const server = (port: number, extra: string[] = []) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--dbfilename',
    `dump-${port}.rdb`,
    '--appendonly',
    'yes',
    '--appendfilename',
    `aof-${port}.aof`,
    '--appenddirname',
    `aof-${port}`,
    '--save',
    '',
    ...extra,
  ];
  start(master, server(master));
  start(replica, server(replica, ['--replicaof', '127.0.0.1', String(master)]));
  await waitUntil(() => ping(master), 10_000, 'the Redis master');
  await waitUntil(() => ping(replica), 10_000, 'the Redis replica');

  const sentinelPorts = [await freePort(), await freePort(), await freePort()];
  for (const port of sentinelPorts) {
    const conf = join(dir, `sentinel-${port}.conf`);
    await writeHaConfig('sentinel.conf', conf, {
      PORT: port,
      HOST: '127.0.0.1',
      DIR: dir,
      MASTER_HOST: '127.0.0.1',
      MASTER_PORT: master,
    });
    start(port, [conf, '--sentinel']);
  }
  await Promise.all(sentinelPorts.map((port) => waitUntil(() => ping(port), 10_000, `sentinel ${port}`)));

  const masterPort = async () => {
    const client = new Redis({ port: sentinelPorts[0], host: '127.0.0.1', maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    try {
      const [, port] = (await client.call(
        'SENTINEL',
        'get-master-addr-by-name',
        SENTINEL_MASTER_NAME,
      )) as string[];
      return Number(port);
    } finally {
      client.disconnect();
    }
  };

  return {
    sentinels: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
    masterPort,
    killMaster: async () => {
      const port = await masterPort();
      children.get(port)?.kill('SIGKILL');
      return port;
    },
    stop: async () => {
      for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
