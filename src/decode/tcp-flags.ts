import { TcpFlag } from './packet-view.ts';

/**
 * TCP flags as letters, in the order engineers read them: S F R P A U E C N. So a SYN-ACK is
 * "SA", a reset with ACK "RA", a pushed data segment "PA". N is AE/NS (RFC 3540 / AccECN).
 */
const ORDER: ReadonlyArray<readonly [number, string]> = [
  [TcpFlag.SYN, 'S'],
  [TcpFlag.FIN, 'F'],
  [TcpFlag.RST, 'R'],
  [TcpFlag.PSH, 'P'],
  [TcpFlag.ACK, 'A'],
  [TcpFlag.URG, 'U'],
  [TcpFlag.ECE, 'E'],
  [TcpFlag.CWR, 'C'],
  [TcpFlag.AE, 'N'],
];

const cache = new Map<number, string>();

export function flagLetters(flags: number): string {
  const hit = cache.get(flags);
  if (hit !== undefined) return hit;
  let s = '';
  for (const [bit, letter] of ORDER) if ((flags & bit) !== 0) s += letter;
  if (s === '') s = '.';
  cache.set(flags, s);
  return s;
}

/** Parse letters back into bits (for filters and test builders); unknown letters are ignored. */
export function parseFlagLetters(text: string): number {
  let bits = 0;
  for (const ch of text.toUpperCase()) {
    for (const [bit, letter] of ORDER) if (letter === ch) bits |= bit;
  }
  return bits;
}
