// The status change form (lead page, bulk action): show only the fields the chosen
// status needs (a reason from the firm's list for lost or disqualified, the agreed fee
// and matter reference for won, a reason to reopen a closed lead) and, in the reasons
// list, only the reasons for the chosen status. Without this script every field shows.
"use strict";
(function () {
  function update(form) {
    var select = form.querySelector("select[name=status]");
    if (!select) { return; }
    var status = select.value;
    var reopening = form.getAttribute("data-closed") === "true" && ["lost", "disqualified", "won"].indexOf(status) === -1;
    form.querySelectorAll("[data-show-for]").forEach(function (field) {
      var wanted = field.getAttribute("data-show-for").split(" ");
      var show = wanted.indexOf(status) !== -1 || (reopening && wanted.indexOf("reopen") !== -1);
      field.hidden = !show;
    });
    var reasons = form.querySelector("select[name=closure_reason]");
    if (reasons) {
      var label = { lost: "Lost", disqualified: "Disqualified" }[status];
      reasons.querySelectorAll("optgroup").forEach(function (group) {
        var match = group.label === label;
        group.hidden = !match;
        group.disabled = !match;
      });
      var chosen = reasons.options[reasons.selectedIndex];
      if (chosen && chosen.parentNode.disabled) { reasons.value = ""; }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".lt-status-form").forEach(function (form) {
      var select = form.querySelector("select[name=status]");
      if (!select) { return; }
      select.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
})();
