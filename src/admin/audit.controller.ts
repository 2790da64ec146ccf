import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditEntryView } from '../audit/audit.view';
import { ApiAuthErrors, ApiErrors, ApiPage } from '../common/http/answers';
import { AllowRoles } from '../auth/auth.decorators';
import { AuditService } from '../audit/audit.service';
import { PageQuery } from '../common/pagination';

@ApiTags('admin')
@ApiBearerAuth()
@ApiAuthErrors()
@AllowRoles('operator')
@Controller('v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Operator writes, newest first: `{at, actor, action, target, count, result}`. */
  @Get()
  @ApiPage(AuditEntryView)
  @ApiErrors(400)
  list(@Query() query: PageQuery) {
    return this.audit.list(query);
  }
}
