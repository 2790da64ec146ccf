import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';
import { DedupeStoreModule } from './dedupe-store.module';

/** The Redis dedupe table (SPEC §8): claims for consumers' own side effects. */
@Module({
  imports: [DeliveryModule, DedupeStoreModule],
  controllers: [ClaimsController],
  providers: [ClaimsService],
})
export class DedupeModule {}
