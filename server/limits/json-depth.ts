/**
 * Whether JSON text nests arrays/objects deeper than `maxDepth`, found by one linear scan of the raw text (brackets
 * outside strings), before `JSON.parse` builds anything: a 5,000-deep frame costs a loop, not a deep object that
 * later recursive code (zod, JSON.stringify) would walk. Malformed text is left for JSON.parse to refuse.
 */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++; // skip the escaped character, whatever it is
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
