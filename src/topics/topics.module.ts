import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Topic } from './topic.entity';
import { TopicsController } from './topics.controller';
import { TopicsRepository } from './topics.repository';
import { TopicsService } from './topics.service';
import { TopicSchemasController } from './schemas/topic-schemas.controller';
import { TopicSchemasRepository } from './schemas/topic-schemas.repository';
import { TopicSchemasService } from './schemas/topic-schemas.service';

@Module({
  imports: [TypeOrmModule.forFeature([Topic])],
  controllers: [TopicsController, TopicSchemasController],
  providers: [TopicsRepository, TopicsService, TopicSchemasRepository, TopicSchemasService],
  exports: [TopicsService, TopicSchemasService],
})
export class TopicsModule {}
