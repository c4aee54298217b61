import { formatAddress, parseAddress } from '../decode/address.ts';
import type { Cause, Finding } from '../explain/finding.ts';
import { CAUSES } from '../explain/finding.ts';
import { UsageError } from './packet-filter.ts';

export interface FindingFilterOptions {
  host?: string[];
  port?: number[];
  cause?: string[];
  since?: string;
  until?: string;
}

/** Parse "2024-05-01T10:00:00Z", "2024-05-01 10:00:00" (UTC) or epoch seconds, into seconds. */
export function parseTime(text: string, option: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms))
    throw new UsageError(`${option}: not a time: ${text} (use 2024-05-01T10:00:00Z or epoch seconds)`);
  return ms / 1000;
}

/** What the filter reads of a finding (a whole finding or its head). */
export type FilterInput = Pick<Finding, 'cause' | 'time' | 'connection'>;

/**
 * Shell-friendly selection of findings: by host, port, cause and time. Hosts are compared in
 * their canonical text (RFC 5952 for IPv6, as findings print them), so `2001:DB8:0::1` and
 * `[2001:db8::1]` select the same findings; a host that is not an address is a usage error, as
 * for `packets --host`.
 */
export function findingFilter(options: FindingFilterOptions): (f: FilterInput) => boolean {
  const causes = options.cause ?? [];
  for (const c of causes) {
    if (!(CAUSES as readonly string[]).includes(c))
      throw new UsageError(`--cause: unknown cause ${c} (one of: ${CAUSES.join(', ')})`);
  }
  const hosts = (options.host ?? []).map((h) => {
    const parsed = parseAddress(h);
    if (parsed === null) throw new UsageError(`--host: not an IPv4 or IPv6 address: ${h}`);
    return formatAddress(parsed.version, parsed.words);
  });
  const ports = options.port ?? [];
  const since = options.since !== undefined ? parseTime(options.since, '--since') : -Infinity;
  const until = options.until !== undefined ? parseTime(options.until, '--until') : Infinity;
  return (f) => {
    if (causes.length > 0 && !causes.includes(f.cause as Cause)) return false;
    if (f.time < since || f.time > until) return false;
    // Every view of the connection counts: behind NAT one capture saw other addresses.
    const ends = [f.connection.client, f.connection.server];
    for (const s of f.connection.asSeen ?? []) ends.push(s.client, s.server);
    if (hosts.length > 0 && !ends.some((e) => hosts.some((h) => hostOf(e) === h))) return false;
    if (ports.length > 0 && !ends.some((e) => ports.includes(portOf(e)))) return false;
    return true;
  };
}

/** "10.0.0.1:80" → 10.0.0.1, "[2001:db8::1]:443" → 2001:db8::1; a bare host (patterns) as is. */
function hostOf(endpoint: string): string {
  if (endpoint.startsWith('[')) return endpoint.slice(1, endpoint.indexOf(']'));
  const i = endpoint.lastIndexOf(':');
  return i > 0 && endpoint.indexOf(':') === i ? endpoint.slice(0, i) : endpoint;
}

/**
 * The port of "10.0.0.1:80" or "[2001:db8::1]:443"; -1 for a bare host (a pattern's "10.0.0.1",
 * "2001:db8::1" — whose last group is not a port — or "*").
 */
function portOf(endpoint: string): number {
  const i = endpoint.lastIndexOf(':');
  if (i <= 0) return -1;
  if (endpoint.startsWith('[') ? endpoint[i - 1] !== ']' : endpoint.indexOf(':') !== i) return -1;
  return Number(endpoint.slice(i + 1));
}
