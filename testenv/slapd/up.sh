#!/usr/bin/env bash
# slapd/up.sh: a private OpenLDAP (slapd.conf, mdb, ppolicy) on ldap://127.0.0.1:3389
# and ldaps://127.0.0.1:3636, loaded with testenv/fixtures/users.tsv. A running,
# healthy instance is left alone; otherwise the database is recreated from scratch.
source "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

dir=$STATE/slapd
base=dc=example,dc=test
svc_dn=cn=frontdoor,ou=services,$base
svc_pw=frontdoor-service-secret
root_dn=cn=admin,$base
root_pw=slapd-root-secret
url=ldap://127.0.0.1:3389
ldaps_url=ldaps://127.0.0.1:3636

write_env() {
	{
		printf 'export SLAPD_URL=%q\n' "$url"
		printf 'export SLAPD_LDAPS_URL=%q\n' "$ldaps_url"
		printf 'export SLAPD_CA_FILE=%q\n' "$dir/tls/ca.crt"
		printf 'export SLAPD_BASE_DN=%q\n' "$base"
		printf 'export SLAPD_BIND_DN=%q\n' "$svc_dn"
		printf 'export SLAPD_BIND_PASSWORD=%q\n' "$svc_pw"
		printf 'export SLAPD_ROOT_DN=%q\n' "$root_dn"
		printf 'export SLAPD_ROOT_PASSWORD=%q\n' "$root_pw"
		printf 'export SLAPD_PIDFILE=%q\n' "$dir/slapd.pid"
	} >"$dir/env.tmp"
	mv "$dir/env.tmp" "$dir/env"
}

healthy() { ldapwhoami -x -H "$url" -D "$svc_dn" -w "$svc_pw" >/dev/null 2>&1; }

# The fixtures and the way they are loaded, as loaded: a running instance
# holding older fixtures is recreated.
stamp=$(cat "$TESTENV_ROOT/fixtures/users.tsv" "$here/seed.sh" "$here/slapd.conf.in" | sha256sum | cut -d' ' -f1)
if pid_alive "$dir/slapd.pid" && healthy && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ]; then
	write_env
	exit 0
fi

apt_install slapd ldap-utils openssl
# The package's own daemon must not run: it would hold the package's database and
# possibly 389. Stop it by its pidfile if something started it anyway.
if pid_alive /run/slapd/slapd.pid; then
	log "stopping the slapd started by the Debian package"
	stop_pidfile /run/slapd/slapd.pid
fi

stop_pidfile "$dir/slapd.pid"
for p in 3389 3636; do
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && die "127.0.0.1:$p is taken by a process that $dir/slapd.pid does not name"
done
rm -rf "$dir/data" "$dir/env"
mkdir -p "$dir/data" "$dir/tls"
"$here/certs.sh" "$dir/tls"

hash() { slappasswd -h '{SSHA}' -s "$1"; }

sed -e "s|@STATE@|$dir|g" -e "s|@BASE@|$base|g" -e "s|@SVC@|$svc_dn|g" \
	-e "s|@ROOTPW@|$(hash "$root_pw")|g" "$here/slapd.conf.in" >"$dir/slapd.conf"
"$here/seed.sh" "$base" "$(hash "$svc_pw")" <"$TESTENV_ROOT/fixtures/users.tsv" >"$dir/seed.ldif"
slapadd -q -f "$dir/slapd.conf" -l "$dir/seed.ldif" >"$dir/slapadd.log" 2>&1 ||
	die "slapadd failed: $(cat "$dir/slapadd.log")"

# -d keeps slapd in the foreground so its log goes to a file instead of syslog.
setsid slapd -d stats -f "$dir/slapd.conf" -h "$url/ $ldaps_url/" \
	</dev/null >"$dir/slapd.log" 2>&1 &
for _ in $(seq 100); do
	healthy && break
	sleep 0.05
done
healthy || die "slapd did not answer on $url; see $dir/slapd.log"

# Users flagged `locked` get a real lockout: three failed binds make ppolicy set
# pwdAccountLockedTime itself.
while IFS=$'\t' read -r login _ _ _ _ _ _ flags; do
	case $login in '' | '#'*) continue ;; esac
	case ",$flags," in *,locked,*) ;; *) continue ;; esac
	for _ in 1 2 3; do
		ldapwhoami -x -H "$url" -D "uid=$login,ou=people,$base" -w wrong-password >/dev/null 2>&1 || true
	done
done <"$TESTENV_ROOT/fixtures/users.tsv"

echo "$stamp" >"$dir/stamp"
write_env
log "slapd ready on $url and $ldaps_url"
