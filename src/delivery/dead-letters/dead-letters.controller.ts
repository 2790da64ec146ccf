import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors, ApiPage } from '../../common/http/answers';
import { DeadLetterView, RedrivenView } from './dead-letter.view';
import { AllowRoles } from '../../auth/auth.decorators';
import { Audited } from '../../audit/audited.decorator';
import { PageQuery } from '../../common/pagination';
import { ParseNamePipe } from '../../common/validation/names';
import { RedriveDto } from './dead-letters.dto';
import { DeadLettersService } from './dead-letters.service';

@ApiTags('consumer-groups')
@ApiBearerAuth()
@ApiAuthErrors()
@Controller('v1/consumer-groups')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get(':group/dead-letters')
  @AllowRoles('operator')
  @ApiPage(DeadLetterView)
  @ApiErrors(400, 404)
  listDeadLetters(@Param('group', ParseNamePipe) name: string, @Query() query: PageQuery) {
    return this.deadLetters.list(name, query);
  }

  @Post(':group/dead-letters/redrive')
  @HttpCode(200)
  @AllowRoles('operator')
  @ApiAnswer(200, RedrivenView)
  @ApiErrors(400, 404)
  @Audited({
    action: 'dead-letters.redrive',
    target: ({ params, body }) =>
      `consumer-group:${params.group}${Array.isArray(body?.ids) ? ` ids:${body.ids.length}` : ' all'}`,
    count: (result) => (result as { redriven: number }).redriven,
  })
  redrive(@Param('group', ParseNamePipe) name: string, @Body() dto: RedriveDto) {
    return this.deadLetters.redrive(name, dto);
  }
}
