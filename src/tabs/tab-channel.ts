/**
 * Passes a user's changes to the same browser's other tabs before the server's round trip (SPEC §2: "Changes passed
 * on by the browser's other tabs are pending entries too"). One BroadcastChannel per server + tenant + user + room,
 * so tabs of another user or room never hear them. The receiving tab shows the op as pending, retires it when the
 * op's event reaches it from the server, drops it when the origin tab reports a failure, and expires it if neither
 * happens in time (the origin tab may have closed).
 */
import type { Op, User } from '../../protocol/index.js';

/** What travels between tabs. Versioned by the channel name. */
export type TabMessage =
  | { type: 'pending'; op: Op; broadcastId: string; author: User; createdAt: number; expiresAt: number }
  | { type: 'failed'; broadcastId: string };

export interface TabChannelKey {
  server: string;
  tenant: string;
  userId: string;
  room: string;
}

/** The channel name for a key. */
export function tabChannelName({ server, tenant, userId, room }: TabChannelKey): string {
  return `image-chat/1 ${JSON.stringify([server, tenant, userId, room])}`;
}

/** A BroadcastChannel for one room, or a silent no-op where the browser has none. */
export class TabChannel {
  private readonly channel: BroadcastChannel | null;

  constructor(key: TabChannelKey, onMessage: (message: TabMessage) => void) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(tabChannelName(key));
    if (this.channel) {
      this.channel.onmessage = (event: MessageEvent) => {
        if (isTabMessage(event.data)) onMessage(event.data);
      };
    }
  }

  post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // A closed channel (the element is going away): other tabs will learn from the server.
    }
  }

  close(): void {
    this.channel?.close();
  }
}

function isTabMessage(value: unknown): value is TabMessage {
  const message = value as TabMessage | null;
  if (!message || typeof message !== 'object' || typeof message.broadcastId !== 'string') return false;
  if (message.type === 'failed') return true;
  return message.type === 'pending' && typeof message.op === 'object' && message.op !== null && typeof message.expiresAt === 'number';
}
