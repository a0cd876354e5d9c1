#!/usr/bin/env bash
# Runs the GEMM and LeNet-5 benchmarks twice each (Release) and keeps the output under benchmarks/results/.
# Usage: benchmarks/run-benchmarks.sh [--quick]
# Speed figures are measurements, not tests: run on an otherwise idle machine (see the load average in the output).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
mkdir -p benchmarks/results
out="benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
dotnet build -c Release benchmarks/AdmmNn.Benchmarks -v quiet -nologo >/dev/null
run() { dotnet run -c Release --no-build --project benchmarks/AdmmNn.Benchmarks -- "$@"; }
{
  echo "# $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(nproc) cores; dotnet $(dotnet --version)"
  for round in 1 2; do
    echo "## round $round: gemm"; run gemm "$@"
    echo "## round $round: lenet5"; run lenet5 "$@"
  done
} 2>&1 | tee "$out"
echo "saved $out"
