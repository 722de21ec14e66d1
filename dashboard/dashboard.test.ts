/** The dashboard's pure parts, under Node: the daily series, the error messages, the fragment, the formats. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatCount, formatDay } from './format.js';
import { credentialsFromFragment, forgetCredentials, loadCredentials, saveCredentials } from './session.js';
import { dailySeries, describeFailure, MAX_DAYS, MIN_DAYS, UsageError } from './usage.js';

const day = (date: string, messages = 0) => ({ day: date, pubSubMessageCount: messages, pubSubBandwidth: messages * 100, conversationCreateCount: 0 });
const NOW = Date.parse('2026-12-01T15:00:00Z');

describe('dailySeries', () => {
  it('fills the days without data with zeros, up to today, over at least a fortnight', () => {
    const series = dailySeries([day('2026-11-30', 5)], NOW);
    assert.equal(series.length, MIN_DAYS);
    assert.equal(series[0].day, '2026-11-18');
    assert.deepEqual(series.at(-2), day('2026-11-30', 5));
    assert.deepEqual(series.at(-1), day('2026-12-01'));
  });

  it('starts at the first day with data when that is earlier, and keeps at most a year', () => {
    assert.equal(dailySeries([day('2026-10-01', 1)], NOW)[0].day, '2026-10-01');
    const old = dailySeries([day('2020-01-01', 1)], NOW);
    assert.equal(old.length, MAX_DAYS);
    assert.equal(old.at(-1)!.day, '2026-12-01');
  });

  it('ignores days it cannot read', () => {
    assert.equal(dailySeries([day('yesterday', 9)], NOW).length, MIN_DAYS);
  });
});

describe('describeFailure', () => {
  it('says what to do for a refused key, a tenant without a key, an unknown tenant, an unreachable server', () => {
    assert.match(describeFailure(401, 'acme'), /admin key was refused for tenant "acme"/);
    assert.match(describeFailure(403, 'acme'), /no admin key configured.*adminKey/);
    assert.match(describeFailure(404, 'acme'), /no tenant "acme"/);
    assert.match(describeFailure(0, 'acme', 'Failed to fetch'), /could not be reached \(Failed to fetch\)/);
    assert.match(describeFailure(500, 'acme', 'internal server error'), /answered 500: internal server error/);
  });

  it('tells a fault worth retrying from one to fix', () => {
    assert.equal(new UsageError(0, '').transient, true);
    assert.equal(new UsageError(503, '').transient, true);
    assert.equal(new UsageError(401, '').transient, false);
  });
});

describe('credentials', () => {
  it('come from the startup link fragment, the tenant defaulting to demo', () => {
    assert.deepEqual(credentialsFromFragment('#key=abc'), { tenant: 'demo', key: 'abc' });
    assert.deepEqual(credentialsFromFragment('#tenant=acme&key=k%2B1'), { tenant: 'acme', key: 'k+1' });
    assert.equal(credentialsFromFragment(''), null);
    assert.equal(credentialsFromFragment('#key='), null);
  });

  it('are kept in, read from and removed from session storage; a damaged entry reads as none', () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    } as Storage;
    saveCredentials(storage, { tenant: 'acme', key: 'secret' });
    assert.deepEqual(loadCredentials(storage), { tenant: 'acme', key: 'secret' });
    forgetCredentials(storage);
    assert.equal(loadCredentials(storage), null);
    items.set('image-chat-dashboard', '{not json');
    assert.equal(loadCredentials(storage), null);
  });
});

describe('formats', () => {
  it('counts, bytes and UTC days', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.deepEqual([0, 999, 1000, 1234567, 5e12].map(formatBytes), ['0 B', '999 B', '1.0 kB', '1.2 MB', '5.0 TB']);
    assert.equal(formatDay('2026-12-01'), 'Dec 1');
  });
});
