import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { TopicSchemaSettingDto } from './schemas/topic-schema.dto';

export class PutTopicDto {
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  /** `sync` (default): answered once durable; `async`: answered before the WAL is on disk (SPEC §4). */
  @IsOptional() @IsIn(['sync', 'async']) durability?: 'sync' | 'async';
  /** The current schema version and compatibility mode (SPEC §4); omitted: as they are. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TopicSchemaSettingDto)
  schema?: TopicSchemaSettingDto;
}
