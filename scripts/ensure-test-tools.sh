#!/usr/bin/env bash
# Installs the real consumers the tests run the rendered artifacts through (Debian/Ubuntu packages):
# cloud-init (schema), systemd (systemd-analyze), shellcheck, nftables (nft -c), openssh-server and
# openssh-client (sshd -t, ssh-keygen), and for the boot test systemd-container, debootstrap and iproute2
# (ip netns). Installs only what is missing; needs root or sudo for that.
set -euo pipefail
packages=(cloud-init systemd shellcheck nftables openssh-server openssh-client systemd-container debootstrap iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing test tools: ${missing[*]}" >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# The packages are for their binaries only: no daemon (sshd, nftables) may start on this machine. A
# policy-rc.d that refuses every start is the Debian way to say so; one already there is left alone.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 0755 "$policy"
  own_policy=1
fi
status=0
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
[ "$own_policy" -eq 0 ] || "${sudo[@]}" rm -f "$policy"
exit "$status"
