import { verdictEffect } from './transaction-state';

describe(verdictEffect.name, () => {
  it.each([
    ['PREPARED', 'COMMIT', 'apply'],
    ['PREPARED', 'ROLLBACK', 'apply'],
    ['STUCK', 'COMMIT', 'apply'],
    ['STUCK', 'ROLLBACK', 'apply'],
    ['COMMITTED', 'COMMIT', 'repeat'],
    ['ROLLED_BACK', 'ROLLBACK', 'repeat'],
    ['COMMITTED', 'ROLLBACK', 'conflict'],
    ['ROLLED_BACK', 'COMMIT', 'conflict'],
  ] as const)('%s + %s → %s', (state, verdict, effect) => {
    expect(verdictEffect(state, verdict)).toBe(effect);
  });
});
