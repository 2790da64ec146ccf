import { CRASH_RECORD_WINDOW_MS, checkHistory, type HistoryFacts, type Seen } from './delivery-history';

const G = 'orders';
const push = (
  messageId: string,
  attempt: number,
  start: number,
  end: number,
  status: number | null,
): Seen => ({
  kind: 'push',
  group: G,
  member: '',
  messageId,
  attempt,
  start,
  end,
  status,
});
const receive = (messageId: string, attempt: number, start: number, end: number, receipt: string): Seen => ({
  kind: 'receive',
  group: G,
  member: '',
  messageId,
  attempt,
  receipt,
  start,
  end,
  invisibleMs: 1000,
});

/** Messages a1, a2 (key a) and b1 (key b), committed in that order, all expected in one group. */
function facts(overrides: Partial<HistoryFacts> = {}, finalState = 'acked', ordered = true): HistoryFacts {
  return {
    groups: [{ name: G, ordered, members: [''], expected: ['a1', 'a2', 'b1'], maxRetries: 2 }],
    committed: [
      { id: 'a1', seq: 1, shardingKey: 'a' },
      { id: 'a2', seq: 2, shardingKey: 'a' },
      { id: 'b1', seq: 3, shardingKey: 'b' },
    ],
    published: ['a1', 'a2', 'b1'],
    finalStates: new Map(['a1', 'a2', 'b1'].map((id) => [`${G}\n\n${id}`, finalState])),
    ...overrides,
  };
}

const rules = (history: Seen[], f = facts()) =>
  checkHistory(history, f).map((v) => `${v.rule} ${v.messageId}`);

describe('checkHistory', () => {
  const clean: Seen[] = [
    push('a1', 1, 0, 10, 500),
    push('b1', 1, 5, 8, 200), // another key goes on meanwhile
    push('a1', 2, 1000, 1005, 200),
    push('a2', 1, 1010, 1012, 200),
  ];

  it('passes a history that keeps every guarantee', () => {
    expect(rules(clean)).toEqual([]);
  });

  it('G1: flags a delivery of a message that never committed', () => {
    expect(rules([...clean, push('x9', 1, 2000, 2001, 200)])).toEqual(['G1 x9']);
  });

  it('G2: flags a committed message that was never acked, and a "sent" message Postgres lacks', () => {
    const missing = facts({
      finalStates: new Map([
        [`${G}\n\na1`, 'acked'],
        [`${G}\n\nb1`, 'acked'],
        [`${G}\n\na2`, 'retrying'],
      ]),
    });
    expect(rules(clean, missing)).toEqual(['G2 a2']);
    expect(rules(clean, facts({ published: ['a1', 'a2', 'b1', 'lost'] }))).toEqual(['G2 lost']);
  });

  it('G2: flags a message Postgres calls acked that the consumer never answered with a 2xx', () => {
    expect(rules(clean.filter((s) => s.kind !== 'push' || s.messageId !== 'b1'))).toEqual(['G2 b1']);
  });

  it('G3: flags a push after a 2xx, even when sorted arrivals look fine', () => {
    expect(rules([...clean, push('a2', 2, 1500, 1501, 200)])).toEqual(['G3 a2']);
  });

  it('G3: allows a push after a 2xx that a killed instance may never have read or recorded', () => {
    const after: Seen = { kind: 'crash', start: 1013, end: 1015 };
    expect(rules([...clean, after, push('a2', 2, 1500, 1501, 200)])).toEqual([]);
    const during: Seen = { kind: 'crash', start: 1011, end: 1013 }; // a2's push ran 1010..1012
    expect(rules([...clean, during, push('a2', 2, 1500, 1501, 200)])).toEqual([]);
    // SIGKILL sent before the consumer saw the push, but the victim died after: it may have written it.
    const dying: Seen = { kind: 'crash', start: 1008, end: 1011 };
    expect(rules([...clean, dying, push('a2', 2, 1500, 1501, 200)])).toEqual([]);
    const before: Seen = { kind: 'crash', start: 1007, end: 1009 };
    expect(rules([...clean, before, push('a2', 2, 1500, 1501, 200)])).toEqual(['G3 a2']);
    const longAfter: Seen = { kind: 'crash', start: 1012 + CRASH_RECORD_WINDOW_MS + 1, end: 4000 };
    expect(rules([...clean, longAfter, push('a2', 2, 5000, 5001, 200)])).toEqual(['G3 a2']);
  });

  it('G3: allows redelivery after a replay reopened the message', () => {
    const replay: Seen = { kind: 'replay', group: G, reopened: ['a1', 'a2', 'b1'], start: 3000, end: 3010 };
    const again = [
      push('a1', 1, 3020, 3021, 200),
      push('a2', 1, 3030, 3031, 200),
      push('b1', 1, 3025, 3026, 200),
    ];
    expect(rules([...clean, replay, ...again])).toEqual([]);
    // …but still checks order within the replay: a2 before a1 had finished.
    const reordered = [
      push('a1', 1, 3020, 3040, 200),
      push('a2', 1, 3030, 3031, 200),
      push('b1', 1, 3025, 3026, 200),
    ];
    expect(rules([...clean, replay, ...reordered])).toEqual(['G4 a2']);
  });

  it('G4: flags a later message of a key pushed while the earlier one waits for its retry', () => {
    expect(rules([...clean.slice(0, 2), push('a2', 1, 500, 501, 200), clean[2]])).toEqual(['G4 a2']);
  });

  it('G4: lets the key go on once the earlier message is dead-lettered', () => {
    const dead = [push('a1', 1, 0, 1, 500), push('a1', 2, 100, 101, 500), push('a1', 3, 200, 201, 500)];
    const history = [...dead, push('b1', 1, 5, 8, 200), push('a2', 1, 210, 211, 200)];
    const f = facts({
      finalStates: new Map([
        [`${G}\n\na1`, 'dead'],
        [`${G}\n\na2`, 'acked'],
        [`${G}\n\nb1`, 'acked'],
      ]),
    });
    expect(rules(history, f)).toEqual([]);
    // One attempt too early: a1's third attempt had not been answered yet.
    expect(rules([...dead, push('b1', 1, 5, 8, 200), push('a2', 1, 150, 151, 200)], f)).toEqual(['G4 a2']);
  });

  it('G4 is not asked of unordered groups', () => {
    expect(
      rules([...clean.slice(0, 2), push('a2', 1, 500, 501, 200), clean[2]], facts({}, 'acked', false)),
    ).toEqual([]);
  });

  it('G6: flags two attempts of one message at once, and one attempt sent twice', () => {
    expect(rules([...clean, push('b1', 2, 6, 9, 500)])).toContain('G6 b1');
    expect(rules([push('a1', 1, 0, 0, 500), push('a1', 1, 0, 4, 200), ...clean.slice(1)])).toContain('G6 a1');
  });

  describe('pull', () => {
    const ack = (receipts: string[], start: number, acked: string[] | null): Seen => ({
      kind: 'ack',
      group: G,
      receipts,
      start,
      end: start + 2,
      acked,
    });
    const pulled: Seen[] = [
      receive('a1', 1, 0, 5, 'r1'),
      receive('b1', 1, 0, 5, 'r2'),
      ack(['r1', 'r2'], 10, ['r1', 'r2']),
      receive('a2', 1, 20, 25, 'r3'),
      ack(['r3'], 30, ['r3']),
    ];

    it('passes receives acked in order', () => {
      expect(rules(pulled)).toEqual([]);
    });

    it('G3: flags a receive after an answered ack', () => {
      expect(rules([...pulled, receive('a1', 2, 40, 45, 'r4')])).toContain('G3 a1');
    });

    it('G6: flags a redelivery while the invisible time still runs, not one after it ran out', () => {
      const rest = [receive('b1', 1, 0, 5, 'r2'), ack(['r2'], 10, ['r2'])];
      const tail = [receive('a2', 1, 1200, 1205, 'r5'), ack(['r5'], 1210, ['r5'])];
      const early = [
        receive('a1', 1, 0, 5, 'r1'),
        receive('a1', 2, 500, 505, 'r4'),
        ack(['r4'], 510, ['r4']),
      ];
      expect(rules([...early, ...rest, ...tail])).toEqual(['G6 a1']);
      const late = [
        receive('a1', 1, 0, 5, 'r1'),
        receive('a1', 2, 1100, 1105, 'r4'),
        ack(['r4'], 1110, ['r4']),
      ];
      expect(rules([...late, ...rest, ...tail])).toEqual([]);
    });

    it('G4: flags a later message received before the earlier one was acked', () => {
      expect(
        rules([pulled[0], pulled[1], receive('a2', 1, 6, 8, 'r3'), pulled[2], ack(['r3'], 30, ['r3'])]),
      ).toContain('G4 a2');
    });
  });
});
