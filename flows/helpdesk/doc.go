// Package helpdesk is "Contact your administrator": a form (user ID,
// message, CAPTCHA) whose request goes to the helpdesk, by email to a
// configured address or to the members of a directory group, and is answered
// with a reference number the user and the helpdesk both see. Where the
// organisation has a helpdesk portal instead, the page redirects there.
//
// The form is linked from every page, shown when self-service cannot help,
// and answers upstream paths intercepted for it. Requests are rate limited
// per client address and per user ID; the message is plain text, bounded in
// length, and never trusted as markup or as a mail header.
package helpdesk
