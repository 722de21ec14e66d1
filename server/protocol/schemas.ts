/**
 * Zod schemas for every client → server message, mirroring protocol/messages.ts. Built from the server's limits
 * (they are configurable). Unknown keys are stripped, not rejected: a newer client may add optional fields (SPEC
 * allows that) and an older server should still serve it. Stripping also drops `__proto__` and similar keys, since
 * zod builds a fresh object from the known keys only.
 */
import { z } from 'zod';
import { UUID_PATTERN } from '../../protocol/limits.js';
import type { ClientMessage, Op } from '../../protocol/messages.js';
import type { ServerLimits } from '../limits/server-limits.js';

type SchemaLimits = Pick<ServerLimits, 'maxCommentLength' | 'maxRoomLength' | 'maxTenantLength'>;

/** Counts code points, so an emoji is one character as a user sees it. */
const length = (s: string) => [...s].length;

/**
 * PostgreSQL text cannot hold U+0000, so no text the server stores may contain it, whatever the backend: the
 * same op gets the same answer on SQLite and on PostgreSQL (bad-request, not internal).
 */
export const NUL_RULE = 'must not contain the character U+0000';
export const hasNoNul = (s: string) => !s.includes('\u0000');

export function createSchemas(limits: SchemaLimits) {
  const uuid = z.string().regex(UUID_PATTERN, 'must be a UUID');
  const room = z
    .string()
    .refine((s) => length(s) >= 1 && length(s) <= limits.maxRoomLength, `must be 1–${limits.maxRoomLength} characters`)
    .refine(hasNoNul, NUL_RULE);
  const tenant = z
    .string()
    .refine((s) => length(s) >= 1 && length(s) <= limits.maxTenantLength, `must be 1–${limits.maxTenantLength} characters`);
  // Comment text is stored trimmed; the length rule applies after trimming.
  const text = z
    .string()
    .transform((s) => s.trim())
    .refine((s) => length(s) >= 1 && length(s) <= limits.maxCommentLength, `must be 1–${limits.maxCommentLength} characters after trimming`)
    .refine(hasNoNul, NUL_RULE);
  const percent = z.number().finite().min(0).max(100);
  const token = z.string().min(1).max(8192);
  const op = { room, broadcastId: uuid };

  const hello = z.object({ type: z.literal('hello'), protocol: z.number(), tenant, token: token.optional() });
  const auth = z.object({ type: z.literal('auth'), token });
  const subscribe = z.object({
    type: z.literal('subscribe'),
    room,
    epoch: z.string().max(128).optional(),
    since: z.number().int().min(0).optional(),
  });
  const unsubscribe = z.object({ type: z.literal('unsubscribe'), room });
  const ops = [
    z.object({
      type: z.literal('create-marker'),
      ...op,
      marker: z.object({ id: uuid, x: percent, y: percent }),
      comment: z.object({ id: uuid, text }),
    }),
    z.object({ type: z.literal('add-comment'), ...op, markerId: uuid, comment: z.object({ id: uuid, text }) }),
    z.object({ type: z.literal('edit-comment'), ...op, markerId: uuid, commentId: uuid, text }),
    z.object({ type: z.literal('delete-comment'), ...op, markerId: uuid, commentId: uuid }),
    z.object({ type: z.literal('move-marker'), ...op, markerId: uuid, x: percent, y: percent }),
    z.object({ type: z.literal('resolve-marker'), ...op, markerId: uuid, resolved: z.boolean() }),
    z.object({ type: z.literal('delete-marker'), ...op, markerId: uuid }),
  ] as const;

  return {
    hello,
    op: z.discriminatedUnion('type', [...ops]),
    clientMessage: z.discriminatedUnion('type', [hello, auth, subscribe, unsubscribe, ...ops]),
  };
}

export type Schemas = ReturnType<typeof createSchemas>;

// Compile-time check that the schemas produce the shared protocol types.
type Assert<T extends true> = T;
type _OpMatches = Assert<z.infer<Schemas['op']> extends Op ? true : false>;
type _MessageMatches = Assert<z.infer<Schemas['clientMessage']> extends ClientMessage ? true : false>;
