/** Timestamps are integer microseconds since 1970 throughout rstscope. */

/** "1232039471.582211" — seconds with six decimals, exact (no float rounding). */
export function epochSeconds(tsMicros: number): string {
  const sec = Math.floor(tsMicros / 1_000_000);
  const us = tsMicros - sec * 1_000_000;
  return `${sec}.${String(us).padStart(6, '0')}`;
}

/** "2009-01-15 17:11:11.582211" in UTC. */
export function utcTime(tsMicros: number): string {
  const ms = Math.floor(tsMicros / 1000);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return epochSeconds(tsMicros);
  const iso = d.toISOString(); // 2009-01-15T17:11:11.582Z
  const us = String(tsMicros % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${us}`;
}

/** A duration in µs for people: "850 µs", "12.3 ms", "4.20 s", "3 min 12 s", "2 h 05 min". */
export function humanDuration(micros: number): string {
  if (micros < 0) return '-';
  if (micros < 1000) return `${Math.round(micros)} µs`;
  if (micros < 1_000_000) return `${(micros / 1000).toFixed(micros < 10_000 ? 2 : 1)} ms`;
  const s = micros / 1_000_000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
