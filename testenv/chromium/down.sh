#!/usr/bin/env bash
# chromium/down.sh: nothing to stop; each browser test starts and ends its own
# Chromium. The package and axe-core stay installed.
source "$(dirname "$0")/../lib.sh"
exit 0
