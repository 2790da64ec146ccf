import { randomFillSync } from 'node:crypto';
import { hostname } from 'node:os';
import { v7 } from 'uuid';

// `v7()` asks Web Crypto for 16 random bytes per id, which costs ten times the id itself; these
// come from a pool refilled 256 ids at a time.
const pool = new Uint8Array(16 * 256);
let used = pool.length;
let lastMs = -Infinity;
let sequence = 0;

/**
 * Time-ordered ids (SPEC §3: UUIDv7), strictly increasing within a process: ids made in one
 * millisecond count up a 32-bit sequence that starts at random, as `v7()` does (RFC 9562 §6.2,
 * method 1). Messages of one request rely on it: their ids give their order.
 */
export const newId = (): string => {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, (used += 16));
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9];
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMs += 1; // wrapped: borrow the next millisecond
  }
  return v7({ random, msecs: lastMs, seq: sequence });
};

/** Who holds a lease or ran a periodic task: host, process and a fresh id (unique per start). */
export const newOwnerId = (): string => `${hostname()}:${process.pid}:${newId()}`;
