/**
 * FTP control connection (RFC 959 §4.1 commands, §4.2 replies; RFC 2228 security, RFC 2389
 * FEAT/OPTS, RFC 2428 EPRT/EPSV, RFC 3659 SIZE/MDTM/MLST). The argument of PASS (and ACCT,
 * also account credentials) is masked.
 */

import {
  afterWords,
  countCommandLines,
  lineStop,
  lineText,
  moreSuffix,
  replyText,
  scanReplies,
} from './command-line.ts';
import { leadingVerb } from './lines.ts';
import { type AppSummary, summary } from './summary.ts';

export const FTP_PORTS = new Set([21]);

export const FTP_VERBS = new Set([
  'USER',
  'PASS',
  'ACCT',
  'CWD',
  'CDUP',
  'SMNT',
  'REIN',
  'QUIT',
  'PORT',
  'PASV',
  'TYPE',
  'STRU',
  'MODE',
  'RETR',
  'STOR',
  'STOU',
  'APPE',
  'ALLO',
  'REST',
  'RNFR',
  'RNTO',
  'ABOR',
  'DELE',
  'RMD',
  'MKD',
  'PWD',
  'LIST',
  'NLST',
  'SITE',
  'SYST',
  'STAT',
  'HELP',
  'NOOP',
  'AUTH',
  'ADAT',
  'PROT',
  'PBSZ',
  'CCC',
  'MIC',
  'CONF',
  'ENC',
  'FEAT',
  'OPTS',
  'EPRT',
  'EPSV',
  'LANG',
  'MDTM',
  'SIZE',
  'MLST',
  'MLSD',
  'HOST',
  'CLNT',
  'XPWD',
  'XCWD',
  'XCUP',
  'XMKD',
  'XRMD',
]);

/** Verbs no other protocol here uses, enough to recognise FTP on an unusual port. */
export const FTP_ONLY_VERBS = new Set([
  'CWD',
  'CDUP',
  'PWD',
  'XPWD',
  'PASV',
  'EPSV',
  'PORT',
  'EPRT',
  'TYPE',
  'STOR',
  'STOU',
  'APPE',
  'MKD',
  'RMD',
  'SIZE',
  'MDTM',
  'FEAT',
  'SYST',
  'MLSD',
  'MLST',
  'NLST',
  'RNFR',
  'RNTO',
  'PBSZ',
  'PROT',
]);

function isCommandLine(d: Uint8Array, i: number, end: number): boolean {
  const verb = leadingVerb(d, i, end);
  return verb !== null && FTP_VERBS.has(verb);
}

export function summarizeFtp(
  d: Uint8Array,
  start: number,
  end: number,
  fromClient: boolean,
): AppSummary | null {
  const reply = scanReplies(d, start, end);
  if (reply) return summary('ftp', 'response', replyText('FTP ', d, reply), reply.code >= 400, reply.code);
  if (!fromClient) return null;
  const verb = leadingVerb(d, start, end);
  if (verb === null || !FTP_VERBS.has(verb)) return null;
  const stop = lineStop(d, start, end);
  const maskFrom = verb === 'PASS' || verb === 'ACCT' ? afterWords(d, start, stop, 1) : -1;
  const { more } = countCommandLines(d, start, end, isCommandLine);
  return summary(
    'ftp',
    'request',
    lineText('FTP ', d, start, stop, maskFrom, moreSuffix(more)),
    false,
    undefined,
    verb,
  );
}
