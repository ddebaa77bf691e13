// Progressive enhancement only: every page works without this file.
// Inputs with data-suggest="KIND" get suggestions from the graph in their <datalist>.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var t;
    return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); };
  }
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = input.list;
    if (!list) { return; }
    var kind = input.getAttribute("data-suggest");
    var last = "";
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      last = q;
      var url = "/api/v1/suggest?limit=12&q=" + encodeURIComponent(q) + (kind ? "&kind=" + encodeURIComponent(kind) : "");
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          list.innerHTML = "";
          items.forEach(function (s) {
            var o = document.createElement("option");
            o.value = s.value;
            o.label = s.kind + ": " + s.label;
            list.appendChild(o);
          });
        }).catch(function () { /* suggestions are a convenience */ });
    }, 150));
  });
  // a print button (inline handlers are forbidden by the Content-Security-Policy)
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form.report").forEach(function (form) {
    form.addEventListener("submit", function () {
      var b = form.querySelector("button[type=submit]");
      if (b) { b.disabled = true; b.textContent = "Arbeider … / working …"; }
    });
  });
})();
