#!/usr/bin/env bash
# JFR profile of a benchmark run, summarised as top self-time methods, libraries, threads (JDK 17
# has no `jfr view hot-methods`; bench/JfrSummary.java aggregates jdk.ExecutionSample instead).
#
#   bench/profile.sh --run [bench/run.sh options]   # e.g. --run --store postgres --n 20000 --no-build
#   bench/profile.sh FILE.jfr [TOP]                 # summarise an existing recording (TOP rows, 25)
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
    bench/run.sh "$@"
  for _ in $(seq 1 30); do [ -s "$JFR" ] && break; sleep 1; done
  java bench/JfrSummary.java "$JFR" 25 | tee "${JFR%.jfr}.txt"
  echo "recording: $JFR  summary: ${JFR%.jfr}.txt"
elif [ -n "${1:-}" ]; then
  java bench/JfrSummary.java "$1" "${2:-25}"
else
  sed -n '2,10p' "$0"; exit 2
fi
