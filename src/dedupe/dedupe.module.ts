import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';
import { DedupeStore } from './dedupe-store';

/** The Redis dedupe table (SPEC §8): claims for consumers' own side effects. */
@Module({
  imports: [DeliveryModule],
  controllers: [ClaimsController],
  providers: [DedupeStore, ClaimsService],
  exports: [DedupeStore],
})
export class DedupeModule {}
