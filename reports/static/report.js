/* The HTML report's behaviour: filters, search, drill-down and the findings list.
   Inlined into report.html. Every value from the run is put into the page with textContent,
   never as markup, so resource names and observed values can only ever show as text. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var T = data.texts;
  var F = {};
  data.fields.forEach(function (name, i) { F[name] = i; });
  var ORDER = { FAIL: 0, UNKNOWN: 1, PASS: 2, NOT_APPLICABLE: 3 };
  var ITEM_FINDINGS_LIMIT = 100;
  var PAGE_SIZE = 100;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function badge(status) {
    var info = data.statuses[status] || { text: status, cls: "" };
    return el("span", "badge " + info.cls, info.text);
  }

  function providerName(key) { return data.providers[key] || key; }

  function timeEl(f) {
    var node = el("time", null, f[F.collected_jst]);
    node.setAttribute("datetime", f[F.collected_utc]);
    node.title = "UTC " + f[F.collected_utc];
    return node;
  }

  function findingDetail(f) {
    var box = el("div", "finding-detail");
    var dl = el("dl");
    function row(label, value) {
      dl.appendChild(el("dt", null, label));
      var dd = el("dd");
      if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = value === "" ? "—" : value; }
      dl.appendChild(dd);
    }
    row(T.status, badge(f[F.status]));
    row(T.check_id, f[F.check_id]);
    row(T.control, (data.controls[f[F.control_id]] || "") + " (" + f[F.control_id] + ")");
    row(T.provider, providerName(f[F.provider]));
    row(T.scope, f[F.scope]);
    row(T.region, f[F.region]);
    row(T.resource_type, f[F.resource_type]);
    row(T.resource_id, f[F.resource_id]);
    row(T.resource_name, f[F.resource_name]);
    row(T.reason, f[F.reason]);
    row(T.expected, f[F.expected]);
    row(T.source, f[F.source]);
    var when = el("span");
    when.appendChild(timeEl(f));
    when.appendChild(el("span", "utc", "  (UTC " + f[F.collected_utc] + ")"));
    row(T.collected_jst, when);
    box.appendChild(dl);
    box.appendChild(el("h4", null, T.observed_pretty));
    box.appendChild(el("pre", "observed", JSON.stringify(f[F.observed], null, 2)));
    return box;
  }

  function findingRow(f, columns) {
    var tr = el("tr", "frow");
    tr.tabIndex = 0;
    tr.setAttribute("aria-expanded", "false");
    var cells = {
      status: function () { var td = el("td"); td.appendChild(badge(f[F.status])); return td; },
      control: function () { return el("td", null, data.controls[f[F.control_id]] || f[F.control_id]); },
      check: function () { var td = el("td"); td.appendChild(el("code", null, f[F.check_id])); return td; },
      provider: function () { return el("td", null, providerName(f[F.provider])); },
      region: function () { return el("td", null, f[F.region]); },
      resource: function () {
        var td = el("td", "resource", f[F.resource_name] || f[F.resource_id]);
        td.title = f[F.resource_id];
        return td;
      },
      reason: function () { return el("td", null, f[F.reason]); },
      time: function () { var td = el("td"); td.appendChild(timeEl(f)); return td; }
    };
    columns.forEach(function (name) { tr.appendChild(cells[name]()); });
    tr.addEventListener("click", function () { toggleFinding(tr, f, columns.length); });
    tr.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggleFinding(tr, f, columns.length); }
    });
    return tr;
  }

  function toggleFinding(tr, f, span) {
    var next = tr.nextElementSibling;
    if (next && next.classList.contains("fdetail")) {
      next.parentNode.removeChild(next);
      tr.setAttribute("aria-expanded", "false");
      return;
    }
    var detail = el("tr", "fdetail");
    var td = el("td");
    td.colSpan = span;
    td.appendChild(findingDetail(f));
    detail.appendChild(td);
    tr.parentNode.insertBefore(detail, tr.nextSibling);
    tr.setAttribute("aria-expanded", "true");
  }

  var byControl = {};
  data.findings.forEach(function (f, i) {
    (byControl[f[F.control_id]] = byControl[f[F.control_id]] || []).push(i);
  });

  function sortIndices(indices) {
    return indices.slice().sort(function (a, b) {
      var fa = data.findings[a], fb = data.findings[b];
      return (ORDER[fa[F.status]] - ORDER[fb[F.status]]) || (a - b);
    });
  }

  function fillItemFindings(container) {
    if (container.getAttribute("data-filled")) { return; }
    container.setAttribute("data-filled", "1");
    var indices = [];
    container.getAttribute("data-controls").split(" ").forEach(function (id) {
      if (id && byControl[id]) { indices = indices.concat(byControl[id]); }
    });
    if (!indices.length) { container.appendChild(el("p", "muted", T.no_findings)); return; }
    indices = sortIndices(indices);
    var columns = ["status", "check", "provider", "region", "resource", "reason", "time"];
    var table = el("table", "data finding-list");
    var head = el("tr");
    [T.status, T.check_id, T.provider, T.region, T.resource_name, T.reason, T.collected_jst].forEach(function (h) {
      head.appendChild(el("th", null, h));
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    indices.slice(0, ITEM_FINDINGS_LIMIT).forEach(function (i) { body.appendChild(findingRow(data.findings[i], columns)); });
    table.appendChild(body);
    container.appendChild(table);
    if (indices.length > ITEM_FINDINGS_LIMIT) {
      container.appendChild(el("p", "muted small", T.more_findings.replace("{n}", indices.length - ITEM_FINDINGS_LIMIT)));
    }
  }

  function setExpanded(row, open) {
    var detail = row.nextElementSibling;
    row.setAttribute("aria-expanded", open ? "true" : "false");
    detail.hidden = !open || row.hidden;
    if (open) {
      var container = detail.querySelector(".item-findings");
      if (container) { fillItemFindings(container); }
    }
  }

  document.querySelectorAll("section.checklist").forEach(function (section) {
    var rows = Array.prototype.slice.call(section.querySelectorAll("tr.item"));
    var haystack = rows.map(function (row) {
      return (row.textContent + " " + row.nextElementSibling.textContent).toLowerCase();
    });
    var controls = {};
    section.querySelectorAll("[data-filter]").forEach(function (node) { controls[node.getAttribute("data-filter")] = node; });
    var counter = section.querySelector("[data-count]");
    var expandAll = section.querySelector("[data-expand-all]");

    function value(name) { return controls[name] ? controls[name].value : ""; }

    function apply() {
      var status = value("status"), group = value("group"), cloud = value("cloud");
      var query = value("search").trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = (!status || row.getAttribute("data-status") === status) &&
          (!group || row.getAttribute("data-group") === group) &&
          (!cloud || (" " + row.getAttribute("data-clouds") + " ").indexOf(" " + cloud + " ") >= 0) &&
          (!query || haystack[i].indexOf(query) >= 0);
        row.hidden = !ok;
        row.nextElementSibling.hidden = !ok || row.getAttribute("aria-expanded") !== "true";
        if (ok) { shown += 1; }
      });
      counter.textContent = shown + " / " + rows.length;
    }

    Object.keys(controls).forEach(function (name) {
      controls[name].addEventListener(name === "search" ? "input" : "change", apply);
    });
    rows.forEach(function (row) {
      row.addEventListener("click", function (event) {
        if (window.getSelection && String(window.getSelection())) { return; }
        setExpanded(row, row.getAttribute("aria-expanded") !== "true");
        event.stopPropagation();
      });
      row.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          setExpanded(row, row.getAttribute("aria-expanded") !== "true");
        }
      });
    });
    var allOpen = false;
    expandAll.addEventListener("click", function () {
      allOpen = !allOpen;
      rows.forEach(function (row) { if (!row.hidden) { setExpanded(row, allOpen); } });
      expandAll.textContent = allOpen ? T.close_all : T.open_all;
    });
    apply();
  });

  (function findingsSection() {
    var section = document.getElementById("findings");
    var body = document.getElementById("findings-body");
    var filters = {};
    section.querySelectorAll("[data-ffilter]").forEach(function (node) { filters[node.getAttribute("data-ffilter")] = node; });
    var counter = section.querySelector("[data-fcount]");
    var pageInfo = section.querySelector("[data-pageinfo]");
    var columns = ["status", "control", "check", "provider", "region", "resource", "reason", "time"];
    var haystack = data.findings.map(function (f) {
      return [f[F.check_id], f[F.control_id], f[F.scope], f[F.region], f[F.resource_type], f[F.resource_id],
        f[F.resource_name], f[F.reason], f[F.source]].join(" ").toLowerCase();
    });
    var all = sortIndices(data.findings.map(function (_, i) { return i; }));
    var matching = all;
    var page = 0;

    function render() {
      var pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
      page = Math.min(Math.max(page, 0), pages - 1);
      body.textContent = "";
      matching.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).forEach(function (i) {
        body.appendChild(findingRow(data.findings[i], columns));
      });
      counter.textContent = matching.length + " / " + data.findings.length;
      pageInfo.textContent = (page + 1) + " / " + pages;
    }

    function apply() {
      var status = filters.status.value, provider = filters.provider.value, control = filters.control.value;
      var query = filters.search.value.trim().toLowerCase();
      matching = all.filter(function (i) {
        var f = data.findings[i];
        return (!status || f[F.status] === status) && (!provider || f[F.provider] === provider) &&
          (!control || f[F.control_id] === control) && (!query || haystack[i].indexOf(query) >= 0);
      });
      page = 0;
      render();
    }

    Object.keys(filters).forEach(function (name) {
      filters[name].addEventListener(name === "search" ? "input" : "change", apply);
    });
    section.querySelectorAll("[data-page]").forEach(function (button) {
      button.addEventListener("click", function () { page += Number(button.getAttribute("data-page")); render(); });
    });
    render();
  }());

  document.querySelectorAll(".bar .seg").forEach(function (seg) { seg.style.width = seg.getAttribute("data-w") + "%"; });
  var nav = document.querySelector(".toc");
  function navHeight() { document.documentElement.style.setProperty("--nav-h", nav.offsetHeight + "px"); }
  navHeight();
  window.addEventListener("resize", navHeight);
  document.getElementById("print-button").addEventListener("click", function () { window.print(); });
  document.documentElement.setAttribute("data-ready", "1");
}());
