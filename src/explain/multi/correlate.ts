import type { ConnectionSketch } from '../sketch.ts';

/**
 * The same TCP connection seen in several captures. Addresses may differ between vantage points
 * (NAT), so connections are matched by their initial sequence numbers, which address translation
 * leaves alone: the pair (client ISN, server ISN) identifies a connection across captures with
 * 64 bits of randomness; a lone client ISN plus the server port is the fallback when one capture
 * missed the SYN-ACK. Connections whose handshake no capture saw are not matched.
 */
export interface ConnectionMatch {
  /** Per capture index: the sketch of this connection there. */
  byCapture: Map<number, ConnectionSketch>;
}

export function matchConnections(sketches: readonly ConnectionSketch[]): ConnectionMatch[] {
  const byPair = new Map<string, ConnectionMatch>();
  const byClientIsn = new Map<string, ConnectionMatch>();
  const matches: ConnectionMatch[] = [];
  const ordered = [...sketches].sort((a, b) => a.capture - b.capture || a.start - b.start);
  for (const s of ordered) {
    if (s.clientIsn < 0) continue;
    const pairKey = s.serverIsn >= 0 ? `${s.clientIsn}:${s.serverIsn}` : null;
    const isnKey = `${s.clientIsn}:${s.serverPort}`;
    let m = (pairKey !== null ? byPair.get(pairKey) : undefined) ?? byClientIsn.get(isnKey);
    if (m?.byCapture.has(s.capture)) m = undefined; // the same capture twice: not the same connection
    if (m === undefined) {
      m = { byCapture: new Map() };
      matches.push(m);
    }
    m.byCapture.set(s.capture, s);
    if (pairKey !== null) byPair.set(pairKey, m);
    if (!byClientIsn.has(isnKey)) byClientIsn.set(isnKey, m);
  }
  return matches.filter((m) => m.byCapture.size > 1);
}
