/**
 * Where the dashboard keeps the tenant and its admin key: `sessionStorage`, so the key lives as long as the tab
 * and never in a cookie or a URL the server sees. The server's startup link brings the key in the fragment
 * (`/dashboard#key=…`), which the page reads once and then removes from the address bar.
 */

export interface Credentials {
  tenant: string;
  key: string;
}

const STORAGE_KEY = 'image-chat-dashboard';
export const DEFAULT_TENANT = 'demo';

/** The credentials a fragment such as `#key=…&tenant=…` carries, or null when it has no key. */
export function credentialsFromFragment(hash: string): Credentials | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const key = params.get('key')?.trim();
  if (!key) return null;
  return { tenant: params.get('tenant')?.trim() || DEFAULT_TENANT, key };
}

export function loadCredentials(storage: Storage): Credentials | null {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Credentials> | null;
    return value && typeof value.tenant === 'string' && typeof value.key === 'string' && value.key ? { tenant: value.tenant, key: value.key } : null;
  } catch {
    return null;
  }
}

export function saveCredentials(storage: Storage, credentials: Credentials): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function forgetCredentials(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}
