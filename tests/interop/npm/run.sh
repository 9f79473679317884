#!/usr/bin/env bash
# Interop test: drives an MlTrack server with the npm package mlflow@2.0.7.
# Usage: MLTRACK_URL=http://127.0.0.1:5000 bash tests/interop/npm/run.sh
# Prints TAP (with the "# pass N" / "# fail N" summary lines) and exits with node's status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

: "${MLTRACK_URL:?set MLTRACK_URL to the MlTrack server, e.g. http://127.0.0.1:5000}"
export MLTRACK_URL

npm ci --no-audit --no-fund --loglevel=error >/dev/null

status=0
node --test --test-reporter=tap interop.test.mjs || status=$?
exit "$status"
