import type { ErrorCode } from '../protocol/errors.js';

/**
 * The one error type whose message reaches clients. Handlers throw it; the error boundaries (HTTP middleware and
 * the WebSocket session) turn it into an `error` message. Anything else is logged and reported as `internal`.
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The code and message a client may see for any thrown value. */
export function toClientError(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof ProtocolError) return { code: err.code, message: err.message };
  return { code: 'internal', message: 'internal server error' };
}
