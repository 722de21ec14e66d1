/**
 * Log reads shared by the subscriptions that need the same thing at once: after a Redis reconnect every viewer of a
 * room checks the log from the same seq, and a thousand viewers should cost one query, not a thousand.
 */
import type { WireEvent } from '../fanout/event-run.js';
import type { Storage } from '../storage/storage.js';

type Read = Promise<{ seq: number; events: WireEvent[] } | null>;

const inFlight = new WeakMap<Storage, Map<string, Read>>();

/** `storage.eventsSince(tenant, room, since)`, joined to an identical read already under way. */
export function sharedEventsSince(storage: Storage, tenant: string, room: string, since: number): Read {
  let reads = inFlight.get(storage);
  if (!reads) inFlight.set(storage, (reads = new Map()));
  const key = `${tenant}\u0000${room}\u0000${since}`;
  let read = reads.get(key);
  if (!read) {
    read = storage.eventsSince(tenant, room, since).finally(() => reads.delete(key));
    reads.set(key, read);
  }
  return read;
}
