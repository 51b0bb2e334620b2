#!/usr/bin/env bash
# Installs what the test suites need on a fresh Debian machine, outside the repository:
# Debian packages (chromium for the UI and integration runs, libxml2-utils, python3-exchangelib,
# openssl, ripgrep, and libkrb5-dev + a compiler for code-server's native addons) and
# code-server (the real VS Code workbench and extension host) into a cache folder.
# Idempotent: every step checks before it installs. Runs as root (CI) or with sudo.
# Progress: "step k of 3" per stage, and while npm installs code-server a line with the time elapsed
# at most every ECS_PROGRESS_INTERVAL_S seconds (default 10). code-server is installed into a temporary
# folder beside its final one and renamed at the end, so Ctrl+C (or a failure) never leaves a
# half-installed folder that a later run would take as done.
set -euo pipefail

CACHE_DIR="${ECS_CACHE_DIR:-$HOME/.cache/exchange-calendar-setup}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
APT_PACKAGES=(chromium libkrb5-dev ripgrep libxml2-utils python3-exchangelib openssl python3 make g++ ca-certificates)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "[install] need root (or sudo) for: $*" >&2; exit 1
  fi
}

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
PROGRESS_INTERVAL_S="${ECS_PROGRESS_INTERVAL_S:-10}"
STEPS=3

if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "[install] apt: installing ${#need_apt[@]} Debian packages: ${need_apt[*]} (step 1 of $STEPS)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
else
  echo "[install] apt: ${#APT_PACKAGES[@]} Debian packages present (step 1 of $STEPS)"
fi

command -v node >/dev/null || { echo "[install] Node.js 20.19+ is required and not on PATH" >&2; exit 1; }

CS_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"

code_server_works() {
  # --config /dev/null: otherwise code-server writes ~/.config/code-server/config.yaml.
  [ -x "$CS_BIN" ] && node "$CS_BIN" --config /dev/null --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "
}

# The temporary folder of an install in progress, removed on any way out but success.
CS_PARTIAL=""
NPM_PID=""
cleanup_partial() {
  # npm runs in a process group of its own (setsid): the whole tree goes, install scripts included.
  if [ -n "$NPM_PID" ]; then kill -TERM -- "-$NPM_PID" 2>/dev/null || kill "$NPM_PID" 2>/dev/null || true; wait "$NPM_PID" 2>/dev/null || true; fi
  if [ -n "$CS_PARTIAL" ]; then rm -rf "$CS_PARTIAL"; fi
}
trap cleanup_partial EXIT
trap 'echo "[install] interrupted: removed the unfinished code-server folder" >&2; exit 130' INT TERM

if ! code_server_works; then
  echo "[install] npm: installing code-server $CODE_SERVER_VERSION into $CS_DIR (step 2 of $STEPS)"
  mkdir -p "$CACHE_DIR"
  # Left over by an install killed too hard for its trap (kill -9): never reused.
  rm -rf "$CACHE_DIR/.code-server-$CODE_SERVER_VERSION".partial.*
  CS_PARTIAL="$(mktemp -d "$CACHE_DIR/.code-server-$CODE_SERVER_VERSION.partial.XXXXXX")"
  # @vscode/ripgrep (pinned inside code-server) downloads rg from GitHub unless it finds
  # this tarball in its cache (under os.tmpdir()); Debian's rg serves.
  rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  rg_tarball="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  mkdir -p "$rg_cache"
  if [ ! -s "$rg_tarball" ]; then
    stage="$(mktemp -d)"
    cp "$(command -v rg)" "$stage/rg"
    tar -C "$stage" -czf "$rg_tarball" rg
    rm -rf "$stage"
  fi
  echo '{"name":"code-server-cache","private":true}' > "$CS_PARTIAL/package.json"
  # unsafe_perm: as root its postinstall refuses otherwise (npm 11 still passes the variable on).
  # yes: node-pty's postinstall runs `npx node-gyp`, which waits for a yes with no stdin.
  (
    cd "$CS_PARTIAL"
    exec setsid --wait env npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" </dev/null
  ) &
  NPM_PID=$!
  started=$SECONDS
  last=$SECONDS
  while kill -0 "$NPM_PID" 2>/dev/null; do
    sleep 1
    if [ $((SECONDS - last)) -ge "$PROGRESS_INTERVAL_S" ] && kill -0 "$NPM_PID" 2>/dev/null; then
      last=$SECONDS
      echo "[install] npm: installing code-server $CODE_SERVER_VERSION (step 2 of $STEPS), $((SECONDS - started)) s elapsed"
    fi
  done
  npm_status=0
  wait "$NPM_PID" || npm_status=$?
  NPM_PID=""
  if [ "$npm_status" -ne 0 ]; then
    echo "[install] npm install of code-server $CODE_SERVER_VERSION failed (exit $npm_status); nothing was kept" >&2
    exit 1
  fi
  echo "[install] npm: code-server $CODE_SERVER_VERSION installed in $((SECONDS - started)) s"
  # The finished folder takes the final name in one rename; the earlier one (an older build that
  # did not run) goes first.
  rm -rf "$CS_DIR"
  mv "$CS_PARTIAL" "$CS_DIR"
  CS_PARTIAL=""
  echo "[install] checking that code-server $CODE_SERVER_VERSION runs (step 3 of $STEPS)"
  code_server_works || { echo "[install] code-server $CODE_SERVER_VERSION installed but does not run: $CS_BIN" >&2; exit 1; }
else
  echo "[install] code-server $CODE_SERVER_VERSION present (steps 2 and 3 of $STEPS)"
fi
echo "[install] code-server: $CS_BIN"
