// Workshop mode's keys, for a facilitator at a shared screen (docs/team.md):
// ArrowRight or "n" next question, ArrowLeft or "p" previous, digits 1-9 choose the answer of
// that number in the agree form (a checklist's boxes first), Enter agrees (and the page moves on
// to the next question), "h" shows or hides the names. Every key follows a link or uses the form
// the page has anyway, so nothing here is needed to run a workshop without JavaScript.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
    return tag === "input" && !/^(radio|checkbox|submit|button|hidden)$/.test(target.type);
  }

  function follow(name) {
    var link = document.querySelector('.workshop a[data-key="' + name + '"]');
    if (link) window.location.assign(link.href);
  }

  function choose(form, number) {
    var boxes = form.querySelectorAll('.answer-boxes input[type="checkbox"]');
    var radios = form.querySelectorAll('.answer-options input[type="radio"]');
    var controls = Array.prototype.slice.call(boxes).concat(Array.prototype.slice.call(radios));
    var control = controls[number - 1];
    if (!control) return;
    if (control.type === "checkbox") {
      control.checked = !control.checked;
      // Boxes and a radio ("don't know", "does not apply") never go together.
      radios.forEach(function (radio) { radio.checked = false; });
    } else {
      control.checked = true;
      boxes.forEach(function (box) { box.checked = false; });
    }
    control.focus();
  }

  document.addEventListener("keydown", function (event) {
    var form = document.querySelector(".workshop form.consensus-agree");
    if (!document.querySelector(".workshop")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var key = event.key;
    if (key === "ArrowRight" || key === "n") {
      event.preventDefault();
      follow("next");
    } else if (key === "ArrowLeft" || key === "p") {
      event.preventDefault();
      follow("previous");
    } else if (key === "h") {
      event.preventDefault();
      follow("names");
    } else if (form && /^[1-9]$/.test(key)) {
      event.preventDefault();
      choose(form, Number(key));
    } else if (form && key === "Enter") {
      var tag = event.target.tagName ? event.target.tagName.toLowerCase() : "";
      if (tag === "a" || tag === "button") return; // they act on Enter themselves
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
