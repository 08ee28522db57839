#!/usr/bin/env bash
# Debian packages the tests need: archive tools for fixtures, qemu for the arm64 check,
# GNU time and curl for the benchmark (npm run bench).
# Installs only what is missing, so a prepared machine pays nothing.
set -euo pipefail
need=()
for pair in zip:zip unzip:unzip xz:xz-utils bzip2:bzip2 zstd:zstd /usr/bin/time:time curl:curl; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${need[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages: ok"
