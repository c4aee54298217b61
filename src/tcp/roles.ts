/**
 * Who is the server when no SYN was captured. Only used for connections whose handshake the
 * capture missed; such connections are marked as having inferred roles, with the rule that decided.
 */

/** Registered service ports ≥ 1024 that are servers far more often than clients. */
const SERVICE_PORTS = new Set([
  1080, 1194, 1433, 1521, 1723, 1883, 2049, 2375, 2376, 3128, 3268, 3306, 3389, 4369, 5000, 5060, 5061, 5222,
  5269, 5432, 5601, 5671, 5672, 5900, 5984, 6379, 6443, 6667, 7000, 7001, 8000, 8008, 8080, 8081, 8086, 8088,
  8443, 8883, 8888, 9000, 9042, 9090, 9092, 9093, 9200, 9300, 9418, 10250, 11211, 15672, 27017, 50000,
]);

/**
 * Given the first packet's ports, whether its destination is the server. The rules, in order: a
 * well-known port (< 1024) against one that is not; a registered service port against one that is
 * not; the lower port (clients pick ephemeral ports from high ranges: 32768–60999 on Linux,
 * 49152–65535 on Windows). All of these are "port" decisions. Only equal ports say nothing, and
 * then the first packet's destination is taken as the server ("first-packet").
 */
export function destinationIsServer(sport: number, dport: number): boolean {
  const sWell = sport < 1024;
  const dWell = dport < 1024;
  if (sWell !== dWell) return dWell;
  const sSvc = SERVICE_PORTS.has(sport);
  const dSvc = SERVICE_PORTS.has(dport);
  if (sSvc !== dSvc) return dSvc;
  if (sport === dport) return true;
  return dport < sport;
}

/** Which rule destinationIsServer used: the ports, or (equal ports) the first packet's direction. */
export function inferredRoleSource(sport: number, dport: number): 'port' | 'first-packet' {
  return sport === dport ? 'first-packet' : 'port';
}

/** Whether a port's role was decided with reasonable confidence (for the "inferred" remark). */
export function isLikelyServicePort(port: number): boolean {
  return port < 1024 || SERVICE_PORTS.has(port);
}
