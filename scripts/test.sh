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
# the scaling test (issue 12: every command linear on 20 000 units, CPU time and peak memory;
# about a minute): suite 'slow', which a plain `meson test` leaves out
step "scaling" meson test -C $B --setup slow --suite slow --print-errorlogs --logbase scaling
logs+=("$B/meson-logs/scaling-slow.json")
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
# When clang can link a libFuzzer program (packages clang + libclang-rt-dev), every harness in
# tests/fuzz runs for FUZZ_SECONDS (default 20) on a scratch copy of its committed corpus. Each
# harness is one result ("OK fuzz-NAME" / "FAIL fuzz-NAME" in $F/fuzz-results.txt, counted
# below); a crash input is kept as $F/fuzz-NAME-crash-*, the log as $F/fuzz-NAME.log.
F=build-fuzz
fuzz_probe=$(mktemp -d)
if command -v clang >/dev/null &&
   printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }\n' \
       >"$fuzz_probe/p.c" &&
   clang -fsanitize=fuzzer,address,undefined "$fuzz_probe/p.c" -o "$fuzz_probe/p" 2>/dev/null; then
    [ -f $F/build.ninja ] ||
        CC=clang meson setup $F -Dfuzz=true -Db_lundef=false -Dbench=false >/dev/null
    rm -f $F/fuzz-results.txt
    echo "== build (fuzz)"
    if ninja -C $F >/dev/null; then
        for h in money csv workbook measures import xlsx sie merge writers; do
            secs=${FUZZ_SECONDS:-20}
            work=$(mktemp -d)
            cp tests/fuzz/corpus/$h/* "$work"/
            echo "== fuzz-$h (${secs} s)"
            if ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16 UBSAN_OPTIONS=halt_on_error=1 \
                timeout $((secs + 120)) $F/tests/fuzz/fuzz-$h -max_total_time="$secs" \
                -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                -artifact_prefix="$F/fuzz-$h-" "$work" >$F/fuzz-$h.log 2>&1; then
                echo "OK fuzz-$h" >>$F/fuzz-results.txt
                grep -a -E '^#[0-9]+.*DONE' $F/fuzz-$h.log | tail -n 1
            else
                echo "FAIL fuzz-$h" >>$F/fuzz-results.txt
                echo "== fuzz-$h: FAILED, see $F/fuzz-$h.log"
                grep -a -E 'ERROR|SUMMARY|runtime error|property failed' $F/fuzz-$h.log | head -n 5
            fi
            rm -rf "$work"
        done
    else
        echo "== build (fuzz): FAILED"
        echo "FAIL build-fuzz" >$F/fuzz-results.txt
    fi
    logs+=("$F/fuzz-results.txt")
else
    echo "== fuzzing: skipped (no clang that links -fsanitize=fuzzer)"
fi
rm -rf "$fuzz_probe"

python3 - "$failed_steps" "${logs[@]}" <<'PY'
import json, sys
failed_steps = int(sys.argv[1])
passed = failed = skipped = 0
for path in sys.argv[2:]:
    try:
        with open(path) as f:
            if path.endswith('.txt'):  # fuzz-results.txt: "OK name" / "FAIL name" per line
                for line in f:
                    if line.startswith('OK '):
                        passed += 1
                    elif line.strip():
                        failed += 1
                continue
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
