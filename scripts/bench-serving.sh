#!/usr/bin/env bash
# Benchmarks `mltrack models serve` with wrk on loopback (docs/benchmarks.md, "Model serving").
# Builds Release, starts a throw-away tracking server, trains the wine model and downloads its model directory,
# stops that server, serves the directory and measures single-row and 1,000-row POST /invocations.
# Needs wrk (Debian: apt-get install -y wrk) and python3 (to write the payloads). Kills only the PIDs it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${DURATION:-15s}
work=$(mktemp -d /tmp/mltrack-bench-serving.XXXXXX)
server_pid=""
serve_pid=""
cleanup() {
  for pid in $serve_pid $server_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() { for _ in $(seq 200); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

dotnet build MlTrack.sln -c Release -v q -nologo >/dev/null
mltrack() { dotnet "$root/trainer/MlTrack.Cli/bin/Release/net10.0/mltrack.dll" "$@"; }

# A model directory, made the way users make one.
tracking_port=${TRACKING_PORT:-5071}
dotnet server/MlTrack.Server/bin/Release/net10.0/MlTrack.Server.dll --host 127.0.0.1 --port "$tracking_port" \
  --backend-store-uri "sqlite:///$work/mlruns.db" --artifacts-destination "$work/mlartifacts" >"$work/server.log" 2>&1 &
server_pid=$!
wait_for "http://127.0.0.1:$tracking_port/health"
export MLFLOW_TRACKING_URI="http://127.0.0.1:$tracking_port"
run_id=$(mltrack train --data examples/wine/wine-quality.csv --target quality --alpha 0.5 --l1-ratio 0.1 2>/dev/null \
  | sed -n 's/^Run ID: //p')
mltrack artifacts download --run-id "$run_id" --artifact-path model --dst-path "$work" >/dev/null
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

# Payloads: row 0, and rows 0-999, of the wine data in dataframe_split form (with the target column, ignored).
python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
rows = list(csv.reader(open("examples/wine/wine-quality.csv")))
header, data = rows[0], [[float(v) for v in r] for r in rows[1:]]
for name, n in (("single", 1), ("thousand", 1000)):
    body = json.dumps({"dataframe_split": {"columns": header, "data": data[:n]}})
    with open(f"{work}/{name}.lua", "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
        f.write("wrk.body = " + json.dumps(body) + "\n")
PY

serve_port=${SERVE_PORT:-5072}
mltrack models serve -m "$work/model" -p "$serve_port" >"$work/serve.log" 2>&1 &
serve_pid=$!
wait_for "http://127.0.0.1:$serve_port/ping"
url="http://127.0.0.1:$serve_port/invocations"
curl -sf -H 'Content-Type: application/json' --data-binary @<(sed -n 's/^wrk.body = //p' "$work/single.lua" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read()))') "$url"; echo

bench() { # bench <payload> <threads> <connections>
  echo "== wrk -t$2 -c$3 -d$duration --latency -s $1.lua $url"
  wrk -t"$2" -c"$3" -d"$duration" --latency -s "$work/$1.lua" "$url" | grep -E 'Latency  |50%|99%|Requests/sec|requests in|Non-2xx|Socket errors'
}
wrk -t1 -c4 -d5s -s "$work/single.lua" "$url" >/dev/null   # warm-up (tiered JIT)
wrk -t1 -c4 -d5s -s "$work/thousand.lua" "$url" >/dev/null
bench single 1 1
bench single 2 32
bench thousand 1 1
bench thousand 2 8
