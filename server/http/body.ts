import type { Context } from 'koa';
import { ProtocolError } from '../errors.js';
import { parseJson } from '../protocol/parse.js';

/** Reads a JSON request body of at most `maxBytes`; over it → ProtocolError too-large (413). */
export async function readJsonBody(ctx: Context, maxBytes: number, maxDepth: number): Promise<unknown> {
  const declared = Number(ctx.get('Content-Length') || 0);
  if (declared > maxBytes) throw new ProtocolError('too-large', `the body is over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ProtocolError('too-large', `the body is over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return parseJson(Buffer.concat(chunks).toString('utf8'), maxDepth);
}
