// Package gate is the front half shared by the flows that first prove who
// the user is: reset and unlock. It starts the flow, checks the CAPTCHA,
// looks the user up and decides eligibility, then runs one or two
// verification gates (choose a method, enter the code, resend). When the
// last gate is passed the flow moves to the step its owner names, and the
// owner's handlers take over from there.
//
// A Gate is parameterised by the flow's kind, which is also its path under
// the prefix and the prefix of its page names ("reset" serves
// PREFIX/reset and renders reset_identify, reset_method, reset_verify and
// reset_stopped).
//
// In generic disclosure mode (the default) every user ID walks the same
// pages, with the same status, headers and timing; only an eligible account
// that can use the chosen method receives anything. In descriptive mode the
// reference's messages appear right after identify.
package gate
