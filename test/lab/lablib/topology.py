"""Three network namespaces, client -- router -- server, joined by veth pairs.

Nothing is configured in the root namespace: every link is created from inside a
lab namespace (`ip -n NS link add ... peer ... netns OTHER`), so interface names
never appear in the root namespace, and every address comes from the benchmarking
range 198.18.0.0/15 (RFC 2544 / RFC 5735), which never leaves a lab.
"""

import os
import signal
import subprocess
import time

CLIENT_IP = "198.18.1.2"
ROUTER_C_IP = "198.18.1.1"
ROUTER_S_IP = "198.18.2.1"
SERVER_IP = "198.18.2.2"

# Interface names inside each namespace.  The router's two sides are named after
# the host they face, as the capture files are (router-c.pcap, router.pcap).
CLIENT_IF = "client0"
SERVER_IF = "server0"
ROUTER_CLIENT_IF = "router-c"
ROUTER_SERVER_IF = "router-s"


def run(argv, check=True, input=None):
    """Run a short command, fail loudly with its stderr."""
    proc = subprocess.run(argv, input=input, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


class Lab:
    """One client/router/server topology; `down()` removes everything it made."""

    def __init__(self, prefix):
        self.ns = {
            "client": f"{prefix}-client",
            "router": f"{prefix}-router",
            "server": f"{prefix}-server",
        }
        self.procs = []
        self.created = []

    # -- commands inside a namespace -------------------------------------------------
    def exec_argv(self, role, argv):
        return ["ip", "netns", "exec", self.ns[role], *argv]

    def sh(self, role, *argv, check=True, input=None):
        return run(self.exec_argv(role, list(argv)), check=check, input=input)

    def sysctl(self, role, key, value):
        self.sh(role, "sysctl", "-q", "-w", f"{key}={value}")

    def nft(self, role, ruleset):
        """Load an nftables ruleset (text) into a namespace's own tables."""
        self.sh(role, "nft", "-f", "-", input=ruleset)

    def spawn(self, role, argv, **kwargs):
        """Start a helper process in a namespace; it is killed by `down()` at the latest.

        Each helper gets its own process group so that teardown can signal exactly
        the processes this lab started and nothing else.
        """
        proc = subprocess.Popen(self.exec_argv(role, argv), start_new_session=True, **kwargs)
        self.procs.append(proc)
        return proc

    # -- lifecycle ----------------------------------------------------------------------
    def up(self):
        for role, name in self.ns.items():
            run(["ip", "netns", "add", name])
            self.created.append(name)
            # IPv6 off: the batch-1 scenarios are IPv4 and router solicitations / MLD
            # reports would only add timing-dependent noise to the fixtures.
            self.sysctl(role, "net.ipv6.conf.all.disable_ipv6", 1)
            self.sysctl(role, "net.ipv6.conf.default.disable_ipv6", 1)
            self.sh(role, "ip", "link", "set", "lo", "up")
        run(["ip", "-n", self.ns["client"], "link", "add", CLIENT_IF, "type", "veth",
             "peer", "name", ROUTER_CLIENT_IF, "netns", self.ns["router"]])
        run(["ip", "-n", self.ns["server"], "link", "add", SERVER_IF, "type", "veth",
             "peer", "name", ROUTER_SERVER_IF, "netns", self.ns["router"]])
        for role, ifname, cidr in (
            ("client", CLIENT_IF, f"{CLIENT_IP}/24"),
            ("router", ROUTER_CLIENT_IF, f"{ROUTER_C_IP}/24"),
            ("router", ROUTER_SERVER_IF, f"{ROUTER_S_IP}/24"),
            ("server", SERVER_IF, f"{SERVER_IP}/24"),
        ):
            self.sysctl(role, f"net.ipv6.conf.{ifname}.disable_ipv6", 1)
            # Offloads off so that segment sizes and checksums on the wire are the ones
            # a real NIC would put there (no 64 KB GSO "super-packets" in captures).
            self.sh(role, "ethtool", "-K", ifname, "tso", "off", "gso", "off", "gro", "off",
                    "tx", "off", "rx", "off")
            self.sh(role, "ip", "addr", "add", cidr, "dev", ifname)
            self.sh(role, "ip", "link", "set", ifname, "up")
        self.sh("client", "ip", "route", "add", "default", "via", ROUTER_C_IP)
        self.sh("server", "ip", "route", "add", "default", "via", ROUTER_S_IP)
        # The router forwards, so hosts see each other's packets with TTL 63, while
        # anything the router itself originates (nft reject) leaves with TTL 64.
        self.sysctl("router", "net.ipv4.ip_forward", 1)
        # Wait for carrier on all four veth ends before any capture starts.
        deadline = time.time() + 5
        while time.time() < deadline:
            states = [
                run(["ip", "-n", self.ns[role], "-o", "link", "show", ifname])
                for role, ifname in (("client", CLIENT_IF), ("router", ROUTER_CLIENT_IF),
                                     ("router", ROUTER_SERVER_IF), ("server", SERVER_IF))
            ]
            if all("state UP" in s and "NO-CARRIER" not in s for s in states):
                return
            time.sleep(0.05)
        raise RuntimeError("lab links did not come up")

    def kill_helpers(self):
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.procs = []

    def down(self):
        self.kill_helpers()
        for name in reversed(self.created):
            run(["ip", "netns", "del", name], check=False)
        self.created = []
