import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON-lines logger. Tokens never reach the log: auth headers and `token` fields are redacted. */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'image-chat' },
    redact: {
      paths: ['token', '*.token', 'guestToken', 'headers.authorization', '*.headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}

/**
 * A URL fit for logging: any `token` query parameter replaced, and the query string of any room named in it cut
 * (rooms default to an image's URL, which may be a signed one; in a request URL its `?` or `#` is `%3F` or `%23`).
 */
export function redactUrl(url: string | undefined): string {
  return (url ?? '').replace(/([?&]token=)[^&#]*/gi, '$1[redacted]').replace(/%(3F|23)[^/&#]*/gi, '%$1…');
}
