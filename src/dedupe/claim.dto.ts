import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export const MAX_CLAIM_KEY_LENGTH = 512;

export class ClaimDto {
  @IsString() @MinLength(1) @MaxLength(MAX_CLAIM_KEY_LENGTH) key: string;
  @IsOptional() @IsInt() @Min(1) @Max(86_400) leaseSeconds?: number;
}

export class ClaimTokenDto {
  @IsString() @MinLength(1) @MaxLength(64) token: string;
}
