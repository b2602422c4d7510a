// Warns two minutes before the idle timeout ends the session, with "Stay signed in".
// Reads its settings from <meta name="mbc-session-idle">; no inline script is needed.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="mbc-session-idle"]');
  if (!meta || !window.fetch) {
    return;
  }
  var idleMs = parseInt(meta.content, 10) * 1000;
  var warnMs = parseInt(meta.getAttribute("data-warn") || "120", 10) * 1000;
  var keepaliveUrl = meta.getAttribute("data-keepalive");
  var loginUrl = meta.getAttribute("data-login");
  var warnTimer = null;
  var endTimer = null;
  var tick = null;
  var deadline = 0;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  var box = document.createElement("div");
  box.className = "idle-warning";
  box.setAttribute("role", "alertdialog");
  box.setAttribute("aria-labelledby", "idle-warning-heading");
  box.setAttribute("aria-describedby", "idle-warning-text");
  box.hidden = true;
  box.innerHTML =
    '<h2 id="idle-warning-heading">Your session is about to end</h2>' +
    '<p id="idle-warning-text"></p>' +
    '<div class="idle-warning-actions">' +
    '<button type="button" class="button" data-stay>Stay signed in</button>' +
    '<a class="button button-secondary" data-signin hidden>Sign in again</a>' +
    "</div>";
  var text = box.querySelector("#idle-warning-text");
  var stay = box.querySelector("[data-stay]");
  var signIn = box.querySelector("[data-signin]");
  signIn.href = loginUrl + "?next=" + encodeURIComponent(window.location.pathname);

  function remaining() {
    var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function showWarning() {
    box.hidden = false;
    stay.hidden = false;
    signIn.hidden = true;
    var update = function () {
      text.textContent =
        "Without activity you will be signed out in " + remaining() + ". " +
        "Anything you have typed and not saved is kept if that happens.";
    };
    update();
    tick = window.setInterval(update, 1000);
    stay.focus();
  }

  function showEnded() {
    window.clearInterval(tick);
    box.hidden = false;
    box.querySelector("h2").textContent = "Your session has ended";
    text.textContent =
      "You were signed out after a period without activity. What you typed on this page " +
      "is kept: save it and sign in again, and the form is given back with your text.";
    stay.hidden = true;
    signIn.hidden = false;
  }

  function start() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    window.clearInterval(tick);
    deadline = Date.now() + idleMs;
    warnTimer = window.setTimeout(showWarning, Math.max(0, idleMs - warnMs));
    endTimer = window.setTimeout(showEnded, idleMs);
  }

  stay.addEventListener("click", function () {
    window
      .fetch(keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          showEnded();
          return;
        }
        box.hidden = true;
        start();
      })
      .catch(showEnded);
  });

  document.body.appendChild(box);
  start();
})();
