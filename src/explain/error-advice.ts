import type { AppSummary } from '../app/index.ts';

/**
 * Who must act on an application error, and what to check. An error answer names the side at
 * fault only together with what it says: a login failure is the client's credentials, a 403 the
 * client's permission, a 500 the server's application, an SMTP 5xx the server's policy refusing
 * the client's mail. "Fix it on the side that reported it" is wrong more often than right.
 */
export interface ErrorAdvice {
  /** The side that must act: the one that made the refused request, or the one that failed. */
  fix: 'requester' | 'answerer';
  /** One clause for the next step, after "Check" (no final period). */
  check: string;
}

const CREDENTIALS = new Set([
  'STATUS_LOGON_FAILURE',
  'STATUS_WRONG_PASSWORD',
  'STATUS_ACCOUNT_RESTRICTION',
  'STATUS_INVALID_LOGON_HOURS',
  'STATUS_PASSWORD_EXPIRED',
  'STATUS_ACCOUNT_DISABLED',
  'STATUS_ACCOUNT_EXPIRED',
  'STATUS_ACCOUNT_LOCKED_OUT',
  'STATUS_PASSWORD_MUST_CHANGE',
  'STATUS_LOGON_TYPE_NOT_GRANTED',
  'STATUS_NO_TRUST_SAM_ACCOUNT',
]);

/** TLS alerts about the peer's certificate (RFC 8446 §6.2): 42–46, 48 unknown_ca. */
const CERTIFICATE_ALERTS = new Set([42, 43, 44, 45, 46, 48]);

/**
 * Advice for an error `error` that `teller` sent in answer to `asker`'s request `request` (null
 * when not summarised).
 */
export function errorAdvice(
  error: AppSummary,
  request: AppSummary | null,
  teller: 'client' | 'server',
  asker: 'client' | 'server',
): ErrorAdvice {
  const status = error.status ?? 0;
  const asked = request !== null ? ` (${request.text})` : '';
  switch (error.protocol) {
    case 'smb1':
    case 'smb2': {
      const name = /STATUS_[A-Z_]+/.exec(error.text)?.[0] ?? '';
      if (CREDENTIALS.has(name))
        return {
          fix: 'requester',
          check: `the credentials the client logs on with (user name, password, or an account that is locked, expired or not allowed to log on); the server refused them (${name})`,
        };
      if (name === 'STATUS_ACCESS_DENIED' || name === 'STATUS_NETWORK_ACCESS_DENIED')
        return {
          fix: 'requester',
          check: `the permissions of the client's account on what it asked for${asked}: the server denied access (${name})`,
        };
      if (/NOT_FOUND|BAD_NETWORK_NAME|BAD_NETWORK_PATH|NO_SUCH_FILE/.test(name))
        return {
          fix: 'requester',
          check: `the share or path the client asked for${asked}: the server does not have it (${name})`,
        };
      return { fix: 'answerer', check: `what ${name || error.text} means for the client's request${asked}` };
    }
    case 'http':
      if (status === 401 || status === 403 || status === 407)
        return {
          fix: 'requester',
          check: `the client's authentication or authorisation for${asked || ' its request'} (${error.text})`,
        };
      if (status >= 400 && status < 500)
        return {
          fix: 'requester',
          check: `the client's request${asked}: the server refused it (${error.text})`,
        };
      return {
        fix: 'answerer',
        check: `the server application's logs for the failed request${asked} (${error.text})`,
      };
    case 'smtp':
    case 'ftp':
    case 'pop3':
    case 'imap':
      // 421 and most 45x/4xx are the server's own trouble (RFC 5321 §4.2.1); a 5xx or an
      // -ERR/NO refuses what the client sent, by the server's policy.
      if (status === 421 || (status >= 450 && status < 460))
        return {
          fix: 'answerer',
          check: `the server's state (${error.text}): it could not take the request${asked} now`,
        };
      return {
        fix: 'requester',
        check: `what the server's reply asks of the client (${error.text}): its policy refused the client's request${asked}`,
      };
    case 'tls':
      if (CERTIFICATE_ALERTS.has(status))
        return {
          fix: 'requester',
          check: `the certificate the ${asker} presents (its chain, expiry, name) against what the ${teller} trusts: the ${teller} rejected it (${error.text})`,
        };
      return {
        fix: 'answerer',
        check: `the TLS settings of both ends (versions, cipher suites, extensions): the ${teller} ended the session with ${error.text}`,
      };
    default:
      return { fix: 'answerer', check: `what ${error.text} means` };
  }
}
