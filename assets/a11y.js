// coin: keyboard and screen-reader help for htmx pages. A static file, as
// the CSP allows no inline script; every page works without it.
(function () {
  "use strict";

  // focusEl moves the focus to el, making it focusable when it is not.
  function focusEl(el) {
    if (!el) return;
    if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus({ preventScroll: false });
  }

  // firstError is the first field a failed form marked, else its first
  // error message.
  function firstError(root) {
    return root.querySelector("[aria-invalid=\"true\"]") ||
      root.querySelector("[role=alert], .flash.error, small.error");
  }

  // announce says what a live search found in the page's status region.
  function announce(root) {
    var count = root.querySelector("[data-live-count]");
    var status = document.getElementById("live-status");
    if (!count || !status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = count.textContent.trim(); }, 50);
  }

  // labelCells names each cell of the list tables after its column, for
  // the stacked rows of phones (the portal's tables come labelled).
  function labelCells(root) {
    root.querySelectorAll("table.list").forEach(function (table) {
      var heads = [];
      table.querySelectorAll("thead tr:first-child th").forEach(function (th) {
        var span = th.colSpan || 1;
        for (var i = 0; i < span; i++) heads.push(th.textContent.trim());
      });
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.cells, function (td) {
          var span = td.colSpan || 1;
          if (span === 1 && heads[col] && !td.hasAttribute("data-label")) {
            td.setAttribute("data-label", heads[col]);
          }
          col += span;
        });
      });
    });
  }

  document.addEventListener("htmx:afterSettle", function (e) {
    labelCells(document.getElementById("main") || document);
    var d = e.detail || {};
    var main = document.getElementById("main");
    if (!main) return;
    var status = d.xhr ? d.xhr.status : 0;
    if (status === 422 || status === 400) {
      focusEl(firstError(main));
      return;
    }
    // A navigation (a boosted link or form, or a form's HX-Location after
    // it saved) replaced the page's content: start reading at its heading,
    // as a full page load starts at the top; or at its first error.
    if (d.target === main) {
      focusEl(main.querySelector("[aria-invalid=\"true\"]") || main.querySelector("h1") || main);
      return;
    }
    // A live search (a GET form swapping its results) found something.
    // (detail.elt is the swapped element; the request's is in requestConfig.)
    var src = (d.requestConfig && d.requestConfig.elt) || d.elt;
    if (!d.boosted && src && src.closest && src.closest("form[hx-get], input[type=search][hx-get]")) {
      announce(main);
    }
  });

  // A form sent without htmx came back with errors: go to the first one.
  document.addEventListener("DOMContentLoaded", function () {
    labelCells(document);
    var main = document.getElementById("main");
    if (main) {
      var err = main.querySelector("[aria-invalid=\"true\"]");
      if (err) focusEl(err);
    }
  });
})();
