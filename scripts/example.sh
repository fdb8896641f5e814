#!/usr/bin/env bash
# Runs the main job: the examples app on the embedded in-memory default (no server needed).
# With 'serve' first: the app keeps running with the admin API for the jsorc CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
# ./scripts/example.sh serve: the same app with the admin API on 127.0.0.1:9466 until Ctrl-C (see README, "Operating").
if [ "${1:-}" = "serve" ]; then
  shift
  set -- -Dexec.mainClass=io.jsorc.examples.Serve "$@"
fi
exec mvn -B -q -ntp -pl examples -am package exec:exec -DskipTests "$@"
