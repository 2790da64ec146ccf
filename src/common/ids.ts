import { v7 } from 'uuid';

/** Time-ordered ids (SPEC §3: UUIDv7). */
export const newId = (): string => v7();
