// A dead letter as the API lists it, and what a redrive answers (SPEC §7).
import { type DeliveredMessageView } from '../delivered-message.view';

export class DeadLetterView {
  id: string;
  /** Broadcasting groups: the member whose delivery died. */
  member?: string;
  message: DeliveredMessageView;
  attempts: number;
  lastError: string | null;
  deadAt: string;
}

export class RedrivenView {
  redriven: number;
}
