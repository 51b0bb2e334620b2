#!/usr/bin/env bash
# Installs what the test suites need on a fresh Debian machine, outside the repository:
# Debian packages (chromium for the UI and integration runs, libxml2-utils, python3-exchangelib,
# openssl, ripgrep, and libkrb5-dev + a compiler for code-server's native addons) and
# code-server (the real VS Code workbench and extension host) into a cache folder.
# Idempotent: every step checks before it installs. Runs as root (CI) or with sudo.
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
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "[install] apt: ${need_apt[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "[install] Node.js 20.19+ is required and not on PATH" >&2; exit 1; }

CS_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"

code_server_works() {
  # --config /dev/null: otherwise code-server writes ~/.config/code-server/config.yaml.
  [ -x "$CS_BIN" ] && node "$CS_BIN" --config /dev/null --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "
}

if ! code_server_works; then
  echo "[install] code-server $CODE_SERVER_VERSION into $CS_DIR"
  # A half-finished earlier install would be taken as done; start that folder afresh.
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
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
  (
    cd "$CS_DIR"
    echo '{"name":"code-server-cache","private":true}' > package.json
    # unsafe_perm: as root its postinstall refuses otherwise (npm 11 still passes the variable on).
    # yes: node-pty's postinstall runs `npx node-gyp`, which waits for a yes with no stdin.
    npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" </dev/null
  )
  code_server_works || { echo "[install] code-server $CODE_SERVER_VERSION installed but does not run: $CS_BIN" >&2; exit 1; }
fi
echo "[install] code-server: $CS_BIN"
