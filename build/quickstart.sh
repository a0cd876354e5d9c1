#!/usr/bin/env bash
# The main job, from a fresh clone: set-up (idempotent), build the admmnn tool, then compress the shipped LeNet-5
# (samples/models/lenet5-fashion.onnx, trained on Fashion-MNIST) with the default policy (samples/policies/default.json).
# Writes out/lenet5-fashion.compressed.onnx with report.json and report.html beside it.
# Extra arguments go to `admmnn compress` (e.g. --target fpga).
set -euo pipefail
cd "$(dirname "$0")/.."

./build/setup.sh

echo "quickstart: building the admmnn tool (Release) ..."
dotnet build src/AdmmNn.Cli -c Release -nologo -v:q

mkdir -p out
echo "quickstart: compressing samples/models/lenet5-fashion.onnx with samples/policies/default.json ..."
dotnet run --project src/AdmmNn.Cli -c Release --no-build -- \
  compress samples/models/lenet5-fashion.onnx \
  --policy samples/policies/default.json \
  --data fashion-mnist \
  --out out/lenet5-fashion.compressed.onnx \
  "$@"

echo "quickstart: done. Compressed model: out/lenet5-fashion.compressed.onnx; report: out/report.html"
