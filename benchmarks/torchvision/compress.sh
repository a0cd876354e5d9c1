#!/usr/bin/env bash
# admmnn compress (samples/policies/torchvision-smoke.json: 2x unstructured on every conv/linear weight, 8-bit) and
# admmnn pack on torchvision models, with Fashion-MNIST-derived RGB 64x64 data. Prints a Markdown table: model, opset,
# compress exit code and wall time, pack exit code and packed size. Usage:
#   benchmarks/torchvision/compress.sh [OUT_DIR] MODEL:OPSET ...   (default: the eight models at opset 13)
# Needs a built CLI (dotnet build src/AdmmNn.Cli -c Release). CPU-heavy; report the load average beside the times.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/artifacts/torchvision-compress}"; shift || true
cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || cases=(squeezenet1_1:13 mobilenet_v3_small:13 shufflenet_v2_x0_5:13 efficientnet_b0:13 regnet_y_400mf:13 mobilenet_v2:13 resnet18:13 densenet121:13)
mkdir -p "$out"
cache="${ADMMNN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/admmnn}/fixtures"
cli="$root/artifacts/bin/AdmmNn.Cli/release/admmnn"
[[ -s "$cache/fashion-rgb64.npz" ]] || /usr/bin/python3 "$root/samples/models/make_fashion_rgb64.py" "$cache/fashion-rgb64.npz"
echo "| model | opset | compress | wall s | pack | packed bytes | load avg |"
echo "|---|---|---|---|---|---|---|"
for c in "${cases[@]}"; do
  model="${c%%:*}"; opset="${c##*:}"
  /usr/bin/python3 "$root/samples/models/export_torchvision.py" --out "$cache/torchvision" --models "$model" --opsets "$opset" >/dev/null
  base="$out/$model-$opset"
  start=$(date +%s.%N)
  "$cli" compress "$cache/torchvision/$model-opset$opset.onnx" --data "$cache/fashion-rgb64.npz" \
    --policy "$root/samples/policies/torchvision-smoke.json" --out "$base.onnx" --result "$base.json" --threads 2 >"$base.compress.log" 2>&1
  compress=$?
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  pack=n/a; size=
  if [[ $compress == 0 ]]; then
    "$cli" pack "$base.onnx" --out "$base.admmnn" >"$base.pack.log" 2>&1; pack=$?
    [[ $pack == 0 ]] && size=$(stat -c %s "$base.admmnn")
    grep -q "cannot run it" "$base.pack.log" && pack="written; runtime cannot run it"
  fi
  echo "| $model | $opset | exit $compress | $(printf %.0f "$wall") | ${pack/#0/ok} | ${size} | $(cut -d' ' -f1 /proc/loadavg) |"
done
