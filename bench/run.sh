#!/usr/bin/env bash
# End-to-end benchmark: starts the packaged queue on a fresh data dir (PostgreSQL: a fresh schema),
# runs N no-op tasks (demo.echo) through it with bench/Bench.java and stops it again.
#
#   bench/run.sh [--store h2|postgres] [--n 20000] [--clients 8] [--port 18080] [--no-build]
#                [--batch B]                 POST /api/tasks/batch with B tasks a request (else one a request)
#                [--rate R --duration S]     open loop: R tasks/s for S s, one a request (with --batch K:
#                                            K a request, a request every K/R s), sent on a fixed
#                                            schedule whatever the answers; reports enqueue->start p50/p95/p99
#                [--xmx 512m]                the app's -Xmx; also samples the pending depth of group demo
#                [--enqueue-only]            stop 10 s after the last enqueue, without the drain (heap runs)
#                [--timeout 3600]            fail when the run takes longer (seconds)
#                [--jar path/to/another/build.jar (implies --no-build), to compare two builds]
#                [-- extra app arguments, e.g. --spring.jms.cache.session-cache-size=50]
#
# Every mode samples the app's heap (/actuator/prometheus) once a second and prints one
# "RESULT key=value ..." line (mode, store, n, tasks_per_s, enqueue_per_s, latencies, heap_max_mb, load).
# It exits non-zero when a task does not complete, so CI runs it as a smoke check (.ci/run).
#
# PostgreSQL: BENCH_DB_URL (default jdbc:postgresql://127.0.0.1:5432/test), BENCH_DB_USER
# (postgres), BENCH_SCHEMA (tq_bench; dropped and recreated on every run).
# JAVA_OPTS go to the app's JVM (e.g. -Djava.library.path=... for the AIO journal, see README).
# Set MAVEN_ARGS=-o to build offline. Prints one "RESULT ..." line; the app log stays in the data dir.
set -euo pipefail
cd "$(dirname "$0")/.."

STORE=h2 N=20000 CLIENTS=8 PORT=18080 BUILD=1 JAR=target/camel-taskqueue.jar
BATCH=0 RATE=0 DURATION=30 XMX="" TIMEOUT=3600 ENQUEUE_ONLY=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --store) STORE=$2; shift 2 ;;
    --n) N=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --xmx) XMX=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --enqueue-only) ENQUEUE_ONLY=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --jar) JAR=$2; BUILD=0; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

[ "$BUILD" = 1 ] && ./mvnw -q -B package -DskipTests
mkdir -p target
DATA=$(mktemp -d "$PWD/target/bench-$STORE-XXXX")

STORE_ARGS=()
if [ "$STORE" = postgres ]; then
  DB_URL=${BENCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/test}
  DB_USER=${BENCH_DB_USER:-postgres}
  SCHEMA=${BENCH_SCHEMA:-tq_bench}
  # host, port and database of the JDBC URL for psql
  HOSTPORTDB=${DB_URL#jdbc:postgresql://}
  PGHOST=${HOSTPORTDB%%:*} PGPORT=${HOSTPORTDB#*:}; PGPORT=${PGPORT%%/*} PGDB=${HOSTPORTDB#*/}
  PGOPTIONS="-c client_min_messages=warning" psql -q -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" -d "$PGDB" \
    -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" 2>&1 | grep -v NOTICE || true
  STORE_ARGS=(--spring.datasource.url="$DB_URL" --spring.datasource.username="$DB_USER"
    --spring.datasource.hikari.schema="$SCHEMA" --spring.flyway.schemas="$SCHEMA"
    --spring.flyway.default-schema="$SCHEMA")
elif [ "$STORE" != h2 ]; then
  echo "--store is h2 or postgres" >&2; exit 2
fi

BENCH_ARGS=(--n "$N" --clients "$CLIENTS" --batch "$BATCH" --timeout "$TIMEOUT")
[ "$RATE" != 0 ] && BENCH_ARGS+=(--rate "$RATE" --duration "$DURATION")
[ "$ENQUEUE_ONLY" = 1 ] && BENCH_ARGS+=(--enqueue-only)
if [ -n "$XMX" ]; then
  JAVA_OPTS="${JAVA_OPTS:-} -Xmx$XMX"
  BENCH_ARGS+=(--depth-group demo)
fi

# a copy of the jar, so a rebuild during the run cannot pull it from under the app
cp "$JAR" "$DATA/app.jar"
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -jar "$DATA/app.jar" --server.port="$PORT" --taskqueue.data-dir="$DATA" \
  "${STORE_ARGS[@]}" "${EXTRA[@]}" > "$DATA/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; wait $APP 2>/dev/null || true' EXIT

for _ in $(seq 1 360); do
  curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null && break
  kill -0 $APP 2>/dev/null || { echo "the app exited; see $DATA/app.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/actuator/health" > /dev/null

[ "$RATE" != 0 ] && N="$RATE/s*${DURATION}s"
echo "jar=$JAR store=$STORE n=$N clients=$CLIENTS batch=$BATCH rate=$RATE data=$DATA extra=${EXTRA[*]:-none} java_opts=${JAVA_OPTS:-none} load=$(cut -d' ' -f1-3 /proc/loadavg)"
LABEL="store=$STORE"
[ -n "$XMX" ] && LABEL="$LABEL xmx=$XMX"
java bench/Bench.java --url "http://127.0.0.1:$PORT" "${BENCH_ARGS[@]}" --label "$LABEL"
