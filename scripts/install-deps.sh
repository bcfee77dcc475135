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
  postgresql
  postgresql-client
  libpq-dev
  pgbouncer
  mariadb-server
  mariadb-client
  libmariadb-dev
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

# Installing postgresql, pgbouncer or mariadb-server would start their system
# services (a default cluster on port 5432, a MariaDB server on 3306). The
# tests run their own throwaway servers (tests/support/postgresql-server.sh,
# tests/support/mariadb-server.sh), so keep services down during the install
# with a policy-rc.d that forbids every start. Ours is created only if
# none exists, and removed again afterwards, also when the install fails.
policy_rc_d=/usr/sbin/policy-rc.d
created_policy_rc_d=0
remove_policy_rc_d() {
  if [[ $created_policy_rc_d -eq 1 ]]; then
    ${sudo_cmd[@]+"${sudo_cmd[@]}"} rm -f -- "$policy_rc_d" || true
    created_policy_rc_d=0
  fi
}
trap remove_policy_rc_d EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [[ ! -e "$policy_rc_d" ]]; then
  created_policy_rc_d=1
  printf '#!/bin/sh\n# Temporary, from asyncsql scripts/install-deps.sh: start no services.\nexit 101\n' |
    ${sudo_cmd[@]+"${sudo_cmd[@]}"} tee "$policy_rc_d" >/dev/null
  ${sudo_cmd[@]+"${sudo_cmd[@]}"} chmod 755 "$policy_rc_d"
fi

echo "install-deps: installing ${missing[*]}"
${sudo_cmd[@]+"${sudo_cmd[@]}"} apt-get update
${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
remove_policy_rc_d
echo "install-deps: done"
