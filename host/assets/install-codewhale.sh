#!/bin/sh
# codewhale-remote: install the CodeWhale release named in install.env (run by codewhale-install.service, as the
# unprivileged user that owns the install root and nothing else: it never sees a secret, and neither service can
# write what it installs).
#
# - the runtime: the static release binary, verified against a pinned sha256 or the release's checksum file;
# - the bridges: the repository at the same tag, verified against the tag's commit (tags are not signed, so
#   the commit is pinned in install.env), fetched partially: only the bridge's folder and integrations/bridge-core
#   (upstream's bridges import ../../bridge-core; upstream's own installer copies only the bridge folder and the
#   bridge dies with ERR_MODULE_NOT_FOUND); the install fails here, loudly, if either is missing.
#
# Idempotent: an installed version is reused; switching versions flips one symlink, so a failed download
# never leaves the host without a working runtime. The previous version is kept for rollback.
set -eu

: "${CODEWHALE_VERSION:?install.env must set CODEWHALE_VERSION}"
: "${CODEWHALE_RELEASE_BASE_URL:?install.env must set CODEWHALE_RELEASE_BASE_URL}"
: "${CODEWHALE_REPO_URL:?install.env must set CODEWHALE_REPO_URL}"
: "${CODEWHALE_BRIDGE_DIR:?install.env must set CODEWHALE_BRIDGE_DIR}"
: "${CODEWHALE_COMMIT:?install.env must set CODEWHALE_COMMIT (the commit tag v$CODEWHALE_VERSION points to)}"
root="${CODEWHALE_INSTALL_ROOT:-/opt/codewhale}"
release="$root/releases/$CODEWHALE_VERSION"

log() { printf 'codewhale-install: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "unsupported machine $(uname -m); CodeWhale ships linux x64 and arm64 binaries" ;;
esac

fetch() {
  curl -fsSL --proto '=https,file' --retry 5 --retry-delay 3 --retry-all-errors --connect-timeout 15 \
    -o "$2" "$1" || die "download failed: $1"
}

mkdir -p "$root/releases"
work=$(mktemp -d "$root/.install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

if [ ! -f "$release/.complete" ]; then
  base="$CODEWHALE_RELEASE_BASE_URL/v$CODEWHALE_VERSION"
  log "installing $CODEWHALE_VERSION ($arch) from $base"
  fetch "$base/codewhale-linux-$arch" "$work/codewhale"
  if [ -n "${CODEWHALE_SHA256:-}" ]; then
    expected="$CODEWHALE_SHA256"
  else
    fetch "$base/codewhale-artifacts-sha256.txt" "$work/sha256.txt"
    expected=$(awk -v f="codewhale-linux-$arch" '$2 == f || $2 == "*" f { print $1; exit }' "$work/sha256.txt")
    [ -n "$expected" ] || die "codewhale-artifacts-sha256.txt has no entry for codewhale-linux-$arch"
  fi
  actual=$(sha256sum "$work/codewhale" | cut -d ' ' -f 1)
  [ "$actual" = "$expected" ] || die "sha256 mismatch for codewhale-linux-$arch: expected $expected, got $actual"

  mkdir -p "$work/release/bin"
  install -m 0755 "$work/codewhale" "$work/release/bin/codewhale"
  # Only what runs: the tag's tree without blobs (a server without partial clone sends them all, which is
  # merely slower), then the blobs of the two folders the bridge needs.
  src="$work/release/src"
  git -c advice.detachedHead=false clone --quiet --depth 1 --filter=blob:none --no-checkout --branch "v$CODEWHALE_VERSION" \
    "$CODEWHALE_REPO_URL" "$src" || die "cannot clone tag v$CODEWHALE_VERSION of $CODEWHALE_REPO_URL"
  commit=$(git -C "$src" rev-parse HEAD)
  [ "$commit" = "$CODEWHALE_COMMIT" ] \
    || die "tag v$CODEWHALE_VERSION of $CODEWHALE_REPO_URL is commit $commit, not the pinned $CODEWHALE_COMMIT: refusing to install it"
  git -C "$src" sparse-checkout set --no-cone "/integrations/bridge-core/" "/integrations/$CODEWHALE_BRIDGE_DIR/" \
    || die "cannot select the bridge folders of v$CODEWHALE_VERSION"
  git -C "$src" reset --quiet --hard "$commit" || die "cannot check out v$CODEWHALE_VERSION"
  log "fetched $(du -sk "$src/.git" | cut -f 1) KiB of v$CODEWHALE_VERSION sources for $CODEWHALE_BRIDGE_DIR"
  rm -rf "$src/.git"
  chmod -R go-w "$work/release"
  touch "$work/release/.complete"
  rm -rf "$release"
  mv "$work/release" "$release"
fi

bridge="$release/src/integrations/$CODEWHALE_BRIDGE_DIR"
[ -f "$release/src/integrations/bridge-core/src/lib.mjs" ] \
  || die "integrations/bridge-core is missing from v$CODEWHALE_VERSION: the bridge cannot start without it"
[ -f "$bridge/src/index.mjs" ] || die "integrations/$CODEWHALE_BRIDGE_DIR/src/index.mjs is missing from v$CODEWHALE_VERSION"

# Bridges with npm dependencies (Feishu) get them once per version; install scripts of dependencies are
# not run (none is needed, and third-party code gets no chance to run at install time). A bridge
# without dependencies (Telegram) never calls npm: the payload installs npm only for bridges that need it,
# and `npm ci` would not even create node_modules for the marker.
has_dependencies() {
  node -e 'process.exit(Object.keys(require(process.argv[1]).dependencies || {}).length > 0 ? 0 : 1)' "$1/package.json" 2>/dev/null
}
if [ -f "$bridge/package-lock.json" ] && [ ! -f "$bridge/node_modules/.codewhale-installed" ] && has_dependencies "$bridge"; then
  log "installing npm dependencies of $CODEWHALE_BRIDGE_DIR"
  (cd "$bridge" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || die "npm ci failed in integrations/$CODEWHALE_BRIDGE_DIR"
  touch "$bridge/node_modules/.codewhale-installed"
fi

# The smoke test runs as this unit's unprivileged user, in its sandbox.
"$release/bin/codewhale" --version >/dev/null 2>&1 || die "the installed binary does not run: $release/bin/codewhale"

current=$(readlink "$root/current" 2>/dev/null || true)
# A release that failed its health gate here (rollback-codewhale marked it) is not switched to again: the host
# stays on the release that works until another version is pinned (or the mark is removed to retry).
if [ -f "$release/.failed-health-gate" ] && [ -n "$current" ] && [ "$current" != "releases/$CODEWHALE_VERSION" ]; then
  log "$CODEWHALE_VERSION failed its health gate on this host and was rolled back; staying on ${current#releases/} (pin another codewhaleVersion, or remove $release/.failed-health-gate to try it again)"
  exit 0
fi
if [ "$current" != "releases/$CODEWHALE_VERSION" ]; then
  # The release it replaces stays, linked as `previous`: the upgrade gate switches back to it.
  if [ -n "$current" ]; then
    ln -sfn "$current" "$root/.previous.tmp"
    mv -T "$root/.previous.tmp" "$root/previous"
  fi
  ln -sfn "releases/$CODEWHALE_VERSION" "$root/.current.tmp"
  mv -T "$root/.current.tmp" "$root/current"
  log "current -> $CODEWHALE_VERSION (was ${current:-none})"
  # Keep the new and the previous version; remove older ones.
  for old in "$root"/releases/*; do
    name=$(basename "$old")
    [ "releases/$name" = "releases/$CODEWHALE_VERSION" ] && continue
    [ -n "$current" ] && [ "releases/$name" = "$current" ] && continue
    rm -rf "$old"
  done
fi
log "ready: $CODEWHALE_VERSION"
