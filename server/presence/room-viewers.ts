/**
 * Who views one room in this process, by user: a user with three tabs (three subscriptions) is one viewer, there
 * since their first tab came, gone when their last tab goes.
 */
import type { User } from '../../protocol/messages.js';

export interface Viewer {
  user: User;
  /** When the user's first tab here joined (ms): viewers are listed in the order they came. */
  since: number;
}

export class RoomViewers {
  /** One object per user (it is held per connection in a crowd): the viewer and their tab count together. */
  private readonly byUser = new Map<string, Viewer & { tabs: number }>();

  /** Returns true when the user was not here before (the room's viewers changed). */
  add(user: User, now = Date.now()): boolean {
    const entry = this.byUser.get(user.id);
    if (entry) {
      entry.tabs++;
      return false;
    }
    this.byUser.set(user.id, { user, since: now, tabs: 1 });
    return true;
  }

  /** Returns true when that was the user's last tab (the room's viewers changed). */
  remove(user: User): boolean {
    const entry = this.byUser.get(user.id);
    if (!entry) return false;
    if (--entry.tabs > 0) return false;
    this.byUser.delete(user.id);
    return true;
  }

  get size(): number {
    return this.byUser.size;
  }

  list(): Viewer[] {
    return [...this.byUser.values()].map(({ user, since }) => ({ user, since }));
  }
}

/** Every process's viewers of a room, each user once (the earliest `since` wins), in the order they came. */
export function mergeViewers(parts: Iterable<readonly Viewer[]>): Viewer[] {
  const byUser = new Map<string, Viewer>();
  for (const part of parts) {
    for (const viewer of part) {
      const known = byUser.get(viewer.user.id);
      if (!known || viewer.since < known.since) byUser.set(viewer.user.id, viewer);
    }
  }
  return [...byUser.values()].sort((a, b) => a.since - b.since);
}
