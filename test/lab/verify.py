#!/usr/bin/env python3
"""Check the lab fixtures against the captures with tshark (independent of the
recorder's own pcap reader):

    python3 test/lab/verify.py [test/fixtures/lab] [scenario ids...]

For every scenario.json: the schema and vocabulary are right; every listed reset is
present in at least one capture and no capture holds an unlisted reset (identity:
from/to/seq/flags, plus the ack); a reset sent by the client or server is present
in that host's own capture, a router-made one is absent from the capture of the
host whose address it carries; kernelReason is set exactly for stack-sent resets;
kernelReason matches the kernel-trace.txt line of that address pair;
every listed failure really ended without a reset (SYNs never answered, or
retransmissions and silence).  Exit status 1 on any problem.  No root needed.
"""

import json
import os
import subprocess
import sys

CAUSES = {
    "refused", "firewall-reject", "syn-unanswered", "handshake-abort", "smb-port-race",
    "listen-overflow", "time-wait-reuse", "unknown-connection", "app-abort",
    "close-with-unread-data", "data-after-close", "retransmission-exhausted",
    "retransmission-timeout", "keepalive-timeout", "zero-window-timeout", "app-timeout",
    "app-error", "middlebox-injected", "middlebox-idle-timeout", "out-of-window", "rst-after-fin",
    "unexplained",
}
FAILURE_CAUSES = {"syn-unanswered", "retransmission-timeout", "app-timeout"}
SENDERS = {"client", "server", "router"}
TOP_KEYS = ["id", "description", "kernel", "recorded", "hosts", "captures", "resets", "failures",
            "notes"]
RESET_KEYS = ["from", "to", "seq", "ack", "flags", "sender", "cause", "kernelReason"]
LETTERS = (("F", 0x01), ("S", 0x02), ("R", 0x04), ("P", 0x08), ("A", 0x10), ("U", 0x20),
           ("E", 0x40), ("C", 0x80))
FIELDS = ["frame.number", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport", "tcp.seq_raw",
          "tcp.ack_raw", "tcp.flags", "ip.ttl", "tcp.analysis.retransmission"]


def flag_string(hexflags):
    value = int(hexflags, 16)
    return "".join(letter for letter, bit in LETTERS if value & bit)


def tcp_segments(path):
    """Every TCP segment of a capture as a dict, via tshark."""
    argv = ["tshark", "-r", path, "-n", "-Y", "tcp", "-T", "fields", "-E", "separator=\t"]
    for field in FIELDS:
        argv += ["-e", field]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    segs = []
    for line in out.splitlines():
        num, src, sport, dst, dport, seq, ack, flags, ttl, retrans = line.split("\t")
        segs.append({"frame": int(num), "from": f"{src}:{sport}", "to": f"{dst}:{dport}",
                     "seq": int(seq), "ack": int(ack), "flags": flag_string(flags),
                     "ttl": int(ttl), "retransmission": retrans != ""})
    return segs


def verify(directory):
    problems = []
    with open(os.path.join(directory, "scenario.json")) as f:
        truth = json.load(f)
    sid = truth.get("id")
    if sid != os.path.basename(directory.rstrip("/")):
        problems.append(f"id {sid!r} does not match directory name")
    # "nat" is optional (NAT scenarios only): inside/outside views of client endpoints.
    if [k for k in truth if k != "nat"] != TOP_KEYS:
        problems.append(f"top-level keys {list(truth)} != {TOP_KEYS} (+ optional nat)")
    inside = {m["outside"]: m["inside"] for m in truth.get("nat", [])}
    outside = {v: k for k, v in inside.items()}
    hosts = truth["hosts"]
    role_of = {hosts["client"]: "client", hosts["server"]: "server"}
    role_of.update({ip: "router" for ip in hosts["router"]})

    captures = {}
    for name, file in truth["captures"].items():
        path = os.path.join(directory, file)
        if not os.path.exists(path):
            problems.append(f"capture {file} missing")
            continue
        captures[name] = tcp_segments(path)

    def canonical(key):
        """The client's (inside) view of a reset seen behind a NAT."""
        return (inside.get(key[0], key[0]), inside.get(key[1], key[1]), key[2], key[3])

    seen = {}  # (from, to, seq, flags) -> {"ack", "in": [capture names]}
    seen_packet = {}  # the same, per packet: all NAT views together
    for name, segs in captures.items():
        for s in segs:
            if "R" in s["flags"]:
                key = (s["from"], s["to"], s["seq"], s["flags"])
                entry = seen.setdefault(key, {"ack": s["ack"], "in": []})
                entry["in"].append(name)
                seen_packet.setdefault(canonical(key), []).append(name)

    # The raw tcp:tcp_send_reset lines the recorder kept: each stack-sent reset's
    # reason must be the one the kernel reported for that address/port pair.
    trace_path = os.path.join(directory, "kernel-trace.txt")
    trace = open(trace_path).read().splitlines() if os.path.exists(trace_path) else None

    listed = set()
    for r in truth["resets"]:
        if list(r) != RESET_KEYS:
            problems.append(f"reset keys {list(r)} != {RESET_KEYS}")
        key = (r["from"], r["to"], r["seq"], r["flags"])
        what = f"reset {r['from']} -> {r['to']} seq {r['seq']} {r['flags']}"
        if key in listed:
            problems.append(f"{what} listed twice")
        listed.add(key)
        if r["sender"] not in SENDERS:
            problems.append(f"{what}: sender {r['sender']!r}")
        if r["cause"] not in CAUSES - {"syn-unanswered", "retransmission-timeout"}:
            problems.append(f"{what}: cause {r['cause']!r} not a reset cause of the taxonomy")
        if "R" not in r["flags"]:
            problems.append(f"{what}: flags without R")
        stack_sent = r["sender"] in ("client", "server")
        if stack_sent != (r["kernelReason"] is not None):
            problems.append(f"{what}: kernelReason {r['kernelReason']!r} for sender {r['sender']}")
        sport = r["from"].rsplit(":", 1)[1]
        views = {(r["from"], r["to"])} | {(outside.get(r["from"], r["from"]),
                                           outside.get(r["to"], r["to"]))}
        patterns = [f"src={f} dest={t} " for f, t in views] + [f"src=0.0.0.0:{sport} dest=0.0.0.0:0 "]
        if trace is not None and r["kernelReason"] is not None and not any(
                any(p in line for p in patterns) and line.endswith(f"reason={r['kernelReason']}")
                and not line.startswith("#") for line in trace):
            problems.append(f"{what}: no kernel-trace.txt line with reason {r['kernelReason']}")
        found = seen.get(key)
        if not found:
            problems.append(f"{what}: not in any capture")
            continue
        if found["ack"] != r["ack"]:
            problems.append(f"{what}: ack {found['ack']} in capture, {r['ack']} listed")
        seen_in = seen_packet[canonical(key)]
        if stack_sent and r["sender"] in captures and r["sender"] not in seen_in:
            problems.append(f"{what}: sent by {r['sender']} but absent from its capture")
        spoofed = role_of.get(r["from"].rsplit(":", 1)[0])
        if r["sender"] == "router" and spoofed in seen_in:
            problems.append(f"{what}: router-made but present in {spoofed}'s capture")
    for key, found in seen.items():
        if key not in listed:
            problems.append(f"unlisted reset {key[0]} -> {key[1]} seq {key[2]} {key[3]} in {found['in']}")

    client_segs = captures.get("client", [])
    for fail in truth["failures"]:
        c, s, cause = fail["client"], fail["server"], fail["cause"]
        if cause not in FAILURE_CAUSES:
            problems.append(f"failure {c} -> {s}: cause {cause!r}")
        tuple_segs = [x for x in client_segs if {x["from"], x["to"]} == {c, s}]
        if any("R" in x["flags"] for segs in captures.values() for x in segs
               if {x["from"], x["to"]} == {c, s}):
            problems.append(f"failure {c} -> {s}: a reset exists on this connection")
        if cause == "syn-unanswered":
            syns = [x for x in tuple_segs if x["flags"] == "S" and x["from"] == c]
            synacks = [x for x in tuple_segs if x["from"] == s]
            if len(syns) < 2 or synacks:
                problems.append(f"failure {c} -> {s}: {len(syns)} SYNs, {len(synacks)} answers")
        if cause == "retransmission-timeout":
            retrans = [x for x in tuple_segs if x["from"] == c and x["retransmission"]]
            if len(retrans) < 3:
                problems.append(f"failure {c} -> {s}: only {len(retrans)} retransmissions")
    return sid, len(truth["resets"]), len(truth["failures"]), problems


def main():
    args = sys.argv[1:]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "lab")
    if args and os.path.isdir(args[0]):
        root = args.pop(0)
    ids = args or sorted(d for d in os.listdir(root)
                         if os.path.exists(os.path.join(root, d, "scenario.json")))
    bad = 0
    for sid in ids:
        sid, nres, nfail, problems = verify(os.path.join(root, sid))
        status = "ok  " if not problems else "FAIL"
        print(f"{status} {sid:28} {nres} reset(s), {nfail} failure(s)")
        for p in problems:
            print(f"     - {p}")
        bad += bool(problems)
    print(f"{len(ids) - bad}/{len(ids)} scenarios verified")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
