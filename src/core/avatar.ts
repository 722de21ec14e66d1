/**
 * A user's avatar: a colour and initials derived from the user, the same in every session and browser (a hash of the
 * user id picks the colour; the initials come from the name), so people tell "Guest Otter" from "Guest Lynx" at a glance.
 */

/**
 * The avatar colours, drawn behind white initials: each is at least 4.5:1 under white (WCAG AA for text), so the
 * initials read the same on light and dark panels. No red: it would read as an error.
 */
export const AVATAR_COLOURS = ['#c2410c', '#a16207', '#15803d', '#0f766e', '#0369a1', '#4338ca', '#7e22ce', '#be185d'];

/** The colour of a user id: FNV-1a over its UTF-16 code units, so every browser computes the same one. */
export function avatarColour(userId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  return AVATAR_COLOURS[(hash >>> 0) % AVATAR_COLOURS.length];
}

/** Up to two initials: the first letters of the first and last words ("Guest Otter" → "GO", "marina" → "M"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  // By code point, not UTF-16 unit: a name may start with a character outside the BMP.
  const first = (word: string) => [...word][0].toUpperCase();
  return words.length === 1 ? first(words[0]) : first(words[0]) + first(words[words.length - 1]);
}
