// Package ldap is frontdoor's LDAP directory backend, with two dialects
// chosen by configuration and checked against the server's RootDSE:
//
//   - openldap: Password Modify (RFC 3062) with the ppolicy controls; lock
//     state from pwdAccountLockedTime, where 000001010000Z is an
//     administrative lock that is reported and never cleared;
//   - activedirectory: unicodePwd over TLS (replace for a reset, with the
//     policy hints control when offered; delete and add for a change);
//     lockoutTime, msDS-User-Account-Control-Computed and nested groups.
//
// Both bind as a service account over verified TLS, escape every value put
// in a filter, refuse a login that matches more than one entry, pool their
// connections and fail over between URLs. Errors are classified here into
// those of package idp.
package ldap
