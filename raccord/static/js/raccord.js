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

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError();
    document.querySelectorAll("[data-combobox]").forEach(initCombobox);
  });
})();
