import type { AppProtocol, AppSummary } from '../app/index.ts';
import { summarizePayload } from '../app/index.ts';
import type { Connection } from '../tcp/connection.ts';
import type { MessageStart } from '../tcp/message-log.ts';

/**
 * Application summaries of a connection's messages, each read knowing what the connection's
 * other messages were recognised as (a "+OK" is POP3 on a connection that spoke POP3, nothing
 * on a Redis one).
 */
const protocols = new WeakMap<Connection, AppProtocol | null>();

/** The protocol the connection's kept messages speak, when one is recognised. */
export function connectionProtocol(c: Connection): AppProtocol | undefined {
  let p = protocols.get(c);
  if (p === undefined) {
    p = null;
    for (const m of c.messages?.messages ?? []) {
      const s = summarizeBare(m, c.server.port, undefined);
      if (s !== null) {
        p = s.protocol;
        break;
      }
    }
    protocols.set(c, p);
  }
  return p ?? undefined;
}

/** The application summary of one message of `c` (null when not recognised). */
export function summarizeMessage(c: Connection, m: MessageStart | null): AppSummary | null {
  if (m === null) return null;
  return summarizeBare(m, c.server.port, connectionProtocol(c));
}

function summarizeBare(
  m: MessageStart,
  serverPort: number,
  hint: AppProtocol | undefined,
): AppSummary | null {
  if (m.bytes.length === 0) return null;
  return summarizePayload(m.bytes, 0, m.bytes.length, {
    serverPort,
    fromClient: m.fromClient,
    ...(hint !== undefined ? { connectionProtocol: hint } : {}),
  });
}
