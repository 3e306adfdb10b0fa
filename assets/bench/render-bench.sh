#!/usr/bin/env bash
# Milliseconds per 256 px thumbnail (read, parse, decode, window, shrink, JPEG-encode) for a set of
# sample files, built in release. PACKAGE_DIR as for render-diff.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
package=${PACKAGE_DIR:-$(cd "$here/../.." && pwd)}
HUIMIN_RENDER_BENCH=1 swift test -c release --package-path "$package" --filter RenderBenchmark 2>&1 \
    | grep RENDER-BENCH | cut -f2- | column -t -s $'\t'
