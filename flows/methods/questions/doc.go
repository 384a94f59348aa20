// Package questions is the security_questions verification method: users
// register answers to 3-5 questions (built-in ones, translated in the
// templates' catalogues as question.qNN, and the organisation's own), and
// answer a subset of them, all on one page, at a reset.
//
// Answers are normalised (Normalize) and kept only as argon2id hashes at
// OWASP's parameters; a Hasher bounds the hashes computed at once so that a
// burst of answers cannot exhaust memory. The method is weak
// (methods.Weakness): never offered to privileged accounts, and never the
// only strong proof when two gates are required. In generic disclosure mode
// a user ID that matched nobody meets decoy questions derived from a keyed
// digest of the ID, the same in every flow, and the same work is done.
//
// The security info page uses the enrolment API: Choices, Enroll,
// Registered and Remove; Enroll and Remove return a methods.Change to mail.
package questions
