// Copy buttons (progressive enhancement): the buttons stay hidden until this script runs,
// so readers without JS see the selectable text and no dead controls.
(function () {
  "use strict";

  function copyText(text, fallbackField) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Older browsers and plain-http hosts: select the field and use the legacy command.
    return new Promise(function (resolve, reject) {
      var field = fallbackField;
      var temporary = !field;
      if (temporary) {
        field = document.createElement("textarea");
        field.value = text;
        field.setAttribute("readonly", "");
        field.className = "visually-hidden";
        document.body.appendChild(field);
      }
      field.select();
      var ok = document.execCommand && document.execCommand("copy");
      if (temporary) { field.remove(); }
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function announce(button, message) {
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (status) { status.textContent = message; }
  }

  function setUp(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) { return; }
      var isField = "value" in source && source.tagName !== "A";
      var text = isField ? source.value : (source.getAttribute("href") || source.textContent);
      copyText(text, isField ? source : null).then(function () {
        announce(button, button.getAttribute("data-copied") || "Copied.");
      }, function () {
        announce(button, "Could not copy: select the text and copy it by hand.");
      });
    });
  }

  function init() {
    document.querySelectorAll("button[data-copy]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
