import { Module } from '@nestjs/common';
import { ProducerGroupsController } from './producer-groups.controller';
import { ProducerGroupsRepository } from './producer-groups.repository';
import { ProducerGroupsService } from './producer-groups.service';

@Module({
  controllers: [ProducerGroupsController],
  providers: [ProducerGroupsRepository, ProducerGroupsService],
  exports: [ProducerGroupsService],
})
export class ProducerGroupsModule {}
