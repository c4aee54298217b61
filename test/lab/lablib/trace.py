"""Ground-truth oracle: the kernel tracepoint tcp:tcp_send_reset (Linux >= 6.10).

Every reset the kernel's TCP sends (tcp_v4_send_reset for segments without a
socket, tcp_send_active_reset for aborts) passes this tracepoint with a `reason`
(enum sk_rst_reason: NO_SOCKET, TCP_ABORT_ON_CLOSE, TCP_STATE, ...).  Resets made
by nftables (`reject with tcp reset`, net/ipv4/netfilter/nf_reject_ipv4.c) and by
raw sockets do not pass it, which is itself a label: "not sent by a TCP stack".

When the reset answers a segment that reached a listening socket, the event
carries that socket's addresses (0.0.0.0:port -> 0.0.0.0:0), not the segment's:
such events are matched by local port and time.

A private tracefs *instance* is used so that concurrent users of the global
trace buffer are neither disturbed nor mixed in.  The tracepoint is global (no
network-namespace field), so events are later matched to captured resets by
their full address/port pair, which is unique to a lab run.
"""

import os
import re
import time

TRACEFS = "/sys/kernel/tracing"
LINE = re.compile(r"^\s*(?P<task>.+?)-(?P<pid>\d+)\s+.*?(?P<ts>\d+\.\d+): tcp_send_reset: .*?"
                  r"src=(?P<src>\S+) dest=(?P<dst>\S+) state=(?P<state>\S+) reason=(?P<reason>\S+)")


def ensure_tracefs():
    if not os.path.exists(os.path.join(TRACEFS, "instances")):
        os.system(f"mount -t tracefs nodev {TRACEFS} 2>/dev/null")
    return os.path.exists(os.path.join(TRACEFS, "events/tcp/tcp_send_reset"))


class ResetTrace:
    def __init__(self, name):
        self.dir = os.path.join(TRACEFS, "instances", name)
        os.mkdir(self.dir)
        self._write("buffer_size_kb", "1024")
        # CLOCK_MONOTONIC timestamps, converted to wall-clock time (the pcaps' clock)
        # with the offset between the two clocks measured now.
        self._write("trace_clock", "mono")
        self.offset = time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_MONOTONIC)
        self._write("events/tcp/tcp_send_reset/enable", "1")
        self.lines = []

    def _write(self, rel, value):
        with open(os.path.join(self.dir, rel), "w") as f:
            f.write(value)

    def stop(self):
        """Disable the event and return the parsed events, oldest first."""
        self._write("events/tcp/tcp_send_reset/enable", "0")
        with open(os.path.join(self.dir, "trace")) as f:
            self.lines = [l.rstrip("\n") for l in f if "tcp_send_reset:" in l]
        events = []
        for line in self.lines:
            m = LINE.match(line)
            if m:
                events.append({"src": _endpoint(m["src"]), "dst": _endpoint(m["dst"]),
                               "state": m["state"], "reason": m["reason"],
                               "ts": float(m["ts"]) + self.offset, "line": line.strip()})
        return events

    def remove(self):
        try:
            os.rmdir(self.dir)
        except OSError:
            pass


def _endpoint(text):
    """'198.18.2.2:9' or '[2001:db8::2]:80' -> ('198.18.2.2', 9)."""
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)
