#!/usr/bin/env bash
# sipp/up.sh: SIPp (Debian's sip-tester) as the phone of the call tests, and
# espeak-ng, which makes the call prompts (make prompts). Nothing runs here:
# each test starts its own sipp with a scenario of testenv/sipp/ on free
# loopback ports (testenv.SIPp). This only installs and checks the binaries.
source "$(dirname "$0")/../lib.sh"

dir=$STATE/sipp
mkdir -p "$dir"
apt_install sip-tester espeak-ng
case "$(sipp -v 2>&1 || true)" in *'SIPp v'*) ;; *) die "sipp does not run" ;; esac
[ -f /usr/share/sip-tester/dtmf_2833_pound.pcap ] || die "sip-tester has no RFC 2833 pcap files"
{
	printf 'export SIPP_BIN=%q\n' "$(command -v sipp)"
	printf 'export SIPP_PCAP_DIR=%q\n' /usr/share/sip-tester
} >"$dir/env.tmp"
mv "$dir/env.tmp" "$dir/env"
