// lbconsole: the CSRF token on every htmx request; the group page's selection (kept across
// filters, pasted lists, Enter in a field, the preview cleared when what it showed changes);
// the picker's marks; search forms filled from the address on Back; times in the viewer's
// zone; the keyboard (? / j k x). Everything is delegated from document so that it keeps
// working after htmx swaps parts of the page. Behaviour hangs on data-* attributes of its own
// (data-batch-form, data-select-all, …); data-testid attributes are for tests and may change
// without breaking anything here. Without it every page still works, in plainer ways.
(function () {
  "use strict";

  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  }

  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  function boxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="member"]'));
  }

  // hiddenSelected are the selected members that the filter hides: hidden inputs, so that the
  // batch form still posts them.
  function hiddenSelected(form) {
    return Array.prototype.slice.call(form.querySelectorAll('[data-hidden-selection] input[name="member"]'));
  }

  function selectedIDs(form) {
    return boxes(form).filter(function (b) { return b.checked; }).map(function (b) { return b.value; })
      .concat(hiddenSelected(form).map(function (h) { return h.value; }));
  }

  // keepSelection selects ids again in a table the filter has just replaced: the rows it shows
  // are ticked, the others kept as hidden inputs.
  function keepSelection(form, ids) {
    var store = form.querySelector("[data-hidden-selection]");
    ids.forEach(function (id) {
      var box = form.querySelector('input[type="checkbox"][name="member"][value="' + CSS.escape(id) + '"]');
      if (box) {
        box.checked = true;
      } else if (store) {
        var h = document.createElement("input");
        h.type = "hidden";
        h.name = "member";
        h.value = id;
        store.appendChild(h);
      }
    });
  }

  function visible(box) {
    var row = box.closest("tr");
    return !row || !row.hidden;
  }

  // updateCount shows how many members are selected and refuses, before anything is sent,
  // a batch larger than the limit.
  function updateCount(form) {
    var all = boxes(form);
    var hidden = hiddenSelected(form).length;
    var n = all.filter(function (b) { return b.checked; }).length + hidden;
    var limit = parseInt(form.dataset.limit || "200", 10);
    form.querySelectorAll("[data-selected-count]").forEach(function (el) {
      el.textContent = n + (n === 1 ? " server selected" : " servers selected") +
        (hidden > 0 ? " (" + hidden + " hidden by the filter)" : "");
    });
    form.querySelectorAll("[data-clear-selection]").forEach(function (b) { b.hidden = n === 0; });
    var warn = form.querySelector("[data-selection-warning]");
    var tooMany = n > limit;
    if (warn) {
      warn.hidden = !tooMany;
      warn.textContent = tooMany ? n + " servers selected: at most " + limit + " can change in one batch." : "";
    }
    var picked = form.querySelectorAll('input[name="new_server"]').length;
    form.querySelectorAll("[data-picked-count]").forEach(function (el) { el.textContent = String(picked); });
    form.querySelectorAll("[data-needs-selection], [data-needs-new]").forEach(function (b) {
      var off = tooMany || picked > limit;
      if (b.hasAttribute("data-needs-selection") && n === 0) { off = true; }
      if (b.hasAttribute("data-needs-new") && picked === 0) { off = true; }
      b.disabled = off;
    });
    var selectAll = form.querySelector("[data-select-all]");
    if (selectAll) {
      var shown = all.filter(visible);
      var checked = shown.filter(function (b) { return b.checked; }).length;
      selectAll.checked = shown.length > 0 && checked === shown.length;
      selectAll.indeterminate = checked > 0 && checked < shown.length;
    }
  }

  var lastClicked = null;

  // clearPreview takes away a preview once what it was made of changes (the selection, the
  // weight, the picked servers): its Apply would apply what the page no longer shows.
  function clearPreview() {
    var area = document.getElementById("preview");
    if (!area || !area.querySelector("[data-preview]")) { return; }
    var note = document.createElement("p");
    note.className = "preview-note";
    note.setAttribute("data-testid", "preview-cleared");
    note.textContent = "What you selected changed since the preview, so it was cleared: preview again to see what the batch would do.";
    area.replaceChildren(note);
  }

  // The weight editor in a row: Enter saves, Escape cancels. It lives inside the batch form, so
  // Enter must not submit that form.
  function rowOf(el) { return el.closest("tr"); }

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLInputElement)) { return; }
    if (t.hasAttribute("data-picker-search") && e.key === "Enter") {
      e.preventDefault();
      return;
    }
    // Enter in a field presses the button its field belongs to (data-enter-op), never the
    // form's first button.
    if (e.key === "Enter" && t.dataset.enterOp) {
      e.preventDefault();
      var owner = t.closest("form");
      var button = owner && owner.querySelector('button[data-op="' + t.dataset.enterOp + '"]');
      if (button && !button.disabled) { button.click(); }
      return;
    }
    if (!t.hasAttribute("data-inline-weight")) { return; }
    if (e.key === "Enter") {
      e.preventDefault();
      var version = document.getElementById("group-version");
      var filter = document.querySelector("[data-page-filter]");
      htmx.ajax("POST", t.dataset.save, {
        source: t, target: rowOf(t), swap: "outerHTML",
        values: { weight: t.value, version: version ? version.value : "", filter: filter ? filter.value : "" }
      });
    } else if (e.key === "Escape") {
      e.preventDefault();
      htmx.ajax("GET", t.dataset.cancel, { source: t, target: rowOf(t), swap: "outerHTML" });
    }
  });

  // selectListed ticks the rows a pasted list names (server id or address, :port optional)
  // and says what it selected and what the table does not hold.
  function selectListed(button) {
    var form = button.closest("form");
    var box = button.closest("details");
    var words = box.querySelector("[data-paste-list]").value.split(/[\s,;]+/).filter(Boolean);
    var found = 0, missing = [];
    words.forEach(function (w) {
      var name = w, port = "";
      var colon = w.lastIndexOf(":");
      if (colon > 0) { name = w.slice(0, colon); port = w.slice(colon + 1); }
      var rows = Array.prototype.filter.call(form.querySelectorAll("tr[data-member-id]"), function (r) {
        return (r.dataset.serverId === name || r.dataset.address === name) && (port === "" || r.dataset.port === port);
      });
      rows.forEach(function (r) {
        var b = r.querySelector('input[type="checkbox"][name="member"]');
        if (b && !b.checked) { b.checked = true; found++; }
        else if (b) { found++; }
      });
      if (rows.length === 0) { missing.push(w); }
    });
    var filtered = form.querySelector("[data-filtered]") !== null;
    var msg = "Selected " + found + (found === 1 ? " server" : " servers") + " of the list.";
    if (missing.length > 0) {
      msg += " Not in the table" + (filtered ? " the filter shows" : "") + ": " + missing.join(", ") + ".";
    }
    box.querySelector("[data-paste-result]").textContent = msg;
    clearPreview();
    updateCount(form);
  }

  document.addEventListener("click", function (e) {
    var b = e.target;
    if (b instanceof HTMLButtonElement && b.hasAttribute("data-paste-select")) {
      selectListed(b);
      return;
    }
    if (b instanceof HTMLButtonElement && b.hasAttribute("data-clear-selection")) {
      var owner = b.closest("form");
      boxes(owner).forEach(function (x) { x.checked = false; });
      hiddenSelected(owner).forEach(function (x) { x.remove(); });
      clearPreview();
      updateCount(owner);
      return;
    }
    if (b instanceof HTMLButtonElement && b.hasAttribute("data-remove-row")) {
      var form = b.closest("form");
      rowOf(b).remove();
      markPicked();
      clearPreview();
      if (form) { updateCount(form); }
    }
  });

  document.addEventListener("click", function (e) {
    var box = e.target;
    if (!(box instanceof HTMLInputElement) || box.name !== "member") { return; }
    var form = box.closest("form");
    if (e.shiftKey && lastClicked && lastClicked !== box && form.contains(lastClicked)) {
      var all = boxes(form).filter(visible);
      var a = all.indexOf(lastClicked), b = all.indexOf(box);
      if (a >= 0 && b >= 0) {
        all.slice(Math.min(a, b), Math.max(a, b) + 1).forEach(function (x) { x.checked = box.checked; });
      }
    }
    lastClicked = box;
    clearPreview();
    updateCount(form);
  });

  // The batch's weight and the picked servers' ports and weights are part of what a preview
  // shows.
  document.addEventListener("input", function (e) {
    var t = e.target;
    if (t instanceof HTMLInputElement && t.closest("form[data-batch-form]") &&
        (t.name === "weight" || t.name === "new_port" || t.name === "new_weight" || t.name === "new_description")) {
      clearPreview();
    }
  });

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLInputElement)) { return; }
    var form = t.closest("form");
    if (!form) { return; }
    if (t.hasAttribute("data-select-all")) {
      boxes(form).filter(visible).forEach(function (b) { b.checked = t.checked; });
      clearPreview();
    }
    if (t.hasAttribute("data-select-all") || t.name === "member") {
      updateCount(form);
    }
  });

  // pinHeader keeps the member table's header row just under the sticky toolbar, however many
  // lines the toolbar takes on this screen.
  function pinHeader(form) {
    var bar = form.querySelector(".toolbar");
    form.style.setProperty("--toolbar-height", (bar ? bar.offsetHeight : 0) + "px");
  }

  // markPicked shows, in the picker's list, which servers are picked already: a server is
  // picked once.
  function markPicked() {
    var picked = {};
    document.querySelectorAll('#new-server-rows input[name="new_server"]').forEach(function (i) { picked[i.value] = true; });
    document.querySelectorAll("button[data-pick]").forEach(function (b) {
      var on = picked[b.dataset.pick] === true;
      b.disabled = on;
      b.textContent = on ? "Picked" : "Pick";
    });
  }

  // localTimes writes every time[data-local] in the viewer's time zone: absolute ones as a
  // date and time with the zone, relative ones (in lists) as "3 minutes ago". The UTC time the
  // page came with stays on hover, with the local one.
  var relative = typeof Intl.RelativeTimeFormat === "function" ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : null;
  var absolute = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    hour12: false, timeZoneName: "short"
  });
  var steps = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7]];

  function ago(t) {
    var n = (t.getTime() - Date.now()) / 1000;
    for (var i = 0; i < steps.length; i++) {
      if (Math.abs(n) < steps[i][1]) { return relative.format(Math.round(n), steps[i][0]); }
      n /= steps[i][1];
    }
    return null; // over a week: the date says more
  }

  function localTimes(root) {
    (root || document).querySelectorAll("time[data-local]").forEach(function (el) {
      var t = new Date(el.getAttribute("datetime"));
      if (isNaN(t.getTime())) { return; }
      var local = absolute.format(t);
      var text = local;
      if (el.dataset.local === "relative" && relative) { text = ago(t) || local; }
      el.textContent = text;
      if (el.dataset.utc === undefined) { el.dataset.utc = el.getAttribute("title"); }
      el.title = local + " · " + el.dataset.utc;
    });
  }
  setInterval(function () { localTimes(); }, 60000);

  function refreshAll() {
    localTimes();
    markPicked();
    document.querySelectorAll("form[data-batch-form]").forEach(function (form) {
      updateCount(form);
      pinHeader(form);
    });
  }
  window.addEventListener("resize", refreshAll);
  // The filter replaces the table: the selection is carried over. An answer to a batch brings
  // the selection the server kept, and is left as it comes.
  var carried = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (!target || target.id !== "group-body") { return; }
    var form = target.closest("form[data-batch-form]");
    var verb = e.detail.requestConfig && e.detail.requestConfig.verb;
    carried = form && verb === "get" ? selectedIDs(form) : null;
  });

  // Move focus to a preview when it arrives, so keyboard and screen reader users find it.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "group-body" && carried) {
      var form = e.detail.target.closest("form[data-batch-form]");
      if (form) { keepSelection(form, carried); }
      carried = null;
    }
    if (e.detail.target && e.detail.target.id === "new-server-rows") {
      clearPreview(); // a server was picked
    }
    if (e.detail.target && e.detail.target.id === "preview") {
      var box = e.detail.target.querySelector("[data-focus-on-arrival]");
      if (box) { box.focus(); }
    }
    var editor = document.querySelector("[data-inline-weight]");
    if (editor && document.activeElement !== editor) { editor.focus(); editor.select(); }
  });
  // fillFromAddress makes every search form say what the address asks for. Back and Forward
  // bring a page back from htmx's history or the browser's cache, where a typed value is not
  // kept: the table would show one search and its box another.
  function fillFromAddress(hiddenOnly) {
    var q = new URLSearchParams(location.search);
    document.querySelectorAll('form[role="search"][method="get"]').forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "submit" || el.type === "button") { return; }
        if (hiddenOnly === true && el.type !== "hidden") { return; }
        var v = q.get(el.name) || "";
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = q.getAll(el.name).indexOf(el.value) >= 0;
        } else if (el.value !== v) {
          el.value = v;
        }
      });
    });
  }
  document.addEventListener("htmx:historyRestore", fillFromAddress);
  // A header that sorts the table moves the address: the filter's hidden fields (the sort)
  // follow it, and the boxes someone may be typing in are left alone.
  document.addEventListener("htmx:pushedIntoHistory", function () { setTimeout(function () { fillFromAddress(true); }, 0); });
  window.addEventListener("pageshow", fillFromAddress);
  window.addEventListener("popstate", function () { setTimeout(fillFromAddress, 0); });

  // Keys that work anywhere but in a field: ? lists them, / goes to the search box, and in a
  // group's table j and k move between servers and x selects one.
  function typing(el) {
    return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement ||
      (el && el.isContentEditable);
  }

  function moveRow(step) {
    var boxesShown = Array.prototype.filter.call(document.querySelectorAll('tr[data-member-id] input[type="checkbox"][name="member"]'), visible);
    if (boxesShown.length === 0) { return; }
    var current = document.querySelector("tr.current");
    var i = current ? boxesShown.indexOf(current.querySelector('input[name="member"]')) : -1;
    var next = Math.max(0, Math.min(boxesShown.length - 1, i + step));
    if (current) { current.classList.remove("current"); }
    var row = boxesShown[next].closest("tr");
    row.classList.add("current");
    boxesShown[next].focus();
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) { return; }
    var help = document.getElementById("keys-help");
    if (e.key === "?" && !typing(e.target) && help) {
      e.preventDefault();
      if (help.open) { help.close(); } else { help.showModal(); }
      return;
    }
    if (typing(e.target) && !(e.target instanceof HTMLInputElement && e.target.type === "checkbox")) { return; }
    if (help && help.open) { return; }
    if (e.key === "/") {
      var box = document.querySelector('main form[role="search"] input[type="search"], main form[role="search"] input[type="text"]');
      if (box) { e.preventDefault(); box.focus(); box.select(); }
    } else if (e.key === "j" || e.key === "k") {
      e.preventDefault();
      moveRow(e.key === "j" ? 1 : -1);
    } else if (e.key === "x") {
      var row = document.querySelector("tr.current");
      var b = row && row.querySelector('input[type="checkbox"][name="member"]');
      if (b) { e.preventDefault(); b.click(); }
    }
  });

  // A page that answers a POST says where it belongs (data-location): the address moves there,
  // so that a reload shows that page instead of posting the form again.
  document.addEventListener("DOMContentLoaded", function () {
    var there = document.body && document.body.dataset.location;
    if (there && location.pathname + location.search !== there) { history.replaceState(null, "", there); }
  });

  document.addEventListener("DOMContentLoaded", refreshAll);
  document.addEventListener("htmx:afterSettle", refreshAll);
})();
