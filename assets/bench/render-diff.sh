#!/usr/bin/env bash
# Renders every sample file that has pixel data with Huimin's Imaging target and with dcmtk
# (dcmj2pnm, or dcml2pnm for JPEG-LS) at full size with the same VOI window, then reports the mean
# and maximum absolute difference in grey levels per file.
#
#   assets/bench/render-diff.sh [output-dir]
#
# PACKAGE_DIR selects the Swift package to build the exporter test in (default: this repository;
# a scratch package linking Sources/Imaging and Tests/ImagingTests builds much faster).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
package=${PACKAGE_DIR:-$(cd "$here/../.." && pwd)}
out=${1:-$(mktemp -d)}
mkdir -p "$out"
HUIMIN_RENDER_DIFF_DIR=$out swift test -c release --package-path "$package" --filter RenderDiffExport >"$out/swift-test.log" 2>&1 \
    || { tail -20 "$out/swift-test.log"; exit 1; }
python3 "$here/render-diff.py" "$out"
