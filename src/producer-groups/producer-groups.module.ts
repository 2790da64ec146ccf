import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProducerGroup } from './producer-group.entity';
import { ProducerGroupsController } from './producer-groups.controller';
import { ProducerGroupsRepository } from './producer-groups.repository';
import { ProducerGroupsService } from './producer-groups.service';

@Module({
  imports: [TypeOrmModule.forFeature([ProducerGroup])],
  controllers: [ProducerGroupsController],
  providers: [ProducerGroupsRepository, ProducerGroupsService],
  exports: [ProducerGroupsService],
})
export class ProducerGroupsModule {}
