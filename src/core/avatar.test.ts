// Avatars: stable colours from the user id, readable initials (pure; `npm run test:unit`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AVATAR_COLOURS, avatarColour, initials } from './avatar.js';

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('avatarColour', () => {
  it('gives a user the same colour every time, from the id alone', () => {
    // Pinned values: a change of hash or palette would recolour everyone, in every browser.
    assert.equal(avatarColour('guest:4f0c2a9e-1b6d-4c8e-9a51-7d2f3e8b1c40'), avatarColour('guest:4f0c2a9e-1b6d-4c8e-9a51-7d2f3e8b1c40'));
    assert.equal(avatarColour(''), AVATAR_COLOURS[0x811c9dc5 % AVATAR_COLOURS.length]);
    assert.equal(avatarColour('a'), AVATAR_COLOURS[0xe40c292c % AVATAR_COLOURS.length]);
  });

  it('spreads users over the palette', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => avatarColour(`guest-${i}`)));
    assert.equal(used.size, AVATAR_COLOURS.length);
  });

  it('picks only colours under which white initials are AA (4.5:1)', () => {
    for (const colour of AVATAR_COLOURS) {
      const ratio = 1.05 / (luminance(colour) + 0.05);
      assert.ok(ratio >= 4.5, `${colour}: ${ratio.toFixed(2)}:1`);
    }
  });
});

describe('initials', () => {
  it('takes the first letters of the first and last words', () => {
    assert.equal(initials('Guest Otter'), 'GO');
    assert.equal(initials('  ana   maria  souza '), 'AS');
    assert.equal(initials('marina'), 'M');
  });

  it('keeps a character outside the BMP whole, and says ? for a blank name', () => {
    assert.equal(initials('𝒜lex Kim'), '𝒜K');
    assert.equal(initials('   '), '?');
  });
});
