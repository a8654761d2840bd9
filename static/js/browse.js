// Browse page: after htmx swaps in another page of results, move focus and scroll to the
// top of the results, as a full page load would; otherwise a reader who pressed "Next" at
// the bottom of page 1 lands at the bottom of page 2 and a screen reader hears nothing.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var trigger = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!trigger || !trigger.closest || !trigger.closest(".pager")) { return; }
    var heading = document.getElementById("result-count");
    var results = document.getElementById("browse");
    if (!heading || !results) { return; }
    heading.setAttribute("tabindex", "-1");
    results.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  });
})();
