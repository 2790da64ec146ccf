import { ApiProperty } from '@nestjs/swagger';

/** An operator write as the audit log lists it (SPEC §10). */
export class AuditEntryView {
  id: string;
  at: string;
  /** `operator:<name>`, `admin:<name>`, … */
  actor: string;
  action: string;
  target: string;
  count: number;
  result: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  detail?: Record<string, unknown>;
}
