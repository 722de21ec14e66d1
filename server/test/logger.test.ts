import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from '../observability/logger.js';

describe('logging', () => {
  it('never writes a token query parameter', () => {
    assert.equal(redactUrl('/api/events?sub=a&token=eyJ.abc.def&x=1'), '/api/events?sub=a&token=[redacted]&x=1');
    assert.equal(redactUrl('/api/rooms/r/events?token=secret'), '/api/rooms/r/events?token=[redacted]');
    assert.equal(redactUrl('/healthz'), '/healthz');
  });
});
