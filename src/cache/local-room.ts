/**
 * What this browser keeps of one room for one user, besides the server: the IndexedDB copy of the confirmed state
 * (`room-cache.ts`) and the channel to the other tabs (`../tabs/tab-channel.ts`). The {@link RoomController} owns
 * one per target and user; this class only keeps the storage details (throttling, time-outs) out of it.
 */
import type { RoomState } from '../core/room-state.js';
import { TabChannel, type TabMessage } from '../tabs/tab-channel.js';
import { deleteCachedRoom, readCachedRoom, writeCachedRoom, type CachedRoom, type RoomCacheKey } from './room-cache.js';

/** At most one cache write per this many ms: a busy room would otherwise write on every event. */
const WRITE_EVERY_MS = 500;

export class LocalRoom {
  /** The key as one string, to tell whether a new target or user needs another LocalRoom. */
  readonly id: string;
  private readonly channel: TabChannel;
  private latest?: RoomState;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    readonly key: RoomCacheKey,
    onTab: (message: TabMessage) => void,
  ) {
    this.id = JSON.stringify(key);
    this.channel = new TabChannel(key, onTab);
    // A reload or a closing tab must not lose the last throttled write.
    globalThis.addEventListener?.('pagehide', this.flush);
  }

  /** The cached room, or undefined when there is none. */
  read(): Promise<CachedRoom | undefined> {
    return readCachedRoom(this.key);
  }

  /** Saves the state's confirmed layer, soon (throttled; the latest state wins). */
  save(state: RoomState): void {
    this.latest = state;
    this.timer ??= setTimeout(() => this.flush(), WRITE_EVERY_MS);
  }

  /** Writes what `save` is holding now. */
  readonly flush = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    const state = this.latest;
    this.latest = undefined;
    if (state?.epoch != null) {
      void writeCachedRoom(this.key, { epoch: state.epoch, seq: state.seq, markers: state.markers, savedAt: Date.now() });
    }
  };

  /** Forgets the room (the user may not see it any more). */
  forget(): void {
    clearTimeout(this.timer);
    this.timer = this.latest = undefined;
    void deleteCachedRoom(this.key);
  }

  /** Tells the other tabs of this user and room. */
  post(message: TabMessage): void {
    this.channel.post(message);
  }

  close(): void {
    globalThis.removeEventListener?.('pagehide', this.flush);
    this.flush();
    this.channel.close();
  }
}
