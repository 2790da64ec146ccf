// Test rows need ids of the kind txmsg makes (the tables are partitioned by their time): a UUIDv7
// for `ms` (RFC 9562). The `uuid` package is ESM-only, which jest cannot load here.
import { randomBytes } from 'node:crypto';

export function uuidV7(ms = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
