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
