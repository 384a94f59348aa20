// Package keycloak is the idp backend for Keycloak, over its admin REST API.
//
// frontdoor signs in to Keycloak as a confidential client with a service
// account (the client credentials grant) whose only roles are the
// realm-management client roles view-users and manage-users. It looks users
// up by username or email (exact match), resets passwords
// (reset-password, not temporary unless asked), clears brute-force
// lockouts through the attack-detection endpoint, re-enables a user that
// Keycloak disabled for a permanent lockout, and answers group and realm-role
// questions. It never changes an account that an administrator disabled.
//
// It implements idp.Directory, idp.PasswordSetter, idp.Unlocker and
// idp.GroupMember; not idp.PasswordChanger, which the admin API has no
// operation for (a change with the current password belongs to Keycloak's own
// account console).
package keycloak
