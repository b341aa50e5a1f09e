#!/usr/bin/env bash
# `make run`: the bot in local mode (embedded backend, no Azure app id) plus the Microsoft 365 Agents
# Playground, a local Teams look-alike with a mock Bot Connector. Open http://localhost:56150 and chat.
#
#   1. install the pinned Playground (package.json / package-lock.json) into node_modules if missing
#   2. start `timebot serve` on 127.0.0.1:${TIMEBOT_PORT:-3978} in the background, wait for /healthz
#   3. run the Playground in the foreground (mock Teams context: .m365agentsplayground.yml)
#   Ctrl-C stops both.
#
# Environment: TIMEBOT_DATA_DIR (default: ~/.local/share/timebot), TIMEBOT_PORT (3978),
# PLAYGROUND_PORT (56150), TEAMSAPPTESTER_BROWSER=none to stop the Playground opening a browser,
# TZ (default: the host's zone; the Playground reports it to the bot as the Teams client's zone).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
VENV=${VENV:-.venv}
[[ $VENV == /* ]] || VENV=$ROOT/$VENV
TIMEBOT=$VENV/bin/timebot
PLAYGROUND=$ROOT/node_modules/.bin/agentsplayground
BOT_PORT=${TIMEBOT_PORT:-3978}
PLAYGROUND_PORT=${PLAYGROUND_PORT:-56150}

die() { echo "run: $*" >&2; exit 1; }

[[ -x $TIMEBOT ]] || die "$TIMEBOT not found; run 'make run' (it sets up the virtualenv) or 'make setup'"
command -v node >/dev/null || die "Node.js 18+ is needed for the Agents Playground (https://nodejs.org)"
command -v npm >/dev/null || die "npm is needed for the Agents Playground"

# 1. The Playground, pinned in package-lock.json. Reinstall when the lock file is newer than node_modules.
if [[ ! -x $PLAYGROUND || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "run: installing the Microsoft 365 Agents Playground (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
fi

# The Playground sends no JWT, so the bot must run without an app id (local mode, loopback only).
# Unset (not blank) so a `.env` with real credentials cannot switch authentication back on.
for var in MicrosoftAppId MICROSOFT_APP_ID MicrosoftAppPassword MICROSOFT_APP_PASSWORD; do
    unset "$var"
done
export MicrosoftAppId=""

if "$VENV/bin/python" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
    "$BOT_PORT" 2>/dev/null; then
    die "port $BOT_PORT is already in use (another bot running?); set TIMEBOT_PORT to use another"
fi

# The Playground reports the zone of its Node process as the client's time zone, as Teams does for a
# device; Node falls back to UTC where it cannot read the host's (containers), so name it explicitly.
host_zone() {
    if [[ -n ${TZ:-} ]]; then echo "${TZ#:}"; return; fi
    if [[ -r /etc/timezone ]]; then head -n1 /etc/timezone; return; fi
    local link
    link=$(readlink /etc/localtime 2>/dev/null || true)
    [[ $link == *zoneinfo/* ]] && echo "${link##*zoneinfo/}"
}
HOST_ZONE=$(host_zone || true)

BOT_PID=""
PLAYGROUND_PID=""
cleanup() {
    trap - EXIT INT TERM
    [[ -n $PLAYGROUND_PID ]] && kill "$PLAYGROUND_PID" 2>/dev/null || true
    [[ -n $BOT_PID ]] && kill "$BOT_PID" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 2. The bot.
echo "run: starting timebot on http://127.0.0.1:$BOT_PORT (data: ${TIMEBOT_DATA_DIR:-default data dir})"
"$TIMEBOT" serve --host 127.0.0.1 --port "$BOT_PORT" &
BOT_PID=$!

healthy=""
for _ in $(seq 1 150); do   # up to ~30 s
    kill -0 "$BOT_PID" 2>/dev/null || die "timebot exited during start-up (see the messages above)"
    if "$VENV/bin/python" - "$BOT_PORT" <<'PY' 2>/dev/null; then
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
        healthy=1
        break
    fi
    sleep 0.2
done
[[ -n $healthy ]] || die "timebot did not answer http://127.0.0.1:$BOT_PORT/healthz within 30 s"

# 3. The Playground, in the foreground (as a child so the traps still run on Ctrl-C).
echo "run: Agents Playground on http://localhost:$PLAYGROUND_PORT (Ctrl-C stops both; zone ${HOST_ZONE:-UTC})"
TZ=${HOST_ZONE:-UTC} "$PLAYGROUND" \
    --app-endpoint "http://127.0.0.1:$BOT_PORT/api/messages" \
    --channel-id msteams \
    --port "$PLAYGROUND_PORT" \
    --disable-telemetry &
PLAYGROUND_PID=$!

# Whichever stops first ends the session (polling: `wait -n` needs bash 5.1, macOS ships 3.2).
while kill -0 "$BOT_PID" 2>/dev/null && kill -0 "$PLAYGROUND_PID" 2>/dev/null; do
    sleep 1
done
if ! kill -0 "$PLAYGROUND_PID" 2>/dev/null; then
    set +e; wait "$PLAYGROUND_PID"; status=$?; set -e
    PLAYGROUND_PID=""
    # 0, 130, 143: closed normally, by Ctrl-C or by a kill; anything else (a bad config file) needs a hint.
    [[ $status == 0 || $status == 130 || $status == 143 ]] && exit "$status"
    die "the Playground exited (status $status); its log is devTools/m365agentsplayground.log"
fi
die "timebot stopped (see the messages above)"
