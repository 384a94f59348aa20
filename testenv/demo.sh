#!/usr/bin/env bash
# demo.sh: frontdoor in front of the real SimpleSAMLphp sign-in page, with users in
# OpenLDAP, mail in mailpit, texts through Kannel (read in fakesmsc's log) and the
# embedded SQLite store. Run through `make demo`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
step() { printf '\ndemo [%s/5] %s\n' "$1" "$2"; }
step 1 "starting OpenLDAP (slapd), SimpleSAMLphp, mailpit and Kannel on loopback
        (the first time this installs their Debian packages: a few minutes)"
"$here/up.sh" slapd simplesamlphp mailpit kannel
eval "$("$here/env.sh")"
dir=${FRONTDOOR_DEMO_DIR:-$FRONTDOOR_TESTENV_DIR/demo}
step 2 "setting the demo users back to their known passwords"
# The demo user starts each demo with its known password and no lockout,
# whatever an earlier demo did to it (the tests never use it).
while IFS=$'\t' read -r login password _ _ _ _ _ flags; do
	case ",$flags," in *,demo,*) ;; *) continue ;; esac
	dn="uid=$login,ou=people,$SLAPD_BASE_DN"
	ldappasswd -x -H "$SLAPD_URL" -D "$SLAPD_ROOT_DN" -w "$SLAPD_ROOT_PASSWORD" -s "$password" "$dn" >/dev/null
	printf 'dn: %s\nchangetype: modify\nreplace: pwdAccountLockedTime\n-\nreplace: pwdReset\n-\n' "$dn" |
		ldapmodify -x -H "$SLAPD_URL" -D "$SLAPD_ROOT_DN" -w "$SLAPD_ROOT_PASSWORD" >/dev/null
	echo "demo: $login has its password from testenv/fixtures/users.tsv again"
	demo_dn=$dn
done <"$here/fixtures/users.tsv"
# The demo user reads the audit log: a group of its own for audit.readers
# (kept between demos; the tests never use it).
auditors="cn=demo-auditors,ou=groups,$SLAPD_BASE_DN"
ldapmod() { ldapmodify -x -H "$SLAPD_URL" -D "$SLAPD_ROOT_DN" -w "$SLAPD_ROOT_PASSWORD" "$@" >/dev/null; }
rc=0
printf 'dn: %s\nchangetype: add\nobjectClass: groupOfNames\ncn: demo-auditors\nmember: %s\n' "$auditors" "$demo_dn" | ldapmod || rc=$?
if [ "$rc" = 68 ]; then # there already: make sure the demo user is in it
	rc=0
	printf 'dn: %s\nchangetype: modify\nadd: member\nmember: %s\n' "$auditors" "$demo_dn" | ldapmod 2>/dev/null || rc=$?
	[ "$rc" = 20 ] && rc=0 # a member already
fi
[ "$rc" = 0 ] || { echo "demo: could not set up $auditors (ldapmodify exit $rc)" >&2; exit 1; }
step 3 "writing the configuration"
mkdir -p "$dir"
# The service account's and Kannel's passwords in files of their own, so that the
# configuration works as printed for every command, from any shell.
(umask 077 && printf '%s\n' "$SLAPD_BIND_PASSWORD" >"$dir/ldap-password")
(umask 077 && printf '%s\n' "$KANNEL_PASSWORD" >"$dir/kannel-password")
# frontdoor's SAML key and certificate, for signing in at SimpleSAMLphp.
if ! { [ -s "$dir/sp.key" ] && openssl x509 -checkend 86400 -noout -in "$dir/sp.crt" >/dev/null 2>&1; }; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=frontdoor demo" \
		-keyout "$dir/sp.key" -out "$dir/sp.crt" 2>"$dir/openssl.log" ||
		{ cat "$dir/openssl.log" >&2; exit 1; }
fi
listen=${FRONTDOOR_DEMO_LISTEN:-127.0.0.1:8080}
cat >"$dir/config.yaml" <<YAML
server:
  listen: "$listen"
  public_url: "http://$listen"
  metrics_listen: "${FRONTDOOR_DEMO_METRICS:-127.0.0.1:9090}"
  secret_key: "$(head -c 32 /dev/urandom | base64)"
upstream:
  url: "$SIMPLESAMLPHP_URL"
  preset: simplesamlphp
  sign_in_url: "$SIMPLESAMLPHP_LOGIN_START"
store:
  driver: sqlite
  dsn: "$dir/frontdoor.db"
organization: "Example Corp (demo)"
directory:
  type: openldap
  urls: ["$SLAPD_LDAPS_URL"]
  ca_file: "$SLAPD_CA_FILE"
  bind_dn: "$SLAPD_BIND_DN"
  bind_password_file: "$dir/ldap-password"
  base_dn: "$SLAPD_BASE_DN"
  root_dn: "$SLAPD_ROOT_DN"
reset:
  enabled: all
  methods: [email, mobile_text]
unlock:
  enabled: all
helpdesk:
  email: "helpdesk@example.test"
signin:
  protocol: saml
  saml:
    idp_metadata_url: "$SIMPLESAMLPHP_URL$SIMPLESAMLPHP_IDP_METADATA_PATH"
    key_file: "$dir/sp.key"
    cert_file: "$dir/sp.crt"
sessions:
  keys: ["$(head -c 32 /dev/urandom | base64)"]
change: {}
audit:
  readers: ["$auditors"]
email:
  from: "frontdoor <no-reply@example.test>"
  smtp: {host: "$MAILPIT_SMTP_HOST", port: $MAILPIT_SMTP_PORT, tls: none}
phone:
  default_region: US
  allowed_countries: [US, CA]
text:
  provider: kannel
  kannel: {url: "$KANNEL_SENDSMS_URL", username: "$KANNEL_USERNAME", password_file: "$dir/kannel-password", from: "frontdoor"}
log:
  format: text
YAML
echo "  $dir/config.yaml"
step 4 "checking it against the servers (frontdoor check-config --connect)"
"$root/bin/frontdoor" check-config --connect --config "$dir/config.yaml"
step 5 "starting frontdoor"
cat <<MSG

  frontdoor demo
  open:          http://$listen$SIMPLESAMLPHP_LOGIN_START
                 (the sign-in page, with "Forgot my password" and "Unlock my account")
  demo user:     demo / Demo-Start-2026!   (reset it; each make demo sets it back)
  signed in:     http://$listen/.frontdoor/change   (change the password)
                 http://$listen/.frontdoor/audit    (the audit log: demo is a reader)
  codes arrive:  $MAILPIT_API_URL (mailpit)
  texts:         $KANNEL_MESSAGES   (the demo user's mobile: (415) 555-0107)
  config:        $dir/config.yaml
  try also:      bin/frontdoor check-config --connect --config $dir/config.yaml
                 bin/frontdoor audit --config $dir/config.yaml
  Ctrl-C stops frontdoor; 'make down' stops the servers.

MSG
# SimpleSAMLphp learns frontdoor's service provider from its metadata, once
# frontdoor serves it: written whole (a rename), for SimpleSAMLphp reads the
# directory on every request.
md="$SIMPLESAMLPHP_SP_METADATA_DIR/frontdoor-demo.xml"
(
	for _ in $(seq 1 100); do
		if curl -fsS "http://$listen/.frontdoor/saml/metadata" -o "$dir/sp-metadata.tmp" 2>/dev/null && mv "$dir/sp-metadata.tmp" "$md"; then
			exit 0
		fi
		sleep 0.2
	done
	rm -f "$dir/sp-metadata.tmp"
	echo "demo: frontdoor's SAML metadata did not reach SimpleSAMLphp: signing in at /.frontdoor/change will fail" >&2
) &
exec "$root/bin/frontdoor" serve --config "$dir/config.yaml"
