import type { CaptureRecord } from '../capture/record.ts';
import { secondsOf } from '../capture/record.ts';
import { formatAddress } from '../decode/address.ts';
import { type PacketView, Tunnel } from '../decode/packet-view.ts';
import { flagLetters } from '../decode/tcp-flags.ts';
import { isKnownTcpOption, TcpOption } from '../decode/tcp-options.ts';
import { utcTime } from './time.ts';

const TUNNEL_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Tunnel).map(([name, code]) => [code, name]),
);

/** What each tunnel's id is called (JSON key and text label); tunnels without an id are absent. */
const TUNNEL_ID_NAMES: Record<number, string> = {
  [Tunnel.gre]: 'key',
  [Tunnel.erspan]: 'session',
  [Tunnel.vxlan]: 'vni',
  [Tunnel.geneve]: 'vni',
  [Tunnel.pppoe]: 'session',
  [Tunnel.mpls]: 'label',
  [Tunnel.gtp]: 'teid',
};

/** ERSPAN types as Cisco names them: "ERSPAN type II". */
const ROMAN: Record<number, string> = { 1: 'I', 2: 'II', 3: 'III' };

/** GRE version 1 is PPTP's enhanced GRE (RFC 2637): its "key" is the call id. */
const GRE_VERSION_PPTP = 1;

/** Does the capture's clock resolve finer than the microsecond (ns pcap, pcapng if_tsresol > 6)? */
function finerThanMicros(record: CaptureRecord): boolean {
  return (record.tsPrecision ?? 6) > 6;
}

/**
 * The exact timestamp as integer nanoseconds since 1970, as a decimal string: a float64 holds
 * about 16 significant digits, a nanosecond timestamp needs 19.
 */
function nanosString(record: CaptureRecord): string {
  const micros = record.tsMicros;
  if (micros >= 0) return `${micros}${String(record.tsNanos).padStart(3, '0')}`;
  return (BigInt(micros) * 1000n + BigInt(record.tsNanos)).toString();
}

/** One TCP packet as a JSON object (`rstscope packets --json`, one per line). Field names are a
 *  public contract: see README "Output contract". */
export function packetJson(record: CaptureRecord, view: PacketView): Record<string, unknown> {
  const o: Record<string, unknown> = {
    capture: record.capture,
    frame: record.frame,
    ts: secondsOf(record.tsMicros),
  };
  if (finerThanMicros(record)) o.tsNanos = nanosString(record);
  o.src = formatAddress(view.ipVersion === 6 ? 6 : 4, view.src);
  o.dst = formatAddress(view.ipVersion === 6 ? 6 : 4, view.dst);
  o.sport = view.sport;
  o.dport = view.dport;
  o.flags = flagLetters(view.flags);
  o.seq = view.seq;
  o.ack = view.ack;
  o.win = view.window;
  o.len = view.payloadLength;
  o.ttl = view.ttl;
  if (view.ipVersion === 4) o.ipid = view.ipId;
  o.ipv = view.ipVersion;
  const opts = optionsObject(view);
  if (opts !== null) o.options = opts;
  if (view.vlanCount > 0) o.vlan = Array.from(view.vlanIds.subarray(0, view.vlanCount));
  if (view.tunnelCount > 0) {
    o.tunnels = Array.from(view.tunnels.subarray(0, view.tunnelCount), (t) => TUNNEL_NAMES[t] ?? String(t));
    o.encap = encapsulation(view);
  }
  if (view.isFragment) o.fragment = true;
  if (record.capturedLength < record.originalLength) o.truncated = true;
  return o;
}

/** The outer layers, outermost first: kind, id under its own name, ERSPAN type, the IP header carrying it. */
function encapsulation(view: PacketView): Record<string, unknown>[] {
  const layers: Record<string, unknown>[] = [];
  for (let i = 0; i < view.tunnelCount; i++) {
    const kind = view.tunnels[i];
    const layer: Record<string, unknown> = { type: TUNNEL_NAMES[kind] ?? String(kind) };
    if (kind === Tunnel.erspan) layer.erspanType = view.tunnelVariants[i];
    const pptp = kind === Tunnel.gre && view.tunnelVariants[i] === GRE_VERSION_PPTP;
    if (pptp) layer.pptp = true;
    const id = view.tunnelIds[i];
    const idName = pptp ? 'callId' : TUNNEL_ID_NAMES[kind];
    if (id >= 0 && idName !== undefined) layer[idName] = id;
    const version = view.tunnelIpVersions[i];
    if (version === 4 || version === 6) {
      layer.src = formatAddress(version, view.tunnelSrc.subarray(i * 4, i * 4 + 4));
      layer.dst = formatAddress(version, view.tunnelDst.subarray(i * 4, i * 4 + 4));
    }
    layers.push(layer);
  }
  return layers;
}

/** Was this option, at index i of optionKinds, interpreted (else it is listed as unknown)? */
function isUnknownOption(view: PacketView, i: number): boolean {
  const kind = view.optionKinds[i];
  if (isKnownTcpOption(kind)) return false;
  // RFC 6994's shared kind 254 is known when it carried the pre-RFC 7413 Fast Open experiment.
  return !(
    kind === TcpOption.EXPERIMENTAL &&
    view.fastOpenCookieLength >= 0 &&
    !hasKind(view, TcpOption.FAST_OPEN)
  );
}

function hasKind(view: PacketView, kind: number): boolean {
  for (let i = 0; i < view.optionCount; i++) if (view.optionKinds[i] === kind) return true;
  return false;
}

function optionsObject(view: PacketView): Record<string, unknown> | null {
  if (view.optionCount === 0 && !view.optionsTruncated) return null;
  const o: Record<string, unknown> = {};
  if (view.mss >= 0) o.mss = view.mss;
  if (view.windowScale >= 0) o.wscale = view.windowScale;
  if (view.sackPermitted) o.sackOK = true;
  if (view.sackCount > 0) {
    const blocks: number[][] = [];
    for (let i = 0; i < view.sackCount; i++)
      blocks.push([view.sackBlocks[2 * i], view.sackBlocks[2 * i + 1]]);
    o.sack = blocks;
  }
  if (view.hasTimestamp) o.ts = [view.tsVal, view.tsEcr];
  if (view.hasMd5) o.md5 = true;
  if (view.hasAuthOption) o.ao = true;
  if (view.mptcpSubtype >= 0) o.mptcp = view.mptcpSubtype;
  if (view.fastOpenCookieLength >= 0) o.tfo = view.fastOpenCookieLength;
  const unknown: { kind: number; len: number }[] = [];
  for (let i = 0; i < view.optionCount; i++) {
    if (isUnknownOption(view, i)) unknown.push({ kind: view.optionKinds[i], len: view.optionLengths[i] });
  }
  if (unknown.length > 0) o.unknown = unknown;
  o.kinds = Array.from(view.optionKinds.subarray(0, view.optionCount));
  if (view.optionsMalformed) o.malformed = true;
  if (view.optionsTruncated) o.cut = true;
  return o;
}

/** Options in tcpdump's compact style: <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>. */
function optionsText(view: PacketView): string {
  if (view.optionCount === 0 && !view.optionsTruncated) return '';
  const parts: string[] = [];
  if (view.mss >= 0) parts.push(`mss ${view.mss}`);
  if (view.sackPermitted) parts.push('sackOK');
  if (view.hasTimestamp) parts.push(`TS val ${view.tsVal} ecr ${view.tsEcr}`);
  if (view.windowScale >= 0) parts.push(`wscale ${view.windowScale}`);
  for (let i = 0; i < view.sackCount; i++)
    parts.push(`sack ${view.sackBlocks[2 * i]}:${view.sackBlocks[2 * i + 1]}`);
  if (view.hasMd5) parts.push('md5');
  if (view.hasAuthOption) parts.push('tcp-ao');
  if (view.mptcpSubtype >= 0) parts.push(`mptcp ${view.mptcpSubtype}`);
  if (view.fastOpenCookieLength >= 0) parts.push(`tfo ${view.fastOpenCookieLength}`);
  for (let i = 0; i < view.optionCount; i++) {
    if (isUnknownOption(view, i)) parts.push(`opt ${view.optionKinds[i]} len ${view.optionLengths[i]}`);
  }
  if (view.optionsMalformed) parts.push('malformed');
  if (view.optionsTruncated) parts.push('cut by snaplen');
  return parts.length > 0 ? ` <${parts.join(',')}>` : '';
}

/** " vlan 100.200 via vxlan vni 4242 (192.0.2.1 > 192.0.2.2)": the outer layers, compactly. */
function outerText(view: PacketView): string {
  let text = '';
  if (view.vlanCount > 0) text += ` vlan ${Array.from(view.vlanIds.subarray(0, view.vlanCount)).join('.')}`;
  if (view.tunnelCount === 0) return text;
  const layers: string[] = [];
  for (const layer of encapsulation(view)) {
    let s = String(layer.type);
    if (typeof layer.erspanType === 'number') s += ` ${ROMAN[layer.erspanType] ?? layer.erspanType}`;
    if (layer.pptp === true) s += ' pptp';
    for (const key of ['key', 'callId', 'session', 'vni', 'label', 'teid']) {
      if (layer[key] !== undefined) s += ` ${key === 'callId' ? 'call' : key} ${layer[key]}`;
    }
    if (layer.src !== undefined) s += ` (${layer.src} > ${layer.dst})`;
    layers.push(s);
  }
  return `${text} via ${layers.join(', ')}`;
}

/** "2026-11-22 03:30:43.978576" or, for a nanosecond clock, "…03:30:43.978576789". */
function timeText(record: CaptureRecord): string {
  const time = utcTime(record.tsMicros);
  return finerThanMicros(record) ? `${time}${String(record.tsNanos).padStart(3, '0')}` : time;
}

/**
 * One packet as a readable line: frame, time, addresses, flags, numbers, TTL and IP ID, options,
 * then VLANs and tunnels when there are any.
 */
export function packetText(record: CaptureRecord, view: PacketView, showCapture: boolean): string {
  const v = view.ipVersion === 6 ? 6 : 4;
  const src = v === 6 ? `[${formatAddress(6, view.src)}]` : formatAddress(4, view.src);
  const dst = v === 6 ? `[${formatAddress(6, view.dst)}]` : formatAddress(4, view.dst);
  const where = showCapture ? `${record.capture}:` : '';
  const ipid = v === 4 ? ` id ${view.ipId}` : '';
  const ttlName = v === 4 ? 'ttl' : 'hlim';
  return (
    `${where}${String(record.frame).padStart(6)} ${timeText(record)} ` +
    `${src}:${view.sport} > ${dst}:${view.dport} [${flagLetters(view.flags)}] ` +
    `seq ${view.seq} ack ${view.ack} win ${view.window} len ${view.payloadLength} ` +
    `${ttlName} ${view.ttl}${ipid}${optionsText(view)}${outerText(view)}`
  );
}
