#!/usr/bin/env bash
# Records the benchmark capture bench/data/real.pcap: real traffic of the Linux TCP stack between
# two network namespaces joined by a veth pair (thousands of short HTTP-like connections, bulk
# transfers, refused SYNs, abortive closes from both sides, closes with unread data), captured by
# tcpdump on the client's side of the link.
#
#   bench/make-capture.sh [--force] [--size MiB] [--seconds S] [--rate RATE] [--out FILE]
#
# Needs root (namespaces), tcpdump, ethtool, tc, iproute2. Nothing is configured in the root
# namespace: the veth pair is created inside the client namespace with its peer placed directly
# in the server namespace, and both namespaces are deleted on exit (trap), which removes the pair.
# Addresses are from 198.18.0.0/15 (RFC 2544 benchmarking range), never routed anywhere.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE="$HERE/../node_modules/.bin/node"
OUT="$HERE/data/real.pcap"
TARGET_MIB=512 # a little above 500 MB (10^6) so the "≥ 500 MB" promise holds with margin
SECONDS_MAX=150
# Shaping of the server's egress. It keeps tcpdump from dropping frames on a 2-core machine, and
# stretches the recording over ~70 s: longer than the tracker's linger for ended connections
# (30 s), so eviction in capture time is exercised and the flat-memory check means something.
RATE=60mbit
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --size) TARGET_MIB="$2"; shift ;;
    --seconds) SECONDS_MAX="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

if [ -s "$OUT" ] && [ "$FORCE" = 0 ]; then
  echo "make-capture: $OUT exists ($(stat -c %s "$OUT") bytes); reusing it (--force to record anew)"
  cat "$OUT.info" 2>/dev/null || true
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "make-capture: needs root (network namespaces)" >&2
  exit 1
fi
for tool in ip tcpdump ethtool tc; do
  command -v "$tool" >/dev/null || { echo "make-capture: $tool is missing" >&2; exit 1; }
done
mkdir -p "$(dirname "$OUT")"

CLI="rstbench-cli-$$"
SRV="rstbench-srv-$$"
SERVER_ADDR=198.19.0.1
CLIENT_ADDRS=(198.18.0.1 198.18.0.2 198.18.0.3 198.18.0.4 198.18.0.5 198.18.0.6 198.18.0.7 198.18.0.8)
PIDS=()
TMP="$(mktemp -d)"
PARTIAL="$OUT.partial"

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$CLI" 2>/dev/null || true
  ip netns del "$SRV" 2>/dev/null || true
  rm -rf "$TMP" "$PARTIAL"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_cli() { ip netns exec "$CLI" "$@"; }
in_srv() { ip netns exec "$SRV" "$@"; }

ip netns add "$CLI"
ip netns add "$SRV"
in_cli ip link add veth-cli type veth peer name veth-srv netns "$SRV"
in_cli ip link set lo up
in_srv ip link set lo up
for addr in "${CLIENT_ADDRS[@]}"; do in_cli ip addr add "$addr/15" dev veth-cli; done
in_srv ip addr add "$SERVER_ADDR/15" dev veth-srv
for ns in "$CLI" "$SRV"; do
  dev=veth-cli; [ "$ns" = "$SRV" ] && dev=veth-srv
  # Offloads off: segmentation (TSO/GSO/GRO) would hand tcpdump 64 KB super-frames, and checksum
  # offload would leave partial checksums; we want MTU-sized frames with real checksums.
  ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off tx off rx off sg off >/dev/null 2>&1 || true
  ip netns exec "$ns" ip link set "$dev" mtu 1500 up
  # Many short connections: widen the ephemeral range; reuse TIME_WAIT tuples for new outgoing
  # connections when timestamps make it safe (RFC 6191-style, Linux tcp_tw_reuse=1).
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=1 \
    net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
done
in_srv tc qdisc add dev veth-srv root tbf rate "$RATE" burst 256kb latency 50ms

# Background jobs use `ip netns exec` directly (it execs the command, so $! is the program's pid).
ip netns exec "$SRV" "$NODE" "$HERE/traffic.ts" server "$SERVER_ADDR" >"$TMP/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do grep -q listening "$TMP/server.log" 2>/dev/null && break; sleep 0.1; done

# -s 0: whole frames; -B: 64 MiB kernel buffer; -Z root: keep write access to the output file.
ip netns exec "$CLI" tcpdump -i veth-cli -s 0 -B 65536 -n -Z root -w "$PARTIAL" >"$TMP/tcpdump.log" 2>&1 &
TCPDUMP=$!
PIDS+=("$TCPDUMP")
for _ in $(seq 50); do grep -q listening "$TMP/tcpdump.log" 2>/dev/null && break; sleep 0.1; done

IFS=,
ip netns exec "$CLI" "$NODE" "$HERE/traffic.ts" client "$SERVER_ADDR" "${CLIENT_ADDRS[*]}" 1 >"$TMP/client.log" 2>&1 &
CLIENT=$!
unset IFS
PIDS+=("$CLIENT")

target=$((TARGET_MIB * 1024 * 1024))
start=$(date +%s)
echo "make-capture: recording until $TARGET_MIB MiB or ${SECONDS_MAX}s (server egress shaped to $RATE)"
while :; do
  sleep 1
  size=$(stat -c %s "$PARTIAL" 2>/dev/null || echo 0)
  elapsed=$(($(date +%s) - start))
  printf '\r  %4ds  %6d MiB' "$elapsed" $((size / 1048576))
  [ "$size" -ge "$target" ] && break
  [ "$elapsed" -ge "$SECONDS_MAX" ] && break
  kill -0 "$CLIENT" 2>/dev/null || break
done
echo
kill -TERM "$CLIENT" 2>/dev/null || true
wait "$CLIENT" || true
sleep 0.5 # let the last FINs and resets reach the wire
kill -INT "$TCPDUMP"
wait "$TCPDUMP" || true
cat "$TMP/client.log"
grep -E 'captured|received|dropped' "$TMP/tcpdump.log" | sed 's/^/  tcpdump: /'

# A note beside the capture, printed by bench/run.ts: what is in the file and how it was made.
{
  echo "recorded $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -sr), veth between two namespaces, server egress $RATE"
  grep -E 'captured|dropped' "$TMP/tcpdump.log" | sed 's/^/tcpdump: /'
  cat "$TMP/client.log"
} >"$TMP/info"
size=$(stat -c %s "$PARTIAL")
if [ "$size" -lt "$target" ]; then
  echo "SYNTHETIC: only the first $size bytes are real; the rest are replayed copies (extend-capture.ts)" >>"$TMP/info"
  echo "make-capture: recorded only $((size / 1048576)) MiB of real traffic in ${SECONDS_MAX}s;"
  echo "  SYNTHESISING the remainder: copies of the recorded connections, shifted in time and"
  echo "  client address (bench/extend-capture.ts). Say so when quoting figures from this file."
  "$NODE" "$HERE/extend-capture.ts" "$PARTIAL" "$target"
fi
mv "$PARTIAL" "$OUT"
mv "$TMP/info" "$OUT.info"
echo "make-capture: wrote $OUT ($(stat -c %s "$OUT") bytes)"
