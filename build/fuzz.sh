#!/usr/bin/env bash
# Long fuzz run of the model readers (issue #16): seeded structure-aware mutations of each seed file, each input loaded
# and, when it loads, run once on a zero input; any exception other than the reader's documented one, more than
# --max-mb allocated or more than --max-ms of CPU per input is a failure, saved under $out and copied into
# tests/AdmmNn.Fuzzing.Tests/Regressions/<reader>/, where the test suite replays it as a regression case.
# One process at a time (the machine is shared). A crash (the process dies) is recovered: the input being run is saved
# as a failure and the run continues after it.
#
# Usage: build/fuzz.sh [packed|onnx|both] [COUNT] [SEED]      (defaults: both 100000 16)
# Seeds: samples/models/lenet5-fashion.onnx, lenet5_pytorch.onnx, the committed packed corpus, and torchvision
# squeezenet1_1 exported with /usr/bin/python3 (skipped with a note when torchvision is missing).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
which="${1:-both}"; count="${2:-100000}"; seed="${3:-16}"
export MSBUILDDISABLENODEREUSE=1
out="$repo/artifacts/fuzz"; seeds="$out/seeds"; mkdir -p "$seeds"
dotnet build -c Release benchmarks/AdmmNn.Fuzz -nologo -v:q >/dev/null
# Run from a copy, so a rebuild during a long run neither disturbs it nor mixes versions on a restart.
rm -rf "$out/bin"; cp -r "$repo/artifacts/bin/AdmmNn.Fuzz/release" "$out/bin"
fuzz="$out/bin/AdmmNn.Fuzz"

if [[ ! -f "$seeds/squeezenet1_1.onnx" ]] && /usr/bin/python3 -c 'import torchvision' 2>/dev/null; then
  /usr/bin/python3 - "$seeds" <<'PY'
import sys, torch, torchvision
m = torchvision.models.squeezenet1_1(weights=None).eval()
torch.manual_seed(0)
torch.onnx.export(m, torch.randn(1, 3, 64, 64), f"{sys.argv[1]}/squeezenet1_1.onnx", opset_version=13,
                  input_names=["input"], output_names=["output"], do_constant_folding=True)
PY
fi
onnx_seeds=(--seed-file samples/models/lenet5-fashion.onnx:4 --seed-file samples/models/lenet5_pytorch.onnx:2)
packed_seeds=(--seed-file tests/AdmmNn.Fuzzing.Tests/Corpus/lenet5-80x.admmnn:5)
[[ -f "$seeds/lenet5-dense.admmnn" ]] || "$fuzz" make-packed samples/models/lenet5-fashion.onnx "$seeds/lenet5-dense.admmnn" 1.0 8
packed_seeds+=(--seed-file "$seeds/lenet5-dense.admmnn:1")
if [[ -f "$seeds/squeezenet1_1.onnx" ]]; then
  onnx_seeds+=(--seed-file "$seeds/squeezenet1_1.onnx:1")
  [[ -f "$seeds/squeezenet1_1.admmnn" ]] || "$fuzz" make-packed "$seeds/squeezenet1_1.onnx" "$seeds/squeezenet1_1.admmnn" 0.1 5
  packed_seeds+=(--seed-file "$seeds/squeezenet1_1.admmnn:2")
else
  echo "note: /usr/bin/python3 with torchvision not found: no torchvision seed"
fi

run() {
  local reader="$1"; shift
  local first=0 end=$count status
  local log="$out/$reader-s$seed.log"
  echo "# $(date -u +%FT%TZ) $reader: $count inputs from seed $seed; $(uptime)" | tee "$log"
  while ((first < end)); do
    status=0
    "$fuzz" "$reader" "$@" --count $((end - first)) --first "$first" --seed "$seed" --out "$out/failures" \
      --regressions "tests/AdmmNn.Fuzzing.Tests/Regressions/$reader" 2>&1 | tee -a "$log" || status=$?
    ((status == 0 || status == 1)) && break
    # The process died (crash, hang or out of memory): save the input it was running and go on after it.
    local at; at="$(od -An -t d8 -N8 "$out/failures/current-$reader" | tr -d ' ')"
    echo "process exited with $status at input $at: saved as a failure" | tee -a "$log"
    "$fuzz" "$reader" "$@" --seed "$seed" --out "$out/failures" --regressions "tests/AdmmNn.Fuzzing.Tests/Regressions/$reader" --emit "$at" >/dev/null
    first=$((at + 1))
  done
  echo "# $(date -u +%FT%TZ) done; $(uptime)" | tee -a "$log"
}
[[ "$which" == packed || "$which" == both ]] && run packed "${packed_seeds[@]}"
[[ "$which" == onnx || "$which" == both ]] && run onnx "${onnx_seeds[@]}"
echo "logs and failures under $out"
