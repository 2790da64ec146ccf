import { Module } from '@nestjs/common';
import { DedupeStore } from './dedupe-store';

/** The Redis dedupe table alone, for delivery (dedupe by key) and the claims API. */
@Module({ providers: [DedupeStore], exports: [DedupeStore] })
export class DedupeStoreModule {}
