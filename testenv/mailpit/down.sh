#!/usr/bin/env bash
# mailpit/down.sh: stop mailpit; the next up.sh starts it with an empty mailbox.
source "$(dirname "$0")/../lib.sh"
stop_pidfile "$STATE/mailpit/mailpit.pid"
rm -f "$STATE/mailpit/env"
