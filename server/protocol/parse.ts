import type { z } from 'zod';
import type { ClientMessage, Op } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import { jsonDepthExceeds } from '../limits/json-depth.js';
import type { Schemas } from './schemas.js';

/** A readable one-line reason from a zod error: the first issue, with its path. */
function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid message';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** The broadcastId of a rejected frame, if it had a usable one, so the client can match the error to its op. */
export function broadcastIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as { broadcastId?: unknown }).broadcastId === 'string') {
    const id = (value as { broadcastId: string }).broadcastId;
    return id.length <= 64 ? id : undefined;
  }
  return undefined;
}

/** Parses JSON text nested at most `maxDepth` deep; throws ProtocolError bad-request. */
export function parseJson(text: string, maxDepth: number): unknown {
  if (jsonDepthExceeds(text, maxDepth)) throw new ProtocolError('bad-request', `the message is nested deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError('bad-request', 'the message is not valid JSON');
  }
}

export function parseClientMessage(schemas: Schemas, value: unknown): ClientMessage {
  const result = schemas.clientMessage.safeParse(value);
  if (!result.success) throw new ProtocolError('bad-request', describe(result.error));
  return result.data as ClientMessage;
}

export function parseOp(schemas: Schemas, value: unknown): Op {
  const result = schemas.op.safeParse(value);
  if (!result.success) throw new ProtocolError('bad-request', describe(result.error));
  return result.data as Op;
}
