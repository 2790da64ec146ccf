import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors } from '../../common/http/answers';
import { ReplayedView } from './replay.view';
import { AllowRoles } from '../../auth/auth.decorators';
import { Audited } from '../../audit/audited.decorator';
import { ParseNamePipe } from '../../common/validation/names';
import { ReplayDto } from './replay.dto';
import { ReplayService } from './replay.service';

@ApiTags('consumer-groups')
@ApiBearerAuth()
@ApiAuthErrors()
@Controller('v1/consumer-groups')
export class ReplayController {
  constructor(private readonly replays: ReplayService) {}

  /** Delivers again every retained message committed since `from` → `{replayed: n}`. */
  @Post(':group/replay')
  @HttpCode(200)
  @AllowRoles('operator')
  @ApiAnswer(200, ReplayedView)
  @ApiErrors(400, 404)
  @Audited({
    action: 'consumer-group.replay',
    target: ({ params, body }) => `consumer-group:${params.group} from:${String(body?.from)}`,
    count: (result) => (result as { replayed: number }).replayed,
  })
  replay(@Param('group', ParseNamePipe) name: string, @Body() dto: ReplayDto) {
    return this.replays.replay(name, dto);
  }
}
