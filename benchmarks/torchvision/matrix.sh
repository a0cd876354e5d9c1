#!/usr/bin/env bash
# The issue-18 acceptance matrix: eight torchvision models x opsets 11, 13, 17, as PyTorch exports them.
# For each: import (admmnn inspect), admmnn analyze on every bundled target (host-cpu with a quick timing profile:
# benchmarks/torchvision/quick-host-cpu.json), and the engine-vs-ONNX-Runtime difference and one-step training check
# from the test suite (TorchvisionImportTests with ADMMNN_TORCHVISION_ALL=1).
# Usage: benchmarks/torchvision/matrix.sh [OUT_DIR]   (default artifacts/torchvision-matrix); prints a Markdown table.
# CPU-heavy (tens of minutes on 2 cores); not part of ./build/test.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/artifacts/torchvision-matrix}"
mkdir -p "$out"
export MSBUILDDISABLENODEREUSE=1
fixtures="${ADMMNN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/admmnn}/fixtures/torchvision"
models=(resnet18 mobilenet_v2 mobilenet_v3_small efficientnet_b0 shufflenet_v2_x0_5 squeezenet1_1 densenet121 regnet_y_400mf)
opsets=(11 13 17)
targets=(fpga asic mobile-gpu host-cpu)

/usr/bin/python3 "$root/samples/models/export_torchvision.py" --out "$fixtures" >"$out/export.log"
dotnet build "$root/src/AdmmNn.Cli" -c Release -nologo -v:q >"$out/build.log"
cli="$root/artifacts/bin/AdmmNn.Cli/release/admmnn"

if [[ "${SKIP_TESTS:-0}" != 1 ]]; then
  dotnet build "$root/tests/AdmmNn.Plugins.Onnx.Tests" -c Release -nologo -v:q >>"$out/build.log"
  ADMMNN_TORCHVISION_ALL=1 dotnet test "$root/tests/AdmmNn.Plugins.Onnx.Tests" -c Release --no-build \
    --filter "FullyQualifiedName~TorchvisionImportTests" --logger "console;verbosity=detailed" >"$out/tests.log" 2>&1 || true
fi

echo "| model | opset | imported | nodes | analyze fpga/asic/mobile-gpu/host-cpu | max diff vs ORT | loss after 1 step |"
echo "|---|---|---|---|---|---|---|"
for model in "${models[@]}"; do
  for opset in "${opsets[@]}"; do
    f="$fixtures/$model-opset$opset.onnx"
    log="$out/$model-$opset"
    if "$cli" inspect "$f" >"$log.inspect" 2>&1; then imported=yes; else imported=no; fi
    nodes="$(sed -n 's/^\([0-9]*\) nodes:.*/\1/p' "$log.inspect")"
    verdicts=()
    for t in "${targets[@]}"; do
      profile=()
      [[ $t == host-cpu ]] && profile=(--profile "$root/benchmarks/torchvision/quick-host-cpu.json")
      if "$cli" analyze "$f" --target "$t" "${profile[@]}" >"$log.analyze-$t" 2>&1; then verdicts+=(ok); else verdicts+=(FAIL); fi
    done
    diff="$(grep -o "$model opset $opset: .*engine vs ORT max relative difference [0-9.E+-]*" "$out/tests.log" 2>/dev/null | sed 's/.*difference //' || true)"
    loss="$(grep -o "$model opset $opset: loss [0-9.]* -> [0-9.]*" "$out/tests.log" 2>/dev/null | sed 's/.*loss //' || true)"
    echo "| $model | $opset | $imported | ${nodes:-} | $(IFS=/; echo "${verdicts[*]}") | ${diff:-n/a} | ${loss:-n/a} |"
  done
done
