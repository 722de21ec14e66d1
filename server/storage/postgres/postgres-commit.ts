/**
 * Group commit on PostgreSQL. `commit` queues the op in its room's lane; the ops that arrive while the lane's
 * transaction is in flight go together into its next one — one BEGIN/COMMIT (one WAL flush) per group. The lanes
 * (LANES) run side by side, on rooms apart. In a group's transaction:
 *
 * 1. The rooms of the group are locked first, in one sorted order (so two processes never deadlock on them): a room
 *    row is made if missing (a placeholder at seq 0) and locked with `INSERT … ON CONFLICT DO UPDATE … RETURNING`.
 *    Holding the row until COMMIT is what makes seq gap-free and in commit order across processes.
 * 2. Each op runs in its own SAVEPOINT, in arrival order, on the state the ones before it left, so a refused op
 *    refuses only itself; each gets its own seq, result or error.
 * 3. The rooms' new seq and counters are written back, placeholders no op wrote to are removed, and COMMIT.
 *
 * Promises settle only after COMMIT. A serialization failure or deadlock (a race with another process) runs the
 * whole group again — the decisions are pure, so that is safe — a few times, then the ops fail (internal).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import type { CommitInput, CommitResult, CommitStats } from '../storage.js';
import { checkOut, isRetryable } from './postgres-errors.js';
import { answerFromStored, commitOp, KeyTakenMeanwhile, type LockedRoom } from './postgres-op.js';

// At most this many ops per transaction. Each op's savepoint that writes takes a subtransaction id, and PostgreSQL
// keeps 64 of them per transaction in shared memory; past that every other session's snapshots get slower.
export const MAX_GROUP = 64;
// Rooms are spread over this many lanes (by a hash of the room), each with one group in flight on a connection of
// its own: PostgreSQL works on several groups while each waits for its round trips, and a room's ops, all in one
// lane, still commit one group after the other, in the order they came.
export const LANES = 4;
// Runs of one group before its ops fail: each retry follows a lost race, which the next run rarely loses again.
const MAX_ATTEMPTS = 5;

interface QueuedCommit {
  input: CommitInput;
  resolve(result: CommitResult): void;
  reject(err: unknown): void;
}

type Outcome = { result: CommitResult; err?: undefined } | { result?: undefined; err: unknown };

const roomKey = (tenant: string, room: string) => `${tenant}\u0000${room}`;

// Lock order is the database's "C" (byte) order, the same in every process whatever its locale.
const LOCK_ROOMS_SQL = `INSERT INTO rooms (tenant, room)
  SELECT tenant, room FROM unnest($1::text[], $2::text[]) AS wanted (tenant, room)
  ORDER BY tenant COLLATE "C", room COLLATE "C"
  ON CONFLICT (tenant, room) DO UPDATE SET seq = rooms.seq
  RETURNING tenant, room, seq, last_number, marker_count`;

const WRITE_ROOMS_SQL = `UPDATE rooms SET seq = v.seq, last_number = v.last_number, marker_count = v.marker_count
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::int[]) AS v (tenant, room, seq, last_number, marker_count)
  WHERE rooms.tenant = v.tenant AND rooms.room = v.room`;

const DROP_PLACEHOLDERS_SQL = `DELETE FROM rooms USING unnest($1::text[], $2::text[]) AS v (tenant, room)
  WHERE rooms.tenant = v.tenant AND rooms.room = v.room AND rooms.seq = 0`;

export interface GroupCommitOptions {
  /** After each committed group: the rooms it wrote, with their new seq (for the log's trimming). */
  onCommitted(rooms: ReadonlyArray<{ tenant: string; room: string; seq: number }>, ops: number): void;
}

export class GroupCommit {
  readonly stats: CommitStats = { groups: 0, ops: 0 };
  private readonly lanes: Lane[];
  /** Per room with commits pending: the last one's settling. */
  private readonly lastOfRoom = new Map<string, Promise<void>>();

  constructor(
    private readonly pool: Pool,
    private readonly options: GroupCommitOptions,
  ) {
    this.lanes = Array.from({ length: LANES }, () => new Lane((group) => this.runGroup(group)));
  }

  commit(input: CommitInput): Promise<CommitResult> {
    const committed = new Promise<CommitResult>((resolve, reject) => {
      this.lanes[laneOf(input.tenant, input.op.room)]!.push({ input, resolve, reject });
    });
    // A room's ops settle in the order they came, so its last one settling means all before it have.
    const key = roomKey(input.tenant, input.op.room);
    const settled = committed.then(
      () => {},
      () => {},
    );
    this.lastOfRoom.set(key, settled);
    void settled.then(() => {
      if (this.lastOfRoom.get(key) === settled) this.lastOfRoom.delete(key);
    });
    return committed;
  }

  /** Resolves once every commit of the room queued so far has settled (undefined: none is pending). */
  settledFor(tenant: string, room: string): Promise<void> | undefined {
    return this.lastOfRoom.get(roomKey(tenant, room));
  }

  /** Resolves when every op queued so far has settled. */
  async drain(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.drain()));
  }

  private async runGroup(group: QueuedCommit[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      let release: (broken?: Error) => void;
      try {
        ({ client, release } = await checkOut(this.pool));
      } catch (err) {
        for (const { reject } of group) reject(err);
        return;
      }
      let outcomes: Outcome[];
      let rooms: LockedRoom[];
      try {
        ({ outcomes, rooms } = await this.transaction(client, group));
        release();
      } catch (err) {
        const broken = await client.query('ROLLBACK').then(
          () => undefined,
          (rollbackErr: unknown) => rollbackErr,
        );
        release(broken instanceof Error ? broken : undefined); // a connection that cannot roll back is dropped
        if (isRetryable(err) && attempt < MAX_ATTEMPTS) {
          await sleep(Math.random() * 5 * attempt);
          continue;
        }
        // Nothing of the group was written (or COMMIT's fate is unknown: the ops' keys make a retry safe).
        for (const { reject } of group) reject(err);
        return;
      }
      const written = rooms.filter((room) => room.written);
      const ops = outcomes.filter((outcome) => outcome.result && !outcome.result.duplicate).length;
      if (ops > 0) {
        this.stats.groups += 1;
        this.stats.ops += ops;
        this.options.onCommitted(written, ops);
      }
      for (let i = 0; i < group.length; i++) {
        const outcome = outcomes[i]!;
        if (outcome.result) group[i]!.resolve(outcome.result);
        else group[i]!.reject(outcome.err);
      }
      return;
    }
  }

  private async transaction(client: PoolClient, group: QueuedCommit[]): Promise<{ outcomes: Outcome[]; rooms: LockedRoom[] }> {
    await client.query('BEGIN');
    const rooms = await lockRooms(client, group);
    const ordinals = await newRoomOrdinals(client, [...rooms.values()]);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < group.length; i++) {
      const { input } = group[i]!;
      // One round trip: the previous op's savepoint is released and this op's made.
      await client.query(i === 0 ? 'SAVEPOINT op' : 'RELEASE SAVEPOINT op; SAVEPOINT op');
      const room = rooms.get(roomKey(input.tenant, input.op.room))!;
      try {
        outcomes.push({ result: await commitOp(client, input, room, () => ordinals(input.tenant)) });
      } catch (err) {
        if (isRetryable(err)) throw err; // the whole group runs again
        await client.query('ROLLBACK TO SAVEPOINT op');
        if (err instanceof KeyTakenMeanwhile) {
          try {
            outcomes.push({ result: await answerFromStored(client, input) });
          } catch (answerErr) {
            outcomes.push({ err: answerErr });
          }
        } else {
          outcomes.push({ err });
        }
      }
    }
    await writeRooms(client, [...rooms.values()]);
    await client.query('COMMIT');
    return { outcomes, rooms: [...rooms.values()] };
  }
}

/** Locks every room of the group (made at seq 0 if missing), in the one lock order; their rows as read. */
async function lockRooms(client: PoolClient, group: QueuedCommit[]): Promise<Map<string, LockedRoom>> {
  const wanted = new Map<string, { tenant: string; room: string }>();
  for (const { input } of group) wanted.set(roomKey(input.tenant, input.op.room), { tenant: input.tenant, room: input.op.room });
  const list = [...wanted.values()];
  const { rows } = await client.query<{ tenant: string; room: string; seq: number; last_number: number; marker_count: number }>({
    name: 'image-chat-lock-rooms',
    text: LOCK_ROOMS_SQL,
    values: [list.map((r) => r.tenant), list.map((r) => r.room)],
  });
  const rooms = new Map<string, LockedRoom>();
  for (const row of rows) {
    rooms.set(roomKey(row.tenant, row.room), {
      tenant: row.tenant,
      room: row.room,
      seq: row.seq,
      lastNumber: row.last_number,
      markerCount: row.marker_count,
      existedBefore: row.seq > 0,
      written: false,
    });
  }
  return rooms;
}

/**
 * For the tenants getting a new room in this group: their rooms are counted (for maxRoomsPerTenant) under a
 * per-tenant transaction lock, taken after the room locks and in sorted order, so that two processes creating
 * rooms for one tenant at once count each other's. Returns the ordinal the next new room of a tenant would have.
 */
async function newRoomOrdinals(client: PoolClient, rooms: LockedRoom[]): Promise<(tenant: string) => Promise<number>> {
  const tenants = [...new Set(rooms.filter((room) => room.seq === 0).map((room) => room.tenant))].sort();
  for (const tenant of tenants) await client.query("SELECT pg_advisory_xact_lock(hashtextextended('image-chat tenant rooms ' || $1, 0))", [tenant]);
  const counted = new Map<string, number>();
  return async (tenant) => {
    let existing = counted.get(tenant);
    if (existing === undefined) {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM rooms WHERE tenant = $1 AND seq > 0', [tenant]);
      existing = rows[0]!.n;
      counted.set(tenant, existing);
    }
    // Rooms this group has already created count too (their rows are at seq 0 until written back).
    const createdHere = rooms.filter((room) => room.tenant === tenant && room.written && !room.existedBefore).length;
    return existing + createdHere + 1;
  };
}

/** Writes back the rooms' seq and counters, and removes the placeholders no op wrote to. */
async function writeRooms(client: PoolClient, rooms: LockedRoom[]): Promise<void> {
  const written = rooms.filter((room) => room.written);
  if (written.length > 0) {
    await client.query({
      name: 'image-chat-write-rooms',
      text: WRITE_ROOMS_SQL,
      values: [written.map((r) => r.tenant), written.map((r) => r.room), written.map((r) => r.seq), written.map((r) => r.lastNumber), written.map((r) => r.markerCount)],
    });
  }
  const unused = rooms.filter((room) => !room.written && room.seq === 0);
  if (unused.length > 0) await client.query(DROP_PLACEHOLDERS_SQL, [unused.map((r) => r.tenant), unused.map((r) => r.room)]);
}

/** The lane of a room: FNV-1a of its key. */
function laneOf(tenant: string, room: string): number {
  let hash = 0x811c9dc5;
  const key = roomKey(tenant, room);
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % LANES;
}

/** One lane: a queue, and at most one group of it in flight. */
class Lane {
  private queue: QueuedCommit[] = [];
  private running = false;
  private scheduled = false;
  private idle: Array<() => void> = [];

  constructor(private readonly run: (group: QueuedCommit[]) => Promise<void>) {}

  push(queued: QueuedCommit): void {
    this.queue.push(queued);
    this.schedule();
  }

  drain(): Promise<void> {
    if (!this.running && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((done) => this.idle.push(done));
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: every op read from the sockets in it joins the group.
    setImmediate(() => {
      this.scheduled = false;
      this.runNext();
    });
  }

  private runNext(): void {
    if (this.queue.length === 0) {
      for (const done of this.idle.splice(0)) done();
      return;
    }
    const group = this.queue.splice(0, MAX_GROUP);
    this.running = true;
    void this.run(group).finally(() => {
      this.running = false;
      this.schedule();
    });
  }
}
