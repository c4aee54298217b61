/**
 * Zeek-compatible `conn_state` and `history` for one TCP connection, so rstscope's output can be
 * compared line by line with Zeek's conn.log. See connection.ts.
 */

export { zeekConnState } from './conn-state.ts';
export type { ZeekOptions } from './connection.ts';
export { ZeekConnection } from './connection.ts';
export type { EndpointStateValue } from './endpoint-state.ts';
export { ENDPOINT_STATE_NAMES, EndpointState } from './endpoint-state.ts';
export { ZEEK_DEFAULT_LIKELY_SERVER_PORTS, ZEEK_HTTP_PORTS, ZEEK_SSL_PORTS } from './likely-server-ports.ts';
