// Sites of disease: add and remove rows in place. Without this script the form still
// works: it has a few empty rows and a "Remove" tick on each.
(function () {
  "use strict";

  var rows = document.querySelector("[data-site-rows]");
  var template = document.getElementById("site-row-template");
  var addButton = document.querySelector("[data-add-site]");
  var total = document.querySelector('input[name="sites-TOTAL_FORMS"]');
  var initial = document.querySelector('input[name="sites-INITIAL_FORMS"]');
  if (!rows || !template || !addButton || !total) {
    return;
  }

  function isBlank(row) {
    var site = row.querySelector("select");
    var lesions = row.querySelector('input[type="number"]');
    var ticks = row.querySelectorAll('input[type="checkbox"]');
    for (var i = 0; i < ticks.length; i++) {
      if (ticks[i].checked) {
        return false;
      }
    }
    return (
      (!site || site.value === "") &&
      (!lesions || lesions.value === "") &&
      !row.querySelector(".errorlist")
    );
  }

  function visibleRows() {
    return rows.querySelectorAll("[data-site-row]:not([hidden])");
  }

  function removeRow(row) {
    var tick = row.querySelector("[data-delete] input");
    if (tick) {
      tick.checked = true;
    }
    row.hidden = true;
    var next = visibleRows();
    if (next.length) {
      var field = next[next.length - 1].querySelector("select");
      if (field) {
        field.focus();
      }
    } else {
      addButton.focus();
    }
  }

  function enhance(row) {
    var del = row.querySelector("[data-delete]");
    if (!del || del.dataset.enhanced) {
      return;
    }
    del.dataset.enhanced = "1";
    del.hidden = true;
    var tick = del.querySelector("input");
    if (tick && tick.checked) {
      row.hidden = true; // removed before the page came back with errors
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-quiet remove-site";
    button.textContent = "Remove";
    var select = row.querySelector("select");
    button.setAttribute("aria-label", "Remove this site");
    if (select && select.id) {
      button.setAttribute("aria-describedby", select.id);
    }
    button.addEventListener("click", function () {
      removeRow(row);
    });
    row.appendChild(button);
  }

  function addRow() {
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    enhance(row);
    var select = row.querySelector("select");
    if (select) {
      select.focus();
    }
    return row;
  }

  // Trailing empty rows are only there for use without the script; keep one.
  var all = rows.querySelectorAll("[data-site-row]");
  var count = all.length;
  var keep = Math.max(1, initial ? parseInt(initial.value, 10) || 0 : 0);
  for (var i = all.length - 1; i >= keep; i--) {
    if (!isBlank(all[i])) {
      break;
    }
    all[i].parentNode.removeChild(all[i]);
    count -= 1;
  }
  total.value = String(count);

  rows.querySelectorAll("[data-site-row]").forEach(enhance);
  addButton.hidden = false;
  addButton.addEventListener("click", addRow);
})();
