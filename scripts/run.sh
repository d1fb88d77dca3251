#!/usr/bin/env bash
# Runs Triton: SQLite and the pickup transport by default, data in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export Triton__DataDirectory="${Triton__DataDirectory:-$(pwd)/data}"
if [ -f Triton.Web/package.json ]; then
  (cd Triton.Web && npm ci --no-audit --no-fund --loglevel=error)
fi
exec dotnet run -c Release --project Triton.Web --urls "${URLS:-http://127.0.0.1:5000}" "$@"
