#!/usr/bin/env bash
# realm.sh < users.tsv: print the `frontdoor` realm that Keycloak imports: its own
# users (the fixtures), brute-force detection (a lockout after 3 failed sign-ins,
# held for a day), a password policy, the groups `helpdesk` and `admins`, the realm
# role `admin` (privileged), frontdoor's confidential client whose service account
# has only view-users and manage-users, and a public client for password sign-ins
# in tests (frontdoor-signin) and a browser client (frontdoor-demo).
set -euo pipefail

users='[]'
while IFS=$'\t' read -r login password given sn mail mobile phone flags; do
	case $login in '' | '#'*) continue ;; esac
	users=$(jq -c --arg login "$login" --arg pw "$password" --arg given "$given" --arg sn "$sn" \
		--arg mail "$mail" --arg mobile "$mobile" --arg phone "$phone" --arg flags ",$flags," '
		. + [{
			username: $login, firstName: $given, lastName: $sn,
			enabled: ($flags | (contains(",disabled,") or contains(",permlocked,")) | not),
			credentials: [{type: "password", value: $pw, temporary: false}],
			requiredActions: (if $flags | contains(",mustchange,") then ["UPDATE_PASSWORD"] else [] end),
			realmRoles: (["default-roles-frontdoor"] + (if $flags | contains(",privileged,") then ["admin"] else [] end)),
			groups: ((if $flags | contains(",helpdesk,") then ["/helpdesk"] else [] end)
				+ (if $flags | contains(",privileged,") then ["/admins"] else [] end)),
			attributes: ({}
				+ (if $mobile == "-" then {} else {mobile: [$mobile]} end)
				+ (if $phone == "-" then {} else {phone: [$phone]} end))
		} + (if $mail == "-" then {} else {email: $mail, emailVerified: true} end)]' <<<"$users")
done

jq -n --argjson users "$users" '{
	realm: "frontdoor", enabled: true,
	duplicateEmailsAllowed: true, loginWithEmailAllowed: false, resetPasswordAllowed: true,
	bruteForceProtected: true, permanentLockout: false, failureFactor: 3,
	waitIncrementSeconds: 86400, maxFailureWaitSeconds: 86400, maxDeltaTimeSeconds: 86400,
	quickLoginCheckMilliSeconds: 1, minimumQuickLoginWaitSeconds: 1,
	passwordPolicy: "length(8) and upperCase(1) and lowerCase(1) and digits(1) and passwordHistory(3)",
	roles: {realm: [{name: "admin", description: "privileged: frontdoor never resets it"}]},
	groups: [{name: "helpdesk"}, {name: "admins"}],
	clients: [
		{clientId: "frontdoor", enabled: true, publicClient: false,
		 clientAuthenticatorType: "client-secret", secret: "frontdoor-keycloak-secret",
		 serviceAccountsEnabled: true, standardFlowEnabled: false,
		 directAccessGrantsEnabled: false},
		{clientId: "frontdoor-signin", enabled: true, publicClient: true,
		 standardFlowEnabled: false, directAccessGrantsEnabled: true},
		{clientId: "frontdoor-demo", enabled: true, publicClient: true,
		 standardFlowEnabled: true, directAccessGrantsEnabled: false,
		 redirectUris: ["*"], webOrigins: ["*"]}
	],
	users: ($users + [{
		username: "service-account-frontdoor", enabled: true, serviceAccountClientId: "frontdoor",
		clientRoles: {"realm-management": ["view-users", "manage-users"]}
	}])
}'
