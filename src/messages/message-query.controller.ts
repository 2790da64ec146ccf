import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors, ApiPage } from '../common/http/answers';
import { MessageDetailView, MessageSummaryView } from './message-query.view';
import { AllowRoles } from '../auth/auth.decorators';
import { ParseIdPipe } from '../common/validation/parse-uuid.pipe';
import { MessageListQuery } from './message-query.dto';
import { MessageQueryService } from './message-query.service';

@ApiTags('messages')
@ApiBearerAuth()
@ApiAuthErrors()
@AllowRoles('operator')
@Controller('v1/messages')
export class MessageQueryController {
  constructor(private readonly messages: MessageQueryService) {}

  /** `?topic=&key=&tag=&from=&to=&limit=&cursor=`, newest first. */
  @Get()
  @ApiPage(MessageSummaryView)
  @ApiErrors(400)
  list(@Query() query: MessageListQuery) {
    return this.messages.list(query);
  }

  /** The message, its state, per-group delivery status and its time-ordered trace. */
  @Get(':id')
  @ApiAnswer(200, MessageDetailView)
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: string) {
    return this.messages.get(id);
  }
}
