#!/bin/sh
# bench-sie.sh — kkr import of a 10-million-#TRANS SIE 4E file next to kkr import of the same
# transactions written as a CSV ledger, in one run on the same machine.
#
# usage: tests/bench/bench-sie.sh BUILD_DIR [TRANS] [RUNS]
#   BUILD_DIR  a meson build dir with -Dbench=true (kkr and tests/bench/gen-sie)
#   TRANS      #TRANS rows (default 10000000); RUNS: timed runs per import, best kept (default 3)
# gen-sie writes (deterministically) FILE.se with #KSUMMA, the same file without the two
# #KSUMMA records, and LEDGER.csv + MAP.csv with one row per #TRANS, into $KKR_BENCH_DIR
# (default /tmp/kkr-bench-sie). The three imports must give the same utfall rows, byte for
# byte. Peak memory comes from /usr/bin/time -v (Debian package `time`).
set -eu

build=${1:?usage: bench-sie.sh BUILD_DIR [TRANS] [RUNS]}
rows=${2:-10000000}
runs=${3:-3}
dir=${KKR_BENCH_DIR:-/tmp/kkr-bench-sie}
kkr=$build/kkr
gen=$build/tests/bench/gen-sie
se=$dir/books-$rows.se
plain=$dir/books-$rows-no-ksumma.se
ledger=$dir/ledger-$rows.csv
map=$dir/map-$rows.csv

[ -x "$kkr" ] && [ -x "$gen" ] || { echo "bench-sie: build $kkr and $gen first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-sie: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
mkdir -p "$dir"

# About 77 bytes a #TRANS in SIE (with its share of #VER and braces), 60 in CSV.
need_kb=$((rows / 1000 * 220))
free_kb=$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt "$need_kb" ]; then
    echo "bench-sie: $dir has $((free_kb / 1024)) MB free, needs $((need_kb / 1024)) MB" >&2
    exit 2
fi
if [ ! -s "$se" ] || [ ! -s "$ledger" ] || [ ! -s "$map" ] || [ ! -s "$plain" ]; then
    echo "generating $rows #TRANS into $se and $ledger ..."
    "$gen" "$rows" "$se" "$ledger" "$map"
    grep -a -v '^#KSUMMA' "$se" > "$plain"
fi
cat "$se" "$plain" "$ledger" > /dev/null    # into the page cache: every run reads from memory
echo "SIE:    $se, $rows #TRANS, $(stat -c %s "$se") bytes"
echo "CSV:    $ledger, $rows rows, $(stat -c %s "$ledger") bytes"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

measure() {   # runs "$@" RUNS times; the best run: wall user sys maxrss_kb
    best=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        /usr/bin/time -f '%e %U %S %M' -o "$dir/time.txt" "$@" > "$dir/stdout.txt" 2> "$dir/stderr.txt" || {
            echo "bench-sie: failed: $*" >&2
            cat "$dir/stderr.txt" >&2
            exit 1
        }
        t=$(tail -n 1 "$dir/time.txt")
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { split(a, x, " "); split(b, y, " "); exit !(x[1] < y[1]) }'; then
            best=$t
        fi
        i=$((i + 1))
    done
    echo "$best"
}

report() {   # name bytes "wall user sys rss"
    echo "$3" | awk -v n="$1" -v b="$2" -v r="$rows" '{
        printf "%-26s %7.2f s wall  %6.2f s CPU  %6.0f MB/s  %6.2f M rows/s  peak %5.1f MB\n",
               n, $1, $2 + $3, b / 1e6 / $1, r / 1e6 / $1, $4 / 1024 }'
}

csv_t=$(measure "$kkr" import "$ledger" --map "$map" -o "$dir/utfall-csv.csv")
report "kkr import LEDGER.csv" "$(stat -c %s "$ledger")" "$csv_t"
plain_t=$(measure "$kkr" import "$plain" -o "$dir/utfall-plain.csv")
report "kkr import FILE.se" "$(stat -c %s "$plain")" "$plain_t"
sie_t=$(measure "$kkr" import "$se" -o "$dir/utfall-sie.csv")
report "kkr import FILE.se #KSUMMA" "$(stat -c %s "$se")" "$sie_t"
sed 's/^/    /' "$dir/stderr.txt"
if cmp -s "$dir/utfall-csv.csv" "$dir/utfall-sie.csv" && cmp -s "$dir/utfall-csv.csv" "$dir/utfall-plain.csv"; then
    echo "    the three imports wrote the same $(($(wc -l < "$dir/utfall-sie.csv") - 1)) utfall rows, byte for byte"
else
    echo "    the imports DIFFER ($dir/utfall-*.csv)"
    exit 1
fi

echo
echo "$plain_t|$sie_t|$csv_t" | awk -F'|' '{
    split($1, p, " "); split($2, s, " "); split($3, c, " ")
    x = c[1] / p[1]; y = c[1] / s[1]
    printf "SIE import rate = %.2f x the CSV import of the same rows (target >= 0.5): %s\n", x, (x >= 0.5 ? "ok" : "MISSED")
    printf "  with #KSUMMA verified: %.2f x; CPU time: SIE %.2f s, with #KSUMMA %.2f s, CSV %.2f s (%.2f x, %.2f x)\n", y, p[2] + p[3], s[2] + s[3], c[2] + c[3], (c[2] + c[3]) / (p[2] + p[3]), (c[2] + c[3]) / (s[2] + s[3])
    m = (p[4] > s[4] ? p[4] : s[4]) / 1024
    printf "SIE import peak memory = %.1f MB (target < 64 MB, flat): %s\n", m, (m < 64 ? "ok" : "MISSED")
}'
