// The strategy section editor: nothing typed is lost.
//
// htmx saves the text 1.5 s after the last keystroke. This file saves at once when the text
// loses focus, when the page is hidden or left, and before a link or another form on the page
// takes the person elsewhere; it asks before leaving while text is still unsaved. While an edit
// conflict is shown, saving as you type pauses (each save would only add another conflict), and
// it resumes once the person has chosen a text or saved a merge.
(function () {
  "use strict";

  var form, body;
  var lastSaved = null; // the text the server holds for the version in #base-version
  var beaconBody = null; // the text of a keepalive save under way
  var htmxBody = null; // the text of a save through htmx under way
  var resubmitting = false; // another form, submitted again once the text is saved

  function conflictOpen() {
    return !!document.querySelector("#save-status [data-conflict]");
  }

  function dirty() {
    return body.value !== lastSaved;
  }

  function csrfHeaders() {
    var headers = {};
    try {
      headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      headers = {};
    }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!headers["X-CSRFToken"] && token) headers["X-CSRFToken"] = token.value;
    headers["HX-Request"] = "true";
    return headers;
  }

  function fieldsOf(text) {
    var data = new FormData();
    data.append("body", text);
    data.append("base_version", document.getElementById("base-version").value);
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) data.append("csrfmiddlewaretoken", token.value);
    return data;
  }

  // A save through htmx: the answer updates the status and the version like an autosave.
  // Resolves when it is done, or after a few seconds whatever happened (htmx may drop a queued
  // request that a newer one replaced).
  var inflight = null;
  function saveNow() {
    if (!dirty() || conflictOpen()) return Promise.resolve();
    if (inflight && inflight.text === body.value) return inflight.promise;
    var request = htmx.ajax("POST", form.getAttribute("hx-post"), {
      source: form,
      target: "#save-status",
      swap: "outerHTML",
    });
    var promise = Promise.race([
      Promise.resolve(request).catch(function () {}),
      new Promise(function (resolve) {
        setTimeout(resolve, 5000);
      }),
    ]);
    var current = { text: body.value, promise: promise };
    inflight = current;
    promise.then(function () {
      if (inflight === current) inflight = null;
    });
    return promise;
  }

  // A save that outlives the page (pagehide, a hidden tab that may be discarded). Against the
  // version the page holds: if someone saved since, the server keeps this text as a conflict.
  function saveWithKeepalive() {
    // A save of this very text already under way would make this one a conflict with it.
    if (!dirty() || conflictOpen() || beaconBody === body.value || htmxBody === body.value) {
      return;
    }
    var text = body.value;
    var url = form.getAttribute("hx-post");
    beaconBody = text;
    var request;
    try {
      request = fetch(url, {
        method: "POST",
        body: fieldsOf(text),
        headers: csrfHeaders(),
        credentials: "same-origin",
        keepalive: true,
      });
    } catch (error) {
      // keepalive refused (too large a body, say): a beacon carries the token in the form data.
      navigator.sendBeacon(url, fieldsOf(text));
      return;
    }
    request
      .then(function (response) {
        return response.text().then(function (html) {
          if (response.status === 200 || response.status === 409) {
            lastSaved = text; // saved, or kept in the history as a conflict
            htmx.swap("#save-status", html, { swapStyle: "outerHTML" });
          }
        });
      })
      .catch(function () {})
      .finally(function () {
        beaconBody = null;
      });
  }

  function sameOriginLink(event) {
    if (event.defaultPrevented || event.button !== 0) return null;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.target || link.hasAttribute("download")) return null;
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.hash && url.pathname === location.pathname) {
      return null;
    }
    return link;
  }

  function init() {
    form = document.getElementById("section-form");
    body = document.getElementById("id_body");
    if (!form || !body) return;
    lastSaved = body.value;

    document.addEventListener("htmx:confirm", function (event) {
      // Saving as you type waits while a conflict is shown; the panel's buttons still work.
      var trigger = event.detail.triggerEvent;
      if (event.detail.elt === form && conflictOpen() && !(trigger && trigger.type === "submit")) {
        event.preventDefault();
      }
    });
    document.addEventListener("htmx:beforeRequest", function (event) {
      var elt = event.detail.elt;
      if (elt === form) {
        event.detail.xhr.savedBody = htmxBody = body.value;
      } else if (elt.hasAttribute && elt.hasAttribute("data-merge")) {
        var merged = document.getElementById("id_merged");
        event.detail.xhr.savedBody = merged ? merged.value : null;
        event.detail.xhr.merge = true;
      }
    });
    document.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      if (xhr && xhr.savedBody === htmxBody) htmxBody = null;
      if (!xhr || typeof xhr.savedBody !== "string") return;
      // A conflict keeps the refused text in the history: only what is typed after it is unsaved.
      if (xhr.status === 409 && !xhr.merge) lastSaved = xhr.savedBody;
      if (xhr.status !== 200) return;
      if (xhr.merge) {
        body.value = xhr.savedBody;
        htmx.trigger(body, "refresh-preview");
      }
      lastSaved = xhr.savedBody;
    });

    body.addEventListener("blur", function () {
      saveNow();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") saveWithKeepalive();
    });
    window.addEventListener("pagehide", saveWithKeepalive);
    window.addEventListener("beforeunload", function (event) {
      if (dirty()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    // A link followed while text is unsaved: save it, then go. On a conflict, stay to see it.
    document.addEventListener("click", function (event) {
      var link = sameOriginLink(event);
      if (!link || !dirty() || conflictOpen()) return;
      event.preventDefault();
      saveNow().then(function () {
        // Still unsaved (the network failed): leaving asks first, through beforeunload.
        if (!conflictOpen()) location.assign(link.href);
      });
    });
    // Another form (logging out, say) submitted while text is unsaved: the same.
    document.addEventListener("submit", function (event) {
      var other = event.target;
      // A form htmx sends (a row of the section's table) leaves the page, and the text, in place.
      if (resubmitting || other === form || other.hasAttribute("hx-post") || !dirty() || conflictOpen()) return;
      event.preventDefault();
      var submitter = event.submitter;
      saveNow().then(function () {
        if (!conflictOpen()) {
          resubmitting = true;
          other.requestSubmit(submitter && submitter.form === other ? submitter : undefined);
          resubmitting = false;
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
