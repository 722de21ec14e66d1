/**
 * Hostile HTTP requests (REST and SSE) and hostile WebSocket sessions (bad hellos, tokens, origins, frames that
 * close the socket). Like hostile-inputs.ts, every one must be refused without changing anything; a request marked
 * `harmless` is one the server may serve (reading a room the token allows, with a garbled resume position) — it must
 * still not change anything.
 */
import { LIMITS } from '../../../protocol/limits.js';
import { GENERATORS, type FuzzTarget } from './hostile-inputs.js';
import type { Random } from './random.js';

/** What the request generators aim at, beyond the frame target: the tenant and the tokens to play with. */
export interface RequestTarget extends FuzzTarget {
  tenant: string;
  /** The fuzzing user's valid token: it lists only `room`. */
  token: string;
  /** Tokens the tenant must refuse: forged, expired, another tenant's, guests', garbage. */
  badTokens: string[];
  /** An origin the tenant does not allow. */
  badOrigin: string;
}

export interface HostileRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** `refused`: must get a 4xx. `harmless`: may get 200, must change nothing. */
  expect: 'refused' | 'harmless';
}

export interface HostileSession {
  kind: string;
  origin?: string;
  /** The first frame (usually a hello). */
  hello: string;
  /** A frame sent after `welcome`, if the hello is one the server accepts. */
  then?: string | Buffer;
  /** Close codes that count as a correct refusal. */
  closeCodes: number[];
}

const ODD_ROOMS = ['\u0000', '\ud800', '\u202eevil', '..', '../../etc/passwd', '<script>', '__proto__', 'constructor', '%', '😀'.repeat(300)];
/** URL-encodes; a lone surrogate (which encodeURIComponent refuses) becomes the invalid UTF-8 bytes it would be. */
const q = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return `${encodeURIComponent(value.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`;
  }
};
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

type RequestGenerator = (random: Random, t: RequestTarget) => HostileRequest;

const opsPath = (t: RequestTarget, room = t.room, tenant = t.tenant) => `/api/rooms/${q(room)}/ops?tenant=${q(tenant)}`;

export const REQUEST_GENERATORS: Record<string, RequestGenerator> = {
  'REST op body': (random, t) => {
    const input = random.pick(Object.values(GENERATORS))(random, t);
    return { kind: `REST body: ${input.kind}`, method: 'POST', path: opsPath(t), headers: { ...bearer(t.token), 'Content-Type': 'application/json' }, body: input.payload, expect: 'refused' };
  },
  'REST bad token': (random, t) => {
    const token = random.pick(t.badTokens);
    const read = random.chance(0.5);
    const input = GENERATORS['missing marker']!(random, t);
    return read
      ? { kind: 'REST read with a bad token', method: 'GET', path: `/api/rooms/${q(t.room)}/markers?tenant=${t.tenant}`, headers: bearer(token), expect: 'refused' }
      : { kind: 'REST op with a bad token', method: 'POST', path: opsPath(t), headers: bearer(token), body: input.payload, expect: 'refused' };
  },
  'REST odd path': (random, t) => {
    const room = random.pick([t.deniedRoom, 'r'.repeat(LIMITS.maxRoomLength + 1), ...ODD_ROOMS]);
    const path = random.pick([
      `/api/rooms/${q(room)}/markers?tenant=${t.tenant}`,
      `/api/rooms/${q(room)}/ops?tenant=${t.tenant}`,
      `/api/rooms/%E0%A4%A/markers?tenant=${t.tenant}`,
      `/api/rooms//markers?tenant=${t.tenant}`,
      `/api/rooms/${q(t.room)}/markers/extra?tenant=${t.tenant}`,
      `/api/x${q(room)}`,
      `/api/rooms/${q(t.room)}/ops?tenant=${t.tenant}&tenant=demo`,
    ]);
    const method = path.includes('/ops') ? random.pick(['POST', 'PUT', 'DELETE', 'PATCH']) : random.pick(['GET', 'DELETE', 'PUT']);
    const input = GENERATORS['missing marker']!(random, { ...t, room });
    return { kind: `REST ${method} ${path.slice(0, 60)}`, method, path, headers: bearer(t.token), body: method === 'GET' ? undefined : input.payload, expect: 'refused' };
  },
  'REST odd query': (random, t) => {
    const query = random.pick(['tenant=__proto__', 'tenant=constructor', 'tenant=', 'tenant=nope', 'tenant=a&tenant=b', 'tenant[]=acme', 'tenant=demo', 'tenant=globex', `tenant=${t.tenant}&token=${q(t.token)}`]);
    const read = random.chance(0.5);
    // With the acme token: other tenants refuse it (401/403), a repeated tenant is 400, and a REST request never
    // takes its token from the query (no Authorization header here) → 401.
    const headers = query.includes('token=') ? {} : bearer(t.token);
    const path = read ? `/api/rooms/${q(t.room)}/markers?${query}` : `/api/rooms/${q(t.room)}/ops?${query}`;
    return { kind: `REST ?${query.slice(0, 40)}`, method: read ? 'GET' : 'POST', path, headers, body: read ? undefined : GENERATORS['missing marker']!(random, t).payload, expect: 'refused' };
  },
  'REST odd headers': (random, t) => {
    const headers = random.pick<Record<string, string>>([
      { Authorization: 'Basic dXNlcjpwYXNz' },
      { Authorization: 'Bearer' },
      { Authorization: `Bearer ${t.token} extra` },
      { Authorization: `bearer  ${'x'.repeat(9000)}` },
      { ...bearer(t.token), Origin: t.badOrigin },
      { ...bearer(t.token), 'Content-Type': 'text/plain' },
    ]);
    const body = headers['Content-Type'] === 'text/plain' ? 'not json' : GENERATORS['missing marker']!(random, t).payload;
    return { kind: `REST headers ${Object.keys(headers).join(',')} ${String(headers.Authorization ?? '').slice(0, 12)}`, method: 'POST', path: opsPath(t), headers, body, expect: 'refused' };
  },
  'REST usage and guests': (random, t) => {
    const pick = random.int(0, 4);
    if (pick === 0) return { kind: 'usage with a wrong key', method: 'GET', path: `/api/tenants/${t.tenant}/usage`, headers: bearer(random.pick(['wrong-key', t.token, 'x'.repeat(25)])), expect: 'refused' };
    if (pick === 1) return { kind: 'usage without a key', method: 'GET', path: `/api/tenants/${t.tenant}/usage`, headers: {}, expect: 'refused' };
    if (pick === 2) return { kind: 'usage of an odd tenant', method: 'GET', path: `/api/tenants/${q(random.pick(['__proto__', 'globex', 'nope', '%']))}/usage`, headers: bearer('wrong-key'), expect: 'refused' };
    if (pick === 3) return { kind: 'guest on a tenant without guests', method: 'POST', path: `/api/guest?tenant=${t.tenant}`, headers: {}, expect: 'refused' };
    return { kind: 'guest on an unknown tenant', method: 'POST', path: `/api/guest?tenant=${q(random.pick(['__proto__', 'nope', 'hasOwnProperty']))}`, headers: {}, expect: 'refused' };
  },
  'SSE bad subs': (random, t) => {
    const subs = random.pick<string[]>([
      [],
      [t.deniedRoom],
      [t.room, t.deniedRoom],
      ['r'.repeat(LIMITS.maxRoomLength + 1)],
      [`${t.room}@@@:x`],
      [`${t.deniedRoom}@epoch:3`],
      Array.from({ length: LIMITS.maxSubscriptionsPerConnection + 1 }, () => t.room),
      [random.pick(ODD_ROOMS)],
      [''],
    ]);
    const query = subs.map((sub) => `sub=${q(sub)}`).join('&');
    return { kind: `SSE subs ${subs.length} ${String(subs[0] ?? '').slice(0, 30)}`, method: 'GET', path: `/api/events?tenant=${t.tenant}&${query}&token=${q(t.token)}`, headers: {}, expect: 'refused' };
  },
  'SSE bad token': (random, t) => {
    const token = random.pick([...t.badTokens, '']);
    const where = random.pick([`/api/events?tenant=${t.tenant}&sub=${q(t.room)}`, `/api/rooms/${q(t.room)}/events?tenant=${t.tenant}`]);
    const asHeader = random.chance(0.3);
    const path = asHeader || !token ? where : `${where}&token=${q(token)}${random.chance(0.2) ? '&token=x' : ''}`;
    return { kind: `SSE with a bad token${asHeader ? ' (header)' : ''}`, method: 'GET', path, headers: asHeader && token ? bearer(token) : {}, expect: 'refused' };
  },
  'SSE bad Last-Event-ID': (random, t) => {
    const id = random.pick(['', 'x', ':', '@:', 'epoch:-1', 'epoch:1e99', `e:${'9'.repeat(40)}`, '\u0000:1', `${'a'.repeat(5000)}:1`, 'room@epoch:99999999999']);
    // On the token's own room a garbled position is merely ignored (a snapshot follows): harmless, not refused.
    const own = random.chance(0.3);
    const room = own ? t.room : t.deniedRoom;
    return {
      kind: `SSE Last-Event-ID ${JSON.stringify(id.slice(0, 20))} on ${own ? 'its room' : 'a denied room'}`,
      method: 'GET',
      path: `/api/rooms/${q(room)}/events?tenant=${t.tenant}&token=${q(t.token)}`,
      headers: { 'Last-Event-ID': id.replace(/[\u0000-\u001f]/g, '') },
      expect: own ? 'harmless' : 'refused',
    };
  },
};

/** `count` requests from every generator in turn. */
export function* hostileRequests(random: Random, target: RequestTarget, count: number): Generator<HostileRequest> {
  const generators = Object.values(REQUEST_GENERATORS);
  for (let i = 0; i < count; i++) yield generators[i % generators.length]!(random, target);
}

/** WebSocket sessions that must end in a refusal close. */
export function* hostileSessions(random: Random, target: RequestTarget, count: number): Generator<HostileSession> {
  const hello = (fields: Record<string, unknown>) => JSON.stringify({ type: 'hello', protocol: 1, tenant: target.tenant, ...fields });
  const makers: Array<() => HostileSession> = [
    () => ({ kind: 'hello with a bad token', hello: hello({ token: random.pick(target.badTokens) }), closeCodes: [4401] }),
    () => ({ kind: 'hello without a token on a tenant without guests', hello: hello({}), closeCodes: [4401] }),
    () => ({ kind: 'hello for an unknown tenant', hello: hello({ tenant: random.pick(['__proto__', 'constructor', 'nope', 'ACME']) }), closeCodes: [4403] }),
    () => ({ kind: 'hello from a foreign origin', origin: target.badOrigin, hello: hello({ token: target.token }), closeCodes: [4403] }),
    () => ({ kind: 'hello with another protocol', hello: hello({ protocol: random.pick([0, 2, 99]), token: target.token }), closeCodes: [1002] }),
    () => ({ kind: 'auth with a bad token', hello: hello({ token: target.token }), then: JSON.stringify({ type: 'auth', token: random.pick(target.badTokens) }), closeCodes: [4401] }),
    () => ({ kind: 'binary frame', hello: hello({ token: target.token }), then: random.bytes(random.int(1, 64)), closeCodes: [1003] }),
    () => {
      const input = GENERATORS.huge!(random, target);
      return { kind: input.kind, hello: hello({ token: target.token }), then: input.payload, closeCodes: [1009] };
    },
  ];
  for (let i = 0; i < count; i++) yield makers[i % makers.length]!();
}
