import { parseAddress } from '../decode/address.ts';
import type { PacketView } from '../decode/packet-view.ts';
import { TcpFlag } from '../decode/packet-view.ts';

export interface PacketFilterOptions {
  host?: string[];
  port?: number[];
  resets?: boolean;
}

/** A compiled host/port/reset filter: numeric comparisons only, so it can run per packet. */
export class PacketFilter {
  private readonly hosts: { version: 4 | 6; words: Uint32Array }[];
  private readonly ports: number[];
  private readonly resetsOnly: boolean;

  constructor(options: PacketFilterOptions) {
    this.hosts = (options.host ?? []).map((h) => {
      const parsed = parseAddress(h);
      if (parsed === null) throw new UsageError(`--host: not an IPv4 or IPv6 address: ${h}`);
      return parsed;
    });
    this.ports = options.port ?? [];
    this.resetsOnly = options.resets ?? false;
  }

  get isEmpty(): boolean {
    return this.hosts.length === 0 && this.ports.length === 0 && !this.resetsOnly;
  }

  matches(view: PacketView): boolean {
    if (this.resetsOnly && (view.flags & TcpFlag.RST) === 0) return false;
    if (this.ports.length > 0 && !this.ports.some((p) => p === view.sport || p === view.dport)) return false;
    if (this.hosts.length > 0) {
      const ok = this.hosts.some(
        (h) => h.version === view.ipVersion && (sameHost(h.words, view.src) || sameHost(h.words, view.dst)),
      );
      if (!ok) return false;
    }
    return true;
  }
}

function sameHost(a: Uint32Array, b: Uint32Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** A mistake in the command line: printed without a stack trace, exit code 1. */
export class UsageError extends Error {}
