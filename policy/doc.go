// Package policy decides whether a new password may be set, and tells the
// user why not in words they understand.
//
// The rules follow the reference (Microsoft Entra ID) by default, or NIST SP
// 800-63B in nist mode: a length in characters (code points after NFC
// normalisation), optionally kinds of characters, and banned passwords. A
// password is folded (accents removed, lower case, look-alikes such as 0, 1,
// $ and @ read as o, l, s and a, and Cyrillic, Greek and other letters that
// look like Latin ones read as those), then covered with terms of the global list
// (built from the common-password list shipped in the zxcvbn module, see
// internal/gen) and of the organisation's list, each found at edit distance 1
// or less; each term counts 1 point and each other character 1, and the
// password needs PassScore points. The user's names, username and the
// organisation's name may not appear at all. Control and bidirectional
// control characters are refused outright. Optional checks: a breached
// password corpus (package breached) and a zxcvbn strength minimum.
//
// The package holds no words: reasons and rules are codes with numbers, and
// their sentences are catalogue messages (policy.reason.CODE,
// policy.rule.CODE) in the pages' catalogues, so that pages, emails and the
// check-password command say the same in every language an operator adds.
package policy
