import type { AppProtocol, AppSummary } from '../app/index.ts';
import { summarizePayload } from '../app/index.ts';
import type { Connection } from '../tcp/connection.ts';
import type { MessageLog, MessageStart } from '../tcp/message-log.ts';

/**
 * Application summaries of a connection's messages, each read knowing what the connection's
 * other messages were recognised as (a "+OK" is POP3 on a connection that spoke POP3, nothing
 * on a Redis one).
 */
// Keyed by the message log, not the connection: connection objects are recycled for new
// connections (TrackerOptions.recycle), message logs never are.
const protocols = new WeakMap<MessageLog, AppProtocol | null>();
/** Each message is summarised once: the reset context, the ladder and failures all ask. */
const summaries = new WeakMap<MessageStart, AppSummary | null>();

/** The protocol the connection's kept messages speak, when one is recognised. */
export function connectionProtocol(c: Connection): AppProtocol | undefined {
  const log = c.messages;
  if (log === null) return undefined;
  let p = protocols.get(log);
  if (p === undefined) {
    p = null;
    for (const m of log.messages) {
      const s = summarizeBare(m, c.server.port, undefined);
      if (s !== null) {
        p = s.protocol;
        break;
      }
    }
    protocols.set(log, p);
  }
  return p ?? undefined;
}

/** The application summary of one message of `c` (null when not recognised). */
export function summarizeMessage(c: Connection, m: MessageStart | null): AppSummary | null {
  if (m === null) return null;
  let s = summaries.get(m);
  if (s === undefined) {
    s = summarizeBare(m, c.server.port, connectionProtocol(c));
    summaries.set(m, s);
  }
  return s;
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
