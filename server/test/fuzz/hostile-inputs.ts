/**
 * Generators of inputs that the server must refuse without changing anything: every one is malformed, out of
 * range, aimed at something that does not exist, or not allowed for the sender. Each generator documents why its
 * output can never be a valid op — the fuzz suite checks that the database is unchanged afterwards, so a generator
 * that could produce a valid op would be a bug in the test, not the server.
 */
import { LIMITS } from '../../../protocol/limits.js';
import type { Random } from './random.js';

export interface HostileInput {
  /** Which generator made it (for the failure message). */
  kind: string;
  /** The frame or body to send. A Buffer is sent as binary over WebSocket. */
  payload: string | Buffer;
}

/** What the generators aim at: a room holding one marker owned by someone else. */
export interface FuzzTarget {
  room: string;
  /** A marker (with one comment) that belongs to another user: ops on it must be refused as forbidden. */
  foreignMarkerId: string;
  foreignCommentId: string;
  /** A room the fuzzing user's token does not list: anything aimed at it must be refused as forbidden. */
  deniedRoom: string;
}

const OP_TYPES = ['create-marker', 'add-comment', 'edit-comment', 'delete-comment', 'move-marker', 'resolve-marker', 'delete-marker'] as const;
/** The ops only a marker's or comment's author (or a moderator) may send. */
const OWNER_ONLY = ['edit-comment', 'delete-comment', 'move-marker', 'delete-marker'] as const;

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800', // a lone surrogate
  '\u202eevil\u202c', // right-to-left override
  '\u200b\u200b', // zero-width spaces only: empty after trimming? not by String.trim — still refused below where used as an id
  '𝕳𝖊𝖑𝖑𝖔 🧨',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  "'; DROP TABLE markers; --",
  '%00%2e%2e',
];

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

const WRONG_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, '', 'x', [], {}, [1, 2], { a: 1 }, 'NaN', '1e309'];

/** A valid op of `type` on the target — the seed that mutators break. Never sent as is. */
function validOp(random: Random, type: (typeof OP_TYPES)[number], target: FuzzTarget): Record<string, unknown> {
  const base = { type, room: target.room, broadcastId: random.uuid() };
  const markerId = target.foreignMarkerId;
  switch (type) {
    case 'create-marker':
      return { ...base, marker: { id: random.uuid(), x: 50, y: 50 }, comment: { id: random.uuid(), text: 'hello' } };
    case 'add-comment':
      return { ...base, markerId, comment: { id: random.uuid(), text: 'hello' } };
    case 'edit-comment':
      return { ...base, markerId, commentId: target.foreignCommentId, text: 'hello' };
    case 'delete-comment':
      return { ...base, markerId, commentId: target.foreignCommentId };
    case 'move-marker':
      return { ...base, markerId, x: 10, y: 10 };
    case 'resolve-marker':
      return { ...base, markerId, resolved: true };
    case 'delete-marker':
      return { ...base, markerId };
  }
}

/** The required fields of each op, by path, whose removal or mistyping makes it invalid. */
const REQUIRED: Record<(typeof OP_TYPES)[number], string[][]> = {
  'create-marker': [['type'], ['room'], ['broadcastId'], ['marker'], ['marker', 'id'], ['marker', 'x'], ['marker', 'y'], ['comment'], ['comment', 'id'], ['comment', 'text']],
  'add-comment': [['type'], ['room'], ['broadcastId'], ['markerId'], ['comment'], ['comment', 'id'], ['comment', 'text']],
  'edit-comment': [['type'], ['room'], ['broadcastId'], ['markerId'], ['commentId'], ['text']],
  'delete-comment': [['type'], ['room'], ['broadcastId'], ['markerId'], ['commentId']],
  'move-marker': [['type'], ['room'], ['broadcastId'], ['markerId'], ['x'], ['y']],
  'resolve-marker': [['type'], ['room'], ['broadcastId'], ['markerId'], ['resolved']],
  'delete-marker': [['type'], ['room'], ['broadcastId'], ['markerId']],
};

function parentOf(object: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let node = object;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  return node;
}

/** Wrong values for a field: never a value the field accepts. */
function wrongValueFor(random: Random, field: string): unknown {
  const candidates = WRONG_VALUES.filter((value) => {
    if (field === 'x' || field === 'y') return typeof value !== 'number' || value < 0;
    if (field === 'resolved') return typeof value !== 'boolean';
    // A non-empty string is a valid room name or comment text; every other wrong value is refused.
    if (field === 'room' || field === 'text') return typeof value !== 'string' || value === '';
    // Ids must be UUIDs (none of the wrong values is one); marker and comment must be objects with an id.
    return true;
  });
  return random.pick(candidates);
}

type InputGenerator = (random: Random, target: FuzzTarget) => HostileInput;

/** Every generator: each returns one input that must be refused. */
export const GENERATORS: Record<string, InputGenerator> = {
  'random bytes as text': (random) => ({ kind: 'random bytes as text', payload: random.bytes(random.int(1, 64)).toString('latin1') }),
  'random bytes as binary': (random) => ({ kind: 'random bytes as binary', payload: random.bytes(random.int(1, 64)) }),
  'not an object': (random) => ({ kind: 'not an object', payload: JSON.stringify(random.pick(['x', 1, null, true, [], [{ type: 'create-marker' }]])) }),
  'unknown type': (random, target) => ({ kind: 'unknown type', payload: JSON.stringify({ type: random.pick(['Create-Marker', 'create_marker', 'ack', 'snapshot', 'new-image-chat', '__proto__', 'toString', '']), room: target.room }) }),
  'missing field': (random, target) => {
    const type = random.pick(OP_TYPES);
    const op = validOp(random, type, target);
    const path = random.pick(REQUIRED[type].filter((p) => p[0] !== 'type' || random.chance(0.2)));
    delete parentOf(op, path)[path.at(-1)!];
    return { kind: `missing ${type}.${path.join('.')}`, payload: JSON.stringify(op) };
  },
  'wrong type': (random, target) => {
    const type = random.pick(OP_TYPES);
    const op = validOp(random, type, target);
    const path = random.pick(REQUIRED[type].filter((p) => p[0] !== 'type'));
    parentOf(op, path)[path.at(-1)!] = wrongValueFor(random, path.at(-1)!);
    return { kind: `wrong type ${type}.${path.join('.')}`, payload: JSON.stringify(op) };
  },
  'extra field': (random, target) => {
    // Only ops that need ownership of the foreign marker: an extra field (a claimed role, an author) must not help.
    // (resolve-marker is not one: anyone in the room may resolve, SPEC §2.)
    const type = random.pick(OWNER_ONLY);
    const op = validOp(random, type, target);
    // Set through JSON text so that "__proto__" arrives as an own key, as an attacker would send it.
    const key = random.pick([...PROTOTYPE_KEYS, 'isAdmin', 'role', 'author', 'seq', 'createdAt']);
    const json = JSON.stringify(op).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(random.pick([{ role: 'moderator' }, 'moderator', 1, { polluted: true }]))},`);
    return { kind: `extra ${key} on ${type}`, payload: json };
  },
  'prototype key inside': (random, target) => {
    // The marker lacks its own `x`; a prototype key offers one. Refused unless the server let it through as `x`.
    const op = validOp(random, 'create-marker', target);
    delete (op.marker as Record<string, unknown>).x;
    const json = JSON.stringify(op).replace('"marker":{', `"marker":{"${random.pick(PROTOTYPE_KEYS)}":{"x":1},`);
    return { kind: 'prototype key in marker', payload: json };
  },
  'out-of-range coordinates': (random, target) => {
    const bad = random.pick(['-0.0001', '100.0001', '1e309', '-1e309', '1e3', '-5', '"50"', 'null', '[50]']);
    const type = random.pick(['create-marker', 'move-marker'] as const);
    const op = validOp(random, type, target);
    const axis = random.pick(['x', 'y']);
    const json = type === 'create-marker' ? JSON.stringify(op).replace(`"${axis}":50`, `"${axis}":${bad}`) : JSON.stringify(op).replace(`"${axis}":10`, `"${axis}":${bad}`);
    return { kind: `coordinate ${axis}=${bad} on ${type}`, payload: json };
  },
  'bad text': (random, target) => {
    const text = random.pick(['', '   ', '\n\t ', 'x'.repeat(LIMITS.maxCommentLength + 1), ' '.repeat(10) + 'y'.repeat(LIMITS.maxCommentLength + 1)]);
    const op = random.chance(0.5) ? { ...validOp(random, 'add-comment', target), comment: { id: random.uuid(), text } } : { ...validOp(random, 'create-marker', target), comment: { id: random.uuid(), text } };
    return { kind: `text of ${text.length} characters`, payload: JSON.stringify(op) };
  },
  'bad ids': (random, target) => {
    const op = validOp(random, 'create-marker', target);
    const id = random.pick([...ODD_STRINGS, 'not-a-uuid', '00000000-0000-0000-0000-00000000000g', random.uuid() + 'x', random.uuid().replaceAll('-', '')]);
    const field = random.pick(['broadcastId', 'marker', 'comment']);
    if (field === 'broadcastId') op.broadcastId = id;
    else (op[field] as Record<string, unknown>).id = id;
    return { kind: `bad id in ${field}`, payload: JSON.stringify(op) };
  },
  'bad room': (random, target) => {
    const op = validOp(random, 'create-marker', target);
    op.room = random.pick(['', 'r'.repeat(LIMITS.maxRoomLength + 1), 42, null]);
    return { kind: 'bad room', payload: JSON.stringify(op) };
  },
  'missing marker': (random, target) => {
    const type = random.pick(OP_TYPES.filter((t) => t !== 'create-marker'));
    const op = validOp(random, type, target);
    op.markerId = random.uuid();
    return { kind: `${type} on a marker that does not exist`, payload: JSON.stringify(op) };
  },
  "someone else's marker": (random, target) => {
    // Edits, moves and deletes need ownership; the fuzzing user owns nothing. (Anyone may resolve: not hostile.)
    const type = random.pick(OWNER_ONLY);
    return { kind: `${type} on another user's marker`, payload: JSON.stringify(validOp(random, type, target)) };
  },
  'deeply nested': (random) => {
    const depth = random.int(100, 5000);
    return { kind: `nested ${depth} deep`, payload: `{"type":"create-marker","x":${'['.repeat(depth)}${']'.repeat(depth)}}` };
  },
  'huge': (random, target) => {
    const op = validOp(random, 'create-marker', target);
    (op.comment as Record<string, unknown>).text = 'z'.repeat(LIMITS.maxFrameBytes + random.int(1, 1000));
    return { kind: 'frame over the size limit', payload: JSON.stringify(op) };
  },
  'room not granted': (random, target) => {
    // A well-formed op, but in a room the token does not list: forbidden before anything is read.
    const op = validOp(random, random.pick(OP_TYPES), target);
    op.room = random.pick([target.deniedRoom, `${target.room} `, target.room.toUpperCase(), `${target.room}\u0000`]);
    return { kind: `${String(op.type)} in a room the token does not list`, payload: JSON.stringify(op) };
  },
  'bad subscribe': (random, target) => {
    const frame = random.pick<Record<string, unknown>>([
      { type: 'subscribe' },
      { type: 'subscribe', room: '' },
      { type: 'subscribe', room: 'r'.repeat(LIMITS.maxRoomLength + 1) },
      { type: 'subscribe', room: 42 },
      { type: 'subscribe', room: target.room, since: -1 },
      { type: 'subscribe', room: target.room, since: 1.5 },
      { type: 'subscribe', room: target.room, since: '3' },
      { type: 'subscribe', room: target.room, epoch: 'e'.repeat(200) },
      { type: 'subscribe', room: target.deniedRoom },
      { type: 'subscribe', room: random.pick(ODD_STRINGS.filter((s) => s !== '')) },
      { type: 'unsubscribe' },
      { type: 'unsubscribe', room: ['x'] },
    ]);
    return { kind: `bad subscribe ${JSON.stringify(frame).slice(0, 60)}`, payload: JSON.stringify(frame) };
  },
  'hello again': (random) => {
    // A second hello on a welcomed connection is refused, whatever it claims.
    const frame = { type: 'hello', protocol: random.pick([1, 2, 0]), tenant: random.pick(['demo', 'acme', 'globex', '__proto__']), ...(random.chance(0.5) ? { token: 'x.y.z' } : {}) };
    return { kind: 'hello again', payload: JSON.stringify(frame) };
  },
  'odd unicode everywhere': (random, target) => {
    const op = validOp(random, 'edit-comment', target);
    op.text = random.pick(ODD_STRINGS.filter((s) => s.trim() !== '')) + random.pick(ODD_STRINGS);
    // Still someone else's comment: refused as forbidden whatever the text.
    return { kind: 'odd unicode on a foreign comment', payload: JSON.stringify(op) };
  },
};

/** `count` inputs drawn from every generator in turn, reproducibly from `random`'s seed. */
export function* hostileInputs(random: Random, target: FuzzTarget, count: number, only?: (kind: string) => boolean): Generator<HostileInput> {
  const generators = Object.entries(GENERATORS).filter(([name]) => !only || only(name));
  for (let i = 0; i < count; i++) yield generators[i % generators.length]![1](random, target);
}
