// Whole delivery histories, checked against the SPEC's guarantees (§1). Specs record every push a
// consumer saw (arrival, answer or hang-up) and every pull receive, ack and nack (request start and
// answer), then `checkHistory` judges the whole record per consumer group and member:
//
//   G1  nothing arrives that was never committed;
//   G2  every committed message a group should get was acked (a 2xx or an answered ack) or is a
//       dead letter, and every message whose producer heard "sent" is committed;
//   G3  nothing arrives again after a 2xx or an answered ack (unless a replay reopened it);
//   G4  in ordered groups, per key, no attempt of a later message starts before every earlier
//       message was acked or dead-lettered, duplicates counted;
//   G6  no two attempts of one message overlap.
//
// Times are the observer's (ms since the epoch), and every rule flags only what the observations
// prove: a push's attempt began before the consumer saw it and the service learned its answer
// only after the consumer gave it (or hung up, at its time-out); a pull attempt began before its
// receive was answered and ended no earlier than its ack was sent or its invisible time ran out.

export interface PushSeen {
  kind: 'push';
  group: string;
  /** '' in clustering groups; the URL in broadcasting ones. */
  member: string;
  messageId: string;
  attempt: number;
  /** When the consumer had the request. */
  start: number;
  /** When the consumer answered, or when the service hung up first. */
  end: number;
  /** The status answered; null when the service hung up before the answer (its time-out, a crash). */
  status: number | null;
}

export interface ReceiveSeen {
  kind: 'receive';
  group: string;
  member: string;
  messageId: string;
  attempt: number;
  receipt: string;
  start: number;
  end: number;
  invisibleMs: number;
}

export interface AckSeen {
  kind: 'ack';
  group: string;
  receipts: string[];
  start: number;
  end: number;
  /** The receipts the answer counted as acked; null when no answer came (the ack may have landed). */
  acked: string[] | null;
}

export interface NackSeen {
  kind: 'nack';
  group: string;
  receipt: string;
  start: number;
  end: number;
}

/** A redrive or replay: `reopened` are the messages it made deliverable again. */
export interface ReopenSeen {
  kind: 'redrive' | 'replay';
  group: string;
  reopened: string[];
  start: number;
  end: number;
}

/**
 * An instance killed: SIGKILL sent at `start`, its exit seen at `end`. A push it wrote before it
 * died may be seen by the consumer after `start`; a 2xx it was being given, or had just been
 * given, may never have been recorded.
 */
export interface CrashSeen {
  kind: 'crash';
  start: number;
  end: number;
}

export type Seen = PushSeen | ReceiveSeen | AckSeen | NackSeen | ReopenSeen | CrashSeen;

export interface GroupUnderTest {
  name: string;
  ordered: boolean;
  /** '' for a clustering group; the URLs or consumer ids of a broadcasting one. */
  members: string[];
  /** The committed messages this group must get (its topic and filter, committed after it was made). */
  expected: string[];
  /** Retries before a dead letter: attempt `maxRetries + 1` failing dead-letters a message. */
  maxRetries: number;
}

export interface CommittedMessage {
  id: string;
  seq: number;
  shardingKey: string | null;
}

export interface HistoryFacts {
  groups: GroupUnderTest[];
  /** Every committed message, as Postgres has it at the end. */
  committed: CommittedMessage[];
  /** Messages whose producer was told they were sent or committed (a 2xx). */
  published: string[];
  /** Final delivery states from Postgres: `${group}\n${member}\n${messageId}` → state. */
  finalStates: Map<string, string>;
}

export interface Violation {
  rule: 'G1' | 'G2' | 'G3' | 'G4' | 'G6';
  group: string;
  messageId: string;
  message: string;
}

/** How long after a consumer's 2xx a killed instance may still have owed its record. */
export const CRASH_RECORD_WINDOW_MS = 2000;

/** An attempt of one message to one member, push or pull, as an interval with its ending. */
interface Attempt {
  messageId: string;
  attempt: number;
  /** The attempt surely began by `begunBy` (push: the consumer had it; pull: the receive answered). */
  begunBy: number;
  /** The attempt began no earlier than this. */
  begunAfter: number;
  /** The service learned how it ended no earlier than this (Infinity while it never ended). */
  endedAfter: number;
  /** How it ended, as far as the observer knows. */
  outcome: 'ok' | 'failed' | 'unknown';
  /** For an 'ok' push: when the 2xx was given. For a pull ack: when the ack was sent. */
  okAt?: number;
  seen: PushSeen | ReceiveSeen;
}

const stateKey = (group: string, member: string, messageId: string) => `${group}\n${member}\n${messageId}`;

/** Judges the whole history; an empty list means every guarantee held. */
export function checkHistory(history: readonly Seen[], facts: HistoryFacts): Violation[] {
  const violations: Violation[] = [];
  const committed = new Map(facts.committed.map((m) => [m.id, m]));
  const crashes = history.filter((s): s is CrashSeen => s.kind === 'crash');
  const flag = (rule: Violation['rule'], group: string, messageId: string, message: string) =>
    violations.push({ rule, group, messageId, message });

  for (const id of facts.published) {
    if (!committed.has(id))
      flag('G2', '-', id, 'the producer heard "sent", but Postgres has it uncommitted or not at all');
  }

  for (const group of facts.groups) {
    const attempts = attemptsOf(history, group.name);
    const reopens = history.filter(
      (s): s is ReopenSeen => (s.kind === 'redrive' || s.kind === 'replay') && s.group === group.name,
    );
    for (const member of group.members) {
      const mine = attempts.get(member) ?? new Map<string, Attempt[]>();
      for (const [messageId, list] of mine) {
        if (!committed.has(messageId)) {
          flag('G1', group.name, messageId, `delivered (attempt ${list[0].attempt}) but never committed`);
        } else if (!group.expected.includes(messageId)) {
          flag(
            'G1',
            group.name,
            messageId,
            'delivered to a group that should not get it (topic, filter or start)',
          );
        }
        checkAfterAck(list, reopens, crashes, (message) => flag('G3', group.name, messageId, message));
        checkOverlap(list, reopens, (message) => flag('G6', group.name, messageId, message));
      }
      for (const messageId of group.expected) {
        const state = facts.finalStates.get(stateKey(group.name, member, messageId));
        const list = mine.get(messageId) ?? [];
        if (state === 'dead') continue;
        if (state !== 'acked') {
          flag(
            'G2',
            group.name,
            messageId,
            `not delivered: ${state ?? 'no delivery'} at the end (member '${member}')`,
          );
        } else if (!list.some((a) => a.outcome === 'ok' || a.outcome === 'unknown')) {
          flag('G2', group.name, messageId, 'acked in Postgres without a 2xx or an ack from the consumer');
        }
      }
      if (group.ordered) {
        checkKeyOrder(group, mine, committed, reopens, (id, message) => flag('G4', group.name, id, message));
      }
    }
  }
  return violations;
}

/** Every attempt seen in a group, by member and message, in the order they began. */
function attemptsOf(history: readonly Seen[], group: string): Map<string, Map<string, Attempt[]>> {
  const acks = history.filter((s): s is AckSeen => s.kind === 'ack' && s.group === group);
  const nacks = history.filter((s): s is NackSeen => s.kind === 'nack' && s.group === group);
  const byMember = new Map<string, Map<string, Attempt[]>>();
  const add = (member: string, attempt: Attempt) => {
    const messages = byMember.get(member) ?? new Map<string, Attempt[]>();
    byMember.set(member, messages);
    messages.set(attempt.messageId, [...(messages.get(attempt.messageId) ?? []), attempt]);
  };
  for (const seen of history) {
    if (seen.kind === 'push' && seen.group === group) {
      const ok = seen.status !== null && seen.status >= 200 && seen.status < 300;
      add(seen.member, {
        messageId: seen.messageId,
        attempt: seen.attempt,
        begunBy: seen.start,
        begunAfter: -Infinity,
        endedAfter: seen.end,
        outcome: ok ? 'ok' : 'failed',
        okAt: ok ? seen.end : undefined,
        seen,
      });
    } else if (seen.kind === 'receive' && seen.group === group) {
      const ack = acks.find((a) => a.receipts.includes(seen.receipt) && a.start >= seen.start);
      const answered = ack?.acked?.includes(seen.receipt) === true;
      const nack = nacks.find((n) => n.receipt === seen.receipt);
      // The invisible time was set while the receive ran, so it surely lasts until start + invisible.
      const expiry = seen.start + seen.invisibleMs;
      const ends = [
        expiry,
        ack && (answered || ack.acked === null) ? ack.start : Infinity,
        nack?.start ?? Infinity,
      ];
      add(seen.member, {
        messageId: seen.messageId,
        attempt: seen.attempt,
        begunBy: seen.end,
        begunAfter: seen.start,
        endedAfter: Math.min(...ends),
        outcome: answered ? 'ok' : ack && ack.acked === null ? 'unknown' : 'failed',
        okAt: answered ? ack.start : undefined,
        seen,
      });
    }
  }
  for (const messages of byMember.values()) {
    for (const list of messages.values()) list.sort((a, b) => a.begunBy - b.begunBy);
  }
  return byMember;
}

/** Whether `later` surely began after `acked` was acknowledged. */
function beganAfterAck(later: Attempt, acked: Attempt): boolean {
  if (later.seen.kind === 'push') return later.begunBy > (acked.okAt as number);
  // A receive answered after the acked one was handed out, with its receipt still current until
  // the ack landed: it could only have been handed out after the ack.
  return later.begunAfter > acked.begunBy;
}

/** G3: no attempt begins after an acked one, unless a redrive or replay in between reopened it. */
function checkAfterAck(
  list: Attempt[],
  reopens: ReopenSeen[],
  crashes: CrashSeen[],
  flag: (message: string) => void,
) {
  for (const acked of list.filter((a) => a.outcome === 'ok')) {
    const okAt = acked.okAt as number;
    for (const later of list) {
      if (later === acked || !beganAfterAck(later, acked)) continue;
      const reopened = reopens.some(
        (r) => r.reopened.includes(acked.messageId) && r.end > okAt && r.start < later.begunBy,
      );
      // A push's 2xx is recorded after it is given: an instance killed in between never recorded
      // it, and one killed while the push was out never read it (the consumer's answer still
      // leaves its socket before the reset arrives). The push may be the victim's if it began
      // before the victim's exit was seen: bytes it wrote just before SIGKILL reach the consumer
      // after the kill was sent.
      const lostToCrash =
        acked.seen.kind === 'push' &&
        crashes.some((c) => acked.seen.start <= c.end && c.start <= okAt + CRASH_RECORD_WINDOW_MS);
      if (!reopened && !lostToCrash) flag(`${describe(later)} after ${describe(acked)} was acknowledged`);
    }
  }
}

/**
 * G6: the service never runs two attempts of one message to one member at once: an attempt that
 * surely ran at a moment when an earlier one had surely not ended yet.
 */
function checkOverlap(list: Attempt[], reopens: ReopenSeen[], flag: (message: string) => void) {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [a, b] = [list[i], list[j]];
      const reopenedBetween = reopens.some(
        (r) => r.reopened.includes(a.messageId) && r.start > a.begunBy && r.start < b.begunBy,
      );
      if (b.begunBy < a.endedAfter) {
        flag(`${describe(b)} began while ${describe(a)} was still running`);
      } else if (a.attempt === b.attempt && !reopenedBetween) {
        // One claim makes one attempt: the same number twice is one claim handed out twice.
        flag(`${describe(b)} repeats ${describe(a)}: the same attempt went out twice`);
      }
    }
  }
}

/**
 * G4: per key, an attempt of a later message may begin only once every earlier message that is
 * open has finished (acked or dead-lettered). A message is open from its commit until its first
 * finish, and again from a redrive or replay that reopened it until its next finish. Redrives and
 * replays are made while the group is idle, so an attempt seen after one belongs to it.
 */
function checkKeyOrder(
  group: GroupUnderTest,
  attempts: Map<string, Attempt[]>,
  committed: Map<string, CommittedMessage>,
  reopens: ReopenSeen[],
  flag: (messageId: string, message: string) => void,
) {
  const byKey = new Map<string, CommittedMessage[]>();
  for (const id of group.expected) {
    const message = committed.get(id);
    if (!message || message.shardingKey === null) continue;
    byKey.set(message.shardingKey, [...(byKey.get(message.shardingKey) ?? []), message]);
  }
  for (const [key, messages] of byKey) {
    messages.sort((a, b) => a.seq - b.seq);
    const open = messages.map((m) =>
      openIntervals(m.id, attempts.get(m.id) ?? [], reopens, group.maxRetries),
    );
    for (let l = 1; l < messages.length; l++) {
      for (const later of attempts.get(messages[l].id) ?? []) {
        for (let e = 0; e < l; e++) {
          const blocking = open[e].some(([from, to]) => later.begunBy > from && later.begunBy < to);
          if (blocking) {
            flag(
              messages[l].id,
              `${describe(later)} of key '${key}' (seq ${messages[l].seq}) began while the earlier ${messages[e].id} (seq ${messages[e].seq}) was unfinished`,
            );
          }
        }
      }
    }
  }
}

/**
 * When a message was surely open: from the start of the history until its first finish, then from
 * the end of each reopening until the next finish after it. A finish is an acked attempt (or an
 * ack whose answer was lost) or a failed attempt past `maxRetries` retries (its dead letter); the
 * service knew of it no earlier than the attempt's `endedAfter`.
 */
function openIntervals(
  messageId: string,
  list: Attempt[],
  reopens: ReopenSeen[],
  maxRetries: number,
): [number, number][] {
  const finishes = list.filter((a) => a.outcome !== 'failed' || a.attempt > maxRetries);
  const finishAfter = (from: number) =>
    Math.min(...finishes.filter((a) => a.begunBy > from).map((a) => a.endedAfter), Infinity);
  const intervals: [number, number][] = [[-Infinity, finishAfter(-Infinity)]];
  for (const reopen of reopens.filter((r) => r.reopened.includes(messageId))) {
    intervals.push([reopen.end, finishAfter(reopen.start)]);
  }
  return intervals;
}

function describe(a: Attempt): string {
  const s = a.seen;
  return s.kind === 'push'
    ? `push #${s.attempt} [${s.start}..${s.end} → ${s.status ?? 'hung up'}]`
    : `receive #${s.attempt} [${s.start}..${s.end}, ${s.receipt.slice(0, 12)}…]`;
}

/** The history as lines, for a failing spec to print. */
export function formatHistory(history: readonly Seen[], t0 = 0): string {
  const t = (ms: number) => `+${ms - t0}`;
  return [...history]
    .sort((a, b) => a.start - b.start)
    .map((s) => {
      switch (s.kind) {
        case 'push':
          return `${t(s.start)}..${t(s.end)} push ${s.group}/${s.member || '-'} ${s.messageId} #${s.attempt} → ${s.status ?? 'hung up'}`;
        case 'receive':
          return `${t(s.start)}..${t(s.end)} receive ${s.group}/${s.member || '-'} ${s.messageId} #${s.attempt} ${s.receipt.slice(0, 12)}`;
        case 'ack':
          return `${t(s.start)}..${t(s.end)} ack ${s.group} ${s.receipts.length} → ${s.acked === null ? 'no answer' : `${s.acked.length} acked`}`;
        case 'nack':
          return `${t(s.start)}..${t(s.end)} nack ${s.group} ${s.receipt.slice(0, 12)}`;
        case 'crash':
          return `${t(s.start)}..${t(s.end)} kill -9`;
        default:
          return `${t(s.start)}..${t(s.end)} ${s.kind} ${s.group} (${s.reopened.length} reopened)`;
      }
    })
    .join('\n');
}
