#!/usr/bin/env bash
# Installs what rstscope's tests need on a fresh Debian machine: the Debian tools the tests
# compare against or drive (tshark, tcpdump, chromium for the HTML report), then the npm packages
# (which bring the pinned Node 24). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v zstd >/dev/null 2>&1 || need+=(zstd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: please install: ${need[*]} (e.g. sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi
npm ci --no-audit --no-fund
