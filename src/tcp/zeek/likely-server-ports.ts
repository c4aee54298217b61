/**
 * TCP ports in Zeek's `likely_server_ports` when its default scripts are loaded: each protocol
 * script registers its well-known ports there (e.g. base/protocols/http adds 80, 81, 631, 1080,
 * 3128, 8000, 8080, 8888). Zeek uses the set only to pick the originator of a connection whose
 * first captured packet is not a plain SYN. This list is assembled from the base protocol scripts
 * by hand; a run with `-b` (bare mode) starts from an empty set and adds only what it loads.
 */
export const ZEEK_HTTP_PORTS = [80, 81, 631, 1080, 3128, 8000, 8080, 8888] as const;
export const ZEEK_SSL_PORTS = [443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223] as const;

export const ZEEK_DEFAULT_LIKELY_SERVER_PORTS: ReadonlySet<number> = new Set([
  21,
  2811, // ftp
  22, // ssh
  25,
  587, // smtp
  53, // dns
  ...ZEEK_HTTP_PORTS,
  88, // krb
  110, // pop3
  135, // dce-rpc endpoint mapper
  139,
  445, // smb
  143, // imap
  389,
  3268, // ldap
  502, // modbus
  1434,
  3306, // mysql
  1883, // mqtt
  3389, // rdp
  5222,
  5269, // xmpp
  5432, // postgresql
  6379, // redis
  6666,
  6667,
  6668,
  6669, // irc
  20000, // dnp3
  ...ZEEK_SSL_PORTS,
]);
