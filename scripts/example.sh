#!/usr/bin/env bash
# Runs the main job: the examples app on the embedded in-memory default (no server needed).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -q -ntp -pl examples -am package exec:exec -DskipTests "$@"
