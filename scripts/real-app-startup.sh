#!/usr/bin/env bash
# The startup benchmark's "real app" in the shape a newcomer runs it: jsorc-core + jsorc-services with their runtime
# dependencies, slf4j-simple, and a jar of the app's two services whose index lists just those (benchmarks.jar also
# carries jsorc-admin, -kube and -actions, whose extensions run at start, and 500 generated components). A fresh JVM
# per run against a real redis-server; prints each run's phases, then the medians (build + start + first lookups),
# and beside each run the floor in a JVM of its own: the libraries alone (io.jsorc.bench.app.LibrariesAlone).
#   --cds: then the same runs with an AppCDS archive of the app (JDK 17: -XX:ArchiveClassesAtExit once, then
#          -XX:SharedArchiveFile), as a host would ship it. Not the benchmark's line: a plain JVM is.
#   --preload-lists: instead, one run without preloading that logs every class load, and from it the classes the
#          main thread loads from jsorc-core's and jsorc-services' jars and their libraries, in the order it needs
#          them, the build's apart from the start's: the META-INF/jsorc/preload lists (written to
#          jsorc-bench/target/real-app/preload-{core,services}).
# Usage: scripts/real-app-startup.sh [runs (default 9)] [--cds | --preload-lists]
# Build first: mvn -pl jsorc-bench -am package
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-9}
mode=${2:-}
out=jsorc-bench/target/real-app
rm -rf "$out"
mkdir -p "$out/app/io/jsorc/bench/app" "$out/app/META-INF/jsorc/defaults"

# The app: its classes, its defaults, and an index of its own two components.
classes=jsorc-bench/target/classes
cp "$classes"/io/jsorc/bench/app/*.class "$out/app/io/jsorc/bench/app/"
cp "$classes"/META-INF/jsorc/defaults/{GREETER,VISITS}_CONFIG.json "$out/app/META-INF/jsorc/defaults/"
{ head -1 "$classes/META-INF/jsorc/index"; grep -P '^class=io\.jsorc\.bench\.app\.[A-Za-z]+\t' "$classes/META-INF/jsorc/index"; } \
  > "$out/app/META-INF/jsorc/index"
(cd "$out/app" && jar cf ../app.jar .) # AppCDS takes jars only

# What a dependency on jsorc-services brings at run time: the reactor's own jars (not a snapshot from the local
# repository), without logback (optional in jsorc-services: a user does not get it).
# The compile phase lets Maven resolve the reactor's modules (also the test-scoped ones) from their target folders, so
# nothing needs to be installed in the local repository first.
if ! mvn -B -q -ntp compile dependency:build-classpath -pl jsorc-services -am -DincludeScope=runtime \
  -Dmdep.outputFile="$PWD/$out/deps.classpath" > "$out/deps.log" 2>&1; then
  cat "$out/deps.log" >&2
  echo "real-app-startup.sh: could not list jsorc-services' runtime dependencies (Maven's output above)" >&2
  exit 1
fi
module_jar() { ls "$1"/target/"$1"-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1; }
# (The reactor's own modules appear as their target/classes folders: the module jars below take their place.)
deps=$(tr ':' '\n' < "$out/deps.classpath" | grep -v -e '/io/jsorc/' -e '/ch/qos/logback/' -e '/target/classes$' \
  | paste -sd: -)
simple=$(find ~/.m2/repository/org/slf4j/slf4j-simple -name 'slf4j-simple-2*.jar' | sort | tail -1)
classpath="$out/app.jar:$(module_jar jsorc-core):$(module_jar jsorc-services):$deps:$simple"

# A redis-server of our own on a free port, stopped on exit.
port=6390
while (echo > /dev/tcp/127.0.0.1/$port) 2> /dev/null; do port=$((port + 1)); done
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$out" > "$out/redis.log" 2>&1 &
redis_pid=$!
trap 'kill $redis_pid 2> /dev/null || true' EXIT
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2> /dev/null && break; sleep 0.1; done

measure() { # label, extra JVM options...
  local label=$1; shift
  local totals=() starts=() floors=()
  for i in $(seq "$runs"); do
    redis-cli -p "$port" flushall > /dev/null # an empty store, as in every benchmark fork
    line=$(java "$@" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" io.jsorc.bench.app.RealApp "$port" \
      | grep -A2 '^real app')
    echo "$label #$i: $(echo "$line" | tr -s ' \n' ' ')"
    totals+=("$(echo "$line" | sed -n 's/.*total \([0-9.]*\) ms.*/\1/p')")
    starts+=("$(echo "$line" | sed -n 's/.*build + start \([0-9.]*\) ms.*/\1/p')")
    # The floor, run by run beside it: the same class path and server, the libraries alone.
    redis-cli -p "$port" flushall > /dev/null
    line=$(java "$@" -cp "$classpath" io.jsorc.bench.app.LibrariesAlone "$port")
    echo "$label #$i: $line"
    floors+=("$(echo "$line" | sed -n 's/.*total \([0-9.]*\) ms.*/\1/p')")
  done
  summary() { # what, values...
    local what=$1; shift
    printf '%s\n' "$@" | sort -n | awk -v l="$label" -v w="$what" '{v[NR]=$1} END {
      printf "%s: median %.1f ms, min %.1f, max %.1f (%s, %d runs)\n", l, v[int((NR+1)/2)], v[1], v[NR], w, NR}'
  }
  summary "build + start" "${starts[@]}"
  summary "build + start + first lookups" "${totals[@]}"
  summary "libraries alone: first slf4j logger + jedis connect and GET, no container" "${floors[@]}"
}

if [ "$mode" = "--preload-lists" ]; then
  redis-cli -p "$port" flushall > /dev/null
  java -Djsorc.preload=false -Xlog:class+load:file="$out/class-load.log":tid -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$classpath" io.jsorc.bench.app.RealApp "$port" --phases > /dev/null
  main_tid=$(head -1 "$out/class-load.log" | awk '{print $1}')
  grep -F "$main_tid " "$out/class-load.log" > "$out/main-loads.log"
  # RealApp loads its BuildDone class between build() and start(): the build's classes end there.
  split=$(grep -n -F 'io.jsorc.bench.app.RealApp$BuildDone ' "$out/main-loads.log" | cut -d: -f1 || true)
  [ -n "$split" ] || { echo "no RealApp\$BuildDone line in $out/class-load.log: cannot split build from start" >&2; exit 1; }
  # ... and its StartDone class between start() and the first lookups: the start's classes end there.
  end=$(grep -n -F 'io.jsorc.bench.app.RealApp$StartDone ' "$out/main-loads.log" | cut -d: -f1 || true)
  [ -n "$end" ] || { echo "no RealApp\$StartDone line in $out/class-load.log: cannot split start from lookups" >&2; exit 1; }
  list() { # phase (build or start), jar name patterns -> the classes the main thread loads then, in load order
           # (no lambdas or other hidden classes; not what daemons load meanwhile, such as the config subscription's)
    local range="${split},${end}p"
    [ "$1" = build ] && range="1,${split}p"
    sed -n "$range" "$out/main-loads.log" | grep -E "source: file:.*/($2)[^/]*\.jar" | awk '{print $2}' \
      | { grep -v -e 'Lambda' -e '/0x' || true; }
  }
  { sed -n '1,/^\[/p' jsorc-core/src/main/resources/META-INF/jsorc/preload # the header, up to [*]
    list build 'jsorc-core-|jackson-'
    echo "[start]"
    list start 'jsorc-core-|jackson-'; } > "$out/preload-core"
  services='jsorc-services-|jedis-|commons-pool2-|redis-authx-|snakeyaml-'
  { sed -n '1,/^\[/p' jsorc-services/src/main/resources/META-INF/jsorc/preload # the header, up to [*]
    list build "$services"
    echo "[io.jsorc.services.redis.RedisHook]"
    list start "$services"; } > "$out/preload-services"
  wc -l "$out/preload-core" "$out/preload-services"
  exit 0
fi

measure "plain JVM"
if [ "$mode" = "--cds" ]; then
  java -XX:ArchiveClassesAtExit="$out/app.jsa" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" \
    io.jsorc.bench.app.RealApp "$port" > /dev/null
  measure "AppCDS" -XX:SharedArchiveFile="$out/app.jsa"
fi
