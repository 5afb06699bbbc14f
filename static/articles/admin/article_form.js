// Story change form: live length and reading time, who else is here, and the focal point picker.
"use strict";
(function () {
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function liveTextStats() {
    const out = document.querySelector(".article-text-stats");
    const body = document.getElementById("id_body");
    if (!out || !body) { return; }
    const perMinute = Number(out.dataset.wordsPerMinute) || 230;
    const word = /[\p{L}\p{N}_]+(?:['\u2019-][\p{L}\p{N}_]+)*/gu;
    const update = function () {
      const text = body.value;
      const words = (text.match(word) || []).length;
      const minutes = words ? Math.max(1, Math.ceil(words / perMinute)) : 0;
      out.textContent = text.trim().length.toLocaleString("en") + " characters · " +
        words.toLocaleString("en") + " words · " +
        (minutes ? minutes + " min read" : "nothing to read yet");
    };
    body.addEventListener("input", update);
  }

  function presence() {
    const box = document.querySelector("[data-presence-url]");
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!box || !token) { return; }
    const line = box.querySelector(".newsroom-presence");
    const names = box.querySelector(".newsroom-presence-names");
    const ping = function () {
      fetch(box.dataset.presenceUrl, {
        method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": token.value},
      }).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          names.textContent = data.others.map(function (other) { return other.name; }).join(", ");
          line.hidden = data.others.length === 0;
        }).catch(function () { /* offline for a moment: try again next minute */ });
    };
    window.setInterval(ping, 60000);
  }

  function focalPicker() {
    const picker = document.querySelector(".focal-picker");
    const x = document.getElementById("id_image_focal_x");
    const y = document.getElementById("id_image_focal_y");
    if (!picker || !x || !y) { return; }
    const marker = picker.querySelector(".focal-marker");
    const place = function () {
      marker.style.left = x.value + "%";
      marker.style.top = y.value + "%";
    };
    picker.addEventListener("click", function (event) {
      const box = picker.querySelector("img").getBoundingClientRect();
      x.value = Math.round(Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1) * 100);
      y.value = Math.round(Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1) * 100);
      place();
    });
    x.addEventListener("input", place);
    y.addEventListener("input", place);
    place();
  }

  // Autocomplete boxes (select2) name themselves by their current choice, which is empty on a
  // new story: give each the text of its field's label, as the <select> it replaces had.
  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const label = document.querySelector("label[for='" + select.id + "']");
      const box = select.parentElement.querySelector(".select2-selection[role=combobox]");
      if (!label || !box || box.hasAttribute("aria-label")) { return; }
      const name = label.textContent.replace(/:\s*$/, "").trim();
      box.setAttribute("aria-label", name);
      box.removeAttribute("aria-labelledby");
      box.querySelectorAll(".select2-selection__rendered").forEach(function (shown) {
        shown.setAttribute("aria-label", name);
      });
    });
  }

  ready(function () {
    liveTextStats(); presence(); focalPicker();
    // select2 draws its boxes when jQuery is ready, before or after this: name them whenever
    // one appears.
    nameAutocompletes();
    new MutationObserver(nameAutocompletes).observe(document.body, {childList: true, subtree: true});
  });
})();
