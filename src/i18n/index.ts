/**
 * UI languages: English and Brazilian Portuguese. A locale is chosen by the element's `locale` property, else the
 * browser's language; `pt` and any `pt-*` map to pt-BR, anything unknown to English.
 */
import { en } from './en.js';
import { ptBR } from './pt-BR.js';
import type { Strings } from './strings.js';

export type { Strings } from './strings.js';

export type SupportedLocale = 'en' | 'pt-BR';

/** The supported locale closest to a BCP 47 tag. */
export function resolveLocale(requested: string | null | undefined): SupportedLocale {
  const tag = (requested || (typeof navigator !== 'undefined' ? navigator.language : '') || 'en').toLowerCase();
  return tag === 'pt' || tag.startsWith('pt-') ? 'pt-BR' : 'en';
}

export function stringsFor(locale: SupportedLocale): Strings {
  return locale === 'pt-BR' ? ptBR : en;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

/** "3 minutes ago" / "há 3 minutos"; anything under a minute is "now" / "agora". */
export function relativeTime(time: number, now: number, locale: SupportedLocale): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  // A server clock slightly ahead of ours must not say "in 3 seconds".
  const diff = Math.min(0, time - now);
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return format.format(Math.round(diff / ms), unit);
  }
  return format.format(0, 'second');
}
