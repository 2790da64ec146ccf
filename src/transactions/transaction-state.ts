// The half-message state machine (SPEC §5): PREPARED → COMMITTED | ROLLED_BACK | STUCK; STUCK → COMMITTED | ROLLED_BACK.
export const TRANSACTION_STATES = ['PREPARED', 'COMMITTED', 'ROLLED_BACK', 'STUCK'] as const;
export type TransactionState = (typeof TRANSACTION_STATES)[number];
export const VERDICTS = ['COMMIT', 'ROLLBACK'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const STATE_AFTER: Record<Verdict, TransactionState> = {
  COMMIT: 'COMMITTED',
  ROLLBACK: 'ROLLED_BACK',
};

/** The states a verdict applies to, and an operator acts on; any other is final (history). */
export const OPEN_STATES = ['PREPARED', 'STUCK'] as const satisfies readonly TransactionState[];
export type OpenState = (typeof OPEN_STATES)[number];

const isOpen = (state: TransactionState): state is OpenState =>
  (OPEN_STATES as readonly TransactionState[]).includes(state);

/**
 * What a verdict does to a transaction in `state`: `apply` it, accept a `repeat` of the verdict
 * already reached (idempotent), or refuse the opposite verdict as a `conflict`.
 */
export function verdictEffect(state: TransactionState, verdict: Verdict): 'apply' | 'repeat' | 'conflict' {
  if (isOpen(state)) return 'apply';
  return state === STATE_AFTER[verdict] ? 'repeat' : 'conflict';
}
