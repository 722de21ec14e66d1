/**
 * The last known state of each room, kept in IndexedDB (idb-keyval) so that markers show at once on load and while
 * the server is unreachable. Keyed by server + tenant + user + room: what one user may see is never shown to another
 * user of the same browser. Storage faults (private mode, quota, a browser without IndexedDB) are swallowed: the
 * cache is an optimisation, never a reason for the element to fail.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { Marker } from '../../protocol/index.js';

/** A room as last confirmed by the server. */
export interface CachedRoom {
  epoch: string;
  seq: number;
  markers: readonly Marker[];
  /** When it was written, epoch milliseconds (shown as "last updated …" when offline). */
  savedAt: number;
}

export interface RoomCacheKey {
  server: string;
  tenant: string;
  userId: string;
  room: string;
}

const DB_NAME = 'image-chat';
const STORE_NAME = 'rooms';
const CACHE_VERSION = 1;

let store: UseStore | null | undefined;

function roomStore(): UseStore | null {
  if (store === undefined) {
    try {
      store = typeof indexedDB === 'undefined' ? null : createStore(DB_NAME, STORE_NAME);
    } catch {
      store = null;
    }
  }
  return store;
}

/** The key a room is stored under. Versioned so that a format change never reads old data as new. */
export function roomCacheKey({ server, tenant, userId, room }: RoomCacheKey): string {
  return JSON.stringify([CACHE_VERSION, server, tenant, userId, room]);
}

/** Reads a room's cached state, or undefined. */
export async function readCachedRoom(key: RoomCacheKey): Promise<CachedRoom | undefined> {
  const idb = roomStore();
  if (!idb) return undefined;
  try {
    const value = await get<CachedRoom>(roomCacheKey(key), idb);
    return isCachedRoom(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a room's confirmed state. */
export async function writeCachedRoom(key: RoomCacheKey, room: CachedRoom): Promise<void> {
  const idb = roomStore();
  if (!idb) return;
  try {
    await set(roomCacheKey(key), room, idb);
  } catch {
    // Quota or a closing database: the next write will try again.
  }
}

/** Forgets a room (e.g. the server said the user may no longer see it). */
export async function deleteCachedRoom(key: RoomCacheKey): Promise<void> {
  const idb = roomStore();
  if (!idb) return;
  try {
    await del(roomCacheKey(key), idb);
  } catch {
    // Nothing to do: a stale entry is overwritten by the next snapshot.
  }
}

function isCachedRoom(value: unknown): value is CachedRoom {
  const room = value as CachedRoom | undefined;
  return !!room && typeof room.epoch === 'string' && Number.isInteger(room.seq) && Array.isArray(room.markers);
}
