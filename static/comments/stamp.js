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
