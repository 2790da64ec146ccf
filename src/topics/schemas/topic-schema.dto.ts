import { ApiJsonSchema } from '../../common/http/any-json';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { OpaqueJson } from '../../common/validation/opaque-json';

/** `PUT /v1/topics/{topic}/schemas/{version}`: a JSON Schema 2020-12 for message bodies, optionally for one tag. */
@OpaqueJson('schema')
export class PutTopicSchemaDto {
  @ApiJsonSchema('JSON Schema (draft 2020-12) for the message body')
  @IsDefined()
  schema: unknown;
  @IsOptional() @IsString() @MaxLength(64) tag?: string;
}

/** The topic's current schema version and how a new one must relate to the one before. */
export class TopicSchemaSettingDto {
  @IsInt() @Min(1) @Max(2_147_483_647) version: number;
  @IsOptional() @IsIn(['none', 'backward']) compatibility?: 'none' | 'backward';
}
