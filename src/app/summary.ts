/**
 * The result of summarising the first bytes of one application message, as shown in a reset's
 * trace-back ("the last request before the reset was SMB2 SESSION_SETUP → STATUS_LOGON_FAILURE").
 */

export type AppProtocol = 'http' | 'tls' | 'smb1' | 'smb2' | 'netbios' | 'smtp' | 'ftp' | 'pop3' | 'imap';

export interface AppSummary {
  protocol: AppProtocol;
  direction: 'request' | 'response';
  /** One line, already sanitised (safe for a terminal; HTML escaping is the report's job), ≤ 160 chars. */
  text: string;
  /**
   * The message reports a failure: HTTP ≥ 400, SMTP/FTP 4xx/5xx, POP3 -ERR, IMAP NO/BAD, SMB status
   * that is an error (not STATUS_SUCCESS, not STATUS_MORE_PROCESSING_REQUIRED / pending / other
   * informational), TLS alert of level fatal (or any alert but close_notify), NetBIOS negative response.
   */
  error: boolean;
  /**
   * Numeric status when there is one: HTTP/SMTP/FTP reply code, NT status as an unsigned number,
   * TLS alert description, NetBIOS negative-response error code.
   */
  status?: number;
  /** Short machine name of the operation: 'GET', 'NEGOTIATE', 'SESSION_SETUP', 'DATA-END', 'ClientHello'… */
  operation?: string;
}

export interface PayloadContext {
  /** The connection's server port (the client is the SYN sender). */
  serverPort: number;
  /** Direction of this payload. */
  fromClient: boolean;
  /**
   * The protocol other messages of the same connection were recognised as, when known: lets a
   * bare status line that several protocols share ("+OK") be read as that protocol on a port
   * that does not name it.
   */
  connectionProtocol?: AppProtocol;
}

/** Longest `text` a summary may have (characters, i.e. UTF-16 code units). */
export const MAX_TEXT = 160;

export function summary(
  protocol: AppProtocol,
  direction: 'request' | 'response',
  text: string,
  error: boolean,
  status?: number,
  operation?: string,
): AppSummary {
  const s: AppSummary = { protocol, direction, text, error };
  if (status !== undefined) s.status = status;
  if (operation !== undefined) s.operation = operation;
  return s;
}
