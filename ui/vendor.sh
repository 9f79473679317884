#!/usr/bin/env bash
# Installs the UI's third-party assets exactly as package-lock.json pins them (npm ci checks each tarball's
# integrity hash) and copies their browser builds into the server's wwwroot/vendor, which is committed so that
# the server needs no Node.js. Run it after changing package.json (then commit package-lock.json and vendor/).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund
dest=../server/MlTrack.Server/wwwroot/vendor
mkdir -p "$dest"
# source (under node_modules) -> name in vendor/; VendoredAssetsTests reads this same list.
while read -r src name; do
  [ -n "$src" ] && cp "node_modules/$src" "$dest/$name"
done < vendor.list
echo "vendored: $(cut -d' ' -f2 vendor.list | tr '\n' ' ')"
