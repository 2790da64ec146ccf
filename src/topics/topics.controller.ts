import { Body, Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors, ApiPage } from '../common/http/answers';
import { AllowRoles } from '../auth/auth.decorators';
import { Upsert } from '../common/http/upsert';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutTopicDto } from './topic.dto';
import { TopicView, TopicWithCountsView } from './topic.view';
import { TopicsService } from './topics.service';

@ApiTags('topics')
@ApiBearerAuth()
@ApiAuthErrors()
@Controller('v1/topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  /** Creates (201) or replaces (200) a topic. */
  @Upsert(':topic')
  @ApiAnswer(200, TopicView, { description: 'replaced' })
  @ApiAnswer(201, TopicView, { description: 'created' })
  @ApiErrors(400, 409)
  put(@Param('topic', ParseNamePipe) name: string, @Body() dto: PutTopicDto) {
    return this.topics.put(name, dto);
  }

  @Get()
  @AllowRoles('operator')
  @ApiPage(TopicView)
  @ApiErrors(400)
  list(@Query() query: PageQuery) {
    return this.topics.list(query);
  }

  @Get(':topic')
  @AllowRoles('operator')
  @ApiAnswer(200, TopicWithCountsView)
  @ApiErrors(400, 404)
  get(@Param('topic', ParseNamePipe) name: string) {
    return this.topics.get(name);
  }

  @Delete(':topic')
  @HttpCode(204)
  @ApiAnswer(204, undefined, { description: 'deleted' })
  @ApiErrors(400, 404, 409)
  delete(@Param('topic', ParseNamePipe) name: string) {
    return this.topics.delete(name);
  }
}
