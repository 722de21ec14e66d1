/**
 * Who is looking at each room (SPEC §2 `presence`). A subscription joins its room's presence once its opening is
 * sent and gets the room's presence at once; everyone in the room gets the changes, at most once a second per room
 * (a burst of arrivals is one message), each message built once and shared by every recipient. A user counts once
 * however many tabs they have. With several processes, a `PresenceExchange` (Redis) shares each process's viewers
 * with the others and says when theirs change; the message then lists everyone, on every process.
 */
import { PRESENCE_VIEWERS, type PresenceMessage, type User } from '../../protocol/messages.js';
import { mergeViewers, RoomViewers, type Viewer } from './room-viewers.js';

/** A room subscription as presence sees it: who it is, and how to hand it a presence message's JSON. */
export interface PresenceViewer {
  readonly user: User;
  presence(json: string): void;
}

/** The other processes' viewers (with Redis); absent for one process. */
export interface PresenceExchange {
  /** Makes this process's viewers of the room known to the others (and tells them it changed). */
  share(tenant: string, room: string, viewers: Viewer[]): void;
  /** Every other process's viewers of the room. */
  others(tenant: string, room: string): Promise<Viewer[]>;
  /** `changed(tenant, room)` when another process's viewers of a room changed; `(undefined)` to re-read every room. */
  watch(changed: (tenant?: string, room?: string) => void): void;
}

/** At most one presence message per room per this long (SPEC §2). */
export const PRESENCE_EVERY_MS = 1000;

interface RoomState {
  tenant: string;
  room: string;
  local: RoomViewers;
  recipients: Set<PresenceViewer>;
  remote: Viewer[];
  remoteLoaded: boolean;
  lastSentAt: number;
  lastJson: string;
  timer: NodeJS.Timeout | undefined;
}

export class Presence {
  private readonly rooms = new Map<string, RoomState>();

  constructor(
    private readonly exchange?: PresenceExchange,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    exchange?.watch((tenant, room) => {
      if (tenant === undefined || room === undefined) {
        for (const state of this.rooms.values()) this.refresh(state, true);
        return;
      }
      const state = this.rooms.get(key(tenant, room));
      if (state) this.refresh(state, false);
    });
  }

  join(tenant: string, room: string, viewer: PresenceViewer): void {
    const k = key(tenant, room);
    let state = this.rooms.get(k);
    if (!state) {
      state = { tenant, room, local: new RoomViewers(), recipients: new Set(), remote: [], remoteLoaded: !this.exchange, lastSentAt: 0, lastJson: '', timer: undefined };
      this.rooms.set(k, state);
    }
    state.recipients.add(viewer);
    const changed = state.local.add(viewer.user);
    if (changed) this.localChanged(state);
    // The newcomer hears who is here now; the others hear of the newcomer with the room's next message.
    if (state.remoteLoaded) viewer.presence(this.message(state));
    else this.refresh(state, false, viewer);
  }

  leave(tenant: string, room: string, viewer: PresenceViewer): void {
    const k = key(tenant, room);
    const state = this.rooms.get(k);
    if (!state?.recipients.delete(viewer)) return;
    const changed = state.local.remove(viewer.user);
    if (changed) this.localChanged(state);
    if (state.recipients.size === 0) {
      clearTimeout(state.timer);
      this.rooms.delete(k);
    }
  }

  private localChanged(state: RoomState): void {
    this.exchange?.share(state.tenant, state.room, state.local.list());
    this.schedule(state);
  }

  /** Re-reads the other processes' viewers of a room, then tells the room (and `newcomer`, at once) if it changed. */
  private refresh(state: RoomState, all: boolean, newcomer?: PresenceViewer): void {
    if (!this.exchange) return;
    this.exchange.others(state.tenant, state.room).then(
      (remote) => {
        state.remote = remote;
        state.remoteLoaded = true;
        if (newcomer && state.recipients.has(newcomer)) newcomer.presence(this.message(state));
        this.schedule(state);
      },
      (err: unknown) => {
        if (!all) this.onError(err);
        state.remoteLoaded = true; // what this process knows, rather than nothing
        if (newcomer && state.recipients.has(newcomer)) newcomer.presence(this.message(state));
      },
    );
  }

  /** The room's next message, no sooner than a second after its last one. */
  private schedule(state: RoomState): void {
    if (state.timer) return;
    const wait = Math.max(0, state.lastSentAt + PRESENCE_EVERY_MS - Date.now());
    state.timer = setTimeout(() => this.send(state), wait);
    state.timer.unref();
  }

  private send(state: RoomState): void {
    state.timer = undefined;
    if (this.rooms.get(key(state.tenant, state.room)) !== state) return;
    const json = this.message(state);
    if (json === state.lastJson) return; // the arrivals and departures of this second cancelled out
    state.lastJson = json;
    state.lastSentAt = Date.now();
    for (const recipient of state.recipients) recipient.presence(json);
  }

  /** The presence message's JSON: made once, sent to every recipient as is. */
  private message(state: RoomState): string {
    const viewers = mergeViewers([state.local.list(), state.remote]);
    const message: PresenceMessage = { type: 'presence', room: state.room, count: viewers.length, viewers: viewers.slice(0, PRESENCE_VIEWERS).map((v) => v.user) };
    return JSON.stringify(message);
  }

  close(): void {
    for (const state of this.rooms.values()) clearTimeout(state.timer);
    this.rooms.clear();
  }
}

const key = (tenant: string, room: string) => `${tenant}\u0000${room}`;
