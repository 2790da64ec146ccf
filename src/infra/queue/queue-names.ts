/**
 * Every BullMQ queue and job name. Renaming one strands the jobs already queued under the old
 * name (the reconciler re-creates push jobs from Postgres, but only under the new name).
 */
export enum QueueName {
  Push = 'push',
}

export enum PushJobName {
  Deliver = 'deliver',
}
