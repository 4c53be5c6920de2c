/**
 * Diurnal demand factor of a metro at simulated time `tS` (seconds from the start):
 * 1 + amplitude × cos(2π (localHour − peakLocalHour) / 24), where localHour = startUtcHour + tS/3600 +
 * utcOffsetHours (mod 24). Mean 1 over a day; never below 0 (amplitude is clamped to [0, 1]).
 */
export function diurnalFactor(
  tS: number,
  utcOffsetHours: number,
  diurnal: { amplitude: number; peakLocalHour: number; startUtcHour: number },
): number {
  const a = Math.min(1, Math.max(0, diurnal.amplitude));
  if (a === 0) return 1;
  const local = diurnal.startUtcHour + tS / 3600 + utcOffsetHours;
  return 1 + a * Math.cos((2 * Math.PI * (local - diurnal.peakLocalHour)) / 24);
}

/** Rate multiplier of steady growth at simulated time `tS`: (1 + perDay)^(tS / 86 400). */
export function growthFactor(tS: number, perDay: number): number {
  return (1 + perDay) ** (tS / 86_400);
}
