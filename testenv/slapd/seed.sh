#!/usr/bin/env bash
# seed.sh BASE SERVICE_HASH < users.tsv: print the LDIF that slapadd loads: the tree,
# the password policies, frontdoor's service account, the fixture users and groups.
set -euo pipefail
base=$1 svc_hash=$2

cat <<LDIF
dn: $base
objectClass: dcObject
objectClass: organization
dc: example
o: Example Test

dn: ou=people,$base
objectClass: organizationalUnit
ou: people

dn: ou=services,$base
objectClass: organizationalUnit
ou: services

dn: ou=groups,$base
objectClass: organizationalUnit
ou: groups

dn: ou=policies,$base
objectClass: organizationalUnit
ou: policies

# pwdLockoutDuration: a day, a timed lock (not an administrative one) that still
# holds for the fixture user "locked" however late in a test run it is checked.
# pwdMustChange makes pwdReset effective. Only a change by the rootdn sets pwdReset;
# a Password Modify by the service account or the user clears it.
dn: cn=default,ou=policies,$base
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 3
pwdLockoutDuration: 86400
pwdFailureCountInterval: 0
pwdInHistory: 5
pwdMinLength: 8
pwdCheckQuality: 1
pwdAllowUserChange: TRUE
pwdMustChange: TRUE
pwdSafeModify: FALSE

dn: cn=service,ou=policies,$base
objectClass: device
objectClass: pwdPolicy
cn: service
description: service accounts are never locked out
pwdAttribute: userPassword
pwdLockout: FALSE

dn: cn=frontdoor,ou=services,$base
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: frontdoor
userPassword: $svc_hash
pwdPolicySubentry: cn=service,ou=policies,$base

LDIF

admins=() helpdesk=()
while IFS=$'\t' read -r login password given sn mail mobile phone flags; do
	case $login in '' | '#'*) continue ;; esac
	dn="uid=$login,ou=people,$base"
	printf 'dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s %s\n' "$dn" "$login" "$given" "$sn"
	printf 'givenName: %s\nsn: %s\n' "$given" "$sn"
	[ "$mail" = - ] || printf 'mail: %s\n' "$mail"
	[ "$mobile" = - ] || printf 'mobile: %s\n' "$mobile"
	[ "$phone" = - ] || printf 'telephoneNumber: %s\n' "$phone"
	printf 'userPassword: %s\n' "$(slappasswd -h '{SSHA}' -s "$password")"
	case ",$flags," in *,permlocked,* | *,disabled,*) printf 'pwdAccountLockedTime: 000001010000Z\n' ;; esac
	case ",$flags," in *,mustchange,*)
		printf 'pwdReset: TRUE\n' ;;
	esac
	printf '\n'
	case ",$flags," in *,privileged,*) admins+=("$dn") ;; esac
	case ",$flags," in *,helpdesk,*) helpdesk+=("$dn") ;; esac
done

group() {
	local name=$1
	shift
	[ $# -gt 0 ] || return 0
	printf 'dn: cn=%s,ou=groups,%s\nobjectClass: groupOfNames\ncn: %s\n' "$name" "$base" "$name"
	printf 'member: %s\n' "$@"
	printf '\n'
}
group admins "${admins[@]}"
group helpdesk "${helpdesk[@]}"
