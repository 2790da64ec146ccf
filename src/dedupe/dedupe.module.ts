import { Module } from '@nestjs/common';
import { ConsumerGroupsModule } from '../consumer-groups/consumer-groups.module';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';
import { DedupeStore } from './dedupe-store';
import { KeyDedupe } from './key-dedupe';

/** The Redis dedupe table (SPEC §8): claims for consumers' own side effects, and dedupe by key for delivery. */
@Module({
  imports: [ConsumerGroupsModule],
  controllers: [ClaimsController],
  providers: [DedupeStore, KeyDedupe, ClaimsService],
  exports: [KeyDedupe],
})
export class DedupeModule {}
