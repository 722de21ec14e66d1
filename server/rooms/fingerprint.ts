import { createHash } from 'node:crypto';
import type { Op } from '../../protocol/messages.js';

/** JSON with object keys sorted, so the same op always serialises the same way whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What makes two sends "the same op" for idempotency: the validated op and who sent it. A retry after a lost ack
 * matches; the same broadcastId reused for anything else (or by someone else) does not, and gets `conflict`.
 */
export function opFingerprint(op: Op, userId: string): string {
  return createHash('sha256').update(canonical({ op, userId })).digest('base64url');
}
