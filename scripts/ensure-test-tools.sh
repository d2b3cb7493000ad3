#!/usr/bin/env bash
# Installs the real consumers the tests run the rendered artifacts through (Debian/Ubuntu packages):
# cloud-init (schema), systemd (systemd-analyze), shellcheck, and for the boot test systemd-container,
# debootstrap and iproute2 (ip netns). Installs only what is missing; needs root or sudo for that.
set -euo pipefail
packages=(cloud-init systemd shellcheck systemd-container debootstrap iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing test tools: ${missing[*]}" >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
