#!/usr/bin/env bash
# simplesamlphp/down.sh: stop the PHP built-in server that serves SimpleSAMLphp.
source "$(dirname "$0")/../lib.sh"
stop_pidfile "$STATE/simplesamlphp/php.pid"
rm -f "$STATE/simplesamlphp/env"
