import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class ReceiveDto {
  @IsOptional() @IsInt() @Min(1) @Max(100) maxMessages?: number;
  @IsOptional() @IsInt() @Min(0) @Max(30) waitSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(43_200) invisibleSeconds?: number;
  @IsOptional() @IsString() @MaxLength(128) consumerId?: string;
}

export class AckDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  receiptHandles: string[];
}

export class NackDto {
  @IsString() @MaxLength(256) receiptHandle: string;
  @IsOptional() @IsInt() @Min(0) @Max(43_200) retryAfterSeconds?: number;
}

export class VisibilityDto {
  @IsString() @MaxLength(256) receiptHandle: string;
  @IsInt() @Min(0) @Max(43_200) invisibleSeconds: number;
}
