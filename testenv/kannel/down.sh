#!/usr/bin/env bash
# kannel/down.sh: stop smsbox, fakesmsc and bearerbox; the next up.sh starts afresh.
source "$(dirname "$0")/../lib.sh"
for f in smsbox fakesmsc bearerbox; do stop_pidfile "$STATE/kannel/$f.pid"; done
rm -f "$STATE/kannel/env" "$STATE/kannel/stamp"
