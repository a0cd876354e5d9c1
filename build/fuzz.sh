#!/usr/bin/env bash
# Long fuzz run of the model readers (issue #16): seeded structure-aware mutations of each seed file, each input loaded
# and, when it loads, run once on a zero input; any exception other than the reader's documented one, more than
# --max-mb allocated or more than --max-ms of CPU per input is a failure, saved under $out and copied into
# tests/AdmmNn.Fuzzing.Tests/Regressions/<reader>/, where the test suite replays it as a regression case.
# One process at a time (the machine is shared). A crash (the process dies) is recovered: the input being run is saved
# as a failure and the run continues after it.
#
# Usage: build/fuzz.sh [packed|onnx|both] [COUNT] [SEED]      (defaults: both 100000 16)
#        build/fuzz.sh coverage [packed|onnx] [SECONDS]         (coverage-guided: afl++ with SharpFuzz; default onnx 600)
# Seeds: samples/models/lenet5-fashion.onnx, lenet5_pytorch.onnx, the committed corpus (a compressed, packed LeNet-5
# and a small PyTorch-exported CNN), and torchvision squeezenet1_1 exported with /usr/bin/python3 (skipped with a note
# when torchvision is missing).
# The ONNX run packs, loads in the runtime and runs only a seeded one in $THOROUGH_EVERY (default 16) of the inputs that
# read (packing a 1.7 MB model costs ~5x reading it); every input goes through the reader.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
which="${1:-both}"; count="${2:-100000}"; seed="${3:-16}"
export MSBUILDDISABLENODEREUSE=1
# Each ONNX input allocates megabyte arrays: a large gen0 budget and a 16 MB large-object threshold cut the run's CPU
# time about threefold (fewer full collections and page faults; measured 5.8 s -> 1.9 s for 300 inputs).
export DOTNET_GCgen0size=0x10000000 DOTNET_GCLOHThreshold=0x1000000
out="$repo/artifacts/fuzz"; seeds="$out/seeds"; mkdir -p "$seeds"
dotnet build -c Release benchmarks/AdmmNn.Fuzz -nologo -v:q >/dev/null
# Run from a copy per mode, so a rebuild or another mode's run neither disturbs it nor mixes versions on a restart.
bin="$out/bin-$which"
rm -rf "$bin"; cp -r "$repo/artifacts/bin/AdmmNn.Fuzz/release" "$bin"
fuzz="$bin/AdmmNn.Fuzz"

if [[ "$which" == coverage ]]; then
  reader="${2:-onnx}"; seconds="${3:-600}"
  [[ "$reader" == packed || "$reader" == onnx ]] || { echo "coverage: reader is packed or onnx" >&2; exit 2; }
  if ! command -v afl-fuzz >/dev/null; then
    # afl++ is needed only here, so build/setup.sh does not install it for everyone.
    [[ $(id -u) -eq 0 ]] || { echo "afl++ is missing: apt-get install afl++ (as root)" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends afl++ >/dev/null
  fi
  "$fuzz" instrument "$bin"
  ext=$([[ "$reader" == packed ]] && echo admmnn || echo onnx)
  # The committed seed corpus: every small file of the reader's kind (afl wants seeds well under 1 MB).
  corpus="$out/afl-$reader-seeds"; rm -rf "$corpus"; mkdir -p "$corpus"
  cp tests/AdmmNn.Fuzzing.Tests/Corpus/*."$ext" "$corpus/"
  findings="$out/afl-$reader"; rm -rf "$findings"
  echo "# $(date -u +%FT%TZ) afl-fuzz $reader for $seconds s from the committed corpus ($(ls "$corpus" | tr "\n" " ")); $(uptime)"
  # .NET code is instrumented by SharpFuzz, not afl's compiler: skip afl's binary check; the harness bounds memory itself.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    afl-fuzz -i "$corpus" -o "$findings" -t 5000 -m none -V "$seconds" -- "$fuzz" afl "$reader" || true
  echo "# $(date -u +%FT%TZ) done; $(uptime)"
  grep -E 'execs_done|corpus_count|saved_crashes|saved_hangs|edges_found|total_edges|bitmap_cvg' "$findings/default/fuzzer_stats" || true
  saved=0
  for crash in "$findings"/default/crashes/id:* "$findings"/default/hangs/id:*; do
    [[ -f "$crash" ]] || continue
    name="afl-$(basename "$(dirname "$crash")")-$(basename "$crash" | cut -d, -f1 | tr -d ':')"
    mkdir -p "tests/AdmmNn.Fuzzing.Tests/Regressions/$reader"
    cp "$crash" "tests/AdmmNn.Fuzzing.Tests/Regressions/$reader/$name.$ext"
    saved=$((saved + 1))
  done
  echo "$saved crashing or hanging inputs saved under tests/AdmmNn.Fuzzing.Tests/Regressions/$reader (replayed by the test suite)"
  exit 0
fi

if [[ ! -f "$seeds/squeezenet1_1.onnx" ]] && /usr/bin/python3 -c 'import torchvision' 2>/dev/null; then
  /usr/bin/python3 - "$seeds" <<'PY'
import sys, torch, torchvision
m = torchvision.models.squeezenet1_1(weights=None).eval()
torch.manual_seed(0)
torch.onnx.export(m, torch.randn(1, 3, 64, 64), f"{sys.argv[1]}/squeezenet1_1.onnx", opset_version=13,
                  input_names=["input"], output_names=["output"], do_constant_folding=True)
PY
fi
onnx_seeds=(--seed-file samples/models/lenet5-fashion.onnx:3 --seed-file samples/models/lenet5_pytorch.onnx:1
            --seed-file tests/AdmmNn.Fuzzing.Tests/Corpus/tiny-cnn-pytorch.onnx:3 --thorough-every "${THOROUGH_EVERY:-16}")
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
