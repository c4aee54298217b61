/**
 * The finding: rstscope's unit of explanation, and the public JSON contract (README "Output
 * contract"). Field names here are what `--json` prints; change them only with a schema version.
 */

export type FindingKind = 'reset' | 'failure' | 'pattern';

export type Severity = 'benign' | 'expected-failure' | 'problem' | 'security';

export type Origin = 'client' | 'server' | 'middlebox' | 'unknown';

/** Cause ids from the taxonomy (../shared/PRODUCT.md); part of the public output. */
export const CAUSES = [
  'refused',
  'firewall-reject',
  'syn-unanswered',
  'handshake-abort',
  'smb-port-race',
  'listen-overflow',
  'time-wait-reuse',
  'unknown-connection',
  'app-abort',
  'close-with-unread-data',
  'data-after-close',
  'retransmission-exhausted',
  'retransmission-timeout',
  'keepalive-timeout',
  'zero-window-timeout',
  'app-timeout',
  'app-error',
  'middlebox-injected',
  'middlebox-idle-timeout',
  'out-of-window',
  'rst-after-fin',
  'unexplained',
  // pattern findings
  'reconnect-loop',
  'repeated-reset',
  'reset-storm',
  'scan',
] as const;
export type Cause = (typeof CAUSES)[number];

export interface PacketRef {
  capture: number;
  frame: number;
}

export interface Evidence {
  /** Short machine name of the signal: 'ttl', 'ip-id', 'seq', 'timing', 'after-reset', … */
  signal: string;
  /** One plain sentence. */
  detail: string;
  frames: PacketRef[];
}

export interface Alternative {
  cause: Cause;
  confidence: number;
  /** Why it lost. */
  why: string;
}

export interface OriginVerdict {
  origin: Origin;
  confidence: number;
  /** Each scorer's vote. */
  votes: { origin: Origin; weight: number; signal: string; detail: string; frames: PacketRef[] }[];
}

export interface PacketBrief {
  capture: number;
  frame: number;
  /** Seconds since 1970 (µs precision). */
  ts: number;
  from: 'client' | 'server';
  flags: string;
  seq: number;
  ack: number;
  len: number;
  /** One-line application summary of the message this packet starts, when known. */
  app?: string;
}

export interface Traceback {
  /** The packet the reset answers (its ACK/SEQ relation), when one can be named. */
  trigger: PacketBrief | null;
  /** How the trigger was identified: 'ack-matches', 'seq-matches', 'last-from-peer'. */
  triggerMatch: string | null;
  lastClientData: PacketBrief | null;
  lastServerData: PacketBrief | null;
  /** The last request (client application message) and whether TCP acknowledged it. */
  lastRequest: (PacketBrief & { bytes: number; acked: boolean; answered: boolean }) | null;
  /** The answer to it, if the application answered. */
  response: (PacketBrief & { bytes: number }) | null;
  /** Seconds between the previous packet of the connection and the reset (failures: from the
   *  connection's last packet to the end of the capture, or to a gap in it). */
  idleBefore: number;
  /** Seconds between the last non-reset packet and the reset (failures: the silence the
   *  failure rests on, measured up to a gap in the capture). */
  silenceBefore: number;
  /** Bytes sent but not acknowledged, per direction, at the reset. */
  outstanding: { client: number; server: number };
  /** The segment still outstanding at the reset (the resetter's first, else its peer's) that a
   *  retransmission timer resent: copies of one packet and fast repeats are not counted. */
  retransmission: {
    from: 'client' | 'server';
    seq: number;
    /** Timer sends, the original first. */
    sends: number;
    /** Seconds between successive sends (the backoff). */
    intervals: number[];
    acked: boolean;
  } | null;
  connectionState: string;
}

export interface Finding {
  /** 1-based, in output order. */
  id: number;
  kind: FindingKind;
  cause: Cause;
  severity: Severity;
  confidence: number;
  /** Reset findings: who sent the reset. */
  origin?: Origin;
  originDetail?: OriginVerdict;
  /** Reset findings: their RST packets; failures: the packets that show the failure (the SYNs,
   *  the retransmissions, the request and FIN); patterns: none (see `related`). */
  packets: PacketRef[];
  /**
   * Reset and failure findings: `ip:port` of each end. Pattern findings name hosts, since they
   * span connections: `client` is a host address; `server` is `ip:port` (reconnect-loop), a host
   * (scan) or `*` (reset-storm: any peer); repeated-reset keeps the 4-tuple's `ip:port` pair.
   */
  connection: {
    client: string;
    server: string;
    /** The roles were inferred (no SYN captured): 'syn-ack', 'port' or 'first-packet'. */
    rolesInferred?: string;
    /** Several captures: the connection as each capture holding it saw it (NAT changes the
     *  addresses and ports between vantage points). */
    asSeen?: { capture: number; client: string; server: string }[];
  };
  /** Seconds since 1970 of the first packet of the finding (several captures: on the reference
   *  capture's clock, see `captures[].clock`). */
  time: number;
  evidence: Evidence[];
  alternatives: Alternative[];
  /** Reset and failure findings (patterns have none). */
  traceback?: Traceback;
  /**
   * The connection's packets around the finding, in capture order (bounded: the handshake, the
   * last packets before, the finding's own packets, a few after) — what a ladder diagram draws.
   * `gapBefore` on a packet means packets were left out just before it.
   * Several captures: rungs from every capture holding the connection, each packet once (shown as
   * captured nearest its sender; `seenAt` lists the captures that saw it), in reference-clock order;
   * `lost` marks a packet a capture further along its way was recording for and never saw.
   */
  ladder?: (PacketBrief & {
    win: number;
    ttl: number;
    mark?: 'reset' | 'finding';
    gapBefore?: boolean;
    lost?: boolean;
    seenAt?: number[];
  })[];
  app?: { request?: string; response?: string; error?: boolean };
  summary: string;
  nextStep: string;
  /** Set when other vantage points changed the verdict: what this capture alone said. */
  singleCapture?: { origin: Origin; cause: Cause; confidence: number };
  /** Pattern findings: the findings they group. */
  related?: number[];
  /** Pattern details (counts, period…). */
  details?: Record<string, unknown>;
}

export const SEVERITY_RANK: Record<Severity, number> = {
  security: 3,
  problem: 2,
  'expected-failure': 1,
  benign: 0,
};
