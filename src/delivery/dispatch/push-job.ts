// What a push job carries, whether it runs from the queue or in the committing instance.
export interface PushAttempt {
  deliveryId: string;
  attempt: number;
}

/** The attempts one hand-over made for one group. */
export interface DeliverJobData {
  group: string;
  attempts: PushAttempt[];
}
