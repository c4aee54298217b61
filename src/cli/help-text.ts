/**
 * The words of `--help`: what each command does, examples that work as written, and the exit
 * codes a script or CI job can rely on. Kept apart from the option wiring (main.ts) so the texts
 * read as one page; test/e2e/help.test.ts checks that every example uses only real options.
 */

/** Exit codes of the commands that only read captures (packets, connections). */
const READ_EXIT_CODES = `
Exit codes:
  0  done (a damaged capture is reported on stderr; its readable part is still used)
  1  error: bad usage, or a capture that could not be read at all`;

export const PROGRAM_HELP = {
  description:
    'Explain every TCP reset in packet captures: who sent it (client, server or a device on the path), why, what preceded it, and what to check next.',
  after: `
Examples:
  rstscope explain capture.pcapng
  rstscope explain client.pcap server.pcap
  rstscope explain capture.pcap --html report.html
  rstscope explain capture.pcap --json | jq '.findings[] | select(.severity == "problem")'
  rstscope export capture.pcap --finding 3 -w finding3.pcap
  rstscope connections capture.pcap
  rstscope packets capture.pcap --resets

Exit codes:
  0  nothing needs attention
  1  error: bad usage, or a capture that could not be read at all
  2  explain: findings of severity problem or security are present (use it to gate a CI job)

Run rstscope <command> --help for a command's options, examples and exit codes.`,
};

export const EXPLAIN_HELP = {
  summary: 'explain every TCP reset (origin, cause, trace-back, next step), failures and patterns',
  description: `Explain every TCP reset: which stack sent it (client, server, or a device on the path), its cause from a named taxonomy with a confidence and the frames that prove it, the request it followed, and the next thing to check. Also reports failures that leave no reset (SYNs never answered, retransmissions into the void, requests never answered) and patterns across connections (reconnect loops, repeated resets, storms, scans).

Several captures of the same traffic (say, one at the client and one at the server) are matched and their clocks aligned: a reset missing from the capture of the host whose address it carries was forged on the path.`,
  after: `
Examples:
  rstscope explain capture.pcapng
  rstscope explain client.pcap server.pcap
  rstscope explain --at client=laptop.pcapng --at server=web01.pcap.gz
  rstscope explain capture.pcap --html report.html
  rstscope explain capture.pcap --cause app-timeout --json | jq '.findings[].summary'
  rstscope explain capture.pcap --host 10.0.0.9 --port 445 --since 2024-05-01T10:00:00Z
  tcpdump -i eth0 -w - 'tcp' | rstscope explain - --ndjson

Exit codes:
  0  no finding of severity problem or security (among those the filters keep)
  1  error: bad usage, or a capture that could not be read at all
  2  findings of severity problem or security are present`,
};

export const EXPORT_HELP = {
  summary: "write the packets of one finding's connection(s) as a new pcap/pcapng",
  description: `Write the packets of one finding's connection(s), from every capture involved, as a new pcap or pcapng file: to attach to a ticket or open in Wireshark. Give the same captures, in the same order, as to explain, so that finding numbers match (--finding uses the numbering of the text and --json reports; --frame [C:]N selects the connection holding frame N of capture C, a stable selector for --ndjson findings). With several captures the output is pcapng with one interface per capture.`,
  after: `
Examples:
  rstscope export capture.pcap --finding 3 -w finding3.pcap
  rstscope export client.pcap server.pcap --finding 1 -w both-sides.pcapng
  rstscope export client.pcap server.pcap --frame 1:42 -w conn.pcapng
  rstscope export capture.pcap --connection "10.0.0.1:50000-10.0.0.9:445" -w conn.pcap
  rstscope export capture.pcap --connection "[2001:db8::1]:50000-[2001:db8::9]:443" -w v6.pcap

Exit codes:
  0  the file was written
  1  error: bad usage, no such finding, no packets to write, an output file that cannot be
     written, or a capture that could not be read at all`,
};

export const PACKETS_HELP = {
  summary: 'list TCP packets as an engineer reads them (frame numbers match Wireshark)',
  description:
    'List TCP packets one per line as an engineer reads them: frame number (the same as in Wireshark), time, addresses, flags, sequence and acknowledgement numbers, length, window, TTL, IP ID and TCP options.',
  after: `
Examples:
  rstscope packets capture.pcap --resets
  rstscope packets capture.pcapng.gz --host 10.0.0.9 --port 445 --json
  tcpdump -i eth0 -w - | rstscope packets - --resets
${READ_EXIT_CODES}`,
};

export const CONNECTIONS_HELP = {
  summary: "one row per TCP connection with Zeek's conn_state and history",
  description:
    "One row per TCP connection: Zeek's conn_state and history, how it ended (FIN, RST, timeout, still open, unanswered), retransmissions, handshake RTT and longest idle time.",
  after: `
Examples:
  rstscope connections capture.pcap
  rstscope connections capture.pcap --port 443 --json | jq 'select(.conn_state == "REJ")'
  rstscope connections capture.pcap --checksums
  rstscope connections capture.pcap --zeek-sessions --json   # rows as Zeek's conn.log has them
${READ_EXIT_CODES}`,
};
