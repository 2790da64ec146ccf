// Pause and resume of a consumer group (SPEC §7): admin and operator, audited. A paused group
// receives nothing, push or pull, and keeps its backlog; resuming hands its ready deliveries over
// again (push) or wakes its receivers (pull), in order.
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors } from '../../common/http/answers';
import { ConsumerGroupWithStatsView } from '../../consumer-groups/consumer-group.view';
import { AllowRoles, CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { Audited } from '../../audit/audited.decorator';
import { ParseNamePipe } from '../../common/validation/names';
import { PauseService } from './pause.service';

@ApiTags('consumer-groups')
@ApiBearerAuth()
@ApiAuthErrors()
@Controller('v1/consumer-groups')
export class PauseController {
  constructor(private readonly pauses: PauseService) {}

  /** Stops all delivery to the group until it is resumed (200 with the group; repeating is 200). */
  @Post(':group/pause')
  @HttpCode(200)
  @AllowRoles('operator')
  @ApiAnswer(200, ConsumerGroupWithStatsView)
  @ApiErrors(400, 404)
  @Audited({ action: 'consumer-group.pause', target: ({ params }) => `consumer-group:${params.group}` })
  pause(@Param('group', ParseNamePipe) name: string, @CurrentPrincipal() principal: Principal) {
    return this.pauses.pause(name, principal);
  }

  /** Delivers the group's backlog again, in order (200 with the group; repeating is 200). */
  @Post(':group/resume')
  @HttpCode(200)
  @AllowRoles('operator')
  @ApiAnswer(200, ConsumerGroupWithStatsView)
  @ApiErrors(400, 404)
  @Audited({ action: 'consumer-group.resume', target: ({ params }) => `consumer-group:${params.group}` })
  resume(@Param('group', ParseNamePipe) name: string) {
    return this.pauses.resume(name);
  }
}
