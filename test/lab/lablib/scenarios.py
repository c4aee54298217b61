"""The lab scenarios.  Each one drives the client/router/server programs
(test/lab/apps.py) and says, by construction, which resets it must produce
(`Expect`) and which connections fail without one (`failures`).  The recorder
checks both against the captures and the kernel's tcp_send_reset events."""

import json
from dataclasses import dataclass, field

from .groundtruth import Expect
from .topology import CLIENT_IP, SERVER_IP


@dataclass
class Outcome:
    expect: list
    failures: list = field(default_factory=list)
    notes: str = ""
    unseen_kernel_resets: int = 0  # kernel resets dropped before any capture point
    nat: bool = False              # source NAT on the router: merge both views


SCENARIOS = {}


def scenario(sid, batch, description):
    def register(fn):
        SCENARIOS[sid] = {"id": sid, "batch": batch, "description": description, "run": fn}
        return fn
    return register


def fwd_table(rules):
    """An nftables table on the router's forward hook holding `rules`."""
    return ("table inet rstlab {\n  chain forward {\n    type filter hook forward priority 0;"
            " policy accept;\n" + "".join(f"    {r}\n" for r in rules) + "  }\n}\n")


def port_of(endpoint):
    return int(endpoint.rsplit(":", 1)[1])


def first(events, key, **match):
    for e in events:
        if key in e and all(e.get(k) == v for k, v in match.items()):
            return e[key]
    raise RuntimeError(f"no event with {key} {match} in {events}")


# --------------------------------------------------------------------------- batch 1
@scenario("graceful", 1, "HTTP-like request/response, server closes first, FIN both ways; no reset")
def graceful(run):
    run.server("serve", "80")
    run.client("get", SERVER_IP, "80", "index.html", "second.html")
    return Outcome(expect=[], notes="Two sequential connections from different ephemeral ports; "
                   "the server closes first (Connection: close) so it holds TIME_WAIT.")


@scenario("refused", 1, "client connects to a port where nothing listens; server stack answers RST/ACK")
def refused(run):
    run.server("serve", "80")
    ev = run.client("try-connect", SERVER_IP, "9", "5")
    cport = port_of(first(ev, "local"))
    return Outcome(expect=[Expect("server", "refused", "server", "client", sport=9, dport=cport,
                                  flags="RA")],
                   notes="Nothing listens on 198.18.2.2:9; the connect() fails with ECONNREFUSED.")


@scenario("firewall-reject", 1,
          "router nftables rejects TCP port 23 with a forged RST/ACK in the server's name; "
          "a graceful connection to port 80 first shows the server's real hop count (TTL 63 at the client)")
def firewall_reject(run):
    run.lab.nft("router", fwd_table(["tcp dport 23 reject with tcp reset"]))
    run.server("serve", "80,23")
    run.client("get", SERVER_IP, "80", "index.html")
    ev = run.client("try-connect", SERVER_IP, "23", "5")
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("router", "firewall-reject", "server", "client", sport=23, dport=cport,
                       flags="RA")],
        notes="The server does listen on 23, but the SYN never reaches it (absent from server.pcap "
              "and router.pcap). The RST carries the server's address with the router's TTL 64, "
              "while the server's own packets reach the client with TTL 63.")


@scenario("silent-drop", 1,
          "router nftables drops SYNs to port 8080; the client retransmits its SYN with backoff "
          "(tcp_syn_retries=2) and gives up with ETIMEDOUT; no reset")
def silent_drop(run):
    run.lab.sysctl("client", "net.ipv4.tcp_syn_retries", 2)
    run.lab.nft("router", fwd_table(["tcp dport 8080 drop"]))
    run.server("serve", "8080")
    ev = run.client("try-connect", SERVER_IP, "8080", "20")
    cport = port_of(first(ev, "local"))
    return Outcome(expect=[], failures=[
        {"client": f"{CLIENT_IP}:{cport}", "server": f"{SERVER_IP}:8080", "cause": "syn-unanswered"}],
        notes="SYN at t0, retransmissions at about +1 s and +3 s, connect() fails at about +7 s. "
              "The SYNs appear in client.pcap and router-c.pcap only.")


@scenario("abort-client", 1,
          "client application closes a keep-alive connection with SO_LINGER 0 after a complete "
          "request/response: RST from the client, no FIN")
def abort_client(run):
    run.server("serve", "80")
    ev = run.client("abort-client", SERVER_IP, "80")
    cport = port_of(first(ev, "local"))
    return Outcome(expect=[Expect("client", "app-abort", "client", "server", sport=cport, dport=80)],
                   notes="The server is idle waiting for the next request when the RST arrives.")


@scenario("abort-server", 1,
          "server application sends 1000 bytes of a 100000-byte response, then closes with "
          "SO_LINGER 0: RST from the server mid-response")
def abort_server(run):
    run.server("abort-server", "80")
    ev = run.client("victim-client", SERVER_IP, "80")
    cport = port_of(first(ev, "local"))
    return Outcome(expect=[Expect("server", "app-abort", "server", "client", sport=80, dport=cport)],
                   notes="Client recv() fails with ECONNRESET.")


@scenario("unread-data", 1,
          "server answers the first request, then closes while the client's second request sits "
          "unread in its receive queue: Linux sends RST instead of FIN")
def unread_data(run):
    run.server("unread-server", "80")
    ev = run.client("pipeline-client", SERVER_IP, "80")
    cport = port_of(first(ev, "local"))
    return Outcome(expect=[Expect("server", "close-with-unread-data", "server", "client", sport=80,
                                  dport=cport)],
                   notes="The second request is ACKed by the server stack (never read by the "
                         "application) about 0.2 s before the RST.")


@scenario("data-after-close", 1,
          "server answers with Connection: close and closes (FIN); the client sends another request "
          "afterwards; the closed server socket answers the data with RST")
def data_after_close(run):
    run.server("serve", "80")
    ev = run.client("late-sender", SERVER_IP, "80")
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("server", "data-after-close", "server", "client", sport=80, dport=cport)],
        notes="The client had received the server's FIN (it is in CLOSE_WAIT) and still sent data. "
              "The server's closed socket was an orphaned FIN_WAIT2, which Linux keeps as a "
              "timewait mini-socket (tcp_time_wait(TCP_FIN_WAIT2)): hence state TCP_TIME_WAIT and "
              "reason TCP_TIMEWAIT_SOCKET in the trace, and a RST without ACK whose seq is the ack "
              "of the client's data segment.")


@scenario("keepalive-timeout", 1,
          "idle keep-alive connection; the router then drops all its packets; the client's "
          "keep-alive probes (idle 1 s, interval 1 s, 3 probes) go unanswered and Linux resets")
def keepalive_timeout(run):
    run.server("serve", "80")
    rules = ["tcp dport 80 drop", "tcp sport 80 drop"]
    ev = run.client("keepalive-client", SERVER_IP, "80", "1", "1", "3",
                    on_fault=lambda: run.lab.nft("router", fwd_table(rules)))
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("client", "keepalive-timeout", "client", "server", sport=cport, dport=80)],
        notes="Probes have seq = snd_nxt-1 and no data. The RST is dropped by the router too: it "
              "is in client.pcap and router-c.pcap only; the server never learns the connection "
              "died (its socket stays ESTABLISHED until the lab is torn down, after capture).")


@scenario("retrans-timeout", 1,
          "client sends a request body after the router starts dropping client->server packets; "
          "retransmissions with exponential backoff (tcp_retries2=3), then ETIMEDOUT and silence: "
          "Linux sends no reset")
def retrans_timeout(run):
    run.lab.sysctl("client", "net.ipv4.tcp_retries2", 3)
    run.server("serve", "80")
    ev = run.client("stalled-sender", SERVER_IP, "80", "0",
                    on_fault=lambda: run.lab.nft("router", fwd_table(["tcp dport 80 drop"])))
    cport = port_of(first(ev, "local"))
    return Outcome(expect=[], failures=[
        {"client": f"{CLIENT_IP}:{cport}", "server": f"{SERVER_IP}:80",
         "cause": "retransmission-timeout"}],
        notes="The retransmitted segment never reaches router.pcap/server.pcap. The client gives up "
              "about 3 s after the first transmission (tcp_retries2=3, RTO 200 ms doubling).")


@scenario("windows-like-retrans-reset", 1,
          "EMULATED Windows behaviour: the router drops server->client packets; the client "
          "retransmits one segment 5 times unacknowledged, then resets (linger-0 close from the "
          "application watching TCP_INFO)")
def windows_like(run):
    run.server("serve", "80")
    ev = run.client("stalled-sender", SERVER_IP, "80", "5",
                    on_fault=lambda: run.lab.nft("router", fwd_table(["tcp sport 80 drop"])))
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("client", "retransmission-exhausted", "client", "server", sport=cport,
                       dport=80)],
        notes="Emulated: Linux itself would not reset; the client program counts tcpi_retransmits "
              "and, once the 5th retransmission's RTO has (almost) expired, closes with SO_LINGER 0, "
              "as Windows does after TcpMaxDataRetransmissions=5. The TCP stack is Linux (TTL 64, "
              "Linux options), so the reset's kernelReason is Linux's reason for the linger-0 close. "
              "The server receives every retransmission and the RST; its ACKs (dup ACKs) are dropped "
              "by the router (present in server.pcap/router.pcap only).")


@scenario("zero-window", 1,
          "server never reads and has a small SO_RCVBUF; its window falls to zero, the client's "
          "persist timer sends zero-window probes; after 4 s without progress the client application "
          "gives up with a linger-0 close")
def zero_window(run):
    run.server("noread-server", "80", "2048")
    ev = run.client("window-filler", SERVER_IP, "80", "8192", "4")
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("client", "zero-window-timeout", "client", "server", sport=cport, dport=80)],
        notes="Server SO_RCVBUF 2048 (kernel doubles it), client SO_SNDBUF 8192.")


@scenario("port-reuse", 1,
          "four sequential connections on one 4-tuple (client port 40000 bound with SO_REUSEADDR "
          "-> server port 80): two closed by FIN, one reset by the client (linger 0), one more by FIN")
def port_reuse(run):
    run.server("serve", "80")
    run.client("reuse-client", SERVER_IP, "80", "40000", "close", "close", "abort", "close")
    return Outcome(
        expect=[Expect("client", "app-abort", "client", "server", sport=40000, dport=80)],
        notes="The server closes first in the FIN-closed connections (Connection: close), so it "
              "holds the TIME_WAIT; each new SYN on the same 4-tuple is accepted from TIME_WAIT "
              "(newer timestamp, RFC 6191). Connection 3 is reset by the client after its response.")


# --------------------------------------------------------------------------- batch 2
@scenario("app-timeout-smb", 2,
          "client sends a real SMB2 NEGOTIATE (NetBIOS framing) to port 445; the server stack "
          "ACKs it but the application never answers; the client gives up after 3 s with a linger-0 "
          "close")
def app_timeout_smb(run):
    run.server("silent-smb-server", "445")
    ev = run.client("smb-client", SERVER_IP, "445", "3")
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("client", "app-timeout", "client", "server", sport=cport, dport=445)],
        notes="The NEGOTIATE offers dialects 2.0.2, 2.1, 3.0, 3.0.2. TCP is healthy throughout "
              "(request ACKed within microseconds); the last request before the RST is the SMB2 "
              "NEGOTIATE, unanswered for 3 s.")


@scenario("app-timeout-smtp", 2,
          "SMTP on port 25: banner, EHLO, MAIL, RCPT, DATA (354) answered correctly; the end-of-data "
          "'.' is ACKed but never answered; the client resets after 3 s (linger 0)")
def app_timeout_smtp(run):
    run.server("smtp-server", "25")
    ev = run.client("smtp-client", SERVER_IP, "25", "3")
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("client", "app-timeout", "client", "server", sport=cport, dport=25)],
        notes="The last client segment before the RST carries the message body ending in "
              "CRLF.CRLF (SMTP end-of-DATA); no 250 reply ever comes.")


@scenario("smb-port-race", 2,
          "client opens 445 and 139 at the same time (like Windows), keeps 445 and resets the 139 "
          "connection at once; 445 is then closed normally")
def smb_port_race(run):
    run.server("silent-smb-server", "445,139")
    ev = run.client("smb-race-client", SERVER_IP)
    loser = port_of(first(ev, "local", port=139))
    return Outcome(
        expect=[Expect("client", "smb-port-race", "client", "server", sport=loser, dport=139)],
        notes="On a LAN both handshakes complete within microseconds, so the 139 connection is "
              "already established when the client drops it: RST/ACK right after its handshake "
              "(Windows may instead reset the SYN-ACK itself; same cause). Benign.")


@scenario("listen-overflow", 2,
          "server listens with backlog 2 and never accepts (tcp_abort_on_overflow=1, no syncookies); "
          "two handshakes are still completing when three others fill the accept queue: when their "
          "final ACKs arrive the server stack answers them with RST")
def listen_overflow(run):
    run.lab.sysctl("server", "net.ipv4.tcp_abort_on_overflow", 1)
    # Without syncookies the SYN (request) queue and the accept queue have the same
    # limit (backlog+1 on 6.x), so completing ACKs can only overflow if some
    # handshakes are still pending when the others fill the accept queue.
    run.lab.sysctl("server", "net.ipv4.tcp_syncookies", 0)
    run.server("never-accept-server", "80", "2")
    held = []
    steps = iter(["hold", "release"])

    def fault():
        if next(steps) == "hold":
            ports = ", ".join(str(p) for p in held[0])
            run.lab.nft("router", fwd_table([f"tcp sport {{ {ports} }} tcp dport 80 "
                                             "tcp flags & (syn|rst) == 0 drop"]))
        else:
            run.lab.sh("router", "nft", "delete", "table", "inet", "rstlab")

    proc_events = run.client("overflow-client", SERVER_IP, "80", "2", "3", "3",
                             on_fault=fault, on_event=lambda e: held.append(e["ports"])
                             if e.get("event") == "held" else None)
    results = [e for e in proc_events if e.get("event") == "result"]
    reset = [e for e in results if e["result"] == "ConnectionResetError"]
    waiting = [e for e in results if e["result"] == "no-answer"]
    if [e["held"] for e in reset] != [True, True] or len(waiting) != 3:
        raise RuntimeError(f"unexpected overflow results {results}")
    return Outcome(
        expect=[Expect("server", "listen-overflow", "server", "client", sport=80,
                       dport=port_of(e["local"])) for e in reset],
        failures=[{"client": e["local"], "server": f"{SERVER_IP}:80", "cause": "app-timeout"}
                  for e in waiting],
        notes="Backlog 2: the accept queue takes 3 connections. Two handshakes' final ACKs were "
              "held by the router (nft) while three other connections completed and filled the "
              "queue; the held clients' first data segments (which complete their handshakes) are "
              "answered with RST (tcp_check_req, listen_overflow with tcp_abort_on_overflow). The "
              "three queued connections have their requests ACKed and never answered; the client "
              "closes them with FIN after 3 s (app-timeout failures). The server never calls "
              "accept().")


@scenario("firewall-idle-timeout", 2,
          "stateful firewall on the router (conntrack, established timeout 3 s, mid-stream packets "
          "of unknown connections rejected with tcp reset); the connection idles 5 s, the client's "
          "next request gets a router-made RST; the server never hears of it")
def firewall_idle_timeout(run):
    run.lab.nft("router", fwd_table([
        "ct state established,related accept",
        "ct state new tcp flags & (syn|ack) == syn accept",
        "ct state new,invalid reject with tcp reset",
    ]))
    run.lab.sysctl("router", "net.netfilter.nf_conntrack_tcp_timeout_established", 3)
    run.server("serve", "80")
    ev = run.client("idle-client", SERVER_IP, "80", "5")
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("router", "middlebox-idle-timeout", "server", "client", sport=80,
                       dport=cport)],
        notes="Conntrack forgot the connection after 3 s idle (nf_conntrack_tcp_timeout_established"
              "=3); the next client segment is 'ct state new' but not a SYN, so nft rejects it: RST "
              "without ACK, seq = the segment's ack, TTL 64 (router) at the client while the "
              "server's packets arrive with 63. The request never reaches server.pcap.")


@scenario("injected-both", 2,
          "mid-connection, a raw-socket program on the router forges RST/ACKs toward BOTH client "
          "and server with exactly the expected sequence numbers (on-path injection)")
def injected_both(run):
    run.server("serve", "80")
    inj = run.server("injector", "router-s", SERVER_IP, "80", role="router")

    def inject():
        inj.stdin.write("go\n")
        inj.stdin.flush()
        for _ in range(2):
            inj.stdout.readline()

    ev = run.client("chatty-client", SERVER_IP, "80", on_fault=inject)
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("router", "middlebox-injected", "server", "client", sport=80, dport=cport),
                Expect("router", "middlebox-injected", "client", "server", sport=cport, dport=80)],
        notes="Both forged RST/ACKs leave the router within microseconds, TTL 64 (one more than the "
              "real hosts' packets after forwarding), random IP ID, no TCP options. Each is absent "
              "from the capture of the host whose address it carries. Both sockets die (seq exactly "
              "rcv_nxt, RFC 5961 accepts it); the client's next request is never sent.")


@scenario("time-wait-reuse", 2,
          "server closed first and holds TIME_WAIT; a new SYN on the same 4-tuple (raw socket, ISN "
          "below the old sequence space, no timestamps) gets the old connection's ACK; the client "
          "stack resets it (NO_SOCKET), which also ends the TIME_WAIT; a normal connect then works")
def time_wait_reuse(run):
    run.server("serve", "80")
    ev = run.client("tw-reuse-client", "client0", SERVER_IP, "80", "40001")
    return Outcome(
        expect=[Expect("client", "time-wait-reuse", "client", "server", sport=40001, dport=80)],
        notes="Sequence on the one 4-tuple 198.18.1.2:40001 -> :80: connection 1 (server FIN "
              "first), SYN with an old ISN (sent by a raw socket, so the client stack has no socket "
              "for it), the server's TIME_WAIT ACK for connection 1 (challenge ACK, ack = old "
              "rcv_nxt), the client stack's RST (seq = that ack), then 1 s later connection 2 from "
              f"a normal socket. Raw SYN: {first(ev, 'isn')} vs old next seq {first(ev, 'old_next')}.")


@scenario("half-open", 2,
          "server process 'crashes' (its RSTs are dropped by nft in the server's own output hook, so "
          "the client never hears) and restarts; the client's next request on the old connection is "
          "answered by the server stack with RST")
def half_open(run):
    crash = run.server("crashable-server", "80")

    def lose_state():
        run.lab.nft("server", "table inet rstlab_out {\n chain output {\n  type filter hook output "
                    "priority 0; policy accept;\n  tcp flags rst drop\n }\n}\n")
        crash.stdin.write("crash\n")
        crash.stdin.flush()
        crash.wait(5)
        run.lab.sh("server", "nft", "delete", "table", "inet", "rstlab_out")
        run.server("crashable-server", "80")

    ev = run.client("chatty-client", SERVER_IP, "80", on_fault=lose_state)
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("server", "unknown-connection", "server", "client", sport=80, dport=cport)],
        unseen_kernel_resets=1,
        notes="The crash's own RST (reason in kernel-trace.txt) was dropped by nft before tcpdump "
              "could see it: no capture holds it, so it is not listed. The restarted server listens "
              "again; the client's request on the old connection hits a host without that "
              "connection: RST without ACK, seq = the request's ack.")


@scenario("nat-reset", 2,
          "router masquerades the client (source NAT); the server application aborts mid-response "
          "(linger 0); the reset is seen at all three points with different addresses")
def nat_reset(run):
    run.lab.nft("router", "table ip rstlab_nat {\n chain postrouting {\n  type nat hook postrouting "
                "priority 100; policy accept;\n  oifname \"router-s\" masquerade\n }\n}\n")
    run.server("abort-server", "80")
    ev = run.client("victim-client", SERVER_IP, "80")
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("server", "app-abort", "server", "client", sport=80, dport=cport)],
        nat=True,
        notes="server.pcap and router.pcap see the client as 198.18.2.1 (the router, same port). "
              "The one RST packet is therefore listed twice, once per header view (identity is "
              "from/to/seq/flags): 198.18.1.2 in client.pcap/router-c.pcap, 198.18.2.1 in "
              "router.pcap/server.pcap. The extra key 'nat' (only in this scenario) pairs the "
              "client's inside endpoint with its outside one.")


@scenario("path-loss", 2,
          "bulk download of 120 kB while the router drops ~10% of the server's data segments "
          "(nft numgen random): fast retransmits and RTO retransmissions, then a normal FIN close; "
          "no reset")
def path_loss(run):
    run.lab.nft("router", fwd_table(["ip saddr 198.18.2.2 tcp sport 80 meta length > 100 "
                                     "numgen random mod 10 0 drop"]))
    run.server("serve", "80")
    run.client("bulk-client", SERVER_IP, "80", "120000")
    return Outcome(expect=[],
                   notes="Loss happens between router-c.pcap's and router.pcap's vantage points: "
                         "server.pcap and router.pcap hold every data segment, client.pcap and "
                         "router-c.pcap show the holes (SACK blocks, retransmissions).")


@scenario("busy", 2,
          "300 mixed connections from 8 parallel workers: 240 graceful, 20 refused (port 9), 15 "
          "rejected by the router (port 23), 15 client linger-0 aborts, 10 server aborts (port 8081)")
def busy(run):
    run.lab.nft("router", fwd_table(["tcp dport 23 reject with tcp reset"]))
    run.server("serve", "80,23")
    run.server("abort-server", "8081")
    ev = run.client("busy-client", SERVER_IP, "8", "240", "20", "15", "15", "10", timeout=120)
    done = [e for e in ev if e.get("event") == "done"]
    bad = [e for e in done if e["result"] != {"refused": "ConnectionRefusedError",
                                              "rejected": "ConnectionRefusedError",
                                              "server-abort": "ConnectionResetError"}.get(e["kind"], "ok")]
    if len(done) != 300 or bad:
        raise RuntimeError(f"busy: {len(done)} done, unexpected results {bad[:5]}")
    return Outcome(
        expect=[Expect("server", "refused", "server", "client", sport=9, flags="RA", count=20),
                Expect("router", "firewall-reject", "server", "client", sport=23, flags="RA",
                       count=15),
                Expect("client", "app-abort", "client", "server", dport=80, count=15),
                Expect("server", "app-abort", "server", "client", sport=8081, count=10)],
        notes="Connections overlap in time (8 workers). Client ports are ephemeral and may repeat "
              "across connections. Every reset is also identifiable by its server port.")


# --------------------------------------------------------------------------- batch 3
@scenario("syn-scan", 3,
          "SYN ('half-open') scan from a raw socket on the client: the open port 80 answers SYN-ACK "
          "and the client's kernel, which has no socket for it, resets it (NO_SOCKET); the closed "
          "port 9 answers RST/ACK")
def syn_scan(run):
    run.server("serve", "80")
    ev = run.client("syn-scan", "client0", SERVER_IP, "40002", "80", "9")
    answers = {e["port"]: e["answer"] for e in ev if e.get("event") == "probe"}
    if answers != {80: "syn-ack", 9: "rst-ack"}:
        raise RuntimeError(f"syn-scan: unexpected answers {answers}")
    return Outcome(
        expect=[Expect("client", "handshake-abort", "client", "server", sport=40002, dport=80,
                       flags="R"),
                Expect("server", "refused", "server", "client", sport=9, dport=40002, flags="RA")],
        notes="Both SYNs come from source port 40002 through a raw socket (MSS option only, like "
              "nmap -sS), so no socket on the client owns them. The SYN-ACK from :80 is answered by "
              "the client's kernel: RST without ACK, seq = the SYN-ACK's ack (RFC 9293 3.10.7.1). "
              "The listener's request socket is dropped; the server never sees an established "
              "connection.")


@scenario("late-fin", 3,
          "client closes a keep-alive connection (FIN), the server keeps its end in CLOSE_WAIT for "
          "2.5 s; the client's FIN_WAIT2 has expired (tcp_fin_timeout=1) by the time the server's "
          "FIN arrives, so the client stack resets it (NO_SOCKET): a reset after the FIN exchange")
def late_fin(run):
    # Orphaned FIN_WAIT2 lasts tcp_fin_timeout (tcp_fin_time(): at least 3.5 RTO ~ 1 s here),
    # then the socket is gone and the late FIN finds no socket.
    run.lab.sysctl("client", "net.ipv4.tcp_fin_timeout", 1)
    run.server("lingering-server", "80", "2.5")
    ev = run.client("closing-client", SERVER_IP, "80", "3.5")
    cport = port_of(first(ev, "local"))
    return Outcome(
        expect=[Expect("client", "rst-after-fin", "client", "server", sport=cport, dport=80,
                       flags="R")],
        notes="Request/response complete, client FIN ACKed by the server, then 2.5 s of silence "
              "while the server application holds the socket (CLOSE_WAIT). The client's orphaned "
              "FIN_WAIT2 state expired after about 1 s, so the server's FIN meets no socket: RST "
              "without ACK, seq = the FIN's ack. Nothing was outstanding either way; harmless, "
              "but a sign of a server slow to close its sockets.")


@scenario("app-error", 3,
          "client POSTs a request; the server application answers HTTP/1.1 500 Internal Server "
          "Error and 0.2 s later drops the connection with a linger-0 close")
def app_error(run):
    run.server("error-server", "80")
    ev = run.client("error-client", SERVER_IP, "80")
    cport = port_of(first(ev, "local"))
    status = next((e.get("status") for e in ev if e.get("event") in ("error", "eof")), None)
    if status != "HTTP/1.1 500 Internal Server Error":
        raise RuntimeError(f"app-error: client read {status!r}")
    return Outcome(
        expect=[Expect("server", "app-error", "server", "client", sport=80, dport=cport)],
        notes="The 500 response is delivered and ACKed before the reset (TCP healthy, nothing "
              "outstanding); the client's recv() then fails with ECONNRESET. The error, not the "
              "reset, is what to fix.")


@scenario("out-of-window", 3,
          "mid-connection, a raw-socket program on the router forges a RST toward the server in "
          "the client's name with a sequence number 10^9 beyond the expected one; the server "
          "drops it (outside its window) and the connection carries on and closes with FIN")
def out_of_window(run):
    run.server("serve", "80")
    inj = run.server("blind-injector", "router-s", SERVER_IP, "80", "server", str(10**9),
                     role="router")
    injected = []

    def inject():
        inj.stdin.write("go\n")
        inj.stdin.flush()
        injected.append(json.loads(inj.stdout.readline()))

    ev = run.client("two-requests-client", SERVER_IP, "80", on_fault=inject)
    cport = port_of(first(ev, "local"))
    if first(ev, "bytes", event="done") <= 0:
        raise RuntimeError("out-of-window: the second response did not arrive")
    return Outcome(
        expect=[Expect("router", "out-of-window", "client", "server", sport=cport, dport=80,
                       flags="R")],
        notes="The forged RST (no ACK, no options, TTL 64 while the client's packets reach the "
              f"server with 63) has seq {injected[0]['seq']} where the server expected "
              f"{injected[0]['expected']}: far outside its receive window, so Linux discards it "
              "without a challenge ACK (RFC 5961 3.2 only challenges in-window resets). It is in "
              "router.pcap and server.pcap only. 0.3 s later the client's second request is "
              "answered and the server closes with FIN.")


@scenario("injected-one-way", 3,
          "a server streams 100-byte chunks every 0.2 s; mid-stream a raw-socket program on the "
          "router forges one RST toward the client only, in the server's name, with exactly the "
          "expected sequence number: the client's socket dies, the server keeps sending and its "
          "next chunk is reset by the client stack (NO_SOCKET)")
def injected_one_way(run):
    run.server("stream-server", "80", "10", "0.2")
    inj = run.server("blind-injector", "router-s", SERVER_IP, "80", "client", "0", role="router")
    injected = []

    def inject():
        inj.stdin.write("go\n")
        inj.stdin.flush()
        injected.append(json.loads(inj.stdout.readline()))

    ev = run.client("stream-client", SERVER_IP, "80", "200", on_fault=inject)
    cport = port_of(first(ev, "local"))
    if first(ev, "error", event="error", where="stream") != "ConnectionResetError":
        raise RuntimeError(f"injected-one-way: the client socket was not reset: {ev}")
    return Outcome(
        expect=[Expect("router", "middlebox-injected", "server", "client", sport=80, dport=cport,
                       flags="R"),
                Expect("client", "unknown-connection", "client", "server", sport=cport, dport=80,
                       flags="R")],
        notes="The forged RST (no ACK, no options, TTL 64 while the server's packets reach the "
              f"client with 63) has seq {injected[0]['seq']}, exactly the client's rcv_nxt, so the "
              "client accepts it (RFC 5961 3.2) and its recv() fails with ECONNRESET. It is in "
              "client.pcap and router-c.pcap only. The server never learns of it: its next chunk "
              "reaches a client without that connection, which answers RST without ACK, seq = the "
              "chunk's ack (the client lost its state to the forgery).")
