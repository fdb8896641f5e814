#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md (about 20 minutes on 2 cores).
# --quick: one short iteration of each, written to target/bench/BENCHMARKS.quick.md (a smoke run; CI uses it).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
[ "${1:-}" = "--quick" ] && quick=true

bash scripts/install-test-servers.sh
mvn -B -q -ntp -pl jsorc-bench -am package -DskipTests

jar=jsorc-bench/target/benchmarks.jar
out=target/bench
mkdir -p "$out"
java_opts=(-Dorg.slf4j.simpleLogger.defaultLogLevel=error)

if $quick; then
  hot=(-wi 1 -i 1 -w 200ms -r 200ms -f 1)
  cold=(-f 1)
  trials=2
  report=$out/BENCHMARKS.quick.md
else
  hot=()
  cold=()
  trials=20
  report=BENCHMARKS.md
fi

# One JMH run: its result table on stdout, the whole log kept beside the results. A benchmark that throws stops JMH
# (-foe true) and fails this script with the log, as does a run that wrote no result: a smoke run must be able to fail.
jmh() {
  local name=$1; shift
  local status=0
  java "${java_opts[@]}" -jar "$jar" "$@" -foe true -rf json -rff "$out/$name.json" > "$out/$name.log" 2>&1 || status=$?
  grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' "$out/$name.log" || true # only the table; the checks follow
  if [ "$status" -ne 0 ] || ! grep -q '"primaryMetric"' "$out/$name.json" 2> /dev/null; then
    tail -n 60 "$out/$name.log" >&2
    echo "benchmark run '$name' failed (JMH exit $status) or wrote no result to $out/$name.json" >&2
    exit 1
  fi
}

jmh lookup-t1 LookupBenchmark -t 1 -prof gc "${hot[@]}"
jmh lookup-t2 LookupBenchmark -t 2 -prof gc "${hot[@]}"
jmh new-instance NewInstanceBenchmark -prof gc "${hot[@]}"
jmh startup StartupBenchmark "${cold[@]}"
# The real app again as a host can ship it: with an AppCDS archive of its own (JDK 17: made by one run with
# -XX:ArchiveClassesAtExit), one per benchmark, Spring's included.
for b in jsorcRealAppStart springRealAppStart jsorcRealApp springRealApp; do
  rm -f "$out/$b.jsa"
  java "${java_opts[@]}" -jar "$jar" "RealAppStartupBenchmark.$b\$" -f 1 -foe true \
    -jvmArgsAppend "-XX:ArchiveClassesAtExit=$out/$b.jsa" > "$out/$b.archive.log" 2>&1 \
    || { tail -n 60 "$out/$b.archive.log" >&2; echo "making the AppCDS archive of $b failed" >&2; exit 1; }
  jmh "startup-cds-$b" "RealAppStartupBenchmark.$b\$" "${cold[@]}" -jvmArgsAppend "-XX:SharedArchiveFile=$out/$b.jsa"
done
jmh actions-t1 ActionCallBenchmark -t 1 -prof gc "${hot[@]}"
jmh actions-t2 ActionCallBenchmark -t 2 -prof gc "${hot[@]}"
jmh admin-t1 AdminApiBenchmark -t 1 -prof gc "${hot[@]}"
jmh admin-t2 AdminApiBenchmark -t 2 -prof gc "${hot[@]}"
jmh logs-t1 LogShippingBenchmark -t 1 -prof gc "${hot[@]}"
jmh logs-t2 LogShippingBenchmark -t 2 -prof gc "${hot[@]}"
java "${java_opts[@]}" -cp "$jar" io.jsorc.bench.RecoveryHarness "$trials" "$out/recovery.json"
java "${java_opts[@]}" -cp "$jar" io.jsorc.bench.BenchReport "$out" "$report" "scripts/bench.sh${1:+ $1}"
