// What the pull endpoints answer (SPEC §7).
import { type DeliveredMessageView } from '../delivered-message.view';

export class ReceivedMessageView {
  /** Acks, nacks and extends this delivery; valid while the message is invisible. */
  receiptHandle: string;
  attempt: number;
  message: DeliveredMessageView;
}

export class ReceivedView {
  messages: ReceivedMessageView[];
}

export class AckedView {
  acked: number;
  /** Receipt handles that were no longer valid (their invisible time ran out, or already acked). */
  expired: string[];
}

export class NackedView {
  nacked: boolean;
  /** What the delivery became: retried later, or a dead letter when out of retries. */
  state: 'retrying' | 'dead';
}

export class VisibilityView {
  receiptHandle: string;
  invisibleSeconds: number;
}
