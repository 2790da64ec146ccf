import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, Matches } from 'class-validator';
import { UUID_PATTERN } from '../../common/validation/uuid';

export class RedriveDto {
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(UUID_PATTERN, { each: true, message: 'ids must be UUIDs' })
  ids?: string[];
}
