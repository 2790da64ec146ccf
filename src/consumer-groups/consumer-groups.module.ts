import { Module } from '@nestjs/common';
import { TopicsModule } from '../topics/topics.module';
import { ConsumerGroupsController } from './consumer-groups.controller';
import { ConsumerGroupsRepository } from './consumer-groups.repository';
import { ConsumerGroupsService } from './consumer-groups.service';

/** Consumer groups as a resource (SPEC §7): config, members, backlog stats. Delivery uses them. */
@Module({
  imports: [TopicsModule],
  controllers: [ConsumerGroupsController],
  providers: [ConsumerGroupsRepository, ConsumerGroupsService],
  exports: [ConsumerGroupsService],
})
export class ConsumerGroupsModule {}
