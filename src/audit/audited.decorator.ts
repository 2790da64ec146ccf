import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AUDITED_KEY, type AuditSpec } from './audit-spec';
import { AuditInterceptor } from './audit.interceptor';

/**
 * Records every call of this route in the audit log (SPEC §10), whether it succeeded or not. The
 * interceptor is bound here, to the audited routes alone: the others pay nothing for it.
 */
export const Audited = (spec: AuditSpec) =>
  applyDecorators(SetMetadata(AUDITED_KEY, spec), UseInterceptors(AuditInterceptor));
