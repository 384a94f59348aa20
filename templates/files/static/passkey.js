// passkey.js runs the browser side of a WebAuthn ceremony for frontdoor's
// passkey pages. A form with data-passkey-get (sign in) or
// data-passkey-create (register) holds the server's options as JSON; the
// button in it asks the browser for the passkey, puts the answer (JSON,
// binary fields in base64url) in the form's "credential" field and sends
// the form. No inline script: the page's policy allows this file only.
(function () {
  "use strict";

  function fromB64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function toB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeOptions(pk) {
    pk.challenge = fromB64url(pk.challenge);
    if (pk.user && pk.user.id) { pk.user.id = fromB64url(pk.user.id); }
    ["allowCredentials", "excludeCredentials"].forEach(function (list) {
      (pk[list] || []).forEach(function (c) { c.id = fromB64url(c.id); });
    });
    return pk;
  }

  function encodeCredential(cred) {
    var r = cred.response, out = {
      id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) { out.response.attestationObject = toB64url(r.attestationObject); }
    if (r.authenticatorData) { out.response.authenticatorData = toB64url(r.authenticatorData); }
    if (r.signature) { out.response.signature = toB64url(r.signature); }
    if (r.userHandle) { out.response.userHandle = toB64url(r.userHandle); }
    if (r.getTransports) { out.response.transports = r.getTransports(); }
    return JSON.stringify(out);
  }

  function run(form, create) {
    var options = JSON.parse(form.getAttribute(create ? "data-passkey-create" : "data-passkey-get"));
    var pk = decodeOptions(options.publicKey);
    var call = create ? navigator.credentials.create({ publicKey: pk }) : navigator.credentials.get({ publicKey: pk });
    call.then(function (cred) {
      form.elements.credential.value = encodeCredential(cred);
      form.submit();
    }, function () {
      var status = form.querySelector("[data-passkey-failed]");
      if (status) { status.hidden = false; }
    });
  }

  document.querySelectorAll("form[data-passkey-get], form[data-passkey-create]").forEach(function (form) {
    var create = form.hasAttribute("data-passkey-create");
    var button = form.querySelector("button[data-passkey-start]");
    if (!button || !window.PublicKeyCredential) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { run(form, create); });
  });
})();
