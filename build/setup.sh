#!/usr/bin/env bash
# Installs everything AdmmNn needs on a Debian 12 machine, idempotently:
#   - Debian packages: the Fashion-MNIST data set, ONNX's conformance data, OpenBLAS, PyTorch and ONNX for Python,
#     Chromium (headless, for the report screenshot test)
#     (apt-get runs only when one of them is missing);
#   - ONNX Runtime's native library (libonnxruntime.so.1, v1.30.0), taken from the npm package onnxruntime-node
#     into a cache folder the project owns: ${ADMMNN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/admmnn}/native/onnxruntime-1.30.0/.
# A second run changes nothing and says so. Prints what it did. Needs root (or sudo) only when packages are missing.
set -euo pipefail

readonly ORT_VERSION=1.30.0
readonly ORT_MEMBER="package/bin/napi-v6/linux/x64/libonnxruntime.so.1"
# chromium: the reports test renders report.html headless and takes a screenshot.
readonly DEBIAN_PACKAGES=(dataset-fashion-mnist libonnx-testdata libopenblas0-pthread python3-torch python3-onnx chromium)

cache_root="${ADMMNN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/admmnn}"
ort_dir="$cache_root/native/onnxruntime-$ORT_VERSION"
ort_lib="$ort_dir/libonnxruntime.so.1"

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
  # npm fetches ONNX Runtime below (over https, so it needs the CA certificates); only when the library is not cached yet.
  if [[ ! -s "$ort_lib" ]]; then
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    is_installed ca-certificates || missing+=(ca-certificates)
  fi
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

# --- ONNX Runtime native library -----------------------------------------------------------------------------------
if [[ -s "$ort_lib" ]]; then
  say "ONNX Runtime $ORT_VERSION already cached: $ort_lib"
else
  command -v npm >/dev/null 2>&1 || fail "npm is needed to fetch ONNX Runtime (apt-get install npm), or put libonnxruntime.so.1 at $ort_lib"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  say "fetching onnxruntime-node@$ORT_VERSION with npm pack (about 113 MB) ..."
  (cd "$work" && npm pack "onnxruntime-node@$ORT_VERSION" >"$work/npm.log" 2>&1) \
    || { tail -n 20 "$work/npm.log" >&2; fail "npm pack onnxruntime-node@$ORT_VERSION failed (npm's messages above)"; }
  tarball="$(find "$work" -maxdepth 1 -name 'onnxruntime-node-*.tgz' | head -n 1)"
  [[ -n "$tarball" ]] || fail "npm pack produced no onnxruntime-node tarball in $work"
  tar -xzf "$tarball" -C "$work" "$ORT_MEMBER" || fail "$tarball holds no $ORT_MEMBER"
  [[ "$(head -c 4 "$work/$ORT_MEMBER" | od -An -tx1 | tr -d ' \n')" == "7f454c46" ]] || fail "$ORT_MEMBER in $tarball is not an ELF library"
  mkdir -p "$ort_dir"
  # Copy beside the target and rename, so an interrupted run never leaves a half-written library in the cache.
  cp "$work/$ORT_MEMBER" "$ort_lib.tmp.$$"
  mv -f "$ort_lib.tmp.$$" "$ort_lib"
  say "cached ONNX Runtime $ORT_VERSION: $ort_lib ($(stat -c %s "$ort_lib") bytes)"
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
