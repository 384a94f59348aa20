// password.js adds a "Show password" button after each password field that
// names its labels (data-show, data-hide), for browsers that run scripts.
// Without it the fields work as they are: progressive enhancement. Served
// from frontdoor's own origin, as the pages' CSP (script-src 'self') allows.
(function () {
	"use strict";
	var fields = document.querySelectorAll('input[type="password"][data-show][data-hide]');
	Array.prototype.forEach.call(fields, function (input) {
		var button = document.createElement("button");
		button.type = "button";
		button.className = "link reveal";
		button.textContent = input.getAttribute("data-show");
		button.setAttribute("aria-controls", input.id);
		button.addEventListener("click", function () {
			var show = input.type === "password";
			input.type = show ? "text" : "password";
			button.textContent = input.getAttribute(show ? "data-hide" : "data-show");
			input.focus();
		});
		input.insertAdjacentElement("afterend", button);
	});
})();
