#!/usr/bin/env bash
# Packs the shipped packages into a local folder feed:
#   AdmmNn.Abstractions, AdmmNn.Runtime (what apps reference), AdmmNn.Tool (the dotnet tool: a pointer package, plus
#   AdmmNn.Tool.linux-x64 with linux-x64's ONNX Runtime and AdmmNn.Tool.any for other platforms, without ONNX Runtime's
#   natives; `dotnet tool install AdmmNn.Tool` picks one), AdmmNn.Build (the MSBuild task package, carrying the tool
#   under tools/admmnn/ without ONNX Runtime's natives: compression never needs them).
# Every run gets a fresh version (0.1.0-dev.<UTC timestamp> unless ADMMNN_PACK_VERSION is set): NuGet caches a package by
# id+version, so repacking under the same version would be silently stale.
#
# Usage: build/pack.sh [feed-dir]        (default: artifacts/feed; ADMMNN_FEED also works)
#   ADMMNN_PACK_VERSION=1.2.3             the version to stamp
#   ADMMNN_PACK_CONFIGURATION=Release     build configuration (default Release)
#   ADMMNN_PACK_STAMP_ASSEMBLIES=0        stamp only the packages, not the assemblies: nothing recompiles when only the
#                                         version changed (the integration tests use this); default 1
# Prints "version=<v>" as the last line of stdout; everything else goes to stderr.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="${1:-${ADMMNN_FEED:-$repo/artifacts/feed}}"
version="${ADMMNN_PACK_VERSION:-0.1.0-dev.$(date -u +%Y%m%d%H%M%S)}"
configuration="${ADMMNN_PACK_CONFIGURATION:-Release}"
if [[ "${ADMMNN_PACK_STAMP_ASSEMBLIES:-1}" == 0 ]]; then version_property="PackageVersion"; else version_property="Version"; fi
mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for project in src/AdmmNn.Abstractions src/AdmmNn.Runtime src/AdmmNn.Cli src/AdmmNn.Build; do
  echo "pack: $project $version ($configuration)" >&2
  dotnet pack "$repo/$project" -c "$configuration" -o "$feed" -p:"$version_property=$version" -nologo -v:q -tl:off -m:1 >&2
done
# Third-party packages the shipped libraries depend on (AdmmNn.Runtime -> StbImageSharp), copied from the NuGet cache at
# the version Directory.Packages.props pins, so the feed restores on its own (offline, as the packaged-sample test does).
packages="$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')"
for dependency in StbImageSharp; do
  pinned="$(sed -n "s/.*<PackageVersion Include=\"$dependency\" Version=\"\([^\"]*\)\".*/\1/p" "$repo/Directory.Packages.props")"
  lower="${dependency,,}"
  cp "$packages/$lower/$pinned/$lower.$pinned.nupkg" "$feed/"
done
ls "$feed"/*."$version".nupkg >&2
echo "version=$version"
