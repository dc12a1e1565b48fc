// Behaviour htmx does not give us by itself: say when an answer could not be saved, and retry.
(function () {
  "use strict";

  function questionOf(elt) {
    return elt && elt.closest ? elt.closest("fieldset.question") : null;
  }

  function markFailed(event) {
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
      htmx.trigger(question, "change");
    });
    status.append(message, retry);
    question.classList.add("save-failed");
  }

  document.addEventListener("htmx:responseError", markFailed);
  document.addEventListener("htmx:sendError", markFailed);
})();

// Never show a page from the back/forward cache: its answers or its "Review and submit" may be
// stale (submitted or changed since). Pages are sent with `Cache-Control: no-store`, which keeps
// Chromium from caching them today; this reloads one any browser restores all the same.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) window.location.reload();
});
