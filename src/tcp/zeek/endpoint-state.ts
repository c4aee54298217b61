/**
 * Zeek's per-endpoint TCP states (`EndpointState` in TCP_Endpoint.h). The numeric values are the
 * ones Zeek prints in `c$orig$state` (e.g. the fin-retransmit baseline shows 5 = CLOSED, 6 = RESET).
 */
export const EndpointState = {
  inactive: 0, // nothing seen from this side
  synSent: 1, // SYN seen, no ACK yet
  synAckSent: 2, // SYN-ACK seen, without an initial SYN
  partial: 3, // data seen, but no SYN
  established: 4, // SYN-ACK seen (or implied)
  closed: 5, // FIN seen
  reset: 6, // RST seen
} as const;
export type EndpointStateValue = (typeof EndpointState)[keyof typeof EndpointState];

/** The states before a connection is up; leaving them switches to the long inactivity timeout. */
export function isHandshakeState(s: EndpointStateValue): boolean {
  return s === EndpointState.inactive || s === EndpointState.synSent || s === EndpointState.synAckSent;
}

export const ENDPOINT_STATE_NAMES: readonly string[] = [
  'TCP_INACTIVE',
  'TCP_SYN_SENT',
  'TCP_SYN_ACK_SENT',
  'TCP_PARTIAL',
  'TCP_ESTABLISHED',
  'TCP_CLOSED',
  'TCP_RESET',
];
