import type { CaptureRecord } from '../capture/record.ts';
import { secondsOf } from '../capture/record.ts';
import { formatAddress } from '../decode/address.ts';
import { type PacketView, Tunnel } from '../decode/packet-view.ts';
import { flagLetters } from '../decode/tcp-flags.ts';
import { utcTime } from './time.ts';

const TUNNEL_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Tunnel).map(([name, code]) => [code, name]),
);

/** One TCP packet as a JSON object (`rstscope packets --json`, one per line). Field names are a
 *  public contract: see README "Output contract". */
export function packetJson(record: CaptureRecord, view: PacketView): Record<string, unknown> {
  const o: Record<string, unknown> = {
    capture: record.capture,
    frame: record.frame,
    ts: secondsOf(record.tsMicros),
    src: formatAddress(view.ipVersion === 6 ? 6 : 4, view.src),
    dst: formatAddress(view.ipVersion === 6 ? 6 : 4, view.dst),
    sport: view.sport,
    dport: view.dport,
    flags: flagLetters(view.flags),
    seq: view.seq,
    ack: view.ack,
    win: view.window,
    len: view.payloadLength,
    ttl: view.ttl,
  };
  if (view.ipVersion === 4) o.ipid = view.ipId;
  o.ipv = view.ipVersion;
  const opts = optionsObject(view);
  if (opts !== null) o.options = opts;
  if (view.vlanCount > 0) o.vlan = Array.from(view.vlanIds.subarray(0, view.vlanCount));
  if (view.tunnelCount > 0) {
    o.tunnels = Array.from(view.tunnels.subarray(0, view.tunnelCount), (t) => TUNNEL_NAMES[t] ?? String(t));
  }
  if (view.isFragment) o.fragment = true;
  if (record.capturedLength < record.originalLength) o.truncated = true;
  return o;
}

function optionsObject(view: PacketView): Record<string, unknown> | null {
  if (view.optionCount === 0) return null;
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
  o.kinds = Array.from(view.optionKinds.subarray(0, view.optionCount));
  if (view.optionsMalformed) o.malformed = true;
  return o;
}

/** Options in tcpdump's compact style: <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>. */
function optionsText(view: PacketView): string {
  if (view.optionCount === 0) return '';
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
  if (view.optionsMalformed) parts.push('malformed');
  return parts.length > 0 ? ` <${parts.join(',')}>` : '';
}

/** One packet as a readable line: frame, time, addresses, flags, numbers, TTL and IP ID, options. */
export function packetText(record: CaptureRecord, view: PacketView, showCapture: boolean): string {
  const v = view.ipVersion === 6 ? 6 : 4;
  const src = v === 6 ? `[${formatAddress(6, view.src)}]` : formatAddress(4, view.src);
  const dst = v === 6 ? `[${formatAddress(6, view.dst)}]` : formatAddress(4, view.dst);
  const where = showCapture ? `${record.capture}:` : '';
  const ipid = v === 4 ? ` id ${view.ipId}` : '';
  const ttlName = v === 4 ? 'ttl' : 'hlim';
  return (
    `${where}${String(record.frame).padStart(6)} ${utcTime(record.tsMicros)} ` +
    `${src}:${view.sport} > ${dst}:${view.dport} [${flagLetters(view.flags)}] ` +
    `seq ${view.seq} ack ${view.ack} win ${view.window} len ${view.payloadLength} ` +
    `${ttlName} ${view.ttl}${ipid}${optionsText(view)}`
  );
}
