#!/bin/sh
# bench-import.sh — kkr import on a 10-million-row ledger next to `wc -l` and DuckDB (1 thread)
# doing the same aggregation, all in one run on the same file.
#
# usage: tests/bench/bench-import.sh BUILD_DIR [ROWS] [RUNS]
#   BUILD_DIR  a meson build dir with -Dbench=true (kkr and tests/bench/gen-ledger)
#   ROWS       ledger rows (default 10000000); RUNS: timed runs per tool, best kept (default 3)
# The ledger is generated (deterministically: the same ROWS give the same bytes) into
# $KKR_BENCH_DIR (default /tmp/kkr-bench-import). DuckDB runs when its Node.js package is
# installed in $DUCKDB_DIR (default /tmp/duckdb-bench):
#   mkdir -p /tmp/duckdb-bench && cd /tmp/duckdb-bench && npm install @duckdb/node-api
# Peak memory comes from /usr/bin/time -v (Debian package `time`).
set -eu

build=${1:?usage: bench-import.sh BUILD_DIR [ROWS] [RUNS]}
rows=${2:-10000000}
runs=${3:-3}
dir=${KKR_BENCH_DIR:-/tmp/kkr-bench-import}
duck=${DUCKDB_DIR:-/tmp/duckdb-bench}
kkr=$build/kkr
gen=$build/tests/bench/gen-ledger
ledger=$dir/ledger-$rows.csv
map=$dir/map-$rows.csv

[ -x "$kkr" ] && [ -x "$gen" ] || { echo "bench-import: build $kkr and $gen first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-import: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
mkdir -p "$dir"

# About 81 bytes a row; the ledger and the outputs must fit.
need_kb=$((rows / 1000 * 81 * 2))
free_kb=$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt "$need_kb" ]; then
    echo "bench-import: $dir has $((free_kb / 1024)) MB free, needs $((need_kb / 1024)) MB" >&2
    exit 2
fi

if [ ! -s "$ledger" ] || [ ! -s "$map" ]; then
    echo "generating $rows rows into $ledger ..."
    "$gen" "$rows" "$ledger" "$map"
fi
bytes=$(stat -c %s "$ledger")
cat "$ledger" > /dev/null    # into the page cache: every tool reads from memory
echo "ledger: $ledger, $rows rows, $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB), $(wc -l < "$map") map lines"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# Runs "$@" RUNS times under /usr/bin/time; prints the best run: wall user sys maxrss_kb
measure() {
    best=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        /usr/bin/time -f '%e %U %S %M' -o "$dir/time.txt" "$@" > "$dir/stdout.txt" 2> "$dir/stderr.txt" || {
            echo "bench-import: failed: $*" >&2
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

report() {   # name "wall user sys rss"
    echo "$2" | awk -v n="$1" -v b="$bytes" -v r="$rows" '{
        printf "%-22s %7.2f s wall  %6.2f s CPU  %7.0f MB/s  %6.2f M rows/s  peak %6.1f MB\n",
               n, $1, $2 + $3, b / 1e6 / $1, r / 1e6 / $1, $4 / 1024 }'
}

wc_t=$(measure wc -l "$ledger")
report "wc -l" "$wc_t"

kkr_t=$(measure "$kkr" import "$ledger" --map "$map" -o "$dir/utfall.csv")
report "kkr import" "$kkr_t"
sed 's/^/    /' "$dir/stderr.txt"

duck_t=""
if [ -d "$duck/node_modules/@duckdb/node-api" ]; then
    cat > "$duck/agg.mjs" <<'EOF'
// The same aggregation as kkr import: map join, Kommun-Bas class, exact decimals, one thread.
import { DuckDBInstance } from '@duckdb/node-api';
const [ledger, map, out] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
await con.run(`
COPY (
  WITH l AS (
    SELECT Vht, Konto, Period, Belopp FROM read_csv('${ledger}', delim = ';', quote = '"',
      escape = '"', header = true, decimal_separator = ',',
      columns = {'Verifikat': 'VARCHAR', 'Bokföringsdatum': 'VARCHAR', 'Period': 'VARCHAR',
                 'Ansvar': 'VARCHAR', 'Vht': 'VARCHAR', 'Konto': 'VARCHAR', 'Projekt': 'VARCHAR',
                 'Motpart': 'VARCHAR', 'Text': 'VARCHAR', 'Belopp': 'DECIMAL(18,2)'})),
  m AS (SELECT * FROM read_csv('${map}', delim = ';', header = true,
                               columns = {'kod': 'VARCHAR', 'verksamhet': 'VARCHAR'}))
  SELECT m.verksamhet, CASE WHEN left(Konto, 1) = '3' THEN 'intäkt' ELSE 'kostnad' END AS slag,
         Period AS period, sum(Belopp) AS belopp
  FROM l JOIN m ON l.Vht = m.kod
  WHERE left(Konto, 1) BETWEEN '3' AND '7'
  GROUP BY ALL ORDER BY 1, 2, 3
) TO '${out}' (DELIMITER ';', HEADER)`);
EOF
    duck_t=$(cd "$duck" && measure node agg.mjs "$ledger" "$map" "$dir/duckdb.csv")
    report "DuckDB (1 thread)" "$duck_t"
    # the same sums, öre for öre
    if tail -n +2 "$dir/duckdb.csv" | tr . , | LC_ALL=C sort > "$dir/duckdb.sorted" &&
       tail -n +2 "$dir/utfall.csv" | LC_ALL=C sort > "$dir/kkr.sorted" &&
       cmp -s "$dir/duckdb.sorted" "$dir/kkr.sorted"; then
        echo "    DuckDB's $(wc -l < "$dir/duckdb.sorted") rows equal kkr's, öre for öre"
    else
        echo "    DuckDB's result DIFFERS from kkr's ($dir/duckdb.csv, $dir/utfall.csv)"
    fi
else
    echo "DuckDB: not installed in $duck (npm install @duckdb/node-api), skipped"
fi

echo
echo "$kkr_t|$wc_t|$duck_t" | awk -F'|' '{
    split($1, k, " "); split($2, w, " ")
    pct = 100 * w[1] / k[1]
    printf "kkr import rate = %.0f %% of wc -l (target >= 10 %%): %s\n", pct, (pct >= 10 ? "ok" : "MISSED")
    printf "kkr import peak memory = %.1f MB (target < 64 MB): %s\n", k[4] / 1024, (k[4] / 1024 < 64 ? "ok" : "MISSED")
    if ($3 != "") {
        split($3, d, " ")
        x = d[1] / k[1]
        printf "kkr import is %.1fx faster than DuckDB with 1 thread (target >= 2x): %s\n", x, (x >= 2 ? "ok" : "MISSED")
        printf "  (CPU time: kkr %.2f s, DuckDB %.2f s, %.1fx)\n", k[2] + k[3], d[2] + d[3], (d[2] + d[3]) / (k[2] + k[3])
    }
}'
