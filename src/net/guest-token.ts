/**
 * Where a guest's identity is kept between visits: `welcome.guestToken`, in localStorage, keyed by server and tenant,
 * so "your own comment" stays yours across reloads and server restarts. Storage may be unavailable (privacy modes,
 * sandboxed iframes): the guest then simply gets a fresh identity per page load.
 */
const PREFIX = 'image-chat:guest:';

function key(server: string, tenant: string): string {
  return `${PREFIX}${server}|${tenant}`;
}

export function loadGuestToken(server: string, tenant: string): string | undefined {
  try {
    return globalThis.localStorage?.getItem(key(server, tenant)) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveGuestToken(server: string, tenant: string, token: string | undefined): void {
  try {
    if (token) globalThis.localStorage?.setItem(key(server, tenant), token);
    else globalThis.localStorage?.removeItem(key(server, tenant));
  } catch {
    // Not persisted: the identity lasts for this page only.
  }
}
