"""From what a scenario did (its expectations), what the wire shows (the pcaps) and
what the kernel says (tcp:tcp_send_reset events) to the `resets` list of
scenario.json.  Any disagreement between the three is an error: the recording is
rejected instead of producing a fixture with a wrong label."""

from dataclasses import dataclass, field

from .pcapread import read_segments
from .topology import CLIENT_IP, ROUTER_C_IP, ROUTER_S_IP, SERVER_IP

ROLE_OF = {CLIENT_IP: "client", SERVER_IP: "server", ROUTER_C_IP: "router", ROUTER_S_IP: "router"}


@dataclass
class Expect:
    """`count` resets from `src` to `dst` (roles of the addresses in the header, which
    for a forged reset differ from `sender`), optionally narrowed by ports/flags."""
    sender: str
    cause: str
    src: str
    dst: str
    sport: int | None = None
    dport: int | None = None
    flags: str | None = None
    count: int | None = 1  # None: one or more (timing-dependent numbers, e.g. a burst)
    kernel: bool | None = None  # None: kernel-sent iff sender is client/server
    matched: int = field(default=0)

    def accepts(self, rst):
        return ((self.count is None or self.matched < self.count)
                and ROLE_OF.get(rst["src"]) == self.src and ROLE_OF.get(rst["dst"]) == self.dst
                and self.sport in (None, rst["sport"]) and self.dport in (None, rst["dport"])
                and self.flags in (None, rst["flags"]))


def nat_map(captures):
    """Source NAT seen between the client's and the server's capture: SYNs are
    matched by sequence number (masquerade rewrites addresses/ports, not seq), and
    each translated endpoint maps back to the client's own view of it."""
    inside = {s.seq: (s.src, s.sport) for s in read_segments(captures["client"])
              if s.flags & 0x12 == 0x02}
    mapping = {}
    for s in read_segments(captures["server"]):
        if s.flags & 0x12 == 0x02 and s.seq in inside and inside[s.seq] != (s.src, s.sport):
            mapping[(s.src, s.sport)] = inside[s.seq]
    return mapping


def collect_resets(captures, nat=None):
    """Unique RST packets over all captures, identified by from/to/seq/flags.
    With `nat`, one packet seen on both sides of the NAT is grouped under its inside
    (client) view for labelling and checking; `views` keeps each distinct header
    view, and each view becomes its own entry in scenario.json (identity is
    from/to/seq/flags, and a reader matching a capture sees only its own view)."""
    resets = {}
    nat = nat or {}
    for name, path in captures.items():
        for seg in read_segments(path):
            if not seg.flags & 0x04:
                continue
            view = (seg.src, seg.sport, seg.dst, seg.dport)
            seg.src, seg.sport = nat.get((seg.src, seg.sport), (seg.src, seg.sport))
            seg.dst, seg.dport = nat.get((seg.dst, seg.dport), (seg.dst, seg.dport))
            key = (seg.src, seg.sport, seg.dst, seg.dport, seg.seq, seg.flag_string())
            rst = resets.setdefault(key, {
                "src": seg.src, "sport": seg.sport, "dst": seg.dst, "dport": seg.dport,
                "seq": seg.seq, "ack": seg.ack, "flags": seg.flag_string(), "ts": seg.ts,
                "ttl": {}, "seen": [], "views": []})
            if view not in rst["views"]:
                rst["views"].append(view)
            rst["seen"].append(name)
            rst["ttl"][name] = seg.ttl
            rst["ts"] = min(rst["ts"], seg.ts)
    return sorted(resets.values(), key=lambda r: r["ts"])


WILDCARD = ("0.0.0.0", "::")
MATCH_WINDOW = 0.25  # seconds between the tracepoint and the first capture of the RST


def _match_event(rst, events):
    """The tcp_send_reset event for this captured reset: same addresses and ports
    (or a listener's wildcard addresses and the same local port), closest in time."""
    def fits(e):
        if e["src"][1] != rst["sport"] or abs(e["ts"] - rst["ts"]) > MATCH_WINDOW:
            return False
        if e["src"][0] in WILDCARD:
            return True
        return e["src"][0] == rst["src"] and e["dst"] == (rst["dst"], rst["dport"])
    candidates = [e for e in events if fits(e)]
    return min(candidates, key=lambda e: abs(e["ts"] - rst["ts"])) if candidates else None


def label(resets, events, expects, unseen_kernel_resets=0, nat=None):
    """Assign sender/cause/kernelReason; return (entries, errors, unseen events).  A scenario may
    declare kernel resets that were dropped before any capture point (e.g. by nft
    in the sender's own output hook): they are in the trace but on no wire."""
    errors = []
    nat = nat or {}
    events = [dict(e, src=nat.get(e["src"], e["src"]), dst=nat.get(e["dst"], e["dst"]))
              for e in events]
    unused = list(events)
    entries = []
    for rst in resets:
        event = _match_event(rst, unused)
        if event:
            unused.remove(event)
            rst["event"] = event
        expect = next((x for x in expects if x.accepts(rst)), None)
        where = f"{rst['src']}:{rst['sport']} -> {rst['dst']}:{rst['dport']} {rst['flags']} seq {rst['seq']}"
        if expect is None:
            errors.append(f"unexpected reset {where} (seen in {rst['seen']})")
            continue
        expect.matched += 1
        kernel = expect.kernel if expect.kernel is not None else expect.sender in ("client", "server")
        if kernel and event is None:
            errors.append(f"reset {where} expected from the {expect.sender} stack but no tcp_send_reset event")
        if not kernel and event is not None:
            errors.append(f"reset {where} expected from {expect.sender} but the kernel reported it: {event['line']}")
        if event and event["src"][0] not in WILDCARD and ROLE_OF.get(event["src"][0]) != expect.sender:
            errors.append(f"reset {where}: tracepoint says it came from {event['src'][0]}")
        # A reset must be in the sender's own capture; a forged one must be absent from
        # the capture of the host whose address it carries.
        own = {"client": "client", "server": "server"}.get(expect.sender)
        if own and own not in rst["seen"]:
            errors.append(f"reset {where} from {expect.sender} missing in {own}.pcap")
        spoofed = ROLE_OF.get(rst["src"])
        if expect.sender == "router" and spoofed in rst["seen"]:
            errors.append(f"router-made reset {where} present in {spoofed}.pcap")
        canonical = (rst["src"], rst["sport"], rst["dst"], rst["dport"])
        for src, sport, dst, dport in sorted(rst["views"], key=lambda v: v != canonical):
            entries.append({
                "from": f"{src}:{sport}", "to": f"{dst}:{dport}",
                "seq": rst["seq"], "ack": rst["ack"], "flags": rst["flags"],
                "sender": expect.sender, "cause": expect.cause,
                "kernelReason": event["reason"] if event else None,
            })
    for x in expects:
        if x.matched < (x.count or 1):
            errors.append(f"expected {x.count} reset(s) {x.sender}/{x.cause} {x.src}->{x.dst}, saw {x.matched}")
    lab_addrs = set(ROLE_OF)
    unseen = [e for e in unused if e["src"][0] in lab_addrs and e["dst"][0] in lab_addrs]

    if len(unseen) != unseen_kernel_resets:
        errors.append(f"{len(unseen)} kernel reset(s) not in any capture (expected "
                      f"{unseen_kernel_resets}): " + " | ".join(e["line"] for e in unseen))
    return entries, errors, unseen
