// The case page's "Similar patients here" panel, when its figures were not ready: load
// it from its own page and put it in place. Without this script the panel links there.
(function () {
  "use strict";

  var panels = document.querySelectorAll("[data-similar-panel]");
  Array.prototype.forEach.call(panels, function (panel) {
    var url = panel.getAttribute("data-similar-panel");
    var status = panel.querySelector("[data-similar-status]");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fragment = page.querySelector("[data-similar-fragment]");
        if (!fragment) {
          throw new Error("no panel in the answer");
        }
        var parent = panel.parentNode;
        while (fragment.firstChild) {
          parent.insertBefore(document.importNode(fragment.firstChild, true), panel);
          fragment.removeChild(fragment.firstChild);
        }
        parent.removeChild(panel);
      })
      .catch(function () {
        panel.removeAttribute("aria-busy");
        if (status) {
          status.firstChild.textContent = "The similar patients could not be loaded here. ";
        }
      });
  });
})();
