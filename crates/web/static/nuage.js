// Progressive enhancement of the questionnaire: the form works without this script (each step
// posts and the server answers with the next page). With it, every change is saved and the
// verdict beside the form is redrawn, and new questions appear as soon as they matter.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form || !window.fetch || !window.DOMParser) return;
  var timer = null;
  var pending = null;

  // The answers on screen, which may be newer than the ones the server answered for.
  function snapshot(root) {
    var state = {};
    root.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      var list = state[el.name] || (state[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) list.push(el.value);
      } else {
        list.push(el.value);
      }
    });
    return state;
  }

  function restore(root, state) {
    root.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (!(el.name in state)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = state[el.name].indexOf(el.value) !== -1;
      } else if (state[el.name].length) {
        el.value = state[el.name][0];
      }
    });
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var verdict = doc.getElementById("verdict");
    if (verdict) document.getElementById("verdict").replaceWith(verdict);
    var compact = doc.getElementById("verdict-compact");
    if (compact && document.getElementById("verdict-compact")) document.getElementById("verdict-compact").replaceWith(compact);
    var questions = doc.getElementById("questions");
    var current = document.getElementById("questions");
    if (questions && current && questions.dataset.asked !== current.dataset.asked) {
      var focused = document.activeElement && document.activeElement.id;
      var state = snapshot(current);
      restore(questions, state);
      current.replaceWith(questions);
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    }
    var status = document.getElementById("save-status");
    if (status) status.textContent = status.dataset.saved || "";
  }

  function send() {
    var data = new URLSearchParams(new FormData(form));
    data.set("_action", "preview");
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-Nuage-Partial": "1" },
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then(function (r) { return r.text(); })
      .then(swap)
      .catch(function () {});
  }

  // An environment's offer changed: its region and zones come from the catalog's lists for
  // the new offer, and the old ones are cleared (the server does the same without script).
  var places = {};
  var placesData = document.getElementById("offres-regions");
  if (placesData) {
    try { places = JSON.parse(placesData.textContent) || {}; } catch (e) { places = {}; }
  }
  function resetPlaces(offerSelect) {
    var env = offerSelect.name.replace(/\.offer$/, "");
    var region = form.querySelector('[name="' + env + '.region"]');
    if (region && region.tagName === "SELECT") {
      var first = region.options[0];
      while (region.options.length) region.remove(0);
      if (first) region.add(new Option(first.text, ""));
      (places[offerSelect.value] || []).forEach(function (r) { region.add(new Option(r[1], r[0])); });
      region.value = "";
    } else if (region) {
      region.value = "";
    }
    form.querySelectorAll('[name="' + env + '.zones"]').forEach(function (z) {
      if (z.type === "checkbox") z.checked = false; else z.value = "";
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(send, 250);
  });
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.dataset && target.dataset.offerFor) resetPlaces(target);
    if (target && target.dataset && target.dataset.regionFor) {
      var env = target.name.replace(/\.region$/, "");
      form.querySelectorAll('[name="' + env + '.zones"]').forEach(function (z) {
        if (z.type === "checkbox") z.checked = false; else z.value = "";
      });
    }
    clearTimeout(timer);
    send();
  });
})();
