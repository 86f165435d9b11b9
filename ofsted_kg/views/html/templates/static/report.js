// ofsted-kg report: filter the follow-through matrix and the recommendation list by current status.
// Works offline; without JavaScript the page shows everything.
(function () {
  "use strict";
  var group = document.querySelector(".filters");
  if (!group) { return; }
  group.hidden = false;
  group.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-filter]");
    if (!button) { return; }
    var wanted = button.getAttribute("data-filter");
    group.querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b === button));
    });
    document.querySelectorAll("[data-current]").forEach(function (el) {
      el.classList.toggle("hidden", wanted !== "all" && el.getAttribute("data-current") !== wanted);
    });
  });
}());
// review.html: narrow the needs-review list to one authority or to the least sure; without JavaScript it shows all.
(function () {
  "use strict";
  var box = document.querySelector(".needs-filter");
  if (!box) { return; }
  box.hidden = false;
  var pick = box.querySelector("[data-needs=authority]"), most = box.querySelector("[data-needs=confidence]");
  var shown = box.querySelector("[data-needs=shown]");
  function apply() {
    var name = pick.value, limit = parseFloat(most.value), n = 0;
    document.querySelectorAll("table.needs tbody tr").forEach(function (tr) {
      var c = tr.getAttribute("data-confidence");
      var keep = (!name || tr.getAttribute("data-authority") === name) &&
                 (isNaN(limit) || c === "" || parseFloat(c) <= limit);
      tr.classList.toggle("hidden", !keep);
      n += keep ? 1 : 0;
    });
    shown.textContent = n + " shown";
  }
  pick.addEventListener("change", apply);
  most.addEventListener("input", apply);
  apply();
}());
