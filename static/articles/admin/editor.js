// Story body editor: a Markdown toolbar, a live preview rendered by the server's own sanitiser,
// images uploaded and inserted as Markdown, and autosave every 20 s and on leaving the page.
// Without JavaScript the form is a plain textarea and every button of the form still works.
"use strict";
(function () {
  const AUTOSAVE_MS = 20000;
  const PREVIEW_DELAY_MS = 400;

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function element(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, data) {
    data.append("csrfmiddlewaretoken", csrfToken());
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: data, headers: {"X-CSRFToken": csrfToken()},
    });
  }

  // Wrap the selection (or a placeholder) in `before`/`after`, or prefix each selected line.
  function wrap(body, before, after, placeholder) {
    const start = body.selectionStart, end = body.selectionEnd;
    const chosen = body.value.slice(start, end) || placeholder;
    body.setRangeText(before + chosen + after, start, end, "end");
    body.setSelectionRange(start + before.length, start + before.length + chosen.length);
  }

  function prefixLines(body, prefix) {
    const value = body.value;
    const start = value.lastIndexOf("\n", body.selectionStart - 1) + 1;
    const end = body.selectionEnd;
    const lines = value.slice(start, end).split("\n").map(function (line) { return prefix + line; });
    body.setRangeText(lines.join("\n"), start, end, "end");
  }

  function insertBlock(body, text) {
    const start = body.selectionStart;
    const before = body.value.slice(0, start);
    const gap = before === "" || before.endsWith("\n\n") ? "" : (before.endsWith("\n") ? "\n" : "\n\n");
    body.setRangeText(gap + text + "\n\n", start, body.selectionEnd, "end");
  }

  const COMMANDS = [
    ["bold", "Bold", function (b) { wrap(b, "**", "**", "bold text"); }],
    ["italic", "Italic", function (b) { wrap(b, "_", "_", "italic text"); }],
    ["link", "Link", function (b) { wrap(b, "[", "](https://)", "link text"); }],
    ["heading", "Heading", function (b) { prefixLines(b, "## "); }],
    ["list", "List", function (b) { prefixLines(b, "- "); }],
    ["quote", "Quote", function (b) { prefixLines(b, "> "); }],
  ];

  function toolbar(body, config, changed) {
    const bar = element("div", {"class": "md-toolbar", "role": "toolbar", "aria-label": "Formatting"});
    COMMANDS.forEach(function (command) {
      const button = element("button", {"type": "button", "data-command": command[0]}, command[1]);
      const key = {bold: "Ctrl+B", italic: "Ctrl+I", link: "Ctrl+K"}[command[0]];
      if (key) { button.title = command[1] + " (" + key + ")"; button.setAttribute("aria-keyshortcuts", key.replace("Ctrl", "Control")); }
      button.addEventListener("click", function () { body.focus(); command[2](body); changed(); });
      bar.appendChild(button);
    });
    // The shortcuts word processors use: Ctrl/Cmd + B, I, K.
    const shortcuts = {b: "bold", i: "italic", k: "link"};
    body.addEventListener("keydown", function (event) {
      const name = (event.ctrlKey || event.metaKey) && !event.altKey && shortcuts[event.key.toLowerCase()];
      const command = name && COMMANDS.find(function (c) { return c[0] === name; });
      if (!command) { return; }
      event.preventDefault();
      command[2](body);
      changed();
    });
    const imageButton = element("button", {"type": "button", "data-command": "image"}, "Image…");
    bar.appendChild(imageButton);
    const panel = element("div", {"class": "md-image-panel", "hidden": ""});
    const file = element("input", {"type": "file", "accept": "image/jpeg,image/png,image/webp", "id": "md-image-file"});
    const fileLabel = element("label", {"for": "md-image-file"}, "Image file");
    const alt = element("input", {"type": "text", "id": "md-image-alt", "maxlength": "250"});
    const altLabel = element("label", {"for": "md-image-alt"}, "Alt text (required)");
    const send = element("button", {"type": "button", "class": "md-image-send"}, "Upload and insert");
    const note = element("p", {"class": "md-image-note", "role": "status"});
    [fileLabel, file, altLabel, alt, send, note].forEach(function (n) { panel.appendChild(n); });
    imageButton.addEventListener("click", function () { panel.hidden = !panel.hidden; });
    send.addEventListener("click", function () {
      if (!file.files.length || !alt.value.trim()) {
        note.textContent = "Choose an image and describe it (alt text) first.";
        return;
      }
      const data = new FormData();
      data.append("image", file.files[0]);
      data.append("alt", alt.value.trim());
      note.textContent = "Uploading…";
      post(config.imageUrl, data).then(function (response) {
        return response.json().then(function (json) { return {ok: response.ok, json: json}; });
      }).then(function (answer) {
        if (!answer.ok) {
          const errors = answer.json.errors || {};
          note.textContent = Object.keys(errors).map(function (key) {
            return errors[key].map(function (e) { return e.message || e; }).join(" ");
          }).join(" ") || "The image was not accepted.";
          return;
        }
        insertBlock(body, answer.json.markdown);
        note.textContent = "Image inserted.";
        file.value = ""; alt.value = ""; panel.hidden = true;
        changed();
      }).catch(function () { note.textContent = "The upload failed; try again."; });
    });
    return [bar, panel];
  }

  function livePreview(body, config) {
    const box = element("div", {"class": "md-preview", "aria-live": "polite"});
    box.appendChild(element("p", {"class": "md-preview-label"}, "Preview"));
    const out = element("div", {"class": "md-preview-body story-body"});
    box.appendChild(out);
    let timer = null, sent = null;
    function render() {
      if (body.value === sent) { return; }
      sent = body.value;
      const data = new FormData();
      data.append("body", sent);
      post(config.previewUrl, data).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (json) {
          // The server's sanitiser made this HTML (the public page's own renderer).
          if (json) { out.innerHTML = json.html; }
        }).catch(function () { /* offline: the next keystroke tries again */ });
    }
    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, PREVIEW_DELAY_MS);
    });
    render();
    return box;
  }

  function autosave(form, config) {
    const status = element("p", {"class": "md-autosave", "role": "status"});
    const fields = ["title", "standfirst", "body", "byline"];
    function snapshot() {
      const data = new FormData();
      fields.forEach(function (name) {
        const input = form.querySelector("[name=" + name + "]");
        if (input) { data.append(name, input.value); }
      });
      return data;
    }
    function key(data) { return fields.map(function (n) { return data.get(n); }).join("\u0000"); }
    let saved = key(snapshot());
    let submitting = false;
    form.addEventListener("submit", function () { submitting = true; });
    function save() {
      const data = snapshot();
      const now = key(data);
      if (now === saved || submitting) { return; }
      post(config.autosaveUrl, data).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (json) {
          if (json) { saved = now; status.textContent = json.message; }
        }).catch(function () { status.textContent = "Autosave failed; your text is still here."; });
    }
    window.setInterval(save, AUTOSAVE_MS);
    window.addEventListener("pagehide", function () {
      const data = snapshot();
      if (submitting || key(data) === saved || !navigator.sendBeacon) { return; }
      data.append("csrfmiddlewaretoken", csrfToken());
      navigator.sendBeacon(config.autosaveUrl, data);
    });
    return {status: status, save: save};
  }

  ready(function () {
    const holder = document.querySelector(".newsroom-editor");
    const body = document.getElementById("id_body");
    if (!holder || !body || body.tagName !== "TEXTAREA") { return; }
    const config = {
      previewUrl: holder.dataset.previewUrl,
      imageUrl: holder.dataset.imageUrl,
      autosaveUrl: holder.dataset.autosaveUrl,
    };
    const form = body.form;
    const saver = config.autosaveUrl ? autosave(form, config) : null;
    const parts = toolbar(body, config, function () { body.dispatchEvent(new Event("input")); });
    body.parentNode.insertBefore(parts[0], body);
    body.parentNode.insertBefore(parts[1], body);
    // Text and preview side by side where the screen is wide enough (see editor.css).
    const split = element("div", {"class": "md-split"});
    body.parentNode.insertBefore(split, body);
    split.appendChild(body);
    split.appendChild(livePreview(body, config));
    if (saver) {
      body.parentNode.appendChild(saver.status);
      window.newsroomAutosave = saver.save; // for tests and the impatient: save now
    }
  });
})();
