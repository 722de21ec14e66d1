/** Numbers as the dashboard shows them: counts with separators, bytes in decimal units. */

const count = new Intl.NumberFormat('en');
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function formatCount(value: number): string {
  return count.format(value);
}

/** `1234567` → `1.2 MB` (powers of 1000, as network traffic is usually counted). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

const dayLabel = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** `2026-12-01` → `Dec 1` (days are UTC days, as the server counts them). */
export function formatDay(day: string): string {
  return dayLabel.format(new Date(`${day}T00:00:00Z`));
}
