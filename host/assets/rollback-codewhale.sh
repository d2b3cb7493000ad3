#!/bin/sh
# codewhale-remote: switch back to the previous CodeWhale release (run by codewhale-rollback.service, as the
# installer's user that owns the install root, when an upgrade failed its health gate). install-codewhale keeps
# the previous release and a `previous` link to it; this flips `current` back (one rename, atomic), and marks
# the failed release so that the installer does not switch to it again on the next boot or rollout (it stays on
# the release that works until another codewhaleVersion is pinned). Touches nothing outside the install root.
set -eu
root="${CODEWHALE_INSTALL_ROOT:-/opt/codewhale}"
log() { printf 'codewhale-rollback: %s\n' "$*" >&2; }

current=$(readlink "$root/current" 2>/dev/null || true)
previous=$(readlink "$root/previous" 2>/dev/null || true)
case "$previous" in
  releases/*) ;;
  *) log "no previous release to switch back to (current: ${current:-none})"; exit 1 ;;
esac
[ -f "$root/$previous/.complete" ] || { log "the previous release $previous is incomplete; not switching to it"; exit 1; }
[ -n "$current" ] && [ -d "$root/$current" ] && touch "$root/$current/.failed-health-gate"
ln -sfn "$previous" "$root/.current.tmp"
mv -T "$root/.current.tmp" "$root/current"
rm -f "$root/previous"
log "current -> ${previous#releases/} (switched back from ${current#releases/}, which failed its health gate)"
