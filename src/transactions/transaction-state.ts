// The half-message state machine (SPEC §5): PREPARED → COMMITTED | ROLLED_BACK | STUCK; STUCK → COMMITTED | ROLLED_BACK.
export const TRANSACTION_STATES = ['PREPARED', 'COMMITTED', 'ROLLED_BACK', 'STUCK'] as const;
export type TransactionState = (typeof TRANSACTION_STATES)[number];
export type Verdict = 'COMMIT' | 'ROLLBACK';

export const STATE_AFTER: Record<Verdict, TransactionState> = {
  COMMIT: 'COMMITTED',
  ROLLBACK: 'ROLLED_BACK',
};

/** The states a verdict applies to; any other is final. */
export const OPEN_STATES: readonly TransactionState[] = ['PREPARED', 'STUCK'];

/**
 * What a verdict does to a transaction in `state`: `apply` it, accept a `repeat` of the verdict
 * already reached (idempotent), or refuse the opposite verdict as a `conflict`.
 */
export function verdictEffect(state: TransactionState, verdict: Verdict): 'apply' | 'repeat' | 'conflict' {
  if (OPEN_STATES.includes(state)) return 'apply';
  return state === STATE_AFTER[verdict] ? 'repeat' : 'conflict';
}
