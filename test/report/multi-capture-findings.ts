/**
 * Multi-capture findings built by hand, in the shape the vantage-point correlation produces
 * (ladder rungs from several captures, `ts` on capture 0's clock, `lost`, `seenAt`; captures with
 * `vantage`), so the HTML report's vantage drawing can be tested before real data carries it.
 *
 * Modelled on the lab's four-capture scenarios (test/lab/README.md: client, router on the
 * client's side, router on the server's side, server), with their real sequence numbers:
 *   - retransmission-exhausted: the path drops the client's upload; its retransmissions and
 *     its final reset are seen on the client's side only (lost);
 *   - middlebox-injected: a device forges a reset toward each end; each reset is seen only on
 *     the side it went to, never leaving the other host;
 *   - firewall-reject seen by a capture on the firewall itself (vantage between): the SYN
 *     stops there and the reset starts there.
 */
import type { Finding } from '../../src/explain/finding.ts';
import type { CaptureInfo } from '../../src/report/explain-json.ts';
import type { LadderPacket } from '../../src/report/html/model.ts';

type Vantage = NonNullable<CaptureInfo['vantage']>;

function capture(
  index: number,
  path: string,
  vantage: Vantage,
  span = [1_795_318_194.2, 1_795_318_233],
): CaptureInfo {
  return {
    index,
    path,
    format: 'pcap',
    compression: 'none',
    packets: 20,
    tcpPackets: 18,
    connections: 1,
    firstTs: span[0],
    lastTs: span[1],
    problems: [],
    vantage,
  };
}

/** One rung; `seenAt` lists the other captures that saw the same packet. */
function rung(
  capture: number,
  frame: number,
  ts: number,
  from: 'client' | 'server',
  flags: string,
  seq: number,
  ack: number,
  len: number,
  extra: Partial<LadderPacket> = {},
): LadderPacket {
  return {
    capture,
    frame,
    ts,
    from,
    flags,
    seq,
    ack,
    len,
    win: 502,
    ttl: from === 'client' ? 64 : 63,
    ...extra,
  };
}

function finding(id: number, f: Partial<Finding> & Pick<Finding, 'cause' | 'severity' | 'origin'>): Finding {
  const ladder = (f.ladder ?? []) as LadderPacket[];
  const resets = ladder.filter((r) => r.mark === 'reset');
  return {
    id,
    kind: 'reset',
    confidence: 0.9,
    packets: resets.map((r) => ({ capture: r.capture, frame: r.frame })),
    connection: { client: '198.18.1.2:37922', server: '198.18.2.2:80' },
    time: resets[0]?.ts ?? ladder[0]?.ts ?? 0,
    evidence: [],
    alternatives: [],
    summary: `hand-built ${f.cause} finding`,
    nextStep: 'none',
    ...f,
  };
}

export const FOUR_CAPTURES: CaptureInfo[] = [
  capture(0, 'lab/client.pcap', 'client'),
  capture(1, 'lab/router-c.pcap', 'client'),
  capture(2, 'lab/router.pcap', 'server'),
  capture(3, 'lab/server.pcap', 'server'),
];

const C = 3128206970;
const S = 2744169266;
const everywhere = { seenAt: [1, 2, 3] };
const clientSide = { seenAt: [1], lost: true };

/** Windows-like: 5 retransmissions of the upload and the reset, none of which reach the server. */
export const LOST_UPLOAD: Finding = finding(1, {
  cause: 'retransmission-exhausted',
  severity: 'problem',
  origin: 'client',
  ladder: [
    rung(0, 3, 1795318194.233258, 'client', 'S', C, 0, 0, everywhere),
    rung(0, 4, 1795318194.233314, 'server', 'SA', S, C + 1, 0, everywhere),
    rung(0, 5, 1795318194.233332, 'client', 'A', C + 1, S + 1, 0, everywhere),
    rung(0, 6, 1795318194.234113, 'client', 'PA', C + 1, S + 1, 73, {
      ...everywhere,
      app: 'GET /before HTTP/1.1',
    }),
    rung(0, 8, 1795318194.234333, 'server', 'PA', S + 1, C + 74, 264, {
      ...everywhere,
      app: 'HTTP/1.1 200 OK',
    }),
    rung(0, 10, 1795318194.241422, 'client', 'PA', C + 74, S + 265, 649, {
      ...clientSide,
      app: 'POST /upload HTTP/1.1',
    }),
    rung(0, 11, 1795318194.448078, 'client', 'PA', C + 74, S + 265, 649, clientSide),
    rung(0, 12, 1795318194.656077, 'client', 'PA', C + 74, S + 265, 649, clientSide),
    rung(0, 13, 1795318195.068085, 'client', 'PA', C + 74, S + 265, 649, clientSide),
    rung(0, 14, 1795318195.900086, 'client', 'PA', C + 74, S + 265, 649, clientSide),
    rung(0, 15, 1795318197.564076, 'client', 'PA', C + 74, S + 265, 649, clientSide),
    rung(0, 18, 1795318200.50258, 'client', 'RA', C + 723, S + 265, 0, { ...clientSide, mark: 'reset' }),
  ],
});

const I = 1625086813;
const J = 3786097559;

/** A device forges a reset toward each end at once: each is seen only on its own side. */
export const FORGED_BOTH_WAYS: Finding = finding(2, {
  cause: 'middlebox-injected',
  severity: 'security',
  origin: 'middlebox',
  connection: { client: '198.18.1.2:38916', server: '198.18.2.2:80' },
  ladder: [
    rung(0, 3, 1795318232.472355, 'client', 'S', I, 0, 0, everywhere),
    rung(0, 4, 1795318232.472397, 'server', 'SA', J, I + 1, 0, everywhere),
    rung(0, 5, 1795318232.47241, 'client', 'A', I + 1, J + 1, 0, everywhere),
    rung(0, 6, 1795318232.473022, 'client', 'PA', I + 1, J + 1, 70, {
      ...everywhere,
      app: 'GET /one HTTP/1.1',
    }),
    rung(0, 8, 1795318232.476471, 'server', 'PA', J + 1, I + 71, 264, {
      ...everywhere,
      app: 'HTTP/1.1 200 OK',
    }),
    // Claims to come from the server; seen at the client's side only.
    rung(0, 10, 1795318232.680946, 'server', 'RA', J + 265, I + 71, 0, { seenAt: [1], mark: 'reset' }),
    // Claims to come from the client; seen at the server's side only (read from capture 3).
    rung(3, 10, 1795318232.680964, 'client', 'RA', I + 71, J + 265, 0, { seenAt: [2], mark: 'reset' }),
  ],
});

/** The server's capture was running the whole time, and saw nothing of this connection. */
const FIREWALL_SPAN = [1_795_318_162.4, 1_795_318_163];
export const ON_THE_FIREWALL: CaptureInfo[] = [
  capture(0, 'lab/client.pcap', 'client', FIREWALL_SPAN),
  capture(1, 'lab/firewall.pcap', 'between', FIREWALL_SPAN),
  capture(2, 'lab/server.pcap', 'server', FIREWALL_SPAN),
];

/** firewall-reject, with a capture on the firewall: the SYN stops there, the reset starts there. */
export const REJECTED_AT_FIREWALL: Finding = finding(1, {
  cause: 'firewall-reject',
  severity: 'expected-failure',
  origin: 'middlebox',
  connection: { client: '198.18.1.2:44314', server: '198.18.2.2:23' },
  traceback: {
    trigger: {
      capture: 0,
      frame: 13,
      ts: 1795318162.500335,
      from: 'client',
      flags: 'S',
      seq: 1746470190,
      ack: 0,
      len: 0,
    },
    triggerMatch: 'seq-matches',
    lastClientData: null,
    lastServerData: null,
    lastRequest: null,
    response: null,
    idleBefore: 0,
    silenceBefore: 0.000048,
    outstanding: { client: 0, server: 0 },
    retransmission: null,
    connectionState: 'syn-sent',
  },
  ladder: [
    rung(0, 13, 1795318162.500335, 'client', 'S', 1746470190, 0, 0, { seenAt: [1] }),
    rung(0, 14, 1795318162.500383, 'server', 'RA', 0, 1746470191, 0, { seenAt: [1], mark: 'reset', win: 0 }),
  ],
});
