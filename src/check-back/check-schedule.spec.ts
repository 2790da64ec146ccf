import { nextCheckDelaySeconds } from './check-schedule';

describe(nextCheckDelaySeconds.name, () => {
  it('doubles from the interval after each unanswered check', () => {
    expect([1, 2, 3, 4, 5].map((n) => nextCheckDelaySeconds(n, 30, 600))).toEqual([30, 60, 120, 240, 480]);
  });

  it('never exceeds maxCheckIntervalSeconds', () => {
    expect(nextCheckDelaySeconds(6, 30, 600)).toBe(600);
    expect(nextCheckDelaySeconds(1000, 30, 600)).toBe(600);
  });
});
