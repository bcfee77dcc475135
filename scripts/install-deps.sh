#!/usr/bin/env bash
# Installs what building asyncsql and running its tests needs on a fresh
# Debian 12 machine. Idempotent: packages already installed are left alone and
# `apt-get update` runs only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential
  g++
  clang-14
  libclang-rt-14-dev
  cmake
  ninja-build
  ccache
  pkg-config
  libboost1.81-dev
  libboost-json1.81-dev
  libsqlite3-dev
  libgtest-dev
  googletest
  libbenchmark-dev
)

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
  if [[ "$status" != "installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "install-deps: not root and sudo is not available; install these as root:" >&2
    echo "  ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
${sudo_cmd[@]+"${sudo_cmd[@]}"} apt-get update
${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: done"
