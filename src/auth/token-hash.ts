import { createHash, randomBytes } from 'node:crypto';

/** Tokens are stored only as SHA-256 hashes; they carry 256 random bits, so no slow KDF is needed. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const generateToken = (): string => `txm_${randomBytes(32).toString('base64url')}`;
