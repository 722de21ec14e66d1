/**
 * Who a connection acts as: the host page's token, else this browser's stored guest token (guest-token.ts), else —
 * for SSE and POSTs, which have no `hello` to be given one — a new guest from `POST /api/guest`. It also names the
 * user this browser keeps per-user data under (the cache, the tab channel), so that nothing else has to work it out.
 */
import type { User } from '../../protocol/index.js';
import { loadGuestToken, saveGuestToken } from './guest-token.js';
import { mintGuest } from './http.js';
import { userFromToken, userKey } from './jwt.js';

export class Identity {
  constructor(
    private readonly server: string,
    private readonly tenant: string,
    private token?: string,
  ) {}

  /** The token to act with now: the host's, else the stored guest's. */
  current(): string | undefined {
    return this.token ?? loadGuestToken(this.server, this.tenant);
  }

  /** The key of the user this browser stores data for; unknown for a brand-new guest until its `welcome` (`welcomed`). */
  userKey(welcomed: User | null): string | undefined {
    const token = this.current();
    return token ? userKey(token) : welcomed?.id || undefined;
  }

  setToken(token: string): void {
    this.token = token;
  }

  /** A guest token the server handed out (`welcome.guestToken`): kept, unless the host gave a token of its own. */
  keepGuestToken(guestToken: string): void {
    if (!this.token) saveGuestToken(this.server, this.tenant, guestToken);
  }

  /**
   * The stored guest token was refused (4401: a new database, say): forget it, so the next attempt is a new guest.
   * False when there was none to forget (then the refusal stands).
   */
  forgetGuest(): boolean {
    if (this.token || !loadGuestToken(this.server, this.tenant)) return false;
    saveGuestToken(this.server, this.tenant, undefined);
    return true;
  }

  /** Who the SSE stream and POSTs act as: the token, else the stored guest, else a new guest from the server. */
  async forHttp(): Promise<{ token?: string; user: User | null }> {
    const token = this.current();
    if (token) return { token, user: userFromToken(token) };
    try {
      const guest = await mintGuest(this.server, this.tenant);
      saveGuestToken(this.server, this.tenant, guest.token);
      return guest;
    } catch {
      return { user: null }; // no guests here: read-only
    }
  }
}
