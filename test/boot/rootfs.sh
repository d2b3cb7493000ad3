#!/usr/bin/env bash
# Build (once) and cache a minimal Debian 12 (bookworm) root that boots with
# real systemd + cloud-init under systemd-nspawn. Used by test/boot/nspawn.ts.
#
# Usage: test/boot/rootfs.sh [--print-key] [--prune] [--rebuild]
#   stdout: exactly one line, the absolute path of the cached root directory.
#   stderr: progress and timings.
#   --print-key  print the cache key (hash) and exit without building.
#   --prune      after ensuring this root, delete cached roots with another key.
#   --rebuild    throw away the cached root for this key and build it again.
#
# Environment:
#   CODEWHALE_BOOT_CACHE   cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/codewhale-remote)
#   CODEWHALE_BOOT_MIRROR  Debian mirror URL (default: read from this machine's apt sources)
#
# Layout of the cache:
#   <cache>/rootfs-<key>/root           the root directory (never modified by tests)
#   <cache>/rootfs-<key>/manifest.json  what went into it
#   <cache>/debs/                        debootstrap .deb cache (speeds up rebuilds)
# A root is only ever published by an atomic rename of a fully built temp dir,
# so an interrupted build never leaves something that looks cached.
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
ARCH=$(dpkg --print-architecture)
# Installed by debootstrap itself. python3-cffi-backend: debootstrap's resolver
# misses this dependency of cloud-init (via python3-cryptography).
INCLUDE_PACKAGES=(
  systemd systemd-sysv dbus cloud-init nodejs curl git openssh-server locales
  ca-certificates python3-cffi-backend iproute2 sudo nftables unattended-upgrades openssh-client
)
# Installed with apt inside the chroot after debootstrap (proper dependency
# resolution): npm pulls ~70 node-* packages that debootstrap resolves poorly.
# npm is needed because the bridge checkout runs `npm ci --omit=dev`.
APT_PACKAGES=(npm)

log() { printf '[rootfs] %s\n' "$*" >&2; }
die() { printf '[rootfs] ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local t0=$1 t1; t1=$(now_ms); printf '%d.%03ds' $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000)); }

PRINT_KEY=0 PRUNE=0 REBUILD=0
for arg in "$@"; do
  case "$arg" in
    --print-key) PRINT_KEY=1 ;;
    --prune) PRUNE=1 ;;
    --rebuild) REBUILD=1 ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

SCRIPT_PATH=$(readlink -f "${BASH_SOURCE[0]}")
# The key covers everything that changes the root's content: this script
# (which holds the package lists and the post-install steps), suite, variant, arch.
KEY=$(
  {
    cat "$SCRIPT_PATH"
    printf '%s\n' "$SUITE" "$VARIANT" "$ARCH" "${INCLUDE_PACKAGES[@]}" -- "${APT_PACKAGES[@]}"
  } | sha256sum | cut -c1-16
)
if ((PRINT_KEY)); then
  printf '%s\n' "$KEY"
  exit 0
fi

CACHE=${CODEWHALE_BOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/codewhale-remote}
FINAL="$CACHE/rootfs-$KEY"
T_START=$(now_ms)

if ((!REBUILD)) && [[ -f "$FINAL/manifest.json" && -x "$FINAL/root/lib/systemd/systemd" ]]; then
  log "cached root $FINAL (reuse took $(secs_since "$T_START"))"
  printf '%s\n' "$FINAL/root"
  exit 0
fi

[[ $EUID -eq 0 ]] || die "must run as root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install -y debootstrap systemd-container"
command -v flock >/dev/null || die "flock missing (util-linux)"

# Mirror: the URI this machine's apt uses for the plain "$SUITE" suite.
find_mirror() {
  local f
  # deb822 .sources files: stanzas with URIs: and Suites: fields.
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk -v suite="$SUITE" '
      function flush() {
        if (uris != "" && enabled) { n = split(suites, s, /[ \t]+/); for (i = 1; i <= n; i++) if (s[i] == suite) { split(uris, u, /[ \t]+/); print u[1]; found = 1; exit } }
        uris = ""; suites = ""; enabled = 1
      }
      BEGIN { enabled = 1 }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]*#/ { next }
      tolower($1) == "uris:" { $1 = ""; sub(/^[ \t]+/, ""); uris = $0 }
      tolower($1) == "suites:" { $1 = ""; sub(/^[ \t]+/, ""); suites = $0 }
      tolower($1) == "enabled:" && tolower($2) == "no" { enabled = 0 }
      END { if (!found) flush() }
    ' "$f"
  done
  # One-line format: deb [options] URI suite components...
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    awk -v suite="$SUITE" '
      $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) print $i }
    ' "$f"
  done
}
MIRROR=${CODEWHALE_BOOT_MIRROR:-$(find_mirror | head -n1)}
[[ -n "$MIRROR" ]] || die "no apt source for suite '$SUITE' found in /etc/apt; set CODEWHALE_BOOT_MIRROR"

mkdir -p "$CACHE/debs"
exec 9>"$CACHE/.lock-$KEY"
log "waiting for build lock $CACHE/.lock-$KEY"
flock 9
# Another process may have finished the same build while we waited.
if ((!REBUILD)) && [[ -f "$FINAL/manifest.json" && -x "$FINAL/root/lib/systemd/systemd" ]]; then
  log "cached root $FINAL (built concurrently; wait took $(secs_since "$T_START"))"
  printf '%s\n' "$FINAL/root"
  exit 0
fi

# Unmount anything below a directory (debootstrap mounts /proc, /sys in the
# target; an interrupted build can leave them), deepest first.
umount_below() {
  local dir=$1 mnt
  awk -v d="$dir/" 'index($2 "/", d) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done
}
remove_tree() {
  umount_below "$1"
  rm -rf --one-file-system -- "$1"
}

# Holding the lock: temp dirs for this key are leftovers of interrupted builds.
for stale in "$CACHE"/.tmp-rootfs-"$KEY".*; do
  [[ -e "$stale" ]] || continue
  log "removing leftover of an interrupted build: $stale"
  remove_tree "$stale"
done

TMP=$(mktemp -d "$CACHE/.tmp-rootfs-$KEY.XXXXXX")
cleanup() {
  local rc=$?
  if [[ -n "${TMP:-}" && -d "$TMP" ]]; then
    log "cleaning up unfinished build $TMP"
    remove_tree "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ROOT="$TMP/root"
KEYRING_ARGS=()
[[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] && KEYRING_ARGS=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
include_csv=$(IFS=,; printf '%s' "${INCLUDE_PACKAGES[*]}")

log "building $SUITE/$VARIANT/$ARCH root from $MIRROR into $ROOT"
T_DEBOOTSTRAP=$(now_ms)
debootstrap --variant="$VARIANT" --arch="$ARCH" "${KEYRING_ARGS[@]}" \
  --cache-dir="$CACHE/debs" --include="$include_csv" \
  "$SUITE" "$ROOT" "$MIRROR" >"$TMP/debootstrap.log" 2>&1 || {
  tail -n 40 "$TMP/debootstrap.log" >&2
  [[ -f "$ROOT/debootstrap/debootstrap.log" ]] && tail -n 40 "$ROOT/debootstrap/debootstrap.log" >&2
  die "debootstrap failed"
}
log "debootstrap took $(secs_since "$T_DEBOOTSTRAP")"

in_root() {
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

T_POST=$(now_ms)
# apt inside the chroot needs /proc and DNS; unmounted again below.
mount -t proc proc "$ROOT/proc"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
if ((${#APT_PACKAGES[@]})); then
  in_root apt-get update -qq >&2
  in_root apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >"$TMP/apt.log" 2>&1 || {
    tail -n 40 "$TMP/apt.log" >&2
    die "apt-get install ${APT_PACKAGES[*]} failed"
  }
fi

# Locale: cloud-init's locale module defaults to en_US.UTF-8 on Debian; having
# it generated up front keeps first boot fast and offline.
printf 'en_US.UTF-8 UTF-8\n' >"$ROOT/etc/locale.gen"
in_root locale-gen >&2
printf 'LANG=en_US.UTF-8\n' >"$ROOT/etc/default/locale"

# No root password, no console getty needed (tests exec via nsenter), but keep
# a getty-free, quiet boot: the console of an nspawn container is a pty.
in_root systemctl mask console-getty.service >/dev/null 2>&1 || true

# Every boot of an ephemeral copy is a "first boot" with its own machine-id.
: >"$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"
# resolv.conf: nothing to resolve under --private-network.
: >"$ROOT/etc/resolv.conf"
# No apt sources: the root is an offline host that already has every package a payload asks for. So
# cloud-init's `package_update` is instant and hermetic (instead of seconds of failing DNS lookups), and a
# payload asking for a package this root lacks fails the boot test loudly ("Unable to locate package")
# instead of reaching for the network: add it to the lists above.
: >"$ROOT/etc/apt/sources.list"
in_root apt-get clean
# Smaller root = faster copies: no docs, man pages, apt indexes. (Installed
# packages stay known to dpkg/apt, so `apt-get install <installed pkg>` still
# succeeds offline.)
rm -rf "$ROOT/var/lib/apt/lists/"*_Packages "$ROOT/var/lib/apt/lists/"*_Translation-* \
  "$ROOT/var/cache/apt/"*.bin "$ROOT/var/log/"*.log \
  "$ROOT/usr/share/doc/"* "$ROOT/usr/share/man/"* "$ROOT/usr/share/info/"*
umount "$ROOT/proc"

# Manifest (outside the root, so tests see a pristine image).
# shellcheck disable=SC2016 # dpkg-query format, not a shell expansion
pkg_version() { in_root dpkg-query -W -f='${Version}' "$1" 2>/dev/null || printf 'missing'; }
cat >"$TMP/manifest.json" <<EOF
{
  "key": "$KEY",
  "suite": "$SUITE",
  "variant": "$VARIANT",
  "arch": "$ARCH",
  "mirror": "$MIRROR",
  "built": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "versions": {
    "systemd": "$(pkg_version systemd)",
    "cloud-init": "$(pkg_version cloud-init)",
    "nodejs": "$(pkg_version nodejs)",
    "npm": "$(pkg_version npm)"
  },
  "size_kib": $(du -sk --one-file-system "$ROOT" | cut -f1)
}
EOF
log "post-install took $(secs_since "$T_POST")"

# Publish atomically.
[[ -e "$FINAL" ]] && remove_tree "$FINAL"
mv -T "$TMP" "$FINAL"
TMP=
log "built $FINAL in $(secs_since "$T_START") ($(du -sh --one-file-system "$FINAL/root" | cut -f1))"

if ((PRUNE)); then
  for old in "$CACHE"/rootfs-*; do
    [[ "$old" == "$FINAL" || ! -d "$old" ]] && continue
    log "pruning $old"
    remove_tree "$old"
  done
fi
printf '%s\n' "$FINAL/root"
