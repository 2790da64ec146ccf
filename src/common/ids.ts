import { hostname } from 'node:os';
import { v7 } from 'uuid';

/** Time-ordered ids (SPEC §3: UUIDv7). */
export const newId = (): string => v7();

/** Who holds a lease or ran a periodic task: host, process and a fresh id (unique per start). */
export const newOwnerId = (): string => `${hostname()}:${process.pid}:${newId()}`;
