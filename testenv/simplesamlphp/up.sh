#!/usr/bin/env bash
# simplesamlphp/up.sh: SimpleSAMLphp 1.19 (Debian package) under PHP's built-in web
# server on http://127.0.0.1:8081, with an `ldap` auth source bound to the testenv
# slapd (started first when needed). A running, healthy server is left alone.
source "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

dir=$STATE/simplesamlphp
port=8081
url=http://127.0.0.1:$port
login_start=/simplesaml/module.php/core/authenticate.php?as=ldap
login_path=/simplesaml/module.php/core/loginuserpass.php
admin_pw=simplesamlphp-admin-secret

write_env() {
	{
		printf 'export SIMPLESAMLPHP_URL=%q\n' "$url"
		printf 'export SIMPLESAMLPHP_LOGIN_START=%q\n' "$login_start"
		printf 'export SIMPLESAMLPHP_LOGIN_PATH=%q\n' "$login_path"
		printf 'export SIMPLESAMLPHP_ADMIN_PASSWORD=%q\n' "$admin_pw"
		printf 'export SIMPLESAMLPHP_IDP_ENTITY_ID=%q\n' urn:frontdoor:testenv:simplesamlphp
		printf 'export SIMPLESAMLPHP_IDP_METADATA_PATH=%q\n' /simplesaml/saml2/idp/metadata.php
		printf 'export SIMPLESAMLPHP_SP_METADATA_DIR=%q\n' "$dir/sp-metadata"
		printf 'export SIMPLESAMLPHP_PIDFILE=%q\n' "$dir/php.pid"
	} >"$dir/env.tmp"
	mv "$dir/env.tmp" "$dir/env"
}

# Healthy: the login start redirects to the login form.
healthy() {
	curl -s -o /dev/null -m 5 -w '%{http_code} %{redirect_url}' "$url$login_start" 2>/dev/null |
		grep -q "^302 .*${login_path}?AuthState="
}

"$TESTENV_ROOT/slapd/up.sh"
# shellcheck disable=SC1091
source "$STATE/slapd/env"

if pid_alive "$dir/php.pid" && healthy; then
	write_env
	exit 0
fi

apt_install simplesamlphp php-cli php-ldap php-xml curl openssl

stop_pidfile "$dir/php.pid"
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && die "127.0.0.1:$port is taken by a process that $dir/php.pid does not name"
rm -rf "$dir/config" "$dir/sessions" "$dir/tmp" "$dir/data" "$dir/log" "$dir/htdocs" "$dir/sp-metadata" "$dir/env"
mkdir -p "$dir/config/metadata" "$dir/sessions" "$dir/tmp" "$dir/data" "$dir/log" "$dir/cert" "$dir/htdocs" "$dir/sp-metadata"
ln -s /usr/share/simplesamlphp/www "$dir/htdocs/simplesaml"

ldap_port=${SLAPD_URL##*:}
sed -e "s|@STATE@|$dir|g" -e "s|@SECRETSALT@|$(openssl rand -hex 24)|g" \
	-e "s|@ADMINPASSWORD@|$admin_pw|g" "$here/config.php.in" >"$dir/config/config.php"
sed -e "s|@LDAP_URL@|$SLAPD_URL|g" -e "s|@LDAP_PORT@|$ldap_port|g" \
	-e "s|@BASE@|$SLAPD_BASE_DN|g" "$here/authsources.php.in" >"$dir/config/authsources.php"
cp "$here/saml20-idp-hosted.php" "$dir/config/metadata/"
# The IdP's signing key is kept across restarts, so a service provider may pin it.
if ! openssl x509 -checkend 86400 -noout -in "$dir/cert/idp.crt" >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=frontdoor testenv SimpleSAMLphp IdP" \
		-keyout "$dir/cert/idp.key" -out "$dir/cert/idp.crt" 2>/dev/null
fi

SIMPLESAMLPHP_CONFIG_DIR=$dir/config PHP_CLI_SERVER_WORKERS=4 \
	setsid php -S "127.0.0.1:$port" -t "$dir/htdocs" "$here/router.php" \
	</dev/null >"$dir/php.log" 2>&1 &
echo $! >"$dir/php.pid"

for _ in $(seq 100); do
	healthy && break
	sleep 0.05
done
healthy || die "SimpleSAMLphp did not answer on $url; see $dir/php.log"

write_env
log "simplesamlphp ready on $url$login_start"
