/**
 * At `debug`, one line per op: its type, tenant, room, outcome and the time its commit took. The level is read once,
 * when the room service is built: at `info` there is no tracer at all, so an op pays one `undefined` check — no clock
 * read, no object built. (pino's level can be changed at run time; these lines follow the level the server started
 * with.) Never the op's comment text: only the fields named here are logged.
 */
import type { Op } from '../../protocol/messages.js';
import type { Logger } from './logger.js';

/** Ends one op's trace with its outcome: `ok`, `duplicate`, or the error code it was refused with. */
export type OpTrace = (outcome: string) => void;
export type OpTracer = (tenant: string, op: Op) => OpTrace;

/** A tracer when `logger` writes `debug` lines, else undefined. */
export function opTracer(logger: Logger): OpTracer | undefined {
  if (!logger.isLevelEnabled('debug')) return undefined;
  return (tenant, op) => {
    const started = performance.now();
    return (outcome) =>
      logger.debug({ tenant, room: roomForLog(op.room), type: op.type, outcome, commitMs: Math.round((performance.now() - started) * 100) / 100 }, 'op');
  };
}

/**
 * A room name fit for a log: rooms default to an image's URL, which may be a signed one, so anything from a `?` or
 * `#` on is dropped, and very long names are cut.
 */
export function roomForLog(room: string): string {
  const bare = room.replace(/[?#].*$/s, '');
  return bare.length > 120 ? `${bare.slice(0, 120)}…` : bare;
}
