// Package phone turns the phone numbers found on an account (the
// directory's mobile and telephone attributes, or the "contact" section of a
// registration) into E.164 numbers, with github.com/nyaruka/phonenumbers
// (Google's libphonenumber data), and keeps them out of sight: Mask shows
// the last two digits only, and Matches compares the number a user typed
// with the account's on their E.164 forms in constant time.
//
// Numbers never come from a request: the typed number is only ever compared
// with the account's, it is never a destination.
package phone
