#!/bin/sh
# codewhale-remote: prepare the data volume (run by codewhale-data.service before anything uses it).
#
# Usage: prepare-data <mount point> <user> [device candidate...]
# With device candidates (the cloud's stable names for the data disk), waits for one to appear, formats it
# ext4 only when it carries no filesystem signature at all (an existing disk is never formatted), mounts it
# by UUID with nofail, and records it in /etc/fstab. Then creates the agent's directories on it. Without
# candidates the directories live on the OS disk (state dies with the machine; the config says so).
set -eu

mountpoint="$1"
user="$2"
shift 2
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

install -d -m 0750 -o root -g "$user" "$mountpoint"
for dir in workspace home home/.codewhale bridge; do
  install -d -m 0750 -o "$user" -g "$user" "$mountpoint/$dir"
done
