import { TcpFlag } from '../../decode/packet-view.ts';
import { hopsFromTtl, initialTtl } from '../host-profiles.ts';
import type { ResetContext } from '../reset-context.ts';
import type { OriginVote } from './vote.ts';
import { ref, senderRole } from './vote.ts';

/**
 * TTL / hop limit against the purported sender's other packets. Packets of one host reach one
 * capture point over one path, so they arrive with one TTL; a reset that arrives with another was
 * emitted from another distance — a device on the path (the strongest passive signal in Weaver et
 * al. and in Cloudflare's tampering study). Learned first from this connection, then from every
 * connection of that host in the capture.
 */
export function ttlScorer(ctx: ResetContext): OriginVote[] {
  const r = ctx.r;
  if (r.ttl < 0) return [];
  const role = senderRole(ctx);
  let expected = -1;
  let source = '';
  const own = [...ctx.before, ...ctx.after].filter(
    (p) => p.fromClient === ctx.fromClient && (p.flags & TcpFlag.RST) === 0 && p.ttl >= 0,
  );
  if (own.length > 0) {
    // A capture on several interfaces (tcpdump -i any on a router) sees each packet more than
    // once, at different TTLs: any TTL the sender's own packets show is consistent.
    const seen = new Set(own.map((p) => p.ttl));
    if (seen.has(r.ttl)) {
      return [
        {
          origin: role,
          weight: 2,
          signal: 'ttl',
          detail: `TTL ${r.ttl} equals this connection's other ${role} packets (${[...seen].sort((a, b) => b - a).join('/')})`,
          frames: [ref(ctx, r.frame)],
        },
      ];
    }
    expected = mode(own.map((p) => p.ttl));
    source = `this connection's other ${role} packets`;
  } else {
    expected = ctx.hosts.usualTtl(ctx.c.capture, ctx.senderAddress);
    source = `${ctx.senderAddress}'s packets on other connections`;
  }
  const frames = [ref(ctx, r.frame)];
  if (expected < 0) {
    return [];
  }
  const diff = r.ttl - expected;
  if (diff === 0) {
    return [
      {
        origin: role,
        weight: 2,
        signal: 'ttl',
        detail: `TTL ${r.ttl} equals ${source} (${expected})`,
        frames,
      },
    ];
  }
  if (Math.abs(diff) === 1 && initialTtl(r.ttl) === initialTtl(expected) && hopsFromTtl(r.ttl) !== 0) {
    // One hop of difference can be a route change; weak either way.
    return [
      {
        origin: 'middlebox',
        weight: 0.5,
        signal: 'ttl',
        detail: `TTL ${r.ttl} differs by one from ${source} (${expected})`,
        frames,
      },
    ];
  }
  const closer = diff > 0;
  const hops = initialTtl(r.ttl) === initialTtl(expected) ? Math.abs(diff) : null;
  const distance =
    hops === null
      ? `a different initial TTL (${initialTtl(r.ttl)} vs ${initialTtl(expected)}): another device or OS`
      : closer
        ? `emitted ${hops} hop${hops === 1 ? '' : 's'} closer to the capture point than the ${role}`
        : `emitted ${hops} hop${hops === 1 ? '' : 's'} farther from the capture point than the ${role}`;
  return [
    {
      origin: 'middlebox',
      weight: 3,
      signal: 'ttl',
      detail: `TTL ${r.ttl} but ${source} arrive with ${expected}: ${distance}`,
      frames,
    },
  ];
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  let best = values[0];
  let bestN = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestN) {
      best = v;
      bestN = n;
    }
  }
  return best;
}
