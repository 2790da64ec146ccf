import { IsOptional, IsString, MaxLength } from 'class-validator';

export class PutTopicDto {
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
}
