import type { Middleware } from 'koa';
import { ERROR_CODES, HTTP_STATUS, type ErrorCode } from '../../protocol/errors.js';
import { ProtocolError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { redactUrl } from '../observability/logger.js';

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  ERROR_CODES.filter((code) => code !== 'offline' && code !== 'unavailable').map((code) => [HTTP_STATUS[code], code]),
);

/**
 * The HTTP error boundary: a ProtocolError becomes its status and `{ type: 'error', code, message }`; Koa's own
 * client errors (ctx.throw with an exposed message) map by status; anything else is logged and becomes 500. A route
 * that read an op sets `ctx.state.broadcastId`, and the error body carries it.
 * Unmatched `/api` paths get a JSON 404 too.
 */
export function errorBoundary(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        throw new ProtocolError('not-found', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      let code: ErrorCode = 'internal';
      let message = 'internal server error';
      const status = (err as { status?: unknown }).status;
      if (err instanceof ProtocolError) {
        ({ code, message } = err);
      } else if (typeof status === 'number' && status < 500 && (err as { expose?: boolean }).expose) {
        code = CODE_BY_STATUS.get(status) ?? 'bad-request';
        message = (err as Error).message;
      } else {
        logger.error({ err, method: ctx.method, url: redactUrl(ctx.originalUrl) }, 'request failed');
      }
      ctx.status = HTTP_STATUS[code];
      // An op's refusal names the op, when its body had a usable broadcastId (set by the route in ctx.state).
      const broadcastId: unknown = ctx.state.broadcastId;
      ctx.body = { type: 'error', code, message, ...(typeof broadcastId === 'string' ? { broadcastId } : {}) };
    } finally {
      logger.debug({ method: ctx.method, url: redactUrl(ctx.originalUrl), status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
    }
  };
}
