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

/** The protocol a connection speaks: from its first application message if recognisable, else
 *  from the server port; null when neither says anything. */
export function serviceHint(c: Connection): string | null {
  const first = c.messages?.messages[0];
  if (first !== undefined && first.bytes.length > 0) {
    const s = summarizePayload(first.bytes, 0, first.bytes.length, {
      serverPort: c.server.port,
      fromClient: first.fromClient,
    });
    if (s !== null) return s.protocol;
  }
  return PORT_NAMES[c.server.port] ?? null;
}
