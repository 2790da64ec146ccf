import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { NAME_PATTERN } from '../common/validation/names';
import { API_KEY_ROLES, type ApiKeyRole } from './api-key.entity';

const GRANT = new RegExp(`(${NAME_PATTERN.source})|^\\*$`);
const GRANT_RULE = { each: true, message: '$property entries must be names or "*"' };

export class CreateApiKeyDto {
  /** Human-readable name, recorded as `operator:<name>` when this key resolves a transaction. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\s:]+$/, { message: 'name must not contain spaces or ":"' })
  name: string;
  @IsIn(API_KEY_ROLES) role: ApiKeyRole;
  /** Producer keys: topics they may publish to ("*" for all). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(GRANT, GRANT_RULE)
  topics?: string[];
  /** Producer keys: producer groups they may prepare/commit/rollback for. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(GRANT, GRANT_RULE)
  producerGroups?: string[];
  /** Consumer keys: consumer groups they may receive/ack/claim for. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(GRANT, GRANT_RULE)
  consumerGroups?: string[];
}
