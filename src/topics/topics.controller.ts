import { Body, Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowRoles } from '../auth/auth.decorators';
import { Upsert } from '../common/http/upsert';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutTopicDto } from './topic.dto';
import { TopicsService } from './topics.service';

@ApiTags('topics')
@ApiBearerAuth()
@Controller('v1/topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  /** Creates (201) or replaces (200) a topic. */
  @Upsert(':topic')
  put(@Param('topic', ParseNamePipe) name: string, @Body() dto: PutTopicDto) {
    return this.topics.put(name, dto);
  }

  @Get()
  @AllowRoles('operator')
  list(@Query() query: PageQuery) {
    return this.topics.list(query);
  }

  @Get(':topic')
  @AllowRoles('operator')
  get(@Param('topic', ParseNamePipe) name: string) {
    return this.topics.get(name);
  }

  @Delete(':topic')
  @HttpCode(204)
  delete(@Param('topic', ParseNamePipe) name: string) {
    return this.topics.delete(name);
  }
}
