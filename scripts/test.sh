#!/usr/bin/env bash
# Installs what the tests need (when missing), starts a throwaway PostgreSQL, runs the test suite
# and prints one summary line computed from the TRX results.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { echo "test.sh: $*" >&2; }

# --- system packages -------------------------------------------------------------------------
. scripts/install-packages.sh
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/smtp-sink ] || missing+=(postfix)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)   # the bounce mailbox tests run a throwaway IMAP and POP3 server
[ -x /usr/lib/dovecot/pop3 ] || missing+=(dovecot-pop3d)
for pkg in python3-aiosmtpd python3-dkim chromium openssl; do installed "$pkg" || missing+=("$pkg"); done
install_packages "${missing[@]}"

# --- front-end packages ----------------------------------------------------------------------
if [ -f Triton.Web/package.json ]; then
  (cd Triton.Web && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# --- throwaway PostgreSQL --------------------------------------------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
PGUSER_OS=postgres
id "$PGUSER_OS" >/dev/null 2>&1 || PGUSER_OS=$(id -un)
PGDIR=$(mktemp -d /tmp/triton-pg.XXXXXX)
as_pg() { if [ "$(id -u)" -eq 0 ] && [ "$PGUSER_OS" != root ]; then runuser -u "$PGUSER_OS" -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS" "$PGDIR"
stop_pg() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap stop_pg EXIT
trap "exit 130" INT TERM
PGPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U triton --auth=trust -E UTF8 --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGDIR -c fsync=off -c max_connections=200" \
  start >/dev/null
export TRITON_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=triton;Database=postgres"

# --- tests -----------------------------------------------------------------------------------
RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
export TRITON_TEST_ERROR_LOG="$RESULTS/server-errors.log"   # what the test apps log as errors (many are expected: fault tests)
status=0
dotnet test Triton.Tests -c Release --nologo -v q \
  --logger "trx" --results-directory "$RESULTS" "$@" >"$RESULTS/test.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] && ! ls "$RESULTS"/*.trx >/dev/null 2>&1; then
  grep -E 'error' "$RESULTS/test.log" | sort -u | head -n 40 >&2 || true   # the build failed
fi

read -r passed failed skipped total < <(/usr/bin/python3 - "$RESULTS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
from datetime import datetime, timezone
def utc(stamp):  # the TRX's local time with its offset, as the error log's UTC clock time
    try: return datetime.fromisoformat(stamp).astimezone(timezone.utc).strftime("%H:%M:%S")
    except (TypeError, ValueError): return ""
p = f = s = t = 0
out = open(sys.argv[1] + "/failures.txt", "w")
try: errors = open(sys.argv[1] + "/server-errors.log", errors="replace").readlines()
except OSError: errors = []
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    for c in ET.parse(path).getroot().iter():
        if c.tag.endswith("Counters"):
            a = c.attrib
            p += int(a.get("passed", 0)); t += int(a.get("total", 0))
            f += int(a.get("failed", 0)) + int(a.get("error", 0)) + int(a.get("timeout", 0)) + int(a.get("aborted", 0))
            s += int(a.get("notExecuted", 0))
        if c.tag.endswith("UnitTestResult") and c.get("outcome") == "Failed":
            message = next((m.text or "" for m in c.iter() if m.tag.endswith("Message")), "")
            trace = next((m.text or "" for m in c.iter() if m.tag.endswith("StackTrace")), "")
            # Triton's own frames say where it failed; the runtime's frames around them rarely do.
            frames = list(dict.fromkeys(l.strip() for l in trace.splitlines() if "Triton." in l))[:8]
            print("FAILED " + c.get("testName", "?") + "\n  " + message.strip().replace("\n", "\n  ")[:2000], file=out)
            for frame in frames: print("    " + frame[:300], file=out)
            # What the apps logged as errors while it ran (any test's: they run in parallel), first lines only.
            start, end = (utc(c.get(k)) for k in ("startTime", "endTime"))
            logged = [l.rstrip() for l in errors if not l.startswith(" ") and start <= l[:8] <= end]
            if logged: print("  server errors logged meanwhile (%d):" % len(logged), file=out)
            for line in logged[:8]: print("    " + line[:300], file=out)
out.close()
print(p, f, s, t)
PY
) || { passed=0 failed=0 skipped=0 total=0; }
[ -s "$RESULTS/failures.txt" ] && cat "$RESULTS/failures.txt" >&2
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
if [ "$failed" -gt 0 ] || [ "$total" -eq 0 ] || [ "$passed" -eq 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
