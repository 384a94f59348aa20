#!/usr/bin/env bash
# chromium/up.sh: Debian's Chromium for the browser tests (driven from Go with
# chromedp), fonts so pages render text, and axe-core (from npm, into $STATE, not
# the repository) for the accessibility check. Nothing runs in the background:
# each test starts its own headless Chromium.
source "$(dirname "$0")/../lib.sh"

dir=$STATE/chromium
axe_version=4.14.1
axe_dir=$dir/axe-$axe_version
axe_js=$axe_dir/node_modules/axe-core/axe.min.js

mkdir -p "$dir"
apt_install chromium fonts-dejavu-core
[ -x /usr/bin/chromium ] || die "chromium is not at /usr/bin/chromium"

if [ ! -s "$axe_js" ]; then
	command -v npm >/dev/null || apt_install npm
	log "installing axe-core $axe_version"
	rm -rf "$axe_dir.tmp"
	mkdir -p "$axe_dir.tmp"
	npm install --prefix "$axe_dir.tmp" --no-audit --no-fund --no-save --loglevel=error \
		"axe-core@$axe_version" >&2
	rm -rf "$axe_dir"
	mv "$axe_dir.tmp" "$axe_dir"
fi
[ -s "$axe_js" ] || die "axe-core is not at $axe_js"

{
	printf 'export CHROMIUM_PATH=%q\n' /usr/bin/chromium
	printf 'export AXE_CORE_JS=%q\n' "$axe_js"
} >"$dir/env.tmp"
mv "$dir/env.tmp" "$dir/env"
log "chromium ready: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
