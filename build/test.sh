#!/usr/bin/env bash
# The whole test suite: set-up (idempotent), then `dotnet test AdmmNn.sln -c Release`, then one line with the totals
# summed over every test project: "Tests: N passed, N failed, N skipped". Exits non-zero if anything failed,
# including the build or a crashed test host. Extra arguments go to dotnet test (e.g. --filter ...).
set -euo pipefail
cd "$(dirname "$0")/.."

./build/setup.sh

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
# Plain console output (no terminal logger), so the per-assembly summary lines below are printed and parseable.
export MSBUILDTERMINALLOGGER=off
dotnet test AdmmNn.sln -c Release "$@" 2>&1 | tee "$log" || status=$?

# VSTest's console logger prints one summary per test assembly:
#   "Passed!  - Failed:     0, Passed:    46, Skipped:     0, Total:    46, Duration: 1 s - X.Tests.dll (net10.0)"
summary="$(grep -E '^(Passed|Failed)!  - Failed: ' "$log" | sed -E 's/\x1b\[[0-9;]*m//g' || true)"
sum() { printf '%s\n' "$summary" | grep -oE "$1: +[0-9]+" | awk '{ s += $2 } END { print s + 0 }'; }
passed="$(sum Passed)"
failed="$(sum Failed)"
skipped="$(sum Skipped)"
projects="$(printf '%s\n' "$summary" | grep -c . || true)"

echo
echo "Test assemblies reporting: $projects"
if ((status != 0 || failed != 0)); then
  echo "FAILED (dotnet test exit code $status)"
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if ((status != 0 || failed != 0)); then
  exit $((status != 0 ? status : 1))
fi
