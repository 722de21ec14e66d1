/**
 * UI languages: English and Brazilian Portuguese. A locale is chosen by the element's `locale` property, else the
 * browser's language; `pt` and any `pt-*` map to pt-BR, anything unknown to English. English is built in; pt-BR is
 * loaded when a page first asks for it (most pages never do), and English shows until it has come.
 */
import { en } from './en.js';
import type { Strings } from './strings.js';

export type { Strings } from './strings.js';

export type SupportedLocale = 'en' | 'pt-BR';

/** The supported locale closest to a BCP 47 tag. */
export function resolveLocale(requested: string | null | undefined): SupportedLocale {
  const tag = (requested || (typeof navigator !== 'undefined' ? navigator.language : '') || 'en').toLowerCase();
  return tag === 'pt' || tag.startsWith('pt-') ? 'pt-BR' : 'en';
}

const loaded = new Map<SupportedLocale, Strings>([['en', en]]);
let ptBR: Promise<Strings> | undefined;

/** The strings of `locale` once loaded ({@link loadStrings}); English until then. */
export function stringsFor(locale: SupportedLocale): Strings {
  return loaded.get(locale) ?? en;
}

/** Loads the strings of `locale` (once); resolves when {@link stringsFor} has them. */
export function loadStrings(locale: SupportedLocale): Promise<Strings> {
  const strings = loaded.get(locale);
  if (strings) return Promise.resolve(strings);
  ptBR ??= import('./pt-BR.js').then((m) => {
    loaded.set('pt-BR', m.ptBR);
    return m.ptBR;
  });
  return ptBR;
}

export { relativeTime } from './relative-time.js';
