#!/usr/bin/env python3
"""Socket programs run inside the lab namespaces (python3 standard library only).

    python3 apps.py <program> [args...]

Servers print "READY" once listening.  Clients print one JSON object per line
(events the recorder uses for ground truth: local endpoints, errors) and, where a
fault has to be injected at a precise moment, print {"event": "await-fault"} and
wait for a line on stdin before going on.
"""

import json
import os
import select
import socket
import struct
import sys
import threading
import time

REQUEST = "GET /{path} HTTP/1.1\r\nHost: lab.rstscope.test\r\nConnection: {conn}\r\n\r\n"


def emit(**event):
    print(json.dumps(event), flush=True)


def await_fault():
    """Tell the recorder we reached the point where the path must fail; wait for it."""
    emit(event="await-fault")
    sys.stdin.readline()


def linger_zero(sock):
    # SO_LINGER {on, 0 s}: close() discards the send queue and sends RST instead of FIN
    # (the "abortive close" of RFC 9293 3.10.4 ABORT; Linux tcp_disconnect()).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def local(sock):
    host, port = sock.getsockname()[:2]
    return f"{host}:{port}"


def read_request(conn, buf=b""):
    """Read one HTTP request head; return (head, rest) or (None, rest) on EOF."""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(4096)
        if not chunk:
            return None, buf
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    return head, rest


def read_response(sock):
    """Read one response with Content-Length; return its body length."""
    head, rest = read_request(sock)
    if head is None:
        raise ConnectionError("EOF before response")
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("EOF inside response")
        rest += chunk
    return length


def bytes_until_eof(sock):
    """Read until the peer closes; return how many bytes came."""
    total = 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return total
        total += len(chunk)


def connect(host, port, bind_port=None, timeout=30):
    sock = socket.socket()
    if bind_port:
        # SO_REUSEADDR lets the client bind the same port again as soon as the
        # previous connection on it is fully closed (no TIME_WAIT on this side).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", bind_port))
    sock.settimeout(timeout)
    sock.connect((host, port))
    return sock


def listen(ports, rcvbuf=None):
    socks = []
    for port in ports:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if rcvbuf:
            # Set on the listener so accepted sockets inherit it before the handshake
            # fixes the window scale (the kernel doubles the value, socket(7)).
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.bind(("0.0.0.0", port))
        sock.listen(16)
        socks.append(sock)
    print("READY", flush=True)
    return socks


def accept_forever(socks, handler):
    while True:
        ready, _, _ = select.select(socks, [], [])
        for lsock in ready:
            conn, _ = lsock.accept()
            threading.Thread(target=guarded, args=(handler, conn), daemon=True).start()


def guarded(handler, conn):
    try:
        handler(conn)
    except OSError:
        pass
    finally:
        conn.close()


# ----------------------------------------------------------------------------- servers
def serve(ports):
    """HTTP/1.1-like server: answers each request; honours Connection: close by
    closing first (so the server side ends in TIME_WAIT), otherwise keeps the
    connection for the next request, like a keep-alive web server."""

    def handle(conn):
        rest = b""
        while True:
            head, rest = read_request(conn, rest)
            if head is None:
                return
            # A request with a body is answered only once the whole body is in.
            if b"Content-Length: " in head:
                need = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                while len(rest) < need:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    rest += chunk
                rest = rest[need:]
            path = head.split(b" ")[1]
            # GET /bulk/N asks for an N-byte body (bulk transfer scenarios).
            body = b"x" * (int(path[6:]) if path.startswith(b"/bulk/") else 200)
            close = b"Connection: close" in head
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: %s\r\n\r\n%s"
                         % (len(body), b"close" if close else b"keep-alive", body))
            if close:
                return

    accept_forever(listen([int(p) for p in ports.split(",")]), handle)


def abort_server(port):
    """Server application aborts mid-response (crash, or an abortive close)."""

    def handle(conn):
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"y" * 1000)
        time.sleep(0.2)
        linger_zero(conn)

    accept_forever(listen([int(port)]), handle)


def unread_server(port):
    """Answers the first request, then closes while the next request sits unread in
    its receive queue: Linux turns that close() into a RST (tcp_close(),
    RFC 2525 2.17 "Failure to send a RST after Half Duplex Close")."""

    def handle(conn):
        head, _ = read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        select.select([conn], [], [], 10)  # the second request has arrived (unread)
        time.sleep(0.2)                    # ... and has been ACKed by the stack

    accept_forever(listen([int(port)]), handle)


def noread_server(port, rcvbuf):
    """Accepts and never reads: the receive window closes (zero window)."""

    def handle(conn):
        time.sleep(60)

    accept_forever(listen([int(port)], rcvbuf=int(rcvbuf)), handle)


# ----------------------------------------------------------------------------- clients
def get(host, port, *paths):
    """One request per path on its own connection, Connection: close; read to EOF."""
    for path in paths or ("index.html",):
        sock = connect(host, int(port))
        emit(event="connected", local=local(sock))
        sock.sendall(REQUEST.format(path=path, conn="close").encode())
        while sock.recv(65536):
            pass
        sock.close()
        emit(event="closed", result="ok")


def try_connect(host, port, timeout="30"):
    """A bare connect(); reports the errno (ECONNREFUSED, ETIMEDOUT...)."""
    sock = socket.socket()
    sock.bind(("0.0.0.0", 0))
    emit(event="connecting", local=local(sock))
    sock.settimeout(float(timeout))
    started = time.monotonic()
    try:
        sock.connect((host, int(port)))
        emit(event="connected", local=local(sock))
    except OSError as err:
        emit(event="error", error=type(err).__name__, errno=err.errno,
             seconds=round(time.monotonic() - started, 3))
    sock.close()


def abort_client(host, port):
    """Request/response on a keep-alive connection, then an abortive close."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="a", conn="keep-alive").encode())
    read_response(sock)
    time.sleep(0.3)
    linger_zero(sock)
    sock.close()
    emit(event="aborted")


def read_until_error(sock, name):
    try:
        while True:
            if not sock.recv(65536):
                emit(event="eof", where=name)
                return
    except OSError as err:
        emit(event="error", where=name, error=type(err).__name__, errno=err.errno)


def victim_client(host, port):
    """Sends one request and reads until the server aborts (abort-server)."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="big", conn="keep-alive").encode())
    read_until_error(sock, "response")
    sock.close()


def pipeline_client(host, port):
    """Two requests on one connection; the server closes without reading the second."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="first", conn="keep-alive").encode())
    read_response(sock)
    time.sleep(0.2)
    sock.sendall(REQUEST.format(path="second", conn="keep-alive").encode())
    read_until_error(sock, "second")
    sock.close()


def late_sender(host, port):
    """Reads a Connection: close response to EOF, then sends more anyway."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="first", conn="close").encode())
    while sock.recv(65536):
        pass
    time.sleep(0.3)
    sock.sendall(REQUEST.format(path="late", conn="close").encode())
    time.sleep(0.3)
    try:
        sock.sendall(b"more")
        read_until_error(sock, "late")
    except OSError as err:
        emit(event="error", where="late", error=type(err).__name__, errno=err.errno)
    sock.close()


def keepalive_client(host, port, idle, intvl, cnt):
    """Idle connection with TCP keep-alive (RFC 1122 4.2.3.6); after the fault the
    probes go unanswered and Linux aborts the connection with a RST
    (tcp_keepalive_timer -> tcp_send_active_reset)."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="k", conn="keep-alive").encode())
    read_response(sock)
    await_fault()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, int(idle))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, int(intvl))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, int(cnt))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    sock.settimeout(None)
    read_until_error(sock, "idle")
    sock.close()


def tcp_info(sock):
    """(retransmits, rto_us, total_retrans) from struct tcp_info (linux/tcp.h):
    u8 tcpi_retransmits at offset 2, u32 tcpi_rto at 8, u32 tcpi_total_retrans at 100."""
    raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return raw[2], struct.unpack_from("I", raw, 8)[0], struct.unpack_from("I", raw, 100)[0]


def stalled_sender(host, port, abort_after_retransmits="0"):
    """Sends a request body after the fault.  With 0 it waits for the kernel to give
    up (tcp_retries2: ETIMEDOUT, no RST on Linux).  With N>0 it imitates Windows
    (TcpMaxDataRetransmissions=5): once the segment has been retransmitted N times
    and that last retransmission's RTO has also (almost) expired unanswered, it
    resets the connection (abortive close).  Retransmissions are counted with
    tcpi_total_retrans, which unlike tcpi_retransmits also counts Linux's first
    one, the tail loss probe (RFC 8985 7), so N matches what a capture shows."""
    limit = int(abort_after_retransmits)
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="before", conn="keep-alive").encode())
    read_response(sock)
    await_fault()
    baseline = tcp_info(sock)[2]
    sock.sendall(b"POST /upload HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + b"z" * 600)
    if limit == 0:
        sock.settimeout(None)
        read_until_error(sock, "upload")
        sock.close()
        return
    while True:
        _, rto_us, total = tcp_info(sock)
        if total - baseline >= limit:
            break
        time.sleep(0.002)
    time.sleep(rto_us / 1e6 * 0.9)  # the Nth retransmission times out too (just before)
    emit(event="abort", retransmissions=total - baseline, rto_ms=rto_us // 1000)
    linger_zero(sock)
    sock.close()


def window_filler(host, port, sndbuf, give_up_after):
    """Writes until the peer's zero window stops all progress, lets the persist
    timer probe the window (RFC 9293 3.8.6.1), then gives up with an abortive close
    after `give_up_after` seconds without progress, as an application timeout would."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, int(sndbuf))
    sock.connect((host, int(port)))
    emit(event="connected", local=local(sock))
    sock.setblocking(False)
    chunk = b"w" * 1024
    sent, last_progress = 0, time.monotonic()
    while time.monotonic() - last_progress < float(give_up_after):
        try:
            sent += sock.send(chunk)
            last_progress = time.monotonic()
        except BlockingIOError:
            time.sleep(0.01)
    emit(event="abort", sent=sent)
    linger_zero(sock)
    sock.close()


def reuse_client(host, port, bind_port, *plan):
    """Several connections from one fixed client port to one server port, so one
    4-tuple carries several connections.  'close': Connection: close (server closes
    first, so the TIME_WAIT is on the server and the client port is free again);
    'abort': keep-alive request then abortive close by the client."""
    for step in plan:
        sock = connect(host, int(port), bind_port=int(bind_port))
        emit(event="connected", local=local(sock), step=step)
        if step == "close":
            sock.sendall(REQUEST.format(path=step, conn="close").encode())
            while sock.recv(65536):
                pass
        else:
            sock.sendall(REQUEST.format(path=step, conn="keep-alive").encode())
            read_response(sock)
            time.sleep(0.1)
            linger_zero(sock)
        sock.close()
        time.sleep(0.3)



# ------------------------------------------------------------------- batch 2: servers
def smb2_negotiate_request():
    """A real SMB2 NEGOTIATE request ([MS-SMB2] 2.2.3) in NetBIOS session framing
    (RFC 1002 4.3.1, as used on port 445 by [MS-SMB2] 2.1): dialects 2.0.2 to 3.0.2."""
    dialects = (0x0202, 0x0210, 0x0300, 0x0302)
    header = struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, 0, 0, 0x0000, 31, 0, 0, 0,
                         0xFEFF, 0, 0, b"\0" * 16)  # sync header, Command 0 = NEGOTIATE
    body = struct.pack("<HHHHI16sQ", 36, len(dialects), 0x0001, 0, 0x7F,
                       bytes(range(16)), 0)  # SecurityMode signing enabled, ClientGuid
    body += struct.pack(f"<{len(dialects)}H", *dialects)
    message = header + body
    return b"\x00" + len(message).to_bytes(3, "big") + message


def silent_smb_server(ports):
    """Accepts on 445 (and any other port given), reads the NetBIOS-framed SMB2
    request and never answers: the hung file server of an app-timeout."""

    def handle(conn):
        head = conn.recv(4)
        need = int.from_bytes(head[1:4], "big") if len(head) == 4 else 0
        got = 0
        while got < need:
            chunk = conn.recv(need - got)
            if not chunk:
                return
            got += len(chunk)
        while conn.recv(65536):  # then wait for the client to go away
            pass

    accept_forever(listen([int(p) for p in ports.split(",")]), handle)


def smtp_server(port):
    """Minimal SMTP server (RFC 5321) that answers correctly up to DATA (354) and
    then never answers the end-of-data '.' line: the stalled mail relay."""

    def handle(conn):
        f = conn.makefile("rb")
        conn.sendall(b"220 mx.lab.rstscope.test ESMTP ready\r\n")
        for line in f:
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250-mx.lab.rstscope.test\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n")
            elif verb in (b"MAIL", b"RCPT"):
                conn.sendall(b"250 2.1.0 Ok\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                for data_line in f:
                    if data_line == b".\r\n":
                        break
                while conn.recv(65536):  # end-of-data received; no "250 queued" ever
                    pass
                return
            elif verb == b"QUIT":
                conn.sendall(b"221 Bye\r\n")
                return

    accept_forever(listen([int(port)]), handle)


def crashable_server(port):
    """Keep-alive server whose process 'crashes' when told on stdin: every open
    connection is aborted at once (linger 0, like the kernel cleaning up after a
    killed process holding unsent data) and the process exits."""
    conns = []
    lsock = listen([int(port)])

    def crash():
        sys.stdin.readline()
        for conn in conns:
            linger_zero(conn)
            conn.close()
        os._exit(0)

    threading.Thread(target=crash, daemon=True).start()

    def handle(conn):
        conns.append(conn)
        rest = b""
        while True:
            head, rest = read_request(conn, rest)
            if head is None:
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    accept_forever(lsock, handle)


def never_accept_server(port, backlog):
    """Listens with a tiny backlog and never calls accept() (a stuck application);
    with net.ipv4.tcp_abort_on_overflow=1 handshakes that complete while the
    accept queue is full are answered with RST (tcp_check_req, listen_overflow)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", int(port)))
    sock.listen(int(backlog))
    print("READY", flush=True)
    time.sleep(120)


# ------------------------------------------------------------------- batch 2: clients
def give_up(sock, seconds):
    """Wait for an answer up to `seconds`; report and abort (linger 0) if none came."""
    sock.settimeout(float(seconds))
    try:
        data = sock.recv(65536)
        emit(event="answer", bytes=len(data))
        sock.close()
        return
    except socket.timeout:
        emit(event="timeout", seconds=float(seconds))
    linger_zero(sock)
    sock.close()


def smb_client(host, port, seconds):
    """Sends SMB2 NEGOTIATE and resets after `seconds` without an answer."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(smb2_negotiate_request())
    give_up(sock, seconds)


def smtp_client(host, port, seconds):
    """Walks an SMTP transaction; resets `seconds` after end-of-data if unanswered."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    f = sock.makefile("rb")

    def reply():
        while True:
            line = f.readline()
            if line[3:4] != b"-":
                return line

    reply()
    for command in (b"EHLO client.lab.rstscope.test", b"MAIL FROM:<alice@client.lab.rstscope.test>",
                    b"RCPT TO:<bob@lab.rstscope.test>", b"DATA"):
        sock.sendall(command + b"\r\n")
        reply()
    sock.sendall(b"From: alice@client.lab.rstscope.test\r\nTo: bob@lab.rstscope.test\r\n"
                 b"Subject: lab\r\n\r\nhello\r\n.\r\n")
    give_up(sock, seconds)


def smb_race_client(host):
    """Like a Windows SMB client: connect to 445 and 139 at the same time, keep the
    first to succeed (445 here, which wins on a fair race as it is tried first)
    and reset the other one; then close the 445 session normally."""
    socks = {}
    for port in (445, 139):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex((host, port))
        socks[port] = sock
    _, writable, _ = select.select([], [socks[445]], [], 5)
    emit(event="connected", local=local(socks[445]), port=445)
    emit(event="reset", local=local(socks[139]), port=139)
    linger_zero(socks[139])
    socks[139].close()
    socks[445].setblocking(True)
    time.sleep(0.3)
    socks[445].close()


def overflow_client(host, port, held, normal, seconds):
    """Fills a small listen queue the way a burst does.  `held` connections start
    first and their handshake-completing ACKs are held back by the router (nft),
    so the server keeps them as request sockets (SYN_RECV); then `normal`
    connections complete and fill the accept queue of the never-accepting server;
    then the held ACKs are let through (the client's first data segments carry
    them) and find the accept queue full.  Each connection then waits `seconds`
    for an answer; results are reported per connection."""
    first = [socket.socket() for _ in range(int(held))]
    for sock in first:
        sock.bind(("0.0.0.0", 0))
    emit(event="held", ports=[sock.getsockname()[1] for sock in first])
    await_fault()  # the router now holds non-SYN segments from these ports
    for sock in first:
        sock.setblocking(False)
        sock.connect_ex((host, int(port)))
    select.select([], first, [], 5)
    time.sleep(0.1)
    others = []
    for _ in range(int(normal)):
        sock = connect(host, int(port))
        sock.sendall(REQUEST.format(path="queued", conn="close").encode())
        others.append(sock)
    time.sleep(0.1)
    await_fault()  # the router lets them through again
    for sock in first:
        sock.setblocking(True)
        sock.sendall(REQUEST.format(path="held", conn="close").encode())
    deadline = time.monotonic() + float(seconds)
    results = {}
    socks = first + others
    while time.monotonic() < deadline and len(results) < len(socks):
        pending = [s for s in socks if local(s) not in results]
        readable, _, _ = select.select(pending, [], [], max(0, deadline - time.monotonic()))
        for sock in readable:
            try:
                results[local(sock)] = "answer" if sock.recv(65536) else "eof"
            except OSError as err:
                results[local(sock)] = type(err).__name__
    for sock in socks:
        emit(event="result", local=local(sock), held=sock in first,
             result=results.get(local(sock), "no-answer"))
        sock.close()


def idle_client(host, port, idle):
    """Request, then silence for `idle` seconds (past a firewall's idle timeout),
    then the next request on the same connection."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="first", conn="keep-alive").encode())
    read_response(sock)
    time.sleep(float(idle))
    sock.sendall(REQUEST.format(path="after-idle", conn="keep-alive").encode())
    read_until_error(sock, "after-idle")
    sock.close()


def chatty_client(host, port):
    """Keep-alive request/response, then waits (fault), then tries another request."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="one", conn="keep-alive").encode())
    read_response(sock)
    time.sleep(0.2)
    await_fault()
    time.sleep(0.3)
    try:
        sock.sendall(REQUEST.format(path="two", conn="keep-alive").encode())
        read_until_error(sock, "two")
    except OSError as err:
        emit(event="error", where="two", error=type(err).__name__, errno=err.errno)
    sock.close()


def bulk_client(host, port, nbytes):
    """Downloads `nbytes` (server closes first), Connection: close."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path=f"bulk/{nbytes}", conn="close").encode())
    emit(event="done", bytes=bytes_until_eof(sock))
    sock.close()


# --------------------------------------------------------------- raw packets (batch 2)
def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tcp_packet(src, sport, dst, dport, seq, ack, flags, ttl=64, options=b""):
    """An IPv4+TCP packet built by hand (RFC 791, RFC 9293 3.1), checksums included."""
    offset = (20 + len(options)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, 64240, 0, 0) + options
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), int.from_bytes(os.urandom(2), "big"),
                     0, ttl, 6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def send_raw(packet, dst):
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)  # implies IP_HDRINCL
    raw.sendto(packet, (dst, 0))
    raw.close()


class Sniffer:
    """AF_PACKET socket on one interface: IPv4/TCP segments as tuples."""

    def __init__(self, ifname):
        # ETH_P_ALL: a socket bound to ETH_P_IP would not see outgoing frames
        # (dev_queue_xmit_nit only feeds ETH_P_ALL taps).
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.sock.bind((ifname, 0x0003))
        self.sock.setblocking(False)

    def segments(self):
        while True:
            try:
                frame = self.sock.recv(65535)
            except BlockingIOError:
                return
            ip = frame[14:]
            if frame[12:14] != b"\x08\x00" or len(ip) < 40 or ip[9] != 6:
                continue
            ihl = (ip[0] & 15) * 4
            total = struct.unpack("!H", ip[2:4])[0]
            tcp = ip[ihl:total]
            sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
            length = len(tcp) - (tcp[12] >> 4) * 4
            flags = tcp[13]
            yield (socket.inet_ntoa(ip[12:16]), sport, socket.inet_ntoa(ip[16:20]), dport, seq,
                   ack, flags, length)


def follow(sniffer, server_ip, server_port):
    """Every segment the sniffer holds of the one connection to server_ip:server_port:
    (next sequence number from each end, server endpoint, client endpoint)."""
    nxt = {}  # (src, sport) -> next sequence number from that end
    peer = {}
    for src, sport, dst, dport, seq, ack, flags, length in sniffer.segments():
        if server_port not in (str(sport), str(dport)):
            continue
        nxt[(src, sport)] = (seq + length + (flags & 0x01) + ((flags & 0x02) >> 1)) & 0xFFFFFFFF
        peer[(src, sport)] = (dst, dport)
    server = (server_ip, int(server_port))
    return nxt, server, peer[server]


def injector(ifname, server_ip, server_port):
    """On the router: follows one connection to server_ip:server_port on `ifname`
    and, when told on stdin, forges a RST/ACK toward each end with exactly the
    sequence number that end expects next (so RFC 5961 3.2 accepts it), carrying
    the other end's address: what an on-path censor or IPS does."""
    sniffer = Sniffer(ifname)
    print("READY", flush=True)
    sys.stdin.readline()
    nxt, server, client = follow(sniffer, server_ip, server_port)
    for (src, sport), (dst, dport) in ((client, server), (server, client)):
        packet = tcp_packet(src, sport, dst, dport, nxt[(src, sport)], nxt[(dst, dport)], 0x14)
        send_raw(packet, dst)
        emit(event="injected", src=f"{src}:{sport}", dst=f"{dst}:{dport}", seq=nxt[(src, sport)])
    time.sleep(60)


def blind_injector(ifname, server_ip, server_port, target, offset):
    """On the router: follows one connection like `injector`, and when told forges
    ONE reset toward `target` (client|server) carrying the other end's address,
    with the sequence number that end expects next plus `offset`.  A large offset
    is what a blind attacker who guessed wrong sends: outside the receive window,
    so the receiver must drop it (RFC 9293 3.10.7.4; Linux tcp_validate_incoming
    discards an out-of-window RST without even a challenge ACK, RFC 5961 3.2)."""
    sniffer = Sniffer(ifname)
    print("READY", flush=True)
    sys.stdin.readline()
    nxt, server, client = follow(sniffer, server_ip, server_port)
    src, dst = (server, client) if target == "client" else (client, server)
    expected = nxt[src]
    seq = (expected + int(offset)) & 0xFFFFFFFF
    # RST without ACK, as blind reset tools send it (no valid ack to guess).
    send_raw(tcp_packet(src[0], src[1], dst[0], dst[1], seq, 0, 0x04), dst[0])
    emit(event="injected", src=f"{src[0]}:{src[1]}", dst=f"{dst[0]}:{dst[1]}", seq=seq,
         expected=expected)
    time.sleep(60)


def syn_scan(ifname, host, sport, *ports):
    """A SYN ("half-open") scan from a raw socket, as nmap -sS does: one SYN per port
    from a source port no socket of this host owns.  An open port answers SYN-ACK,
    and since this host's kernel has no socket for it, the kernel itself resets it
    (RFC 9293 3.10.7.1, tcp_v4_send_reset with reason NO_SOCKET); a closed port
    answers RST/ACK.  Reports what each port answered."""
    sniffer = Sniffer(ifname)
    me = None
    for port in ports:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect((host, int(port)))  # only to learn the source address
        me = probe.getsockname()[0]
        probe.close()
        isn = int.from_bytes(os.urandom(4), "big")
        mss = struct.pack("!BBH", 2, 4, 1460)
        send_raw(tcp_packet(me, int(sport), host, int(port), isn, 0, 0x02, options=mss), host)
        time.sleep(0.3)
        answer = "none"
        for src, s_port, dst, d_port, seq, ack, flags, length in sniffer.segments():
            if src == host and s_port == int(port) and d_port == int(sport):
                answer = {0x12: "syn-ack", 0x14: "rst-ack"}.get(flags & 0x16, answer)
        emit(event="probe", local=f"{me}:{sport}", port=int(port), isn=isn, answer=answer)


def error_server(port):
    """Answers every request with HTTP 500 and then drops the connection with an
    abortive close (linger 0): an application server whose handler failed and
    which resets instead of finishing the connection.  The pause lets the error
    be delivered and ACKed first, so the reset destroys nothing in flight."""

    def handle(conn):
        read_request(conn)
        body = b"internal server error\n"
        conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        time.sleep(0.2)
        linger_zero(conn)

    accept_forever(listen([int(port)]), handle)


def lingering_server(port, hold):
    """Keep-alive server that answers requests; once the client has closed (EOF) it
    keeps its end open `hold` seconds longer (CLOSE_WAIT, like a server that is
    slow to release its sockets) and only then closes with FIN."""

    def handle(conn):
        rest = b""
        while True:
            head, rest = read_request(conn, rest)
            if head is None:
                break
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        time.sleep(float(hold))

    accept_forever(listen([int(port)]), handle)


def closing_client(host, port, stay):
    """One keep-alive request/response, then close() (FIN); the process stays
    `stay` seconds so the recorder keeps capturing what happens to the closed end."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="a", conn="keep-alive").encode())
    read_response(sock)
    time.sleep(0.2)
    sock.close()
    emit(event="closed")
    time.sleep(float(stay))


def error_client(host, port):
    """Sends one request, reads whatever comes back until EOF or an error."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(b"POST /api/orders HTTP/1.1\r\nHost: lab.rstscope.test\r\nContent-Type: "
                 b"application/json\r\nContent-Length: 13\r\n\r\n{\"item\": 42}\n")
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                emit(event="eof", status=data.split(b"\r\n")[0].decode())
                break
            data += chunk
    except OSError as err:
        emit(event="error", error=type(err).__name__, status=data.split(b"\r\n")[0].decode())
    sock.close()


def two_requests_client(host, port):
    """A keep-alive request/response, a pause for the fault, then a second request
    with Connection: close read to EOF: the connection must survive the fault."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="one", conn="keep-alive").encode())
    read_response(sock)
    time.sleep(0.2)
    await_fault()
    time.sleep(0.3)
    sock.sendall(REQUEST.format(path="two", conn="close").encode())
    emit(event="done", bytes=bytes_until_eof(sock))
    sock.close()


def stream_server(port, chunks, interval):
    """Answers a request with a stream: `chunks` pieces of 100 bytes, one every
    `interval` seconds (a feed, a long download), then closes with FIN."""

    def handle(conn):
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (100 * int(chunks)))
        for _ in range(int(chunks)):
            conn.sendall(b"s" * 100)
            time.sleep(float(interval))

    accept_forever(listen([int(port)]), handle)


def stream_client(host, port, before_fault):
    """Requests a stream, reads `before_fault` bytes of body, lets the fault happen,
    then reads on until EOF or an error."""
    sock = connect(host, int(port))
    emit(event="connected", local=local(sock))
    sock.sendall(REQUEST.format(path="stream", conn="keep-alive").encode())
    head, rest = read_request(sock)
    while len(rest) < int(before_fault):
        rest += sock.recv(65536)
    await_fault()
    read_until_error(sock, "stream")
    sock.close()


def tw_reuse_client(ifname, host, port, bind_port):
    """A connection closed by the server first (so the server holds TIME_WAIT), then
    a new SYN on the same 4-tuple sent from a raw socket with an ISN *below* the
    old connection's last sequence number and no timestamp option, so the
    TIME_WAIT socket cannot accept it (RFC 9293 3.10.7.4, RFC 6191 conditions
    fail): it answers with an ACK for the old connection (challenge ACK); the
    client stack has no socket for it and resets (RFC 9293 3.10.7.1).  The RST
    also ends the TIME_WAIT (Linux, tcp_rfc1337=0), so a normal connect on the
    same 4-tuple then succeeds."""
    sniffer = Sniffer(ifname)
    sock = connect(host, int(port), bind_port=int(bind_port))
    me = local(sock)
    emit(event="connected", local=me, step="first")
    sock.sendall(REQUEST.format(path="first", conn="close").encode())
    while sock.recv(65536):
        pass
    sock.close()
    time.sleep(0.3)
    last = None
    for src, sport, dst, dport, seq, ack, flags, length in sniffer.segments():
        if sport == int(bind_port) and dport == int(port):
            last = (seq + length + (flags & 0x01)) & 0xFFFFFFFF
    isn = (last - 1_000_000) & 0xFFFFFFFF
    src_ip = me.rsplit(":", 1)[0]
    mss = struct.pack("!BBH", 2, 4, 1460)
    send_raw(tcp_packet(src_ip, int(bind_port), host, int(port), isn, 0, 0x02, options=mss), host)
    emit(event="raw-syn", isn=isn, old_next=last)
    time.sleep(1.0)
    sock = connect(host, int(port), bind_port=int(bind_port))
    emit(event="connected", local=local(sock), step="after")
    sock.sendall(REQUEST.format(path="again", conn="close").encode())
    while sock.recv(65536):
        pass
    sock.close()



def busy_client(host, workers, graceful, refused, rejected, client_aborts, server_aborts):
    """Many mixed connections in parallel, like a busy client host: graceful
    requests to 80, connects to a closed port (9), to a port the router rejects (23),
    abortive closes by this client (80) and by the server application (8081)."""
    import concurrent.futures
    import random
    plan = (["graceful"] * int(graceful) + ["refused"] * int(refused) + ["rejected"] * int(rejected)
            + ["client-abort"] * int(client_aborts) + ["server-abort"] * int(server_aborts))
    random.Random(7).shuffle(plan)
    lock = threading.Lock()

    def one(kind):
        port = {"refused": 9, "rejected": 23, "server-abort": 8081}.get(kind, 80)
        sock = socket.socket()
        sock.settimeout(10)
        result = "ok"
        try:
            sock.connect((host, port))
            if kind == "client-abort":
                sock.sendall(REQUEST.format(path="busy", conn="keep-alive").encode())
                read_response(sock)
                linger_zero(sock)
            else:
                sock.sendall(REQUEST.format(path="busy", conn="close").encode())
                while sock.recv(65536):
                    pass
        except OSError as err:
            result = type(err).__name__
        with lock:
            emit(event="done", kind=kind, local=local(sock), result=result)
        sock.close()

    with concurrent.futures.ThreadPoolExecutor(int(workers)) as pool:
        list(pool.map(one, plan))


PROGRAMS = {f.__name__.replace("_", "-"): f for f in (
    serve, abort_server, unread_server, noread_server, get, try_connect, abort_client,
    victim_client, pipeline_client, late_sender, keepalive_client, stalled_sender,
    window_filler, reuse_client, silent_smb_server, smtp_server, crashable_server,
    never_accept_server, smb_client, smtp_client, smb_race_client, overflow_client, idle_client,
    chatty_client, bulk_client, injector, tw_reuse_client, busy_client, blind_injector, syn_scan,
    error_server, lingering_server, closing_client, error_client, two_requests_client,
    stream_server, stream_client)}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in PROGRAMS:
        sys.exit(f"usage: apps.py {{{'|'.join(PROGRAMS)}}} args...")
    try:
        PROGRAMS[sys.argv[1]](*sys.argv[2:])
    except KeyboardInterrupt:
        os._exit(0)
