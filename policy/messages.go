package policy

import (
	"fmt"
	"strings"
)

// Languages are the languages messages and rules are written in; the first
// is the fallback.
var Languages = []string{"en", "fr"}

// GuessableMessage is the reference's message for a password refused by the
// banned lists.
const GuessableMessage = "Your password has a word, phrase, or pattern that makes your password easily guessable. Try again using a stronger password."

// messages holds, per reason code, the sentence shown to the user; %d takes
// the reason's number where the sentence has one.
var messages = map[string]map[string]string{
	"en": {
		ReasonInvalid:  "Your password contains characters that can't be used.",
		ReasonControl:  "Your password contains invisible or control characters, such as a line break or a change of writing direction. Type it again without them.",
		ReasonTooShort: "Your password must have at least %d characters.",
		ReasonTooLong:  "Your password can have at most %d characters.",
		ReasonClasses:  "Your password must contain at least %d of these: capital letters, small letters, numbers, symbols.",
		ReasonBanned:   GuessableMessage,
		ReasonContext:  "Your password must not contain your name, your user name or the name of your organisation.",
		ReasonBreached: "This password has appeared in a data breach, so attackers try it. Choose one you don't use anywhere else.",
		ReasonWeak:     "Your password is too easy to guess. Try a longer one, or several words that have nothing to do with each other.",
	},
	"fr": {
		ReasonInvalid:  "Votre mot de passe contient des caractères qui ne peuvent pas être utilisés.",
		ReasonControl:  "Votre mot de passe contient des caractères invisibles ou de contrôle, comme un saut de ligne ou un changement de sens d'écriture. Saisissez-le de nouveau sans eux.",
		ReasonTooShort: "Votre mot de passe doit comporter au moins %d caractères.",
		ReasonTooLong:  "Votre mot de passe ne peut pas dépasser %d caractères.",
		ReasonClasses:  "Votre mot de passe doit contenir au moins %d de ces types de caractères\u00a0: majuscules, minuscules, chiffres, symboles.",
		ReasonBanned:   "Votre mot de passe contient un mot, une expression ou un motif qui le rend facile à deviner. Réessayez avec un mot de passe plus robuste.",
		ReasonContext:  "Votre mot de passe ne doit contenir ni votre nom, ni votre identifiant, ni le nom de votre organisation.",
		ReasonBreached: "Ce mot de passe figure dans une fuite de données, les attaquants l'essaient donc. Choisissez-en un que vous n'utilisez nulle part ailleurs.",
		ReasonWeak:     "Votre mot de passe est trop facile à deviner. Essayez-en un plus long, ou plusieurs mots sans rapport entre eux.",
	},
}

// Rule keys, in the order Rules lists them.
const (
	ruleLength   = "length"
	ruleClasses  = "classes"
	ruleBanned   = "banned"
	ruleBreached = "breached"
	ruleStrength = "strength"
)

var rules = map[string]map[string]string{
	"en": {
		ruleLength:   "Between %d and %d characters.",
		ruleClasses:  "At least %d of: capital letters, small letters, numbers, symbols.",
		ruleBanned:   "No common password, and not your name, your user name or your organisation's name.",
		ruleBreached: "Not a password that has appeared in a data breach.",
		ruleStrength: "Hard to guess: a long password, or several unrelated words.",
	},
	"fr": {
		ruleLength:   "Entre %d et %d caractères.",
		ruleClasses:  "Au moins %d types parmi\u00a0: majuscules, minuscules, chiffres, symboles.",
		ruleBanned:   "Pas de mot de passe courant, ni votre nom, votre identifiant ou le nom de votre organisation.",
		ruleBreached: "Pas un mot de passe apparu dans une fuite de données.",
		ruleStrength: "Difficile à deviner\u00a0: un mot de passe long, ou plusieurs mots sans rapport.",
	},
}

// Lang returns the supported language for a tag such as "fr-CA" or "en",
// and the first of Languages for any other.
func Lang(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	base, _, _ = strings.Cut(base, "_")
	if _, ok := messages[base]; ok {
		return base
	}
	return Languages[0]
}

// Message returns the user-facing sentence for a reason code in lang; n
// fills in the number of too_short, too_long, classes and weak. An unknown
// code gives the guessable-password message.
func Message(code, lang string, n int) string {
	m := messages[Lang(lang)]
	s, ok := m[code]
	if !ok {
		return m[ReasonBanned]
	}
	if strings.Contains(s, "%d") {
		return fmt.Sprintf(s, n)
	}
	return s
}

// Rules returns the rules in force, one sentence each, in lang, for the page
// to show next to the password field.
func (p *Policy) Rules(lang string) []string {
	r := rules[Lang(lang)]
	out := []string{fmt.Sprintf(r[ruleLength], p.s.minLength, p.s.maxLength)}
	if p.s.minClasses > 0 {
		out = append(out, fmt.Sprintf(r[ruleClasses], p.s.minClasses))
	}
	out = append(out, r[ruleBanned])
	if len(p.breached) > 0 {
		out = append(out, r[ruleBreached])
	}
	if p.s.minScore > 0 {
		out = append(out, r[ruleStrength])
	}
	return out
}
