import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors } from '../../common/http/answers';
import { OverviewView } from './overview.view';
import { AllowRoles } from '../../auth/auth.decorators';
import { NoQueryPipe } from '../../common/validation/no-query.pipe';
import { OverviewService } from './overview.service';

@ApiTags('admin')
@ApiBearerAuth()
@ApiAuthErrors()
@AllowRoles('operator')
@Controller('v1/admin/overview')
export class OverviewController {
  constructor(private readonly overviews: OverviewService) {}

  /** Headline figures, per-group health and backlog, and per-minute series of the last hour. */
  @Get()
  @ApiAnswer(200, OverviewView)
  @ApiErrors(400)
  overview(@Query(NoQueryPipe) _query: Record<string, never>) {
    return this.overviews.overview();
  }
}
