/**
 * The op pipeline shared by every transport: idempotency, decision, commit, fan-out, ack. Validation of the op's
 * shape happens before (protocol/schemas.ts); rights and existence are decided inside the commit (rooms/decide.ts).
 */
import type { AckMessage, Op, User } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import type { Fanout } from '../fanout/fanout.js';
import type { ServerLimits } from '../limits/server-limits.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { opTracer, type OpTracer } from '../observability/op-log.js';
import type { Usage } from '../observability/usage.js';
import type { RoomSnapshot, Storage } from '../storage/storage.js';
import { decide } from './decide.js';
import { opFingerprint } from './fingerprint.js';

export interface RoomServiceDeps {
  storage: Storage;
  fanout: Fanout;
  limits: ServerLimits;
  metrics: Metrics;
  usage: Usage;
  logger: Logger;
}

export class RoomService {
  private readonly inFlight = new Set<Promise<unknown>>();
  private draining = false;
  // Undefined unless the logger writes `debug` (decided once here, so an op at `info` pays nothing for it).
  private readonly trace: OpTracer | undefined;

  constructor(private readonly deps: RoomServiceDeps) {
    this.trace = opTracer(deps.logger);
  }

  /** Applies one op for `user`; resolves with the ack once the op is committed and published. */
  async apply(tenant: string, user: User, op: Op): Promise<AckMessage> {
    if (this.draining) throw new ProtocolError('unavailable', 'the server is restarting; retry shortly');
    const run = this.commitAndPublish(tenant, user, op);
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  private async commitAndPublish(tenant: string, user: User, op: Op): Promise<AckMessage> {
    const { storage, fanout, limits, metrics, usage } = this.deps;
    const now = Date.now();
    const traced = this.trace?.(tenant, op);
    try {
      const result = await storage.commit({
        tenant,
        op,
        fingerprint: opFingerprint(op, user.id),
        now,
        decide: (state) => decide(op, state, user, now, limits),
      });
      traced?.(result.duplicate ? 'duplicate' : 'ok');
      if (!result.duplicate) {
        fanout.publish(tenant, op.room, result.event);
        if (op.type === 'create-marker') usage.conversationCreated(tenant);
      }
      metrics.ops.inc({ type: op.type, outcome: result.duplicate ? 'duplicate' : 'ok' });
      return { type: 'ack', broadcastId: op.broadcastId, seq: result.seq };
    } catch (err) {
      traced?.(err instanceof ProtocolError ? err.code : 'internal');
      metrics.ops.inc({ type: op.type, outcome: err instanceof ProtocolError ? err.code : 'internal' });
      throw err;
    }
  }

  snapshot(tenant: string, room: string): Promise<RoomSnapshot> {
    return this.deps.storage.snapshot(tenant, room);
  }

  /** Refuses new ops and waits until every op already accepted has committed (graceful shutdown). */
  async drain(): Promise<void> {
    this.draining = true;
    await Promise.allSettled([...this.inFlight]);
  }
}
