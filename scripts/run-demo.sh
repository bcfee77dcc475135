#!/usr/bin/env bash
# Builds the quickstart demo (release preset) and runs it. With no argument it
# uses an embedded SQLite database; any arguments are passed on to the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

export CCACHE_DIR="${CCACHE_DIR:-${HOME:-/tmp}/.ccache}"

cmake --preset release
cmake --build --preset release --target quickstart -j2

exec build/release/examples/quickstart/quickstart "$@"
