#!/usr/bin/env python3
"""Record the rstscope lab scenarios on the real Linux TCP stack.

    sudo python3 test/lab/record.py                 # every scenario
    sudo python3 test/lab/record.py refused graceful   # some of them
    sudo python3 test/lab/record.py --batch 1

For each scenario: build client/router/server namespaces, start tcpdump on the
client, both router sides and the server, enable tcp:tcp_send_reset in a private
tracefs instance, run the scenario, stop everything, derive and cross-check the
ground truth, write test/fixtures/lab/<id>/{*.pcap,scenario.json}, remove the
namespaces.  Needs root, iproute2, nftables, tcpdump, ethtool, python3.
"""

import argparse
import atexit
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from lablib.capture import Capture  # noqa: E402
from lablib.groundtruth import collect_resets, label, nat_map  # noqa: E402
from lablib.scenarios import SCENARIOS  # noqa: E402
from lablib.topology import (CLIENT_IF, CLIENT_IP, ROUTER_C_IP, ROUTER_CLIENT_IF,  # noqa: E402
                             ROUTER_S_IP, ROUTER_SERVER_IF, SERVER_IF, SERVER_IP, Lab)
from lablib.trace import ResetTrace, ensure_tracefs  # noqa: E402

APPS = os.path.join(HERE, "apps.py")
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "lab"))
# capture name -> (namespace role, interface)
CAPTURES = {
    "client": ("client", CLIENT_IF),
    "router-c": ("router", ROUTER_CLIENT_IF),
    "router": ("router", ROUTER_SERVER_IF),
    "server": ("server", SERVER_IF),
}

ACTIVE = []  # labs and traces to remove on any exit path


def cleanup():
    while ACTIVE:
        thing = ACTIVE.pop()
        try:
            thing()
        except Exception as err:  # keep cleaning up
            print(f"cleanup: {err}", file=sys.stderr)


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


class Run:
    """What a scenario function gets: the lab and helpers to start its programs."""

    def __init__(self, lab):
        self.lab = lab

    def server(self, program, *args, role="server"):
        """Start a program that prints READY when it is ready; its stdin stays open
        so that the scenario can tell it things (crash, inject)."""
        proc = self.lab.spawn(role, [sys.executable, APPS, program, *args], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = proc.stdout.readline()
        if line.strip() != "READY":
            raise RuntimeError(f"server {program} did not start: {line!r}")
        return proc

    def client(self, program, *args, role="client", timeout=60, on_fault=None, on_event=None):
        proc = self.lab.spawn(role, [sys.executable, APPS, program, *args], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        events = []
        deadline = time.time() + timeout
        for line in proc.stdout:
            event = json.loads(line)
            events.append(event)
            if on_event:
                on_event(event)
            if event.get("event") == "await-fault":
                on_fault()
                proc.stdin.write("go\n")
                proc.stdin.flush()
            if time.time() > deadline:
                break
        try:
            proc.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"client {program} still running after {timeout} s") from None
        if proc.returncode != 0:
            raise RuntimeError(f"client {program} failed: {proc.stderr.read()}")
        return events


def keep_failed(work_dir, tag, events):
    """Debugging aid: RSTLAB_KEEP_FAILED=DIR keeps rejected recordings there."""
    if os.environ.get("RSTLAB_KEEP_FAILED"):
        keep = os.path.join(os.environ["RSTLAB_KEEP_FAILED"], tag)
        shutil.copytree(work_dir, keep)
        with open(os.path.join(keep, "trace.txt"), "w") as f:
            f.writelines(e["line"] + "\n" for e in events)


def record(spec, out_dir, work_dir, tag):
    lab = Lab(tag)
    ACTIVE.append(lab.down)
    trace = None
    try:
        lab.up()
        paths = {name: os.path.join(work_dir, f"{name}.pcap") for name in CAPTURES}
        captures = [Capture(lab, role, ifname, paths[name])
                    for name, (role, ifname) in CAPTURES.items()]
        trace = ResetTrace(tag)
        ACTIVE.append(trace.remove)
        try:
            outcome, failure = spec["run"](Run(lab)), None
        except Exception as err:  # still stop the captures, for RSTLAB_KEEP_FAILED
            outcome, failure = None, err
        time.sleep(0.5)  # trailing ACKs and FINs
        for cap in captures:
            cap.stop()
        events = trace.stop()
    finally:
        lab.down()
        if trace:
            trace.remove()

    if failure:
        keep_failed(work_dir, tag, events)
        raise failure
    nat = nat_map(paths) if outcome.nat else {}
    resets = collect_resets(paths, nat)
    entries, errors, unseen = label(resets, events, outcome.expect, outcome.unseen_kernel_resets, nat)
    if errors:
        keep_failed(work_dir, tag, events)
        raise RuntimeError("; ".join(errors))
    truth = {
        "id": spec["id"],
        "description": spec["description"],
        "kernel": platform.release(),
        "recorded": datetime.date.today().isoformat(),
        "hosts": {"client": CLIENT_IP, "router": [ROUTER_C_IP, ROUTER_S_IP], "server": SERVER_IP},
        "captures": {name: f"{name}.pcap" for name in CAPTURES},
        "resets": entries,
        "failures": outcome.failures,
        "notes": outcome.notes,
    }
    if nat:
        # Not in the base format: only NAT scenarios carry it.  The resets above use
        # the client's (inside) view of every endpoint; this says how the server and
        # router.pcap see them.
        truth["nat"] = [{"inside": f"{i[0]}:{i[1]}", "outside": f"{o[0]}:{o[1]}"}
                        for o, i in sorted(nat.items())]
    final = os.path.join(out_dir, spec["id"])
    if os.path.isdir(final):
        shutil.rmtree(final)
    os.makedirs(final)
    for name, path in paths.items():
        shutil.copyfile(path, os.path.join(final, f"{name}.pcap"))
    with open(os.path.join(final, "scenario.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")
    # The raw oracle, for a reader who wants to check a kernelReason by eye.
    with open(os.path.join(final, "kernel-trace.txt"), "w") as f:
        f.writelines(r["event"]["line"] + "\n" for r in resets if "event" in r)
        f.writelines("# not on any wire (dropped before capture): " + e["line"] + "\n"
                     for e in unseen)
    return truth


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("scenarios", nargs="*", help="scenario ids (default: all)")
    parser.add_argument("--batch", type=int, help="only scenarios of this batch")
    parser.add_argument("--out", default=DEFAULT_OUT, help="fixture directory")
    parser.add_argument("--attempts", type=int, default=3, help="tries per scenario")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for s in SCENARIOS.values():
            print(f"{s['batch']}  {s['id']:28} {s['description']}")
        return 0
    if os.geteuid() != 0:
        sys.exit("record.py needs root (network namespaces, tcpdump, tracefs)")
    for tool in ("ip", "nft", "tcpdump", "ethtool"):
        if not shutil.which(tool):
            sys.exit(f"missing tool: {tool} (apt-get install iproute2 nftables tcpdump ethtool)")
    if not ensure_tracefs():
        sys.exit("tracefs with tcp:tcp_send_reset (Linux >= 6.10) is required for ground truth")
    ids = args.scenarios or [s["id"] for s in SCENARIOS.values()
                             if args.batch is None or s["batch"] == args.batch]
    unknown = [i for i in ids if i not in SCENARIOS]
    if unknown:
        sys.exit(f"unknown scenario(s): {unknown}; see --list")

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    atexit.register(cleanup)
    work = tempfile.mkdtemp(prefix="rstlab-")
    ACTIVE.append(lambda: shutil.rmtree(work, ignore_errors=True))
    failed = []
    for n, sid in enumerate(ids):
        for attempt in range(1, args.attempts + 1):
            tag = f"rstlab{os.getpid()}-{n}-{attempt}"
            work_dir = os.path.join(work, tag)
            os.makedirs(work_dir)
            started = time.time()
            try:
                truth = record(SCENARIOS[sid], args.out, work_dir, tag)
                print(f"ok    {sid:28} {len(truth['resets'])} reset(s), "
                      f"{len(truth['failures'])} failure(s), {time.time() - started:.1f} s", flush=True)
                break
            except Exception as err:
                print(f"retry {sid:28} attempt {attempt}: {err}", file=sys.stderr, flush=True)
        else:
            failed.append(sid)
    if failed:
        print(f"FAILED: {' '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
