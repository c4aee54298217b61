import { summarizePayload } from '../app/index.ts';
import type { Connection } from '../tcp/connection.ts';

/** Well-known server ports, for a service name when the payload says nothing. */
const PORT_NAMES: Record<number, string> = {
  20: 'ftp-data',
  21: 'ftp',
  22: 'ssh',
  23: 'telnet',
  25: 'smtp',
  53: 'dns',
  80: 'http',
  110: 'pop3',
  111: 'rpcbind',
  135: 'msrpc',
  139: 'netbios-ssn',
  143: 'imap',
  179: 'bgp',
  389: 'ldap',
  443: 'https',
  445: 'smb',
  465: 'smtps',
  587: 'submission',
  636: 'ldaps',
  993: 'imaps',
  995: 'pop3s',
  1433: 'mssql',
  1521: 'oracle',
  3306: 'mysql',
  3389: 'rdp',
  5432: 'postgresql',
  5900: 'vnc',
  6379: 'redis',
  8080: 'http-alt',
  8443: 'https-alt',
  9200: 'elasticsearch',
  11211: 'memcached',
  27017: 'mongodb',
};

/**
 * SSH announces itself in clear before anything else: each side's first line is its
 * identification string "SSH-protoversion-softwareversion" (RFC 4253 §4.2; "SSH-1.99-" from
 * servers that also accept SSHv1). The server usually speaks first, so either direction counts.
 */
function isSshBanner(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 &&
    bytes[0] === 0x53 && // S
    bytes[1] === 0x53 && // S
    bytes[2] === 0x48 && // H
    bytes[3] === 0x2d && // -
    (bytes[4] === 0x32 || bytes[4] === 0x31) && // 2 or 1
    bytes[5] === 0x2e // .
  );
}

/** The protocol a connection speaks: from its first application message if recognisable, else
 *  from the server port; null when neither says anything. */
export function serviceHint(c: Connection): string | null {
  const messages = c.messages?.messages;
  if (messages?.slice(0, 2).some((m) => isSshBanner(m.bytes))) return 'ssh';
  const first = messages?.[0];
  if (first !== undefined && first.bytes.length > 0) {
    const s = summarizePayload(first.bytes, 0, first.bytes.length, {
      serverPort: c.server.port,
      fromClient: first.fromClient,
    });
    if (s !== null) return s.protocol;
  }
  return PORT_NAMES[c.server.port] ?? null;
}
