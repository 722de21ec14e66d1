/** The pure parts of the conversation tools: the threads list's filter and first words, the presence arrivals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Marker, PresenceMessage } from '../../protocol/index.js';
import { arrivals } from '../components/presence-stack.js';
import { firstWords, passes } from '../components/threads-list.js';

const marker = (resolved: boolean) => ({ resolved }) as Marker;
const presence = (room: string, ...ids: string[]): PresenceMessage => ({ type: 'presence', room, count: ids.length, viewers: ids.map((id) => ({ id, name: `N${id}` })) });

describe('threads list', () => {
  it('filters open, resolved or all', () => {
    assert.deepEqual([passes('open', marker(false)), passes('open', marker(true))], [true, false]);
    assert.deepEqual([passes('resolved', marker(false)), passes('resolved', marker(true))], [false, true]);
    assert.deepEqual([passes('all', marker(false)), passes('all', marker(true))], [true, true]);
  });

  it('shows first words: whitespace folded, long text cut at a word', () => {
    assert.equal(firstWords('  Too\n\n dark   here '), 'Too dark here');
    assert.equal(firstWords('one two three four', 12), 'one two…');
    assert.equal(firstWords('x'.repeat(20), 10), `${'x'.repeat(10)}…`);
  });
});

describe('presence arrivals', () => {
  it('are the viewers new since the last message of the room, the user left out', () => {
    assert.deepEqual(arrivals(presence('r', 'a'), presence('r', 'a', 'b', 'me'), { id: 'me', name: 'Me' }).map((v) => v.id), ['b']);
    assert.deepEqual(arrivals(presence('r', 'a', 'b'), presence('r', 'a'), null), [], 'a departure is no arrival');
  });

  it('are none on the first message of a room: those people were here already', () => {
    assert.deepEqual(arrivals(undefined, presence('r', 'a', 'b'), null), []);
    assert.deepEqual(arrivals(presence('old', 'a'), presence('r', 'a', 'b'), null), []);
  });
});
