# Shared helpers for testenv service scripts. Source it; do not run it.
# Every service keeps its files under $FRONTDOOR_TESTENV_DIR/NAME and writes
# the export lines that env.sh prints to $FRONTDOOR_TESTENV_DIR/NAME/env.

set -euo pipefail

TESTENV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${FRONTDOOR_TESTENV_DIR:-/tmp/frontdoor-testenv}
mkdir -p "$STATE"

log() { printf 'testenv: %s\n' "$*" >&2; }
die() { printf 'testenv: error: %s\n' "$*" >&2; exit 1; }

# apt_install installs Debian packages that are missing, without starting
# their daemons (our scripts start private instances on loopback).
apt_install() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	local policy=/usr/sbin/policy-rc.d created=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
	fi
	if [ ! -f "$STATE/.apt-updated" ]; then
		apt-get update -qq >&2 && touch "$STATE/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
	[ "$created" = 1 ] && rm -f "$policy"
	return 0
}

# wait_port waits until a TCP port on 127.0.0.1 accepts connections.
wait_port() {
	local port=$1 tries=${2:-100}
	for _ in $(seq "$tries"); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# pid_alive tells whether the PID stored in a file is a running process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pidfile stops the process whose PID a file holds, and its children.
stop_pidfile() {
	local f=$1
	pid_alive "$f" || { rm -f "$f"; return 0; }
	local pid; pid=$(cat "$f")
	pkill -TERM -P "$pid" 2>/dev/null || true
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$f"
}
