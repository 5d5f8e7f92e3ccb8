#!/usr/bin/env bash
# Side by side on one PostgreSQL: db-scheduler (the peer harness in ../shared/peers,
# BENCHES=dbscheduler-lockfetch) and this project's benchmark (bench/run.sh, batch and single
# enqueue), back to back, several runs; prints each run, the medians and the ratio ours/db-scheduler.
#
#   bench/side-by-side.sh [--n 20000] [--runs 3] [--batch 100] [--clients 8] [--store postgres|h2]
#                         [--modes "batch single"] [--no-build] [--peers DIR]
#
# The peer harness is looked up in --peers, $PEERS_DIR, <repo>/../shared/peers or
# <repo>/../../shared/peers (a git worktree). Where it is missing (a fresh clone elsewhere) the
# script says so and runs ours only. db-scheduler always uses PostgreSQL (PGHOST/PGPORT/PGUSER, default
# 127.0.0.1:5432 postgres); ours uses BENCH_DB_URL etc. as bench/run.sh does (default the same server).
# Logs: target/side-by-side-<time>/. Numbers are only comparable within one invocation: the machine's
# load (printed per run) moves both.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

N=20000 RUNS=3 BATCH=100 CLIENTS=8 STORE=postgres MODES="batch single" BUILD=1 PEERS="${PEERS_DIR:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --store) STORE=$2; shift 2 ;;
    --modes) MODES=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --peers) PEERS=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

if [ -z "$PEERS" ]; then
  for d in "$ROOT/../shared/peers" "$ROOT/../../shared/peers"; do
    [ -x "$d/run.sh" ] && { PEERS=$(cd "$d" && pwd); break; }
  done
fi
if [ -n "$PEERS" ] && [ ! -x "$PEERS/run.sh" ]; then
  echo "no run.sh in $PEERS" >&2; exit 2
fi
[ -z "$PEERS" ] && echo "NOTE: the peer harness (../shared/peers) is missing here: running ours only, no ratio."

if [ "$BUILD" = 1 ]; then
  ./mvnw -q -B package -DskipTests || { echo "build failed" >&2; exit 1; }
fi
LOG="$ROOT/target/side-by-side-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$LOG"
export PEERS_WORK="$ROOT/target/peers-work"   # one build of the harness, reused by every run
echo "== logs in $LOG; N=$N runs=$RUNS store=$STORE batch=$BATCH clients=$CLIENTS $(nproc) cores"

load() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' /; }
declare -A VAL LOAD
systems=()
[ -n "$PEERS" ] && systems+=(dbscheduler)
for m in $MODES; do systems+=("$m"); done

for r in $(seq 1 "$RUNS"); do
  for s in "${systems[@]}"; do
    f="$LOG/run$r-$s.log"
    LOAD[$s,$r]=$(load)
    echo "== run $r: $s (load ${LOAD[$s,$r]}) -> $f"
    case "$s" in
      dbscheduler)
        # the harness' own JAVA_OPTS default (-Xmx2g), not the app's
        env -u JAVA_OPTS N="$N" BENCHES=dbscheduler-lockfetch "$PEERS/run.sh" > "$f" 2>&1
        # its summary line: name N seconds tasks_per_s notes, name "db-scheduler-lock-and-fetch"
        v=$(awk '$1 ~ /^db-?scheduler-lock/ && $4 ~ /^[0-9.]+$/ {x = $4} END {print x}' "$f") ;;
      batch)
        bench/run.sh --store "$STORE" --n "$N" --clients "$CLIENTS" --batch "$BATCH" --no-build > "$f" 2>&1
        v=$(sed -n 's/^RESULT .*tasks_per_s=\([0-9.]*\).*/\1/p' "$f" | tail -n 1) ;;
      single)
        bench/run.sh --store "$STORE" --n "$N" --clients "$CLIENTS" --no-build > "$f" 2>&1
        v=$(sed -n 's/^RESULT .*tasks_per_s=\([0-9.]*\).*/\1/p' "$f" | tail -n 1) ;;
      *) echo "unknown mode $s (batch, single)" >&2; exit 2 ;;
    esac
    VAL[$s,$r]=${v:-FAILED}
    echo "   $s run $r: ${VAL[$s,$r]} tasks/s"
    grep -h -E '^(RESULT|db-?scheduler-lock)' "$f" | tail -n 1 | sed 's/^/   /'
  done
done

median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g |
  awk '{a[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo
echo "== side by side ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(git rev-parse --short HEAD), N=$N, store=$STORE, $(nproc) cores)"
printf '| system |'; for r in $(seq 1 "$RUNS"); do printf ' run %s tasks/s (load) |' "$r"; done
printf ' median tasks/s | ours / db-scheduler |\n'
printf '|---|'; for _ in $(seq 1 "$RUNS"); do printf -- '---|'; done; printf -- '---|---|\n'
declare -A MED
for s in "${systems[@]}"; do
  vals=""; for r in $(seq 1 "$RUNS"); do vals="$vals ${VAL[$s,$r]}"; done
  MED[$s]=$(echo "$vals" | median)
done
for s in "${systems[@]}"; do
  case "$s" in
    dbscheduler) name="db-scheduler 16.12 lock-and-fetch (scheduleBatch 100, 10 threads)" ;;
    batch) name="camel-taskqueue $STORE, batch $BATCH, $CLIENTS clients" ;;
    single) name="camel-taskqueue $STORE, single, $CLIENTS clients" ;;
  esac
  printf '| %s |' "$name"
  for r in $(seq 1 "$RUNS"); do printf ' %s (%s) |' "${VAL[$s,$r]}" "${LOAD[$s,$r]}"; done
  ratio="-"
  if [ "$s" != dbscheduler ] && [ -n "$PEERS" ] && [ "${MED[dbscheduler]}" != - ] && [ "${MED[$s]}" != - ]; then
    ratio=$(awk -v a="${MED[$s]}" -v b="${MED[dbscheduler]}" 'BEGIN {printf "%.2f", a / b}')
  fi
  printf ' **%s** | %s |\n' "${MED[$s]}" "$ratio"
done
