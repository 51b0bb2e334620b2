#!/usr/bin/env bash
# Installs what the test suites need on a fresh Debian machine, outside the repository.
# Idempotent: every step checks before it installs.
set -euo pipefail

CACHE_DIR="${ECS_CACHE_DIR:-$HOME/.cache/exchange-calendar-setup}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
APT_PACKAGES=(chromium libkrb5-dev ripgrep libxml2-utils python3-exchangelib openssl)

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "[install] apt: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

CS_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  echo "[install] code-server $CODE_SERVER_VERSION into $CS_DIR"
  mkdir -p "$CS_DIR"
  # @vscode/ripgrep (pinned inside code-server) downloads rg from GitHub unless it finds
  # this tarball in its cache; Debian's rg serves.
  tmp="${TMPDIR:-/tmp}"
  rg_cache="$tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rg_cache"
  if [ ! -s "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
    stage="$(mktemp -d)"
    cp "$(command -v rg)" "$stage/rg"
    tar -C "$stage" -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
    rm -rf "$stage"
  fi
  (
    cd "$CS_DIR"
    [ -f package.json ] || echo '{"name":"code-server-cache","private":true}' > package.json
    npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
  )
fi
echo "[install] code-server: $CS_DIR/node_modules/.bin/code-server"
