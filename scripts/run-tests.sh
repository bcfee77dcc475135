#!/usr/bin/env bash
# Builds asyncsql and runs every test suite, stopping at the first failure:
#
#   1. dependencies           scripts/install-deps.sh
#   2. dev preset             g++, -Werror; ctest, every label
#   3. asan preset            clang-14, -Werror, ASan + UBSan; ctest -L 'unit|sqlite|postgresql|mysql|fuzz|example'
#                             (also the clang warning check: every file is compiled by clang here)
#   4. tsan preset            clang-14, -Werror, ThreadSanitizer; ctest -L 'unit|sqlite|postgresql|mysql|fault|example'
#                             but the volume tests (-E, see tsan_skipped): every suite that
#                             starts threads (SQLite's worker thread, the helper threads that
#                             send PostgreSQL and MySQL cancel requests, the suite's
#                             ThreadsSuite); the fuzzers, single-threaded, are not built.
#                             About 6 min cold, 1 min warm to build, 2.5 min to test on two cores.
#   5. install test           cmake --install + tests/install/consumer
#
# ASYNCSQL_SKIP_ASAN=1 skips step 3 and ASYNCSQL_SKIP_TSAN=1 step 4, for quick
# local runs (CI sets neither); without step 3 the clang preset builds instead,
# so clang's warnings are still checked.
# Safe to run repeatedly: builds are incremental and cached with ccache.
set -euo pipefail
cd "$(dirname "$0")/.."
repo_root="$(pwd)"

export CCACHE_DIR="${CCACHE_DIR:-${HOME:-/tmp}/.ccache}"
jobs=2   # the machine has two cores, shared: never more
labels=(unit sqlite example postgresql mysql fault fuzz)

script_start=$SECONDS
current_step=""
step_summary=()
work_dir=""

format_seconds() {
  printf '%dm%02ds' "$(($1 / 60))" "$(($1 % 60))"
}

on_exit() {
  local status=$?
  if [[ -n "$work_dir" && -d "$work_dir" ]]; then
    rm -rf -- "$work_dir"
  fi
  if [[ $status -ne 0 ]]; then
    echo
    echo "=================================================================="
    echo "FAILED${current_step:+ in step: $current_step} (exit status $status)" \
         "after $(format_seconds $((SECONDS - script_start)))"
    echo "=================================================================="
  fi
}
trap on_exit EXIT

# run_step <title> <command...>: banner, command, elapsed time.
run_step() {
  local title="$1"
  shift
  current_step="$title"
  local start=$SECONDS
  echo
  echo "=================================================================="
  echo "== $title"
  echo "== (started at +$(format_seconds $((start - script_start))))"
  echo "=================================================================="
  "$@"
  local elapsed=$((SECONDS - start))
  echo "== done: $title in $(format_seconds "$elapsed")"
  step_summary+=("$(printf '%-48s %s' "$title" "$(format_seconds "$elapsed")")")
  current_step=""
}

# A build folder configured with another generator cannot be reused by a
# preset (which asks for Ninja): start that folder's cache afresh.
configure_preset() {
  local preset="$1"
  local cache="$repo_root/build/$preset/CMakeCache.txt"
  if [[ -f "$cache" ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
    echo "build/$preset was configured with another generator; resetting its cache"
    rm -rf -- "$cache" "$repo_root/build/$preset/CMakeFiles"
  fi
  cmake --preset "$preset"
}

build_preset() {
  configure_preset "$1"
  cmake --build --preset "$1" -j"$jobs"
}

test_dev() {
  ctest --preset dev --output-on-failure -j"$jobs" --no-tests=error
}

test_asan() {
  ASAN_OPTIONS=detect_leaks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset asan -L 'unit|sqlite|postgresql|mysql|fuzz|example' --output-on-failure -j"$jobs" --no-tests=error
}

tsan_labels='unit|sqlite|postgresql|mysql|fault|example'
# The volume tests (a million streamed rows, 100,000-row loads, 100 MB
# values) run the same threads as the small ones, only longer: 10 to 40 s
# each under TSan, half of the step. dev and asan run them.
tsan_skipped='MillionRows|HundredThousandRows|HundredMegabyte|ValueAboveTheServerLimit'

test_tsan() {
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --preset tsan -L "$tsan_labels" -E "$tsan_skipped" --output-on-failure -j"$jobs" --no-tests=error
}

install_test() {
  work_dir="$(mktemp -d "${TMPDIR:-/tmp}/asyncsql-install.XXXXXX")"
  local prefix="$work_dir/prefix"
  local build="$work_dir/build"
  cmake --install build/dev --prefix "$prefix"
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S tests/install/consumer -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_COMPILER=g++ \
    -DCMAKE_PREFIX_PATH="$prefix" \
    ${launcher[@]+"${launcher[@]}"}
  cmake --build "$build" -j"$jobs"
  "$build/consumer"
  rm -rf -- "$work_dir"
  work_dir=""
}

# count_tests <preset> [label regex [excluded name regex]]: ctest -N prints "Total Tests: N".
count_tests() {
  local preset="$1" count
  shift
  local filter=()
  if [[ $# -gt 0 ]]; then
    filter=(-L "$1")
  fi
  if [[ $# -gt 1 ]]; then
    filter+=(-E "$2")
  fi
  count="$(ctest --preset "$preset" -N ${filter[@]+"${filter[@]}"} 2>/dev/null |
           sed -n 's/^Total Tests: *//p' || true)"
  echo "${count:-?}"
}

run_step "Dependencies (scripts/install-deps.sh)" bash scripts/install-deps.sh
run_step "dev: configure + build (g++, -Werror)" build_preset dev
run_step "dev: ctest, all labels" test_dev

# sanitizer_step <preset> <what> <test function> <test title> <skip variable>:
# build and test one sanitizer preset, unless the skip variable is 1.
# Sets <preset>_ran=1 when it ran.
sanitizer_step() {
  local preset="$1" what="$2" test_function="$3" test_title="$4" skip_variable="$5"
  if [[ "${!skip_variable:-0}" == "1" ]]; then
    echo
    echo "== $skip_variable=1: skipping the $preset preset"
    step_summary+=("$(printf '%-48s %s' "$preset: build + ctest" "SKIPPED ($skip_variable=1)")")
    return
  fi
  run_step "$preset: configure + build (clang-14, $what)" build_preset "$preset"
  run_step "$preset: $test_title" "$test_function"
  printf -v "${preset}_ran" 1
}

asan_ran=0
sanitizer_step asan "ASan+UBSan" test_asan "ctest -L 'unit|sqlite|postgresql|mysql|fuzz|example'" ASYNCSQL_SKIP_ASAN
if [[ "$asan_ran" == 0 ]]; then
  run_step "clang: configure + build (clang-14, -Werror)" build_preset clang
fi
tsan_ran=0
sanitizer_step tsan "TSan" test_tsan "ctest -L '$tsan_labels'" ASYNCSQL_SKIP_TSAN
run_step "install: cmake --install + consumer" install_test

echo
echo "=================================================================="
echo "== Summary: all steps passed in $(format_seconds $((SECONDS - script_start)))"
echo "=================================================================="
for line in "${step_summary[@]}"; do
  echo "  $line"
done
echo
echo "  ctest entries run by the dev preset, per label:"
for label in "${labels[@]}"; do
  printf '    %-12s %s\n' "$label" "$(count_tests dev "^${label}\$")"
done
printf '    %-12s %s\n' "(total)" "$(count_tests dev)"
if [[ $asan_ran -eq 1 ]]; then
  printf '  ctest entries run under ASan+UBSan (unit|sqlite|postgresql|mysql|fuzz|example): %s\n' \
    "$(count_tests asan 'unit|sqlite|postgresql|mysql|fuzz|example')"
fi
if [[ $tsan_ran -eq 1 ]]; then
  printf '  ctest entries run under TSan (%s): %s\n' "$tsan_labels" "$(count_tests tsan "$tsan_labels" "$tsan_skipped")"
fi
