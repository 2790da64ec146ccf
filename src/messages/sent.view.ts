// What a send and a batch send answer (SPEC §6).

export class SentMessageView {
  id: string;
  topic: string;
  state: 'COMMITTED';
  publishedAt: string;
}

export class SentBatchView {
  /** The new messages' ids, in the request's order. */
  ids: string[];
}
