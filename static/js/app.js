// Behaviour htmx does not give us by itself: when a question saves, say when an answer could
// not be saved, and retry.
(function () {
  "use strict";

  function questionOf(elt) {
    return elt && elt.closest ? elt.closest("fieldset.question") : null;
  }

  document.documentElement.classList.add("js");

  // "Not applicable" needs a reason: choosing it opens the reason field (app.css) and waits for
  // the reason instead of saving at once, which the server would refuse with an error.
  function awaitsReason(question, control) {
    if (control.type !== "radio" || control.value !== "not_applicable") return false;
    var reason = question.querySelector(".answer-reason input");
    if (!reason || reason.value.trim()) return false;
    reason.focus();
    var status = question.querySelector(".answer-status");
    if (status) status.textContent = question.dataset.reasonHint;
    return true;
  }

  // A question saves on "answer-edited" (a text field changed: at once) or "answer-chosen" (a
  // radio: htmx waits until the choice settles, so arrow keys passing over options save once).
  document.addEventListener("change", function (event) {
    var question = questionOf(event.target);
    if (!question || !question.hasAttribute("hx-post")) return;
    var chosen = event.target.type === "radio";
    mirrorExclusive(question, event.target);
    if (awaitsReason(question, event.target)) return;
    if (chosen) settling.add(question);
    question.dispatchEvent(new CustomEvent(chosen ? "answer-chosen" : "answer-edited"));
  });

  // A checklist: "none of these" clears the other boxes, another box clears it, and a box and
  // "don't know" clear each other; the server refuses them together (AnswerForm._clean_boxes).
  function mirrorExclusive(question, control) {
    var boxes = question.querySelector(".answer-boxes");
    if (!boxes || !control.checked) return;
    var exclusive = boxes.dataset.exclusive;
    var all = boxes.querySelectorAll("input[type=checkbox]");
    if (control.type === "radio") {
      all.forEach(function (box) { box.checked = false; });
      return;
    }
    if (control.type !== "checkbox") return;
    all.forEach(function (box) {
      if (box === control) return;
      if (control.value === exclusive || box.value === exclusive) box.checked = false;
    });
    question.querySelectorAll(".answer-options input[type=radio]").forEach(function (radio) {
      radio.checked = false;
    });
  }

  // Choices still settling: leaving the page within those 400 ms must not lose them, so they
  // are sent at once, by a request that outlives the page (keepalive).
  var settling = new Set();
  document.addEventListener("htmx:beforeRequest", function (event) {
    settling.delete(event.detail.elt);
  });

  function csrfHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      return {};
    }
  }

  function sendSettling() {
    settling.forEach(function (question) {
      var data = new FormData();
      question.querySelectorAll("input, textarea").forEach(function (control) {
        if (!control.name || control.disabled) return;
        if ((control.type === "radio" || control.type === "checkbox") && !control.checked) return;
        data.append(control.name, control.value);
      });
      var extra = question.getAttribute("hx-vals"); // a preview names its question
      if (extra) {
        var values = JSON.parse(extra);
        Object.keys(values).forEach(function (name) { data.append(name, values[name]); });
      }
      var headers = csrfHeaders();
      headers["HX-Request"] = "true";
      fetch(question.getAttribute("hx-post"), {
        method: "POST",
        body: data,
        headers: headers,
        credentials: "same-origin",
        keepalive: true,
      }).catch(function () {});
    });
    settling.clear();
  }
  window.addEventListener("pagehide", sendSettling);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") sendSettling();
  });

  function markFailed(event) {
    var config = event.detail.requestConfig;
    if (config && config.verb === "get") return; // a history that did not load: no save failed
    var question = questionOf(event.detail.elt);
    if (!question) return;
    var status = question.querySelector(".answer-status");
    status.textContent = "";
    var message = document.createElement("span");
    message.className = "text-danger fw-semibold me-2";
    message.textContent = question.dataset.failedMessage;
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "btn btn-sm btn-outline-danger retry-save";
    retry.textContent = question.dataset.retryLabel;
    retry.addEventListener("click", function () {
      htmx.trigger(question, "answer-edited");
    });
    status.append(message, retry);
    question.classList.add("save-failed");
  }

  // After a save, the status line names the refused fields (data-invalid): mark those controls,
  // and only those, without touching what they hold.
  function markInvalid(event) {
    var status = event.detail.target;
    if (!status || !status.classList || !status.classList.contains("answer-status")) return;
    var question = questionOf(status);
    if (!question) return;
    question.classList.remove("save-failed");
    // A colleague's choice kept under this person's comment: show it chosen, as it is stored.
    var kept = status.querySelector("[data-stored-choice]");
    if (kept) {
      var stored = kept.dataset.storedChoice;
      var boxes = stored.indexOf("boxes:") === 0 ? stored.slice(6).split(",") : [];
      question.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.checked = radio.value === stored;
      });
      question.querySelectorAll(".answer-boxes input[type=checkbox]").forEach(function (box) {
        box.checked = boxes.indexOf(box.value) !== -1;
      });
    }
    var list = status.querySelector("[data-invalid]");
    var names = list ? list.dataset.invalid.split(" ") : [];
    question.querySelectorAll("input, textarea, select").forEach(function (control) {
      if (control.type === "hidden") return;
      var invalid = names.indexOf(control.name) !== -1;
      control.classList.toggle("is-invalid", invalid);
      if (invalid) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    });
  }

  // A question drawn again whole (the colleague's answer kept, or a locked assessment): the
  // control that was used is gone, so focus goes to the answer now chosen, not to the page.
  function focusRedrawn(event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    var question = document.getElementById(target.id);
    if (!question || !question.matches("fieldset.question")) return;
    if (document.activeElement && question.contains(document.activeElement)) return;
    var control = question.querySelector("input[type=radio]:checked") ||
      question.querySelector("input[type=radio]");
    if (control) control.focus();
  }

  // An answer's history is read when its "History" opens, each time, so it is never stale.
  // `toggle` does not bubble: listened for while it goes down to the details.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details.answer-history") || !details.open) return;
    htmx.ajax("GET", details.dataset.historyUrl, {
      target: details.querySelector(".answer-history-body"),
      swap: "innerHTML",
    });
  }, true);

  document.addEventListener("htmx:responseError", markFailed);
  document.addEventListener("htmx:sendError", markFailed);
  document.addEventListener("htmx:oobAfterSwap", markInvalid);
  document.addEventListener("htmx:oobAfterSwap", focusRedrawn);
})();

// An invitation link: selected whole on focus, and copied by its button. The button is hidden
// until this script runs, since without it there is nothing to copy with.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) {
      event.target.select();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    function say(text) { if (status) status.textContent = text; }
    field.select();
    if (!navigator.clipboard) { say(button.dataset.copyFailed); return; }
    navigator.clipboard.writeText(field.value).then(
      function () { say(button.dataset.copied); },
      function () { say(button.dataset.copyFailed); }
    );
  });
})();

// Never show a page from the back/forward cache: its answers or its "Review and submit" may be
// stale (submitted or changed since). Pages are sent with `Cache-Control: no-store`, which keeps
// Chromium from caching them today; this reloads one any browser restores all the same.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) window.location.reload();
});
