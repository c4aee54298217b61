/**
 * Pattern findings carry their numbers in `details` ({ count, interval, sameRequest, … } from
 * explain/patterns.ts). The report shows them as words with units, not as a raw dump
 * ("interval: 0.022675714285714285 · sameRequest: false" becomes "one every 22.7 ms on average",
 * "same first request each time: no").
 *
 * A pure function with no imports and no closure, embedded in the page by its source, like
 * ladderLayout. Keys it does not know are still shown, with their camelCase split into words and
 * numbers rounded, so a new detail is readable before anyone teaches this function about it.
 */
export function patternDetails(cause: string, details: Record<string, unknown>): [string, string][] {
  const duration = (s: number): string => {
    if (!Number.isFinite(s)) return String(s);
    if (s >= 120) return `${(s / 60).toFixed(1)} min`;
    if (s >= 1) return `${s.toFixed(2)} s`;
    if (s >= 0.001) return `${(s * 1000).toFixed(1)} ms`;
    return `${Math.round(s * 1e6)} µs`;
  };
  const number = (n: number): string => {
    if (Number.isInteger(n)) return n.toLocaleString('en-US');
    const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 1 ? 2 : 3;
    return Number(n.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits });
  };
  const plain = (v: unknown): string => {
    if (typeof v === 'number') return number(v);
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.slice(0, 20).map(plain).join(', ') + (v.length > 20 ? ', …' : '');
    if (v === null || v === undefined) return '—';
    return JSON.stringify(v);
  };
  const words = (key: string): string =>
    key
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/[_-]+/g, ' ')
      .toLowerCase();
  const counted: Record<string, string> = {
    'reconnect-loop': 'connections',
    'repeated-reset': 'resets on the same 4-tuple',
    'reset-storm': 'resets within ten seconds',
  };
  const rows: [string, string][] = [];
  for (const key of Object.keys(details)) {
    const v = details[key];
    const n = typeof v === 'number' ? v : null;
    if (key === 'count' && n !== null) rows.push([counted[cause] ?? 'count', number(n)]);
    else if (key === 'interval' && n !== null) rows.push(['pace', `one every ${duration(n)} on average`]);
    else if (key === 'span' && n !== null) rows.push(['over', duration(n)]);
    else if (key === 'sameRequest' && typeof v === 'boolean')
      rows.push(['same first request each time', v ? 'yes' : 'no']);
    else if (key === 'mainCause') rows.push(['most common cause', plain(v)]);
    else if (key === 'ports' && n !== null) rows.push(['ports tried', number(n)]);
    else if (key === 'attempts' && n !== null) rows.push(['attempts', number(n)]);
    else rows.push([words(key), plain(v)]);
  }
  return rows;
}
