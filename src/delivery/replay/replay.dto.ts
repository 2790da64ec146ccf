import { IsDefined } from 'class-validator';
import { IsIsoTime } from '../../common/validation/iso-time';

export class ReplayDto {
  /** ISO time: messages committed at or after it are delivered again. */
  @IsDefined() @IsIsoTime() from: Date;
}
