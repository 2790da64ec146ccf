import { IsInt, IsOptional, IsUrl, Max, MaxLength, Min } from 'class-validator';

export const PRODUCER_GROUP_DEFAULTS = {
  checkbackTimeoutMs: 3000,
  checkImmunitySeconds: 6,
  checkIntervalSeconds: 30,
  maxCheckIntervalSeconds: 600,
  maxChecks: 15,
};

export class PutProducerGroupDto {
  /** Where txmsg asks for the verdict of an unresolved transaction (SPEC §5). */
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'checkbackUrl must be an http(s) URL' },
  )
  @MaxLength(2048)
  checkbackUrl: string;
  @IsOptional() @IsInt() @Min(100) @Max(60_000) checkbackTimeoutMs?: number;
  @IsOptional() @IsInt() @Min(0) @Max(86_400) checkImmunitySeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(86_400) checkIntervalSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(7 * 86_400) maxCheckIntervalSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) maxChecks?: number;
}
