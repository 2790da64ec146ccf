import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowRoles } from '../auth/auth.decorators';
import { AuditService } from '../audit/audit.service';
import { PageQuery } from '../common/pagination';

@ApiTags('admin')
@ApiBearerAuth()
@AllowRoles('operator')
@Controller('v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Operator writes, newest first: `{at, actor, action, target, count, result}`. */
  @Get()
  list(@Query() query: PageQuery) {
    return this.audit.list(query);
  }
}
