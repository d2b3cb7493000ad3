#!/bin/sh
# codewhale-remote: prepare the data volume (run by codewhale-data.service before anything uses it).
#
# Usage: prepare-data <mount point> [device candidate...]
# With device candidates (the cloud's stable names for the data disk), waits for one to appear, formats it
# ext4 only when it carries no filesystem signature at all (an existing disk is never formatted), mounts it
# by UUID with nofail, and records it in /etc/fstab. Without candidates the data lives on the OS disk (state
# dies with the machine; the config says so).
#
# Root never acts inside a directory a service can write: this script touches only the mount point itself,
# which stays root-owned. The services' own directories (workspace, agent home, bridge state) are made and
# owned by systemd's StateDirectory= of their units, which does not follow links their owners planted.
set -eu

mountpoint="$1"
shift
log() { printf 'codewhale-data: %s\n' "$*" >&2; }

if [ "$#" -gt 0 ] && ! mountpoint -q "$mountpoint"; then
  device=""
  waited=0
  while [ -z "$device" ]; do
    for candidate in "$@"; do
      if [ -b "$candidate" ]; then device=$(readlink -f "$candidate"); break; fi
    done
    [ -n "$device" ] && break
    [ "$waited" -ge 300 ] && { log "no data disk appeared at: $*"; exit 1; }
    sleep 5
    waited=$((waited + 5))
  done
  # blkid -p exits 2 when the device has no recognisable signature: only then is it blank.
  rc=0
  blkid -p "$device" >/dev/null 2>&1 || rc=$?
  if [ "$rc" -eq 2 ]; then
    log "formatting blank disk $device"
    mkfs.ext4 -q -L codewhale-data "$device"
  elif [ "$rc" -ne 0 ]; then
    log "cannot probe $device (blkid exit $rc)"
    exit 1
  fi
  uuid=$(blkid -s UUID -o value "$device")
  [ -n "$uuid" ] || { log "$device has no filesystem UUID"; exit 1; }
  mkdir -p "$mountpoint"
  if ! grep -q "^UUID=$uuid " /etc/fstab; then
    sed -i "\\# $mountpoint ext4 #d" /etc/fstab
    printf 'UUID=%s %s ext4 defaults,nofail,x-systemd.device-timeout=30s 0 2\n' "$uuid" "$mountpoint" >>/etc/fstab
    systemctl daemon-reload || true
  fi
  mount "$mountpoint"
  log "mounted $device at $mountpoint"
fi

# The data root: root-owned, so no service can add, rename or replace an entry in it.
[ -L "$mountpoint" ] && { log "$mountpoint is a symbolic link; refusing to use it"; exit 1; }
mkdir -p "$mountpoint"
chown root:root "$mountpoint"
chmod 0755 "$mountpoint"
# Hosts from before the bridge had its own user kept its state in a directory the agent owned: the agent may
# have changed anything in it, so it is set aside (renamed within this root-owned directory, which follows no
# link) and the bridge starts with fresh state.
if [ -d "$mountpoint/bridge" ] && [ ! -L "$mountpoint/bridge" ] && [ "$(stat -c %u "$mountpoint/bridge")" != 0 ]; then
  aside="$mountpoint/bridge.untrusted-$(date +%Y%m%d%H%M%S)"
  mv "$mountpoint/bridge" "$aside"
  log "set aside agent-writable bridge state as $aside"
fi
