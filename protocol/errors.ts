/** Error codes carried by `error` messages, HTTP error bodies and the element's `image-chat-error` event (SPEC §2). */
export const ERROR_CODES = [
  'bad-request',
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'too-large',
  'rate-limited',
  /** Client-side: the browser has no network. */
  'offline',
  /** Client-side: the server cannot be reached. */
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status that goes with each code on the REST surface. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'rate-limited': 429,
  offline: 503,
  unavailable: 503,
  internal: 500,
};

/** WebSocket close codes (SPEC §2). */
export const CloseCode = {
  normal: 1000,
  /** A binary frame: the protocol is JSON text only. */
  unsupportedData: 1003,
  /** A frame over the size limit. */
  tooLarge: 1009,
  /** Graceful shutdown: reconnect, possibly to another process. */
  restarting: 1012,
  /** Token missing, invalid or expired. */
  unauthorized: 4401,
  /** Tenant or origin not allowed. */
  forbidden: 4403,
  /** No `hello` within the hello timeout. */
  helloTimeout: 4408,
  /** A flood of bad frames or ops beyond the rate limit. */
  abuse: 4429,
} as const;
