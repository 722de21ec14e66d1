/**
 * Embedded SQLite storage (better-sqlite3, WAL). better-sqlite3 is synchronous, so every method runs to completion
 * without interleaving and `seq` is gap-free by construction.
 *
 * Group commit: `commit` queues the op, and the ops queued during one turn of the event loop (a burst read from a
 * socket, many writers at once) are committed together in one IMMEDIATE transaction at the end of the turn —
 * BEGIN/COMMIT paid once per group rather than once per op. Each op runs in its own savepoint, in arrival order, on
 * the state the ones before it left, so one refused op refuses only itself. Promises settle after COMMIT.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Comment, RoomEvent } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import { storedWireEvent, toWireEvent, type WireEvent } from '../fanout/event-run.js';
import { commentTarget, newCommentId, targetMarkerId, type MarkerHead } from '../rooms/decide.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { prepareStatements, toComment, toMarker, toMarkerHead, type Statements } from './sqlite-statements.js';
import { MIGRATIONS, SCHEMA_SQL, SCHEMA_VERSION } from './sqlite-schema.js';
import type { CommitInput, CommitResult, CommitStats, DayUsage, RoomSnapshot, Storage } from './storage.js';

export interface SqliteStorageOptions {
  dataDir: string;
  /** Events kept per room for resync. */
  eventLogRetention: number;
  /** How long idempotency keys are kept. */
  idempotencyTtlMs: number;
  /** Where background faults go (a checkpoint that failed); they never fail an op. */
  onError?: (message: string) => void;
}

// Prune expired idempotency keys, and trim the event log of the rooms written to, every this many commits (and at
// open): bounded tables, at a cost paid once per many ops instead of on each.
const MAINTAIN_EVERY = 256;
// How often the checkpointer thread folds the WAL back into the database (sqlite-checkpointer.ts).
const CHECKPOINT_EVERY_MS = 500;
// The automatic checkpoint (in COMMIT, on the event loop) as a fallback only: 10,000 pages, about 40 MB of WAL.
const FALLBACK_CHECKPOINT_PAGES = 10_000;
// The most ops one transaction holds: a group blocks the event loop while it runs (some 20–40 µs an op).
const MAX_GROUP = 256;

interface QueuedCommit {
  input: CommitInput;
  resolve(result: CommitResult): void;
  reject(err: unknown): void;
}

type Outcome = { result: CommitResult; err?: undefined } | { result?: undefined; err: unknown };

export class SqliteStorage implements Storage {
  readonly epoch: string;
  readonly commitStats: CommitStats = { groups: 0, ops: 0 };
  private readonly db: Database.Database;
  private commitsSinceMaintenance = 0;
  /** Rooms written to since the log was last trimmed, with their seq. */
  private readonly written = new Map<string, { tenant: string; room: string; seq: number }>();
  private queue: QueuedCommit[] = [];
  private scheduled = false;
  private readonly stmt: Statements;
  private readonly commitGroup: Database.Transaction<(group: QueuedCommit[], outcomes: Outcome[]) => void>;
  private readonly checkpointer: SqliteCheckpointer;

  constructor(private readonly options: SqliteStorageOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    const file = join(options.dataDir, 'image-chat.db');
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
    this.migrate();
    const db = this.db;
    this.stmt = prepareStatements(db);
    // Made once: a nested transaction function runs as a savepoint inside the group's transaction.
    const commitOne = db.transaction((input: CommitInput) => this.commitSync(input));
    this.commitGroup = db.transaction((group: QueuedCommit[], outcomes: Outcome[]) => {
      for (const { input } of group) {
        try {
          outcomes.push({ result: commitOne(input) });
        } catch (err) {
          outcomes.push({ err });
        }
      }
      this.commitsSinceMaintenance += group.length;
      if (this.commitsSinceMaintenance >= MAINTAIN_EVERY) this.maintain(Date.now());
    });
    this.epoch = this.metaValueSync('epoch', () => randomBytes(9).toString('base64url'));
    this.maintain(Date.now());
    this.checkpointer = new SqliteCheckpointer(file, CHECKPOINT_EVERY_MS, (message) => options.onError?.(`WAL checkpoint failed: ${message}`));
  }

  /** Brings the schema to SCHEMA_VERSION: version 2's tables, then each migration not applied yet. */
  private migrate(): void {
    this.db.exec(SCHEMA_SQL);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (const [target, sql] of MIGRATIONS) {
      if (target <= version) continue;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${target}`);
      }).immediate();
    }
    if ((this.db.pragma('user_version', { simple: true }) as number) < SCHEMA_VERSION) throw new Error('the database schema did not migrate');
  }

  private metaValueSync(key: string, make: () => string): string {
    const found = this.stmt.metaGet.get(key);
    if (found) return found.value;
    this.stmt.metaPut.run(key, make());
    // Re-read: INSERT OR IGNORE keeps a value another process may have written first.
    return this.stmt.metaGet.get(key)!.value;
  }

  async metaValue(key: string, make: () => string): Promise<string> {
    return this.metaValueSync(key, make);
  }

  async snapshot(tenant: string, room: string): Promise<RoomSnapshot> {
    this.commitQueued();
    // Synchronous reads in one call see one consistent state: no commit can interleave.
    const seq = this.stmt.roomSeq.get(tenant, room)?.seq ?? 0;
    const byMarker = new Map<string, Comment[]>();
    for (const row of this.stmt.comments.all(tenant, room)) {
      const list = byMarker.get(row.marker_id) ?? [];
      list.push(toComment(row));
      byMarker.set(row.marker_id, list);
    }
    const markers = this.stmt.markers.all(tenant, room).map((row) => toMarker(row, byMarker.get(row.id) ?? []));
    return { epoch: this.epoch, seq, markers };
  }

  async eventsSince(tenant: string, room: string, since: number): Promise<{ seq: number; events: WireEvent[] } | null> {
    this.commitQueued();
    const seq = this.stmt.roomSeq.get(tenant, room)?.seq ?? 0;
    if (since > seq) return null;
    if (since === seq) return { seq, events: [] };
    // The retention is the replay bound whatever the log still holds (it is trimmed only now and then): further
    // behind, a snapshot is the cheaper catch-up.
    if (seq - since > this.options.eventLogRetention) return null;
    const oldest = this.stmt.oldestEvent.get(tenant, room)?.seq ?? null;
    if (oldest === null || oldest > since + 1) return null;
    // The stored JSON is spliced into frames as is: no parse, no stringify.
    const events = this.stmt.eventsAfter.all(tenant, room, since).map((row) => storedWireEvent(row.seq, row.payload));
    return { seq, events };
  }

  /**
   * Commits the ops queued so far, now rather than at the end of the turn: a read sees every op accepted before it
   * (a client that lost its link with an op in flight, and resyncs, learns whether the op was committed).
   */
  private commitQueued(): void {
    while (this.queue.length > 0 && this.db.open) this.runGroup();
  }

  commit(input: CommitInput): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this turn: every op read from the sockets in it joins the group.
        setImmediate(this.runGroup);
      }
    });
  }

  private readonly runGroup = (): void => {
    this.scheduled = false;
    let group = this.queue;
    if (group.length > MAX_GROUP) {
      group = group.splice(0, MAX_GROUP);
      this.scheduled = true;
      setImmediate(this.runGroup); // the rest next turn, so sockets are served in between
    } else {
      this.queue = [];
    }
    if (group.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      if (!this.db.open) throw new Error('the database is closed');
      this.commitGroup.immediate(group, outcomes);
    } catch (err) {
      // COMMIT itself failed (or the database is gone): nothing of the group was written.
      for (const { reject } of group) reject(err);
      return;
    }
    const written = outcomes.filter((outcome) => outcome.result && !outcome.result.duplicate).length;
    if (written > 0) {
      this.commitStats.groups += 1;
      this.commitStats.ops += written;
    }
    for (let i = 0; i < group.length; i++) {
      const outcome = outcomes[i]!;
      if (outcome.result) group[i]!.resolve(outcome.result);
      else group[i]!.reject(outcome.err);
    }
  };

  private commitSync({ tenant, op, fingerprint, now, decide }: CommitInput): CommitResult {
    const s = this.stmt;
    const previous = s.idemGet.get(tenant, op.broadcastId);
    if (previous) {
      if (previous.fingerprint === fingerprint) return { duplicate: true, seq: previous.seq };
      throw new ProtocolError('conflict', `broadcastId ${op.broadcastId} was already used for a different op`);
    }
    const markerId = targetMarkerId(op);
    const row = s.marker.get(tenant, op.room, markerId);
    const marker: MarkerHead | null = row ? toMarkerHead(row) : null;
    // Only what this op can need: the thread's size for a reply or a delete, the one comment an edit or delete names.
    const commentCount = row && (op.type === 'add-comment' || op.type === 'delete-comment') ? s.commentCount.get(tenant, op.room, markerId)!.n : 0;
    const targetId = row ? commentTarget(op) : null;
    const commentRow = targetId ? s.comment.get(tenant, op.room, targetId) : undefined;
    const comment = commentRow && commentRow.marker_id === markerId ? toComment(commentRow) : null;
    const commentId = newCommentId(op);
    const room = s.room.get(tenant, op.room);
    let lastNumber = room?.last_number ?? 0;
    let markerCount = room?.marker_count ?? 0;
    const body = decide({
      marker,
      commentCount,
      comment,
      markerCount,
      nextNumber: lastNumber + 1,
      // Counted only when the op would create the room: the common case (an existing room) costs nothing.
      newRoomOrdinal: room === undefined ? s.roomCount.get(tenant)!.n + 1 : 0,
      commentIdTaken: commentId !== null && s.commentExists.get(tenant, op.room, commentId) !== undefined,
    });
    const seq = (room?.seq ?? 0) + 1;
    const event = { ...body, seq } as RoomEvent;
    const wire = toWireEvent(event);
    this.applyEvent(tenant, event);
    if (event.type === 'new-image-chat') {
      lastNumber = event.marker.number!;
      markerCount += 1;
    } else if (event.type === 'deleted-image-chat') {
      markerCount -= 1;
    }
    s.roomUpsert.run(tenant, op.room, seq, lastNumber, markerCount);
    s.insertEvent.run(tenant, op.room, seq, wire.json);
    s.idemPut.run(tenant, op.broadcastId, fingerprint, op.room, seq, now);
    this.written.set(`${tenant}\u0000${op.room}`, { tenant, room: op.room, seq });
    return { duplicate: false, seq, event: wire };
  }

  /** Writes an event's effect to the state tables: the event is the complete description of the change. */
  private applyEvent(tenant: string, event: RoomEvent): void {
    const s = this.stmt;
    const { room } = event;
    switch (event.type) {
      case 'new-image-chat': {
        const m = event.marker;
        s.insertMarker.run(tenant, room, m.id, m.number!, m.x, m.y, m.resolved ? 1 : 0, m.createdAt, JSON.stringify(m.author));
        for (const c of m.comments) this.insertComment(tenant, room, m.id, c);
        return;
      }
      case 'deleted-image-chat':
        s.deleteMarkerComments.run(tenant, room, event.markerId);
        s.deleteMarker.run(tenant, room, event.markerId);
        return;
      case 'image-chat-updated': {
        const change = event.change;
        switch (change.kind) {
          case 'comment-added':
            return this.insertComment(tenant, room, event.markerId, change.comment);
          case 'comment-edited':
            s.editComment.run(change.comment.text, change.comment.editedAt ?? change.comment.createdAt, tenant, room, change.comment.id);
            return;
          case 'comment-deleted':
            s.deleteComment.run(tenant, room, change.commentId);
            return;
          case 'marker-moved':
            s.moveMarker.run(change.x, change.y, tenant, room, event.markerId);
            return;
          case 'marker-resolved':
            s.resolveMarker.run(change.resolved ? 1 : 0, tenant, room, event.markerId);
            return;
        }
      }
    }
  }

  private insertComment(tenant: string, room: string, markerId: string, c: Comment): void {
    this.stmt.insertComment.run(tenant, room, c.id, markerId, c.text, c.createdAt, c.editedAt ?? null, JSON.stringify(c.author));
  }

  /** Drops expired idempotency keys, and log entries past the retention of the rooms written since last time. */
  private maintain(now: number): void {
    this.commitsSinceMaintenance = 0;
    this.stmt.idemPrune.run(now - this.options.idempotencyTtlMs);
    const retention = this.options.eventLogRetention;
    for (const { tenant, room, seq } of this.written.values()) {
      if (seq > retention) this.stmt.trimEvents.run(tenant, room, seq - retention);
    }
    this.written.clear();
  }

  async addUsage(deltas: ReadonlyArray<DayUsage & { tenant: string }>): Promise<void> {
    if (!this.db.open || deltas.length === 0) return;
    this.db.transaction(() => {
      for (const d of deltas) this.stmt.usageAdd.run(d.tenant, d.day, d.pubSubMessageCount, d.pubSubBandwidth, d.conversationCreateCount);
    })();
  }

  async usage(tenant: string): Promise<DayUsage[]> {
    return this.stmt.usageGet.all(tenant).map((row) => ({
      day: row.day,
      pubSubMessageCount: row.messages,
      pubSubBandwidth: row.bytes,
      conversationCreateCount: row.conversations,
    }));
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    while (this.queue.length > 0) this.runGroup(); // ops queued this very turn still commit
    await this.checkpointer.close();
    this.db.close();
  }
}
