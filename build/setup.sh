#!/usr/bin/env bash
# Installs everything AdmmNn needs on a Debian 12 machine, idempotently:
#   - Debian packages: the Fashion-MNIST data set, ONNX's conformance data, OpenBLAS, PyTorch, torchvision and ONNX for Python,
#     Chromium (headless, for the report screenshot test)
#     (apt-get runs only when one of them is missing).
# ONNX Runtime comes with the Microsoft.ML.OnnxRuntime NuGet package that `dotnet restore` fetches; nothing to do here.
# A second run changes nothing and says so. Prints what it did. Needs root (or sudo) only when packages are missing.
set -euo pipefail

# chromium: the reports test renders report.html headless and takes a screenshot.
# ca-certificates: NuGet restores over https (ONNX Runtime arrives as the Microsoft.ML.OnnxRuntime package).
readonly DEBIAN_PACKAGES=(dataset-fashion-mnist libonnx-testdata libopenblas0-pthread python3-torch python3-torchvision python3-onnx chromium ca-certificates)

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- .NET SDK ----------------------------------------------------------------------------------------------------
if ! command -v dotnet >/dev/null 2>&1; then
  fail "the .NET SDK 10 is not installed (dotnet is not on PATH). Install it from https://dot.net (see global.json), then rerun."
fi
say "dotnet $(dotnet --version) found"

# --- Debian packages ---------------------------------------------------------------------------------------------
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${DEBIAN_PACKAGES[@]}"; do
    is_installed "$package" || missing+=("$package")
  done
else
  say "warning: not a Debian system (no dpkg-query); install the equivalents of ${DEBIAN_PACKAGES[*]} yourself."
  say "         Fashion-MNIST: put {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz in a folder and set ADMMNN_DATA to it."
fi

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    fail "missing Debian packages: ${missing[*]}. Run as root: apt-get update && apt-get install -y ${missing[*]}"
  fi
  say "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  say "installed: ${missing[*]}"
elif command -v dpkg-query >/dev/null 2>&1; then
  say "Debian packages already installed: ${DEBIAN_PACKAGES[*]}"
fi

# --- Summary -------------------------------------------------------------------------------------------------------
if [[ -d /usr/share/datasets/fashion-mnist ]]; then
  say "Fashion-MNIST: /usr/share/datasets/fashion-mnist"
elif [[ -n "${ADMMNN_DATA:-}" ]]; then
  say "Fashion-MNIST: from ADMMNN_DATA=$ADMMNN_DATA"
else
  say "warning: Fashion-MNIST not found; apt-get install dataset-fashion-mnist, or set ADMMNN_DATA to a folder with the IDX files"
fi
say "done"
