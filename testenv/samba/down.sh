#!/usr/bin/env bash
# down.sh: stop the testenv Samba AD DC. Its data stays until the next up.sh.
source "$(dirname "$0")/../lib.sh"
stop_pidfile "$STATE/samba/samba.pid"
rm -f "$STATE/samba/env"
