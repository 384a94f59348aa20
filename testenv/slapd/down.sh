#!/usr/bin/env bash
# slapd/down.sh: stop the private slapd; its data is recreated by the next up.sh.
source "$(dirname "$0")/../lib.sh"
stop_pidfile "$STATE/slapd/slapd.pid"
rm -f "$STATE/slapd/env"
