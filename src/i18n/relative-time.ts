/** Relative times for comments ("3 minutes ago" / "há 3 minutos"), in a module of its own: only threads need it. */
import type { SupportedLocale } from './index.js';

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
