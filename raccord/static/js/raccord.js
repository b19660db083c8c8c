// Raccord's only hand-written script: focus management and the commune combobox.
(function () {
  "use strict";

  // Move focus to the first field in error (or the error summary) after a failed submit.
  function focusFirstError() {
    var invalid = document.querySelector('[aria-invalid="true"]');
    var summary = document.querySelector(".error-summary");
    if (invalid) { invalid.focus(); } else if (summary) { summary.focus(); }
  }

  function initCombobox(box) {
    var input = box.querySelector('[role="combobox"]');
    var hidden = box.querySelector("[data-combobox-value]");
    var popup = box.querySelector("[data-combobox-popup]");
    var url = box.getAttribute("data-url");
    var listboxId = box.getAttribute("data-listbox");
    var timer = null;
    var active = -1;

    function options() { return popup.querySelectorAll('[role="option"]'); }
    function close() {
      popup.innerHTML = ""; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var opts = options();
      if (!opts.length) { return; }
      active = (index + opts.length) % opts.length;
      opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      input.value = option.getAttribute("data-label");
      hidden.value = option.getAttribute("data-id");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function fetchOptions() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      fetch(url + "?listbox=" + encodeURIComponent(listboxId) + "&q=" + encodeURIComponent(q),
            { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          popup.innerHTML = html;
          var list = popup.querySelector('[role="listbox"]');
          input.setAttribute("aria-expanded", list ? "true" : "false");
          if (list) { input.setAttribute("aria-controls", list.id); }
          active = -1;
        })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(fetchOptions, 150);
    });
    input.addEventListener("keydown", function (e) {
      var opts = options();
      if (e.key === "ArrowDown") { e.preventDefault(); if (!opts.length) { fetchOptions(); } else { highlight(active + 1); } }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Enter" && active >= 0 && opts[active]) { e.preventDefault(); choose(opts[active]); }
      else if (e.key === "Escape") { close(); }
    });
    popup.addEventListener("mousedown", function (e) {
      var option = e.target.closest('[role="option"]');
      if (option) { e.preventDefault(); choose(option); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // --- Conditional fields: data-show-when="controller=value1,value2" ---------------------
  function initConditions(form) {
    var wrappers = form.querySelectorAll("[data-show-when]");
    function update() {
      wrappers.forEach(function (w) {
        var spec = w.getAttribute("data-show-when").split("=");
        var values = spec[1].split(",");
        var checked = form.querySelector('[name="' + spec[0] + '"]:checked');
        var control = form.querySelector('select[name="' + spec[0] + '"]');
        var current = checked ? checked.value : (control ? control.value : "");
        w.hidden = values.indexOf(current) === -1;
      });
    }
    form.addEventListener("change", update);
    update();
  }

  // --- Auto-save: status, aria-invalid after out-of-band errors, expired session -------------
  var PENDING_KEY = "raccord-pending-saves";
  function pending() {
    try { return JSON.parse(localStorage.getItem(PENDING_KEY) || "[]"); } catch (e) { return []; }
  }
  function setPending(list) { localStorage.setItem(PENDING_KEY, JSON.stringify(list)); }
  function formValues(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) { if (k !== "csrfmiddlewaretoken") { out[k] = v; } });
    return out;
  }
  function status(text, failed) {
    var el = document.getElementById("save-status");
    if (el) { el.textContent = text; el.className = "save-status " + (failed ? "save-failed" : "save-ok"); }
  }
  function syncInvalid() {
    document.querySelectorAll(".field-errors[data-for]").forEach(function (box) {
      var input = document.getElementById(box.getAttribute("data-for"));
      var inputs = input ? [input] : document.querySelectorAll('[id^="' + box.getAttribute("data-for") + '_"]');
      var invalid = box.textContent.trim() !== "";
      inputs.forEach(function (el) {
        if (invalid) { el.setAttribute("aria-invalid", "true"); } else { el.removeAttribute("aria-invalid"); }
        var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x.slice(-6) !== "_error"; });
        if (invalid) { ids.push(box.getAttribute("data-for") + "_error"); }
        if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); } else { el.removeAttribute("aria-describedby"); }
      });
      var wrap = box.closest(".field");
      if (wrap) { wrap.classList.toggle("field-invalid", invalid); }
    });
  }
  document.addEventListener("htmx:afterSettle", syncInvalid);
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    var form = e.detail.elt.closest ? e.detail.elt.closest("form[data-autosave]") : null;
    if ((xhr.status === 401 || xhr.status === 403) && form) {
      var list = pending().filter(function (p) { return p.url !== form.getAttribute("hx-post"); });
      list.push({ url: form.getAttribute("hx-post"), page: location.pathname, values: formValues(form) });
      setPending(list);
      var box = document.getElementById("session-expired");
      if (box) { box.hidden = false; box.querySelector("a").focus(); }
      status("Non enregistré : session expirée (votre saisie est conservée dans ce navigateur).", true);
    } else if (xhr.status !== 409) {
      status("Échec de l'enregistrement (erreur " + xhr.status + ") : réessayez.", true);
    }
  });
  document.addEventListener("htmx:sendError", function () {
    status("Échec de l'enregistrement : le serveur est injoignable. Vos modifications seront renvoyées au prochain changement.", true);
  });
  function replayPending() {
    var list = pending();
    var form = document.querySelector("form[data-autosave][hx-post]");
    if (!list.length || !form) { return; }
    var mine = list.filter(function (p) { return p.url === form.getAttribute("hx-post"); });
    if (!mine.length) { return; }
    var token = form.querySelector('[name="csrfmiddlewaretoken"]').value;
    var body = new FormData();
    Object.keys(mine[0].values).forEach(function (k) { body.append(k, mine[0].values[k]); });
    fetch(mine[0].url, { method: "POST", body: body, credentials: "same-origin",
                         headers: { "X-CSRFToken": token, "HX-Request": "true" } })
      .then(function (r) {
        if (r.ok) {
          setPending(list.filter(function (p) { return p.url !== mine[0].url; }));
          location.reload();
        }
      });
  }

  // --- File size checked before upload -------------------------------------------------------
  function initFileLimit(input) {
    input.addEventListener("change", function () {
      var max = parseInt(input.getAttribute("data-max-bytes"), 10);
      var warning = input.closest(".field").querySelector(".file-too-big");
      var tooBig = input.files.length && input.files[0].size > max;
      if (warning) { warning.hidden = !tooBig; }
      if (tooBig) { input.value = ""; input.setAttribute("aria-invalid", "true"); input.focus(); }
      else { input.removeAttribute("aria-invalid"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(initConditions);
    document.querySelectorAll("input[data-max-bytes]").forEach(initFileLimit);
    replayPending();
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError();
    document.querySelectorAll("[data-combobox]").forEach(initCombobox);
  });
})();

/* Several files in one input (message attachments): every chosen file must fit the limit
   given by data-max-bytes-each; otherwise the choice is cleared and the field's warning shown. */
(function () {
  "use strict";

  function initMultiFileLimit(input) {
    input.addEventListener("change", function () {
      var max = parseInt(input.getAttribute("data-max-bytes-each"), 10);
      var field = input.closest(".field");
      var warning = field ? field.querySelector(".file-too-big") : null;
      var tooBig = Array.prototype.some.call(input.files || [], function (file) {
        return file.size > max;
      });
      if (warning) { warning.hidden = !tooBig; }
      if (tooBig) { input.value = ""; input.setAttribute("aria-invalid", "true"); input.focus(); }
      else { input.removeAttribute("aria-invalid"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-max-bytes-each]").forEach(initMultiFileLimit);
  });
})();
