// Pull acks as one statement for a batch of ack requests, plain so a medium spec runs exactly
// what the writer runs.
import { countAckedSql } from '../delivery-state';

/**
 * A fresh receipt handle for delivery `d`, in SQL: `rh_`, 32 random hex digits, then the
 * delivery's id as 32 hex digits, so an ack finds its delivery by primary key (`receiptTarget`).
 */
export const NEW_RECEIPT_SQL = `'rh_' || replace(gen_random_uuid()::text, '-', '') || replace(d.id::text, '-', '')`;

/**
 * Acks deliveries whose current receipt is the one given ($1 ids, $2 groups, $3 receipts, $4
 * outcomes recorded for the attempt: `acked`, or `deduplicated` when dedupe by key skipped it),
 * adds them to their groups' `acked_total`, and returns the receipts acked. Deliveries are
 * reached through `= ANY ($1)` on their partition key, so even a plan made while the window was
 * empty reads only the rows it acks; one that another statement acked first is skipped.
 */
export const PULL_ACK_SQL = `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS r(id, consumer_group, receipt, outcome)
       ), acked AS (
         UPDATE deliveries d SET state = 'acked', acked_at = now(), lease_until = NULL, receipt = NULL
           FROM r
          WHERE d.id = ANY ($1::uuid[]) AND d.id = r.id AND d.consumer_group = r.consumer_group
            AND d.receipt = r.receipt AND d.state = 'inflight'
         RETURNING d.id, d.consumer_group, d.state, d.attempts, r.receipt, r.outcome
       ), logged AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome)
         SELECT id, attempts, now(), outcome FROM acked
       ), counted AS (${countAckedSql('acked')}
       )
       SELECT consumer_group, receipt FROM acked`;

/** One receipt to ack: the delivery its handle names, in a group, recorded as `outcome`. */
export interface AckTarget {
  id: string;
  group: string;
  receipt: string;
  outcome: 'acked' | 'deduplicated';
}

export const pullAckParams = (targets: AckTarget[]) => [
  targets.map((t) => t.id),
  targets.map((t) => t.group),
  targets.map((t) => t.receipt),
  targets.map((t) => t.outcome),
];

const RECEIPT = /^rh_[0-9a-f]{32}([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/;

/** The delivery id a receipt handle names, or null for a string no receive ever handed out. */
export function receiptTarget(receipt: string): string | null {
  const parts = RECEIPT.exec(receipt);
  return parts ? parts.slice(1).join('-') : null;
}
