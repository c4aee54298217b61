"""Minimal reader for the classic pcap files tcpdump writes (Ethernet, IPv4/IPv6, TCP).

Used by the recorder to derive ground truth from what was really on the wire; the
independent check is test/lab/verify.py, which uses tshark instead.
"""

import struct
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address

FLAG_LETTERS = (("F", 0x01), ("S", 0x02), ("R", 0x04), ("P", 0x08), ("A", 0x10),
                ("U", 0x20), ("E", 0x40), ("C", 0x80))


@dataclass
class Segment:
    ts: float
    src: str
    sport: int
    dst: str
    dport: int
    seq: int
    ack: int
    flags: int
    window: int
    ttl: int
    payload: int

    def flag_string(self):
        return "".join(letter for letter, bit in FLAG_LETTERS if self.flags & bit)

    def has(self, letters):
        return all(self.flags & dict(FLAG_LETTERS)[c] for c in letters)


def read_segments(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    frac = 1e-9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e-6
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, expected Ethernet")
    off = 24
    out = []
    while off + 16 <= len(data):
        sec, sub, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        seg = _decode(frame, sec + sub * frac)
        if seg:
            out.append(seg)
    return out


def _decode(frame, ts):
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800 and len(ip) >= 20:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        if ip[9] != 6:
            return None
        src, dst, ttl = str(IPv4Address(ip[12:16])), str(IPv4Address(ip[16:20])), ip[8]
        tcp, tcp_len = ip[ihl:total], total - ihl
    elif ethertype == 0x86DD and len(ip) >= 40:
        if ip[6] != 6:
            return None  # extension headers are not used by the lab
        src, dst, ttl = str(IPv6Address(ip[8:24])), str(IPv6Address(ip[24:40])), ip[7]
        plen = struct.unpack("!H", ip[4:6])[0]
        tcp, tcp_len = ip[40:40 + plen], plen
    else:
        return None
    if len(tcp) < 20:
        return None
    sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
    doff = (tcp[12] >> 4) * 4
    flags = tcp[13]
    window = struct.unpack("!H", tcp[14:16])[0]
    return Segment(ts, src, sport, dst, dport, seq, ack, flags, window, ttl, tcp_len - doff)
