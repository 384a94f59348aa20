#!/usr/bin/env bash
# keycloak/down.sh: stop Keycloak. The downloaded and built server and its database
# stay in $STATE/keycloak, so the next up.sh starts quickly.
source "$(dirname "$0")/../lib.sh"
stop_pidfile "$STATE/keycloak/keycloak.pid"
rm -f "$STATE/keycloak/env"
