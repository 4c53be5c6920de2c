import { describe, expect, it } from 'vitest';
import { clockProblem, daysInMonth, utcMs } from './utc-time.js';

describe('UTC timestamp fields', () => {
  it('counts 29 days in February of 2024 and 2000, 28 in 2023 and 2100, 30 in April and 31 in December', () => {
    expect([daysInMonth(2024, 2), daysInMonth(2000, 2), daysInMonth(2023, 2), daysInMonth(2100, 2)]).toEqual([
      29, 29, 28, 28,
    ]);
    expect([daysInMonth(2023, 4), daysInMonth(2023, 12)]).toEqual([30, 31]);
  });

  it('agrees with Date.UTC at 13:45:07 on every day of 1900 to 2100 (so valid traces load as before)', () => {
    let days = 0;
    for (let y = 1900; y <= 2100; y++)
      for (let mo = 1; mo <= 12; mo++)
        for (let d = 1; d <= daysInMonth(y, mo); d++) {
          if (clockProblem(y, mo, d, 13, 45, 7) !== undefined) throw new Error(`refused ${y}-${mo}-${d}`);
          if (utcMs(y, mo, d, 13, 45, 7) !== Date.UTC(y, mo - 1, d, 13, 45, 7))
            throw new Error(`${y}-${mo}-${d}`);
          days++;
        }
    expect(days).toBe(73_414);
  });

  it('puts 0001-01-01 at −62,135,596,800,000 ms and 0000-02-29 one day before 0000-03-01 (Date.UTC would say 1901 and 1900)', () => {
    expect(utcMs(1, 1, 1, 0, 0, 0)).toBe(-62_135_596_800_000);
    expect(utcMs(0, 3, 1, 0, 0, 0) - utcMs(0, 2, 29, 0, 0, 0)).toBe(86_400_000);
  });
});
