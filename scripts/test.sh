#!/usr/bin/env bash
# Runs every test of every module, on a fresh machine too: installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-servers.sh

mvn -B -ntp verify "$@"

# The test kit is compiled against, and tested above on, the lowest JUnit it supports (5.10, jsorc-test/pom.xml); its
# own tests run again here on JUnit 6. (A consumer project's tests run on JUnit 5.11 and 6 in examples' FreshProjectTest.)
mvn -B -ntp -q test -pl jsorc-core,jsorc-test -Djunit.version=6.1.3 -Dtest='io.jsorc.test.*Test*,!io.jsorc.test.*Scenario' \
  -Dsurefire.failIfNoSpecifiedTests=false "$@"

# The benchmark module is compiled above; a one-iteration smoke run proves it runs (numbers are not checked).
bash scripts/bench.sh --quick > target-bench.log 2>&1 || { cat target-bench.log; echo "benchmark smoke run failed" >&2; exit 1; }
tail -n 2 target-bench.log
rm -f target-bench.log

# The main job must run to completion from its README command as well.
bash scripts/example.sh > target-example.log 2>&1 || { cat target-example.log; echo "example app failed" >&2; exit 1; }
if grep -q $'\e\[' target-example.log; then
  cat -v target-example.log | head -n 20; echo "the example's output carries ANSI escape codes" >&2; exit 1
fi
tail -n 3 target-example.log
rm -f target-example.log
