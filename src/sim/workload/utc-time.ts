/**
 * The calendar rules of a trace timestamp's fields (UTC, proleptic Gregorian, no leap seconds), in one
 * place for the byte scanner and the text parser.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Days in month `mo` (1–12) of year `y`: February has 29 in years divisible by 4 but not 100, or by 400. */
export function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/**
 * What makes the fields not a real UTC date and time ("month 13 is not 01–12", "February 2023 has 28
 * days, not 30"), or undefined when they are one. Seconds run 00–59 (a leap second :60 is refused).
 */
export function clockProblem(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
): string | undefined {
  if (mo < 1 || mo > 12) return `month ${mo} is not 01–12`;
  const days = daysInMonth(y, mo);
  if (d < 1 || d > days) return `${MONTHS[mo - 1]} ${y} has ${days} days, not ${d}`;
  if (h > 23) return `hour ${h} is not 00–23`;
  if (mi > 59) return `minute ${mi} is not 00–59`;
  if (s > 59) return `second ${s} is not 00–59`;
  return undefined;
}

/**
 * Milliseconds since the epoch of a real UTC date and time (check it with `clockProblem` first). Equal to
 * `Date.UTC` for years from 100 on; years 0–99 are taken as written (Date.UTC reads them as 1900–1999).
 */
export function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  // 2000 is a leap year, so every real (month, day) exists there before the year is set.
  return new Date(Date.UTC(2000, mo - 1, d, h, mi, s)).setUTCFullYear(y);
}
