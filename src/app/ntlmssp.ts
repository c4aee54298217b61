/**
 * The NTLMSSP message inside an SMB session setup's security blob ([MS-NLMP] §2.2.1), located by
 * its signature rather than by walking SPNEGO's ASN.1: the token is either raw or wrapped in a
 * NegTokenInit/NegTokenResp, and in both cases the signature starts it.
 *
 * For AUTHENTICATE_MESSAGE the user and domain are shown, because "which account failed to log
 * on" is the first question after STATUS_LOGON_FAILURE. No credential material is shown: the
 * challenge responses are never read.
 */

import { indexOfBytes, u16le, u32le } from './bytes.ts';
import { sanitizeBytes, sanitizeUtf16le } from './sanitize.ts';

const SIGNATURE = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00]; // "NTLMSSP\0"
/** NTLMSSP_NEGOTIATE_UNICODE ([MS-NLMP] §2.2.2.5, flag A). */
const NEGOTIATE_UNICODE = 0x00000001;
/** Signatures further into a blob than this are not looked for (SPNEGO wrapping is < 100 bytes). */
const SEARCH_LIMIT = 512;

/**
 * "NTLMSSP_NEGOTIATE", "NTLMSSP_CHALLENGE", "NTLMSSP_AUTH user=DOMAIN\\name" or
 * "NTLMSSP_AUTH anonymous"; null when d[from, to) holds no NTLMSSP message.
 */
export function describeNtlmssp(d: Uint8Array, from: number, to: number): string | null {
  const at = indexOfBytes(d, from, Math.min(to, from + SEARCH_LIMIT), SIGNATURE);
  if (at < 0) return null;
  const type = u32le(d, at + 8, to);
  if (type === 1) return 'NTLMSSP_NEGOTIATE';
  if (type === 2) return 'NTLMSSP_CHALLENGE';
  if (type !== 3) return 'NTLMSSP';
  // AUTHENTICATE_MESSAGE: DomainNameFields at 28, UserNameFields at 36 (Len, MaxLen, Offset
  // from the signature), NegotiateFlags at 60.
  const flags = u32le(d, at + 60, to);
  const unicode = flags >= 0 && (flags & NEGOTIATE_UNICODE) !== 0;
  const user = field(d, at, 36, to, unicode, 48);
  if (user === null) return 'NTLMSSP_AUTH';
  if (user === '') return 'NTLMSSP_AUTH anonymous';
  const domain = field(d, at, 28, to, unicode, 32);
  return domain ? `NTLMSSP_AUTH user=${domain}\\${user}` : `NTLMSSP_AUTH user=${user}`;
}

function field(
  d: Uint8Array,
  base: number,
  fieldsAt: number,
  to: number,
  unicode: boolean,
  max: number,
): string | null {
  const len = u16le(d, base + fieldsAt, to);
  const off = u32le(d, base + fieldsAt + 4, to);
  if (len < 0 || off < 0) return null;
  const start = base + off;
  const end = start + len;
  if (end > to) return null; // the name lies beyond the captured bytes
  return unicode ? sanitizeUtf16le(d, start, end, max) : sanitizeBytes(d, start, end, max);
}

// DER encodings of the Kerberos mechanism OIDs that SPNEGO carries ([RFC 4121] §4.1:
// 1.2.840.113554.1.2.2, and Microsoft's legacy 1.2.840.48018.1.2.2).
const KRB5_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02];
const MS_KRB5_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02];

/**
 * What a session setup's security blob d[from, to) carries: the NTLMSSP message (see
 * describeNtlmssp), "Kerberos" when only a Kerberos mechanism is named, or null.
 */
export function describeSecurityBlob(d: Uint8Array, from: number, to: number): string | null {
  if (to <= from) return null;
  const ntlm = describeNtlmssp(d, from, to);
  if (ntlm !== null) return ntlm;
  const limit = Math.min(to, from + SEARCH_LIMIT);
  if (indexOfBytes(d, from, limit, KRB5_OID) >= 0 || indexOfBytes(d, from, limit, MS_KRB5_OID) >= 0) {
    return 'Kerberos';
  }
  return null;
}
