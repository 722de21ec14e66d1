import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from '../observability/logger.js';

describe('logging', () => {
  it('never writes a token query parameter', () => {
    assert.equal(redactUrl('/api/events?sub=a&token=eyJ.abc.def&x=1'), '/api/events?sub=a&token=[redacted]&x=1');
    assert.equal(redactUrl('/api/rooms/r/events?token=secret'), '/api/rooms/r/events?token=[redacted]');
    assert.equal(redactUrl('/healthz'), '/healthz');
  });

  it("cuts a room's query string from a URL: a room may be a signed image URL", () => {
    assert.equal(
      redactUrl('/api/rooms/https%3A%2F%2Fcdn%2Fa.png%3FSig%3Dabc%26x%3D1/ops?tenant=t'),
      '/api/rooms/https%3A%2F%2Fcdn%2Fa.png%3F…/ops?tenant=t',
    );
    assert.equal(redactUrl('/api/events?sub=a.png%3Fsig%3Dabc&sub=b&token=t'), '/api/events?sub=a.png%3F…&sub=b&token=[redacted]');
  });
});
