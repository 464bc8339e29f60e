(function () {
  "use strict";
  // Copy and share buttons on a partner's overview page. Shown only when this script runs, so a
  // page without script has no buttons that do nothing. Nothing is loaded from anywhere.
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallback(text); });
    }
    return fallback(text);
  }
  function fallback(text) {
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.top = "0";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(); }
    });
  }
  function say(actions, message) {
    var status = actions.querySelector(".status");
    if (status) { status.textContent = ""; status.textContent = message; }
  }
  function server(input) {
    var host = input.value.trim().replace(/^https?:\/\//i, "").replace(/\/.*$/, "");
    return /^[a-z0-9.-]+\.[a-z]{2,}(:[0-9]{1,5})?$/i.test(host) ? host : null;
  }
  function mastodon(actions) {
    var input = actions.querySelector("input.instance");
    var link = actions.querySelector("a[data-mastodon]");
    if (!input || !link) { return; }
    var host = server(input);
    input.setAttribute("aria-invalid", host ? "false" : "true");
    if (host) {
      link.href = "https://" + host + "/share?text=" + link.getAttribute("data-mastodon");
      link.removeAttribute("aria-disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }
  var all = document.querySelectorAll(".actions[hidden]");
  for (var i = 0; i < all.length; i++) { all[i].hidden = false; mastodon(all[i]); }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input.instance")) {
      mastodon(e.target.closest(".actions"));
    }
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button[data-text]") : null;
    if (!button) { return; }
    var actions = button.closest(".actions");
    var done = copy(button.getAttribute("data-text"));
    var open = button.getAttribute("data-open");
    if (open) { window.open(open, "_blank", "noopener"); }
    done.then(function () {
      say(actions, actions.getAttribute(open ? "data-copied-open" : "data-copied"));
    }, function () {
      say(actions, actions.getAttribute("data-failed"));
    });
  });
})();
