import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors } from '../../common/http/answers';
import { AckedView, NackedView, ReceivedView, VisibilityView } from './pull.view';
import type { FastifyReply } from 'fastify';
import { AllowRoles, CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ParseNamePipe } from '../../common/validation/names';
import { AckDto, NackDto, ReceiveDto, VisibilityDto } from './pull.dto';
import { PullService } from './pull.service';

@ApiTags('consumer-groups')
@ApiBearerAuth()
@ApiAuthErrors()
@AllowRoles('consumer')
@Controller('v1/consumer-groups')
export class PullController {
  constructor(private readonly pull: PullService) {}

  /** Long poll: answers as soon as a message is ready, or empty after `waitSeconds`. */
  @Post(':group/receive')
  @HttpCode(200)
  @ApiAnswer(200, ReceivedView)
  @ApiErrors(400, 404, 409)
  receive(
    @Param('group', ParseNamePipe) name: string,
    @Body() dto: ReceiveDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // A client that hangs up stops the wait, so nothing is taken for a receiver that is gone.
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    return this.pull.receive(principal, name, dto, gone.signal);
  }

  @Post(':group/ack')
  @HttpCode(200)
  @ApiAnswer(200, AckedView)
  @ApiErrors(400, 404, 409)
  ack(
    @Param('group', ParseNamePipe) name: string,
    @Body() dto: AckDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.pull.ack(principal, name, dto);
  }

  @Post(':group/nack')
  @HttpCode(200)
  @ApiAnswer(200, NackedView)
  @ApiErrors(400, 404, 409)
  nack(
    @Param('group', ParseNamePipe) name: string,
    @Body() dto: NackDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.pull.nack(principal, name, dto);
  }

  @Post(':group/visibility')
  @HttpCode(200)
  @ApiAnswer(200, VisibilityView)
  @ApiErrors(400, 404, 409)
  visibility(
    @Param('group', ParseNamePipe) name: string,
    @Body() dto: VisibilityDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.pull.visibility(principal, name, dto);
  }
}
