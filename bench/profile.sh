#!/usr/bin/env bash
# JFR profile of a benchmark run, summarised as top self-time methods, libraries, threads (JDK 17
# has no `jfr view hot-methods`; bench/JfrSummary.java aggregates jdk.ExecutionSample instead).
#
#   bench/profile.sh --run [bench/run.sh options]   # e.g. --run --store postgres --n 20000 --no-build
#   bench/profile.sh FILE.jfr [TOP [SINCE]]         # summarise an existing recording (TOP rows, 25;
#                                                   # events before the ISO instant SINCE left out)
#
# --run records the app's JVM with settings=profile (JAVA_OPTS -XX:StartFlightRecording, dumped when
# run.sh stops the app) into target/profile-<time>.jfr and writes the summary next to it (.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = --run ]; then
  shift
  mkdir -p target
  JFR="$PWD/target/profile-$(date +%Y%m%d-%H%M%S).jfr"
  JAVA_OPTS="${JAVA_OPTS:-} -XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true" \
    bench/run.sh "$@" | tee "${JFR%.jfr}.run.txt"
  for _ in $(seq 1 30); do [ -s "$JFR" ] && break; sleep 1; done
  # leave the app's start-up out: samples from its "Started TaskQueueApplication" line on
  DATA=$(sed -n 's/^jar=.* data=\([^ ]*\) .*/\1/p' "${JFR%.jfr}.run.txt" | head -n 1)
  SINCE=$(grep -h -m1 'Started TaskQueueApplication' "$DATA/app.log" 2>/dev/null | cut -d' ' -f1)
  java bench/JfrSummary.java "$JFR" 25 $SINCE | tee "${JFR%.jfr}.txt"
  echo "recording: $JFR  summary: ${JFR%.jfr}.txt"
elif [ -n "${1:-}" ]; then
  java bench/JfrSummary.java "$1" "${2:-25}" ${3:-}
else
  sed -n '2,10p' "$0"; exit 2
fi
