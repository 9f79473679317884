#!/usr/bin/env bash
# Runs every MlTrack test on a fresh machine: installs what the tests need, builds, runs the .NET suites,
# starts a real server for the third-party client tests, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
log_dir=${MLTRACK_TEST_LOGS:-$root/artifacts/test-logs}
mkdir -p "$log_dir"

passed=0
failed=0
server_pid=""

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
}
trap cleanup EXIT

note() { printf '\n== %s\n' "$*"; }

# --- prerequisites -------------------------------------------------------------------------------
apt_updated=""
apt_install() { # apt_install <package...>
  note "installing $*"
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need_apt() { # need_apt <command> <package...>
  command -v "$1" >/dev/null 2>&1 && return 0
  shift
  apt_install "$@"
}
command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download"; exit 1; }
need_apt node nodejs npm
need_apt curl curl
# Debian's python3 with numpy and pandas loads saved models through their python_function flavor.
/usr/bin/python3 -c 'import numpy, pandas' >/dev/null 2>&1 || apt_install python3 python3-numpy python3-pandas
# The browser tests drive Debian's chromium headless (Playwright never downloads a browser of its own).
[ -x /usr/bin/chromium ] || apt_install chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Screenshots of every UI page, kept with the logs.
export MLTRACK_UI_SCREENSHOTS="$log_dir/ui-screenshots"
# The UI's vendored assets are compared with what ui/package-lock.json installs (VendoredAssetsTests).
note "npm ci in ui/ (vendored UI assets)"
(cd ui && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || echo "npm ci in ui/ failed; VendoredAssetsTests will say so"

# --- .NET suites ---------------------------------------------------------------------------------
note "building"
if ! dotnet build MlTrack.sln -c Release -nologo -v quiet 2>&1 | tail -n 20; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

note "dotnet test"
dotnet test MlTrack.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=mltrack" --results-directory "$log_dir/trx" 2>&1 | tee "$log_dir/dotnet-test.log" \
  | grep -E '^\s*(Failed|Passed!|Failed!|Skipped)|Error Message' || true
read -r p f < <(python3 - "$log_dir/trx" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    p += int(counters.get("passed", 0)); f += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
print(p, f)
PY
)
if [ "${p:-0}" = "0" ] && [ "${f:-0}" = "0" ]; then f=1; echo "dotnet test produced no results"; fi
passed=$((passed + p)); failed=$((failed + f))
rm -rf "$log_dir/trx"

# --- a real server for third-party clients ---------------------------------------------------------
note "starting a server for the interoperability tests"
server_dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$server_dir" && exec dotnet "$root/server/MlTrack.Server/bin/Release/net10.0/MlTrack.Server.dll" --port "$port") \
  >"$log_dir/interop-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done

note "npm mlflow 2.0.7 interoperability"
MLTRACK_URL="http://127.0.0.1:$port" bash tests/interop/npm/run.sh >"$log_dir/interop-npm.log" 2>&1
npm_status=$?
grep -E '^not ok|^# (pass|fail|todo|skipped)' "$log_dir/interop-npm.log"
p=$(grep -E '^# pass ' "$log_dir/interop-npm.log" | awk '{print $3}'); f=$(grep -E '^# fail ' "$log_dir/interop-npm.log" | awk '{print $3}')
if [ -z "$p" ] || { [ "$npm_status" != 0 ] && [ "${f:-0}" = 0 ]; }; then f=$(( ${f:-0} + 1 )); tail -n 20 "$log_dir/interop-npm.log"; fi
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
