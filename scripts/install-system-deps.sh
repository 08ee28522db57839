#!/usr/bin/env bash
# Debian packages the tests need: archive tools for fixtures, gcc for a real test executable,
# qemu user-mode emulation and an arm64 sysroot for the arm64 package check, setpriv (util-linux)
# to run the lifecycle as a non-root user, GNU time and curl for the benchmark (npm run bench).
# Installs only what is missing, so a prepared machine pays nothing.
set -euo pipefail
need=()
for pair in zip:zip unzip:unzip xz:xz-utils bzip2:bzip2 zstd:zstd gcc:gcc setpriv:util-linux qemu-aarch64:qemu-user /usr/bin/time:time curl:curl; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
for pair in /usr/aarch64-linux-gnu/lib/libc.so.6:libc6-arm64-cross /usr/aarch64-linux-gnu/lib/libstdc++.so.6:libstdc++6-arm64-cross /usr/aarch64-linux-gnu/lib/libatomic.so.1:libatomic1-arm64-cross; do
  [ -e "${pair%%:*}" ] || need+=("${pair#*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${need[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v go >/dev/null 2>&1 || { echo "go >= 1.26 is required (lifecycle, grpc_health_probe and the gRPC sample are built from their Go modules)" >&2; exit 1; }
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [ -z "$go_minor" ] || [ "$go_minor" -lt 26 ]; then
  echo "go >= 1.26 is required (found $(go env GOVERSION)); the gRPC sample needs google.golang.org/grpc v1.85" >&2
  exit 1
fi
echo "system packages: ok"
