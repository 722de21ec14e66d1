/**
 * The storage interface the protocol code talks to, async throughout: embedded SQLite (`sqlite-storage.ts`) or
 * PostgreSQL shared by several processes (`postgres/postgres-storage.ts`). Both pass one contract suite
 * (test/storage-contract.test.ts). What every implementation promises, to every process that shares it:
 * - a room's seq is gap-free, and its events are numbered in commit order (one room, one order, whichever process
 *   commits);
 * - an op's idempotency key is one key for all of them: the same op again is a duplicate with its first seq, another
 *   op under the key a `conflict` — also when both arrive at two processes at once;
 * - `commit` resolves only once the op is durable (an ack never outlives a crash);
 * - `snapshot` and `eventsSince` each read one consistent state (never a seq without its events), which holds every
 *   op of the room this storage accepted (`commit` called) before the read: a resync after a lost link tells
 *   whether the op in flight was committed;
 * - text holding U+0000 never reaches it (the protocol schemas refuse it: PostgreSQL text cannot hold it).
 */
import type { Marker, Op } from '../../protocol/messages.js';
import type { WireEvent } from '../fanout/event-run.js';
import type { DecisionState, EventBody } from '../rooms/decide.js';

export interface RoomSnapshot {
  epoch: string;
  seq: number;
  markers: Marker[];
}

export interface CommitInput {
  tenant: string;
  op: Op;
  /** Identifies the op for idempotency (see rooms/fingerprint.ts). */
  fingerprint: string;
  now: number;
  /** Pure decision, called inside the transaction with the state it needs; throws ProtocolError to refuse. */
  decide(state: DecisionState): EventBody;
}

/** Usage of one tenant on one UTC day (SPEC §3). */
export interface DayUsage {
  day: string;
  pubSubMessageCount: number;
  pubSubBandwidth: number;
  conversationCreateCount: number;
}

export type CommitResult =
  /** The op was committed as `event` (serialized once: what the log keeps and every transport sends). */
  | { duplicate: false; seq: number; event: WireEvent }
  /** The same op was committed before: its first ack's seq, and no new event. */
  | { duplicate: true; seq: number };

/** What the commit pipeline has done since the process started (for metrics, and tests of group commit). */
export interface CommitStats {
  /** Transactions that wrote at least one op. */
  groups: number;
  /** Ops they wrote (an idempotent duplicate or a refused op writes nothing). */
  ops: number;
}

export interface Storage {
  /** The database's epoch: made once, kept across restarts; a new database has a new one. */
  readonly epoch: string;
  readonly commitStats: Readonly<CommitStats>;
  /** A value from the meta table, created with `make()` on first use and kept forever after. */
  metaValue(key: string, make: () => string): Promise<string>;
  /** A room's markers and seq (seq 0 and no markers for a room never written to). */
  snapshot(tenant: string, room: string): Promise<RoomSnapshot>;
  /**
   * The events after `since`, in order, with the room's current seq — or null when they can't all be given
   * (trimmed from the log, or `since` is ahead of the room).
   */
  eventsSince(tenant: string, room: string, since: number): Promise<{ seq: number; events: WireEvent[] } | null>;
  /**
   * Commits one op: idempotency check (same key + same fingerprint → the first seq, no event; different
   * fingerprint → ProtocolError conflict), decision, state write, event append with seq + 1, idempotency key — all
   * or nothing. Ops may be committed in groups (one transaction for the ops that arrive while a commit runs), each
   * still decided in arrival order on the state the ones before it left, each with its own result or error. Resolves
   * only after the transaction holding the op has committed.
   */
  commit(input: CommitInput): Promise<CommitResult>;
  /** Adds usage deltas (per tenant per day) to the stored counters, in one transaction. */
  addUsage(deltas: ReadonlyArray<DayUsage & { tenant: string }>): Promise<void>;
  /** A tenant's stored usage, one entry per day, oldest first. */
  usage(tenant: string): Promise<DayUsage[]>;
  close(): Promise<void>;
}
