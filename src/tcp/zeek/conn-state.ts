/**
 * Zeek's `conn_state` summary (scripts/base/protocols/conn/main.zeek, function conn_state) from
 * the two endpoint states, the sizes and the history string.
 */
import { EndpointState, type EndpointStateValue } from './endpoint-state.ts';

/** RSTOS0 needs a history that begins with the originator's SYN and has no handshake/data/FIN. */
const SYN_THEN_RST_ONLY = /^\^?S[^HAFGIQ]*R.*$/s;

export function zeekConnState(
  os: EndpointStateValue,
  rs: EndpointStateValue,
  origSize: number,
  respSize: number,
  history: string,
): string {
  const oInactive = os === EndpointState.inactive || os === EndpointState.partial;
  const rInactive = rs === EndpointState.inactive || rs === EndpointState.partial;
  if (rs === EndpointState.reset) {
    if (
      os === EndpointState.synSent ||
      os === EndpointState.synAckSent ||
      (os === EndpointState.reset && origSize === 0 && respSize === 0)
    ) {
      return 'REJ';
    }
    return oInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === EndpointState.reset) {
    if (rInactive) return SYN_THEN_RST_ONLY.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === EndpointState.closed && os === EndpointState.closed) return 'SF';
  if (os === EndpointState.closed) return rInactive ? 'SH' : 'S2';
  if (rs === EndpointState.closed) return oInactive ? 'SHR' : 'S3';
  if (os === EndpointState.synSent && rs === EndpointState.inactive) return 'S0';
  if (os === EndpointState.established && rs === EndpointState.established) return 'S1';
  return 'OTH';
}
