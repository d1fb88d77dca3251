#!/usr/bin/env bash
# Installs what the benchmarks need (when missing), builds in Release and runs the scenarios of
# docs/BENCHMARKS.md, recording the machine's load before and after each one.
#
#   scripts/bench.sh                      every scenario at the sizes below
#   scripts/bench.sh engine render        only these scenarios
#   scripts/bench.sh opens                open tracking: opens recorded per second, a burst during a campaign
#   scripts/bench.sh pages                the campaign page while sending: open, Pause/Run (Chromium), 50 open pages
#   BENCH_PAGES_PAIRS=5 BENCH_PAGES_WARMUPS=2 scripts/bench.sh pages   more campaigns with and without open pages
#   BENCH_SMTP="100000 8 2000" scripts/bench.sh smtp
#   BENCH_NEWSLETTERS=sloppy scripts/bench.sh smtp   only some of the smtp scenario's newsletters (newsletter, sloppy, plain)
#
# Output goes to the terminal and to artifacts/bench-<UTC time>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { echo "bench.sh: $*" >&2; }

: "${BENCH_ENGINE_SIZES:=100000 1000000}"   # recipients, instant transport; one process per size
: "${BENCH_PICKUP_SIZE:=100000}"            # recipients, pickup transport (one .eml file each)
: "${BENCH_RENDER:=200000}"                 # renders on one thread
: "${BENCH_SMTP:=20000 8 1000}"             # messages, pool size, System.Net.Mail messages
: "${BENCH_CSV:=1000000}"                   # CSV rows
: "${BENCH_WEB:=100000 50}"                 # recipients per campaign, SignalR clients
: "${BENCH_EVENTS:=20000 100000}"           # events posted, recipients of the campaign sending meanwhile
: "${BENCH_SCALEOUT:=100000 3}"             # recipients, most engine processes (1..N) on one PostgreSQL
: "${BENCH_OPENS:=200000 50000 300000}"     # opens fetched, burst during a campaign, its recipients
: "${BENCH_PAGES:=100000 50 50}"            # recipients per campaign, open pages (circuits), browser samples

# --- system packages -------------------------------------------------------------------------
. scripts/install-packages.sh
missing=()
[ -x /usr/sbin/smtp-sink ] || missing+=(postfix)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# Debian's Chromium for the pages scenario, as scripts/test.sh installs it for the browser tests
# (Playwright drives it; no browser download).
dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'ok installed' || missing+=(chromium)
install_packages "${missing[@]}"

# --- the nodemailer peer (package.json + package-lock.json; node_modules is not committed) ---
[ -d bench/peers/node_modules/nodemailer ] || (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# --- build -------------------------------------------------------------------------------------
dotnet build -c Release --nologo -v quiet Triton.sln >/dev/null
BENCH=bench/Triton.Bench/bin/Release/net10.0/Triton.Bench.dll

mkdir -p artifacts
LOG="artifacts/bench-$(date -u +%Y%m%dT%H%M%SZ).log"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(engine render smtp csv web events opens pages scaleout)

# A throwaway PostgreSQL for the scale-out scenario (as scripts/test.sh starts one for the tests).
start_postgres() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  PGUSER_OS=postgres
  id "$PGUSER_OS" >/dev/null 2>&1 || PGUSER_OS=$(id -un)
  PGDIR=$(mktemp -d /tmp/triton-bench-pg.XXXXXX)
  as_pg() { if [ "$(id -u)" -eq 0 ] && [ "$PGUSER_OS" != root ]; then runuser -u "$PGUSER_OS" -- "$@"; else "$@"; fi; }
  [ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS" "$PGDIR"
  trap 'as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"' EXIT
  PGPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U triton --auth=trust -E UTF8 >/dev/null
  # Durable settings (fsync on), unlike the tests' server: the figures should be those of a real deployment.
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGDIR -c max_connections=200" start >/dev/null
  export TRITON_BENCH_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=triton;Database=postgres"
}

run() {
  { echo; echo "\$ dotnet $BENCH $*"; echo "uptime before: $(uptime)"; } | tee -a "$LOG"
  # Quiet the framework's one-line warning about the throwaway key ring of each run.
  dotnet "$BENCH" "$@" 2>&1 | grep --line-buffered -v -e 'No XML encryptor configured' -e 'warn: Microsoft.AspNetCore.DataProtection' | tee -a "$LOG"
  echo "uptime after: $(uptime)" | tee -a "$LOG"
}

{ echo "# Triton benchmarks $(date -u '+%Y-%m-%d %H:%M:%SZ') on $(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MB RAM"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); dotnet $(dotnet --version); node $(node --version); $(sqlite3 --version | cut -d' ' -f1-2)"; } | tee "$LOG"
for scenario in "${scenarios[@]}"; do
  case "$scenario" in
    engine)
      for size in $BENCH_ENGINE_SIZES; do run engine "$size" instant; done
      run engine "$BENCH_PICKUP_SIZE" pickup ;;
    render) run render $BENCH_RENDER ;;
    smtp) run smtp $BENCH_SMTP ;;
    csv) run csv $BENCH_CSV ;;
    web) run web $BENCH_WEB ;;
    events) run events $BENCH_EVENTS ;;
    scaleout) [ -n "${TRITON_BENCH_POSTGRES:-}" ] || start_postgres; run scaleout $BENCH_SCALEOUT ;;
    opens) run opens $BENCH_OPENS ;;
    pages) run pages $BENCH_PAGES ;;
    *) log "unknown scenario $scenario (engine, render, smtp, csv, web, events, opens, pages, scaleout)"; exit 2 ;;
  esac
done
log "results in $LOG"
