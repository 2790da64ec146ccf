// What each operator action on transactions is called and does, as the console says it.
export type Action = 'recheck' | 'commit' | 'rollback';

export const VERB: Record<Action, { label: string; done: string; effect: string; danger: boolean }> = {
  recheck: {
    label: 'Recheck',
    done: 'Recheck requested for',
    effect: 'Each producer is asked once more; only an explicit COMMIT or ROLLBACK resolves a transaction.',
    danger: false,
  },
  commit: {
    label: 'Commit',
    done: 'Committed',
    effect: 'Their messages become visible and are delivered to consumers. This cannot be undone.',
    danger: true,
  },
  rollback: {
    label: 'Roll back',
    done: 'Rolled back',
    effect: 'Their messages are discarded and never delivered. This cannot be undone.',
    danger: true,
  },
};

export const ACTIONS: Action[] = ['recheck', 'commit', 'rollback'];
