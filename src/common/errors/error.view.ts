// The SPEC's error shape (§3) as the OpenAPI document declares it for every error answer.
import { type ErrorCode } from './api-error';

export class ErrorDetailView {
  /** The request field at fault, e.g. `messages[2].body.amount`. */
  field?: string;
  message: string;
  /** schema_violation: the message's index in the request. */
  index?: number;
  /** schema_violation: the JSON pointer of the failing place in the message body. */
  pointer?: string;
  /** schema_violation: the schema rule that failed, e.g. `#/properties/amount/minimum`. */
  rule?: string;
}

export class ErrorView {
  statusCode: number;
  error: ErrorCode;
  message: string;
  details: ErrorDetailView[];
}
