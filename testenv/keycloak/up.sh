#!/usr/bin/env bash
# keycloak/up.sh: Keycloak (the Maven Central distribution) in `start-dev` mode on
# http://127.0.0.1:18080 and https://127.0.0.1:18443 (health on :19000), with an H2
# database in the state directory and two imported realms: `frontdoor` with the
# users of fixtures/users.tsv, and `frontdoor-ldap` federated to the testenv slapd in
# WRITABLE mode. The zip, the unzipped and built server and its database are kept in
# $STATE/keycloak, so a later start skips the download and the build; the database is
# recreated only when the realm files change. A running, healthy server is left alone.
source "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

version=26.5.6 # the newest 26.x served that runs on Java 17 (26.6+ wants Java 21+)
dir=$STATE/keycloak
dist=$dir/keycloak-$version
pidfile=$dir/keycloak.pid
http_port=18080 https_port=18443 mgmt_port=19000
url=https://127.0.0.1:$https_port
admin_user=admin admin_pw=keycloak-admin-secret
client_id=frontdoor client_secret=frontdoor-keycloak-secret
# frontdoor's own sign-in (idp/oidc) in the LDAP-federated realm: a confidential
# client with the code flow, PKCE S256 and loopback redirect URIs on any port.
rp_client_id=frontdoor-rp rp_client_secret=frontdoor-rp-secret

write_env() {
	{
		printf 'export KEYCLOAK_URL=%q\n' "$url"
		printf 'export KEYCLOAK_HTTP_URL=%q\n' "http://127.0.0.1:$http_port"
		printf 'export KEYCLOAK_CA_FILE=%q\n' "$dir/tls/ca.crt"
		printf 'export KEYCLOAK_REALM=%q\n' frontdoor
		printf 'export KEYCLOAK_LDAP_REALM=%q\n' frontdoor-ldap
		printf 'export KEYCLOAK_CLIENT_ID=%q\n' "$client_id"
		printf 'export KEYCLOAK_CLIENT_SECRET=%q\n' "$client_secret"
		printf 'export KEYCLOAK_SIGNIN_CLIENT_ID=%q\n' frontdoor-signin
		printf 'export KEYCLOAK_RP_ISSUER=%q\n' "$url/realms/frontdoor-ldap"
		printf 'export KEYCLOAK_RP_CLIENT_ID=%q\n' "$rp_client_id"
		printf 'export KEYCLOAK_RP_CLIENT_SECRET=%q\n' "$rp_client_secret"
		printf 'export KEYCLOAK_ADMIN_USER=%q\n' "$admin_user"
		printf 'export KEYCLOAK_ADMIN_PASSWORD=%q\n' "$admin_pw"
		printf 'export KEYCLOAK_PIDFILE=%q\n' "$pidfile"
	} >"$dir/env.tmp"
	mv "$dir/env.tmp" "$dir/env"
}

curl_kc() { curl -sf --max-time 5 --cacert "$dir/tls/ca.crt" "$@"; }
healthy() {
	curl_kc -o /dev/null "https://127.0.0.1:$mgmt_port/health/ready" &&
		curl_kc -o /dev/null "$url/realms/frontdoor/.well-known/openid-configuration" &&
		curl_kc -o /dev/null "$url/realms/frontdoor-ldap/.well-known/openid-configuration"
}

# lock_fixture gives the fixture user `locked` a real brute-force lockout (Keycloak
# keeps it in memory, so it is made again after each start): failed sign-ins, a
# second apart, until the attack-detection endpoint reports the user locked.
lock_fixture() {
	local tok id
	tok=$(curl_kc -d grant_type=password -d client_id=admin-cli --data-urlencode "username=$admin_user" \
		--data-urlencode "password=$admin_pw" "$url/realms/master/protocol/openid-connect/token" | jq -r .access_token) &&
		id=$(curl_kc -H "Authorization: Bearer $tok" "$url/admin/realms/frontdoor/users?exact=true&username=locked" |
			jq -r '.[0].id') || die "keycloak: cannot read the fixture user locked"
	for _ in $(seq 20); do
		curl_kc -H "Authorization: Bearer $tok" "$url/admin/realms/frontdoor/attack-detection/brute-force/users/$id" |
			jq -e .disabled >/dev/null && return 0
		curl_kc -o /dev/null -d grant_type=password -d client_id=frontdoor-signin -d username=locked \
			-d password=wrong-password "$url/realms/frontdoor/protocol/openid-connect/token" || true
		sleep 1.1
	done
	die "keycloak: the fixture user locked is not locked out after 20 failed sign-ins"
}

# rp_client adds frontdoor's sign-in client through the admin API when it is
# missing: a realm that exists already is skipped at import, and changing the
# realm files would recreate the database under the other tests.
rp_client() {
	local tok n
	tok=$(curl_kc -d grant_type=password -d client_id=admin-cli --data-urlencode "username=$admin_user" \
		--data-urlencode "password=$admin_pw" "$url/realms/master/protocol/openid-connect/token" | jq -r .access_token) ||
		die "keycloak: no admin token"
	n=$(curl_kc -H "Authorization: Bearer $tok" "$url/admin/realms/frontdoor-ldap/clients?clientId=$rp_client_id" | jq length) ||
		die "keycloak: cannot list the clients of frontdoor-ldap"
	[ "$n" -gt 0 ] && return 0
	jq -n --arg id "$rp_client_id" --arg secret "$rp_client_secret" '{
		clientId: $id, enabled: true, publicClient: false, protocol: "openid-connect",
		clientAuthenticatorType: "client-secret", secret: $secret,
		standardFlowEnabled: true, directAccessGrantsEnabled: false, implicitFlowEnabled: false,
		redirectUris: ["http://127.0.0.1:*", "https://127.0.0.1:*"],
		attributes: {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"}
	}' | curl_kc -H "Authorization: Bearer $tok" -H "Content-Type: application/json" -d @- \
		"$url/admin/realms/frontdoor-ldap/clients" || die "keycloak: cannot add the client $rp_client_id"
}

# The testenv slapd is the LDAP realm's directory; start it first (quick when up).
"$TESTENV_ROOT/slapd/up.sh"
mkdir -p "$dir"
apt_install openjdk-17-jre-headless maven unzip curl jq openssl
for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64; do
	[ -x "$j/bin/java" ] && export JAVA_HOME=$j && break
done
"$TESTENV_ROOT/slapd/certs.sh" "$dir/tls"
# shellcheck disable=SC1091
source "$STATE/slapd/env"
# Both realms declare the contact attributes (mobile, phone) in their user profile.
with_profile() {
	jq --arg p "$(jq -c . "$here/user-profile.json")" '.components["org.keycloak.userprofile.UserProfileProvider"] =
		[{providerId: "declarative-user-profile", subComponents: {}, config: {"kc.user.profile.config": [$p]}}]'
}
mkdir -p "$dir/import"
"$here/realm.sh" <"$TESTENV_ROOT/fixtures/users.tsv" | with_profile >"$dir/import/frontdoor-realm.json"
sed -e "s|@LDAPS_URL@|$SLAPD_LDAPS_URL|g" -e "s|@BASE_DN@|$SLAPD_BASE_DN|g" \
	-e "s|@BIND_DN@|$SLAPD_BIND_DN|g" -e "s|@BIND_PASSWORD@|$SLAPD_BIND_PASSWORD|g" \
	"$here/frontdoor-ldap-realm.json.in" | with_profile >"$dir/import/frontdoor-ldap-realm.json" ||
	die "keycloak: bad LDAP realm JSON"
# An imported realm is skipped when it exists: start from an empty database when
# the realm files changed.
sum=$(cat "$dir/import"/*.json | sha256sum | cut -d' ' -f1)
if pid_alive "$pidfile" && healthy && [ "$(cat "$dir/realms.sum" 2>/dev/null)" = "$sum" ]; then
	lock_fixture
	rp_client
	write_env
	exit 0
fi

stop_pidfile "$pidfile"
for p in $http_port $https_port $mgmt_port; do
	wait_port "$p" 1 && die "keycloak: 127.0.0.1:$p is taken by a process that $pidfile does not name"
done

if [ ! -x "$dist/bin/kc.sh" ]; then
	zip=$dir/keycloak-quarkus-dist-$version.zip
	if [ ! -s "$zip" ]; then
		log "keycloak: fetching org.keycloak:keycloak-quarkus-dist:$version:zip from Maven Central"
		mvn -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" \
			-DoutputDirectory="$dir" >"$dir/mvn.log" 2>&1 || die "keycloak: download failed, see $dir/mvn.log"
	fi
	rm -rf "$dist.tmp" && mkdir -p "$dist.tmp"
	unzip -q "$zip" -d "$dist.tmp" && mv "$dist.tmp/keycloak-$version" "$dist" && rm -rf "$dist.tmp"
fi

if [ "$(cat "$dir/realms.sum" 2>/dev/null)" != "$sum" ]; then
	rm -rf "$dist/data/h2" "$dir/realms.sum"
fi
rm -rf "$dist/data/import" && mkdir -p "$dist/data" && cp -r "$dir/import" "$dist/data/import"

log "keycloak: starting $version (the first start builds the server and its database: a minute or two)"
started=$(date +%s)
KC_BOOTSTRAP_ADMIN_USERNAME=$admin_user KC_BOOTSTRAP_ADMIN_PASSWORD=$admin_pw \
	setsid "$dist/bin/kc.sh" start-dev --import-realm \
	--http-host=127.0.0.1 --http-port=$http_port --https-port=$https_port \
	--https-certificate-file="$dir/tls/server.crt" --https-certificate-key-file="$dir/tls/server.key" \
	--http-management-port=$mgmt_port --health-enabled=true \
	--truststore-paths="$SLAPD_CA_FILE" \
	</dev/null >"$dir/keycloak.log" 2>&1 &
echo $! >"$pidfile"
timeout=${KEYCLOAK_START_TIMEOUT:-600}
until healthy; do
	pid_alive "$pidfile" || die "keycloak exited during start; see $dir/keycloak.log"
	[ $(($(date +%s) - started)) -lt "$timeout" ] ||
		die "keycloak not ready after ${timeout}s; see $dir/keycloak.log"
	sleep 1
done

lock_fixture
rp_client
echo "$sum" >"$dir/realms.sum"
write_env
log "keycloak ready on $url in $(($(date +%s) - started))s"
