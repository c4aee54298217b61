/**
 * Addresses as text, for reports and the command line (these allocate: not for the hot path).
 *
 * The view stores addresses as 32-bit words (IPv4 in word 0, IPv6 in words 0-3, big-endian),
 * so that flow keys hash numbers. Text follows RFC 5952 for IPv6: lowercase hex, no leading zeros,
 * the longest run of two or more zero groups replaced by "::" (the first one on a tie), and
 * IPv4-mapped addresses (::ffff:0:0/96, RFC 4291 §2.5.5.2) written with a dotted quad, as tshark
 * prints them.
 */

export interface ParsedAddress {
  version: 4 | 6;
  /** Four words; IPv4 uses word 0 and leaves the others 0 (the PacketView convention). */
  words: Uint32Array;
}

function formatIpv4(word: number): string {
  return `${word >>> 24}.${(word >>> 16) & 0xff}.${(word >>> 8) & 0xff}.${word & 0xff}`;
}

function formatIpv6(words: Uint32Array): string {
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return `::ffff:${formatIpv4(words[3])}`;
  const groups = [
    words[0] >>> 16,
    words[0] & 0xffff,
    words[1] >>> 16,
    words[1] & 0xffff,
    words[2] >>> 16,
    words[2] & 0xffff,
    words[3] >>> 16,
    words[3] & 0xffff,
  ];
  // Longest run of zero groups; RFC 5952 §4.2.2: a single zero group is not shortened.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** "192.0.2.1" or RFC 5952 IPv6 text. */
export function formatAddress(version: 4 | 6, words: Uint32Array): string {
  return version === 4 ? formatIpv4(words[0]) : formatIpv6(words);
}

/** "192.0.2.1:80" or "[2001:db8::1]:80" (RFC 5952 §6). */
export function formatEndpoint(version: 4 | 6, words: Uint32Array, port: number): string {
  return version === 4 ? `${formatIpv4(words[0])}:${port}` : `[${formatIpv6(words)}]:${port}`;
}

const IPV4_TEXT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4Word(text: string): number | null {
  const m = IPV4_TEXT.exec(text);
  if (m === null) return null;
  let word = 0;
  for (let i = 1; i <= 4; i++) {
    // Leading zeros are refused: "010" is octal to inet_aton and decimal to others.
    if (m[i].length > 1 && m[i][0] === '0') return null;
    const octet = Number(m[i]);
    if (octet > 255) return null;
    word = word * 256 + octet;
  }
  return word;
}

function parseGroups(part: string, allowIpv4Tail: boolean): number[] | null {
  if (part === '') return [];
  const texts = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    if (allowIpv4Tail && i === texts.length - 1 && t.includes('.')) {
      const word = parseIpv4Word(t);
      if (word === null) return null;
      groups.push(word >>> 16, word & 0xffff);
    } else if (IPV6_GROUP.test(t)) {
      groups.push(Number.parseInt(t, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6Words(text: string): Uint32Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0], false);
    const tail = parseGroups(halves[1], true);
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (all === null || all.length !== 8) return null;
    groups = all;
  }
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = ((groups[2 * i] << 16) | groups[2 * i + 1]) >>> 0;
  return words;
}

/**
 * Parse "192.0.2.1", "2001:db8::1", "[2001:db8::1]" or "::ffff:192.0.2.1"; null when the text is
 * not an address (zone ids like "fe80::1%eth0" are refused: captures carry no zones).
 */
export function parseAddress(text: string): ParsedAddress | null {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (t.includes(':')) {
    const words = parseIpv6Words(t);
    return words === null ? null : { version: 6, words };
  }
  const word = parseIpv4Word(t);
  if (word === null) return null;
  const words = new Uint32Array(4);
  words[0] = word;
  return { version: 4, words };
}
