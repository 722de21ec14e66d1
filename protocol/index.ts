/** The shared protocol module: message types, error codes and limits. No runtime dependencies. */
export * from './messages.js';
export * from './errors.js';
export * from './limits.js';
