// Forms on every page: after a refused save, focus moves to the summary of what to correct;
// in a form marked data-enter-does-not-submit, Enter in a field does not send the form
// (only the save button does). The forms work the same without this script.
(function () {
  "use strict";

  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }

  document.querySelectorAll("form[data-enter-does-not-submit]").forEach(function (form) {
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "Enter" || !target || !target.tagName) {
        return;
      }
      var tag = target.tagName.toLowerCase();
      var type = (target.getAttribute("type") || "").toLowerCase();
      if (tag === "input" && type !== "submit" && type !== "button") {
        event.preventDefault();
      }
    });
  });
})();
