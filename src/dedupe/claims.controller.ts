import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors } from '../common/http/answers';
import { ClaimedView, CompletedClaimView, ReleasedClaimView } from './claim.view';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseNamePipe } from '../common/validation/names';
import { ClaimDto, ClaimTokenDto } from './claim.dto';
import { ClaimsService } from './claims.service';

@ApiTags('dedupe')
@ApiBearerAuth()
@ApiAuthErrors()
@AllowRoles('consumer')
@Controller('v1/consumer-groups/:group/claims')
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  /** 201 `{claimed: true, token}`, or 409 with `{claimed: false, state}` in the error body. */
  @Post()
  @ApiAnswer(201, ClaimedView, { description: 'claimed' })
  @ApiErrors(400, 404, 409)
  claim(
    @Param('group', ParseNamePipe) group: string,
    @Body() dto: ClaimDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.claims.claim(principal, group, dto);
  }

  @Post(':key/complete')
  @HttpCode(200)
  @ApiAnswer(200, CompletedClaimView)
  @ApiErrors(400, 404, 409)
  complete(
    @Param('group', ParseNamePipe) group: string,
    @Param('key') key: string,
    @Body() dto: ClaimTokenDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.claims.complete(principal, group, key, dto.token);
  }

  @Post(':key/release')
  @HttpCode(200)
  @ApiAnswer(200, ReleasedClaimView)
  @ApiErrors(400, 404, 409)
  release(
    @Param('group', ParseNamePipe) group: string,
    @Param('key') key: string,
    @Body() dto: ClaimTokenDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.claims.release(principal, group, key, dto.token);
  }
}
