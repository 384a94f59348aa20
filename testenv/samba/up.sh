#!/usr/bin/env bash
# up.sh: start a Samba AD DC (LDAP and LDAPS only) on 127.0.0.1:389/636 with the
# fixture users, for frontdoor's Active Directory tests. Idempotent: a running
# server is left alone; otherwise the data is reset from a cached, provisioned
# template (built once, rebuilt when the fixtures or these scripts change).
source "$(dirname "$0")/../lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
dir=$STATE/samba
data=$dir/data
template=$dir/template
pidfile=$dir/samba.pid
conf=$data/etc/smb.conf
base_dn=DC=example,DC=test
admin_dn=CN=Administrator,CN=Users,$base_dn
admin_password='Admin-Start-2026!'
bind_dn=CN=frontdoor,CN=Users,$base_dn
bind_password='Frontdoor-Svc-2026!'
ca_file=$data/private/tls/ca.pem
users=$TESTENV_ROOT/fixtures/users.tsv

# answers tells whether the service account can bind and search over LDAPS.
answers() {
	LDAPTLS_CACERT=$ca_file ldapsearch -x -o nettimeout=2 -H ldaps://127.0.0.1:636 \
		-D "$bind_dn" -w "$bind_password" -b "$base_dn" -s base dn >/dev/null 2>&1
}
healthy() { pid_alive "$pidfile" && [ -f "$dir/env" ] && answers; }

# make_cert writes a CA and a server certificate valid for 127.0.0.1 and
# localhost: Samba's self-generated certificate names only the host in its CN,
# without the subjectAltName that Go's TLS verification requires.
make_cert() {
	local tls=$data/private/tls
	mkdir -p "$tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
		-subj "/CN=frontdoor testenv Samba CA" -keyout "$tls/ca-key.pem" -out "$tls/ca.pem" 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=localhost" -keyout "$tls/key.pem" -out "$tls/req.pem" 2>/dev/null
	openssl x509 -req -in "$tls/req.pem" -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" \
		-CAcreateserial -days 3650 -out "$tls/cert.pem" \
		-extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n') 2>/dev/null
	chmod 600 "$tls/key.pem" "$tls/ca-key.pem"
	rm -f "$tls/req.pem" "$tls/ca.srl"
}

# build_template provisions the domain. "old password allowed period = 0": like
# Windows, Samba otherwise accepts the previous password for network sign-ins
# for an hour after a change, which would hide whether a reset took effect.
# The pid and socket directories are private so that a system Samba is no bother.
build_template() {
	log "samba: provisioning a new template"
	rm -rf "$data" "$template"
	samba-tool domain provision --realm=EXAMPLE.TEST --domain=EXAMPLE --server-role=dc \
		--dns-backend=NONE --use-rfc2307 --adminpass="$admin_password" --targetdir="$data" \
		--option="bind interfaces only=yes" --option="interfaces=lo" \
		--option="server services=ldap" --option="log file=$dir/log.%m" \
		--option="tls certfile=tls/cert.pem" --option="tls keyfile=tls/key.pem" \
		--option="tls cafile=tls/ca.pem" >"$dir/provision.log" 2>&1 ||
		die "samba: provision failed, see $dir/provision.log"
	mkdir -p "$data/run"
	sed -i "s|^\\[global\\]\$|&\\n\\told password allowed period = 0\\n\\tpid directory = $data/run\\n\\tncalrpc dir = $data/run/ncalrpc\\n\\twinbindd socket directory = $data/run/winbindd|" "$conf"
	make_cert
	# A lockout lasts about a week: long enough for any test run (a duration of 0,
	# "until an administrator unlocks", is shown as locked but not enforced by Samba).
	samba-tool domain passwordsettings set -s "$conf" --complexity=on --history-length=5 \
		--min-pwd-length=8 --min-pwd-age=0 --max-pwd-age=0 --account-lockout-threshold=3 \
		--account-lockout-duration=10000 --reset-account-lockout-after=10000 >/dev/null
	/usr/bin/python3 "$here/load.py" "$conf" "$users" "$bind_password"
	cp -a "$data" "$template"
	echo "$stamp" >"$template/.stamp"
}

if healthy; then
	log "samba: already running"
	exit 0
fi
stop_pidfile "$pidfile"
rm -f "$dir/env"
for p in 389 636; do
	wait_port $p 1 && die "samba: 127.0.0.1:$p is taken by a process that $pidfile does not name"
done
apt_install samba samba-ad-dc samba-ad-provision winbind krb5-user ldap-utils openssl
mkdir -p "$dir"

stamp=$(cat "$users" "$here/up.sh" "$here/load.py" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$template/.stamp" 2>/dev/null)" = "$stamp" ]; then
	rm -rf "$data"
	cp -a "$template" "$data"
	rm -f "$data/.stamp"
else
	build_template
fi

setsid samba -s "$conf" -i </dev/null >"$dir/samba.log" 2>&1 &
echo $! >"$pidfile"
wait_port 636 150 || die "samba: LDAPS did not come up, see $dir/samba.log"
for _ in $(seq 50); do answers && break; sleep 0.1; done
answers || die "samba: the service account cannot bind, see $dir/samba.log"

# The "locked" fixture users are locked for real: three failed binds each.
while IFS=$'\t' read -r login _ _ _ _ _ _ flags; do
	case "$login" in '#'* | '') continue ;; esac
	case ",$flags," in *,locked,*) ;; *) continue ;; esac
	for _ in 1 2 3; do
		LDAPTLS_CACERT=$ca_file ldapsearch -x -H ldaps://127.0.0.1:636 \
			-D "CN=$login,CN=Users,$base_dn" -w 'not-the-password' -b "" -s base >/dev/null 2>&1 || true
	done
done <"$users"

{
	printf 'export SAMBA_URL=%q\n' "ldaps://127.0.0.1:636"
	printf 'export SAMBA_LDAP_URL=%q\n' "ldap://127.0.0.1:389"
	printf 'export SAMBA_CA_FILE=%q\n' "$ca_file"
	printf 'export SAMBA_BASE_DN=%q\n' "$base_dn"
	printf 'export SAMBA_BIND_DN=%q\n' "$bind_dn"
	printf 'export SAMBA_BIND_PASSWORD=%q\n' "$bind_password"
	printf 'export SAMBA_ADMIN_DN=%q\n' "$admin_dn"
	printf 'export SAMBA_ADMIN_PASSWORD=%q\n' "$admin_password"
	printf 'export SAMBA_REALM=%q\n' "EXAMPLE.TEST"
	printf 'export SAMBA_PIDFILE=%q\n' "$pidfile"
} >"$dir/env.tmp"
mv "$dir/env.tmp" "$dir/env"
log "samba: ready on ldaps://127.0.0.1:636"
