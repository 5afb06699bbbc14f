// The page may be a stored copy, its form's time stamp as old as the copy: when the reader
// starts writing, fetch a stamp of this moment. Without this script the reader confirms once.
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form || !form.dataset.stampUrl || !window.fetch) {
    return;
  }
  function renew() {
    form.removeEventListener("focusin", renew);
    fetch(form.dataset.stampUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && answer.rendered && form.elements.rendered) {
          form.elements.rendered.value = answer.rendered;
        }
      })
      .catch(function () {});
  }
  form.addEventListener("focusin", renew);
})();

// After posting, the page opens at the comment (or the discussion): say "published" or
// "awaiting moderation" there too, where the reader is looking; the note at the top stays.
(function () {
  "use strict";
  var messages = document.querySelector(".messages");
  var id = window.location.hash.slice(1);
  var target = /^(c\d+|comments)$/.test(id) && document.getElementById(id);
  if (!messages || !target) {
    return;
  }
  var note = messages.cloneNode(true);
  note.classList.add("messages-here");
  note.setAttribute("role", "status");
  var body = target.querySelector(".comment-body");
  if (body) {
    body.parentNode.insertBefore(note, body.nextSibling);
  } else {
    var heading = target.querySelector("h2");
    target.insertBefore(note, heading ? heading.nextSibling : target.firstChild);
  }
})();
