// The pipeline board's drag and drop. Dropping a card on a column picks that status in
// the card's own "Move" form: a move that needs a reason opens the form to ask for it,
// a win goes to the lead page (the agreed fee and matter reference), anything else is
// submitted at once. Without this script every card still moves through its form.
"use strict";
(function () {
  const board = document.getElementById("board");
  if (!board) {
    return;
  }
  let dragged = null;

  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest(".lt-card");
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("lt-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.reference || "");
  });

  board.addEventListener("dragend", () => {
    if (dragged) {
      dragged.classList.remove("lt-dragging");
    }
    board.querySelectorAll(".lt-drop-over").forEach((el) => el.classList.remove("lt-drop-over"));
  });

  function target(event) {
    return event.target.closest("[data-status]");
  }

  board.addEventListener("dragover", (event) => {
    const zone = target(event);
    if (zone && dragged) {
      event.preventDefault();
      zone.classList.add("lt-drop-over");
    }
  });

  board.addEventListener("dragleave", (event) => {
    const zone = target(event);
    if (zone) {
      zone.classList.remove("lt-drop-over");
    }
  });

  board.addEventListener("drop", (event) => {
    const zone = target(event);
    if (!zone || !dragged) {
      return;
    }
    event.preventDefault();
    zone.classList.remove("lt-drop-over");
    const status = zone.dataset.status;
    const form = dragged.querySelector(".lt-move-form");
    const select = form && form.querySelector("select[name=status]");
    if (!select) {
      return;
    }
    if (status === "won") {
      window.location.href = form.querySelector(".lt-won-link").href;
      return;
    }
    const option = Array.from(select.options).find((o) => o.value === status);
    if (!option) {
      dragged.classList.add("lt-refused");
      window.alert("A " + (zone.querySelector("h2, a") || zone).textContent.trim().split("\n")[0] +
        " move is not allowed from here; use the card's Move button to see where it can go.");
      return;
    }
    select.value = status;
    if (zone.dataset.needsReason === "1") {
      const details = dragged.querySelector("details.lt-move");
      details.open = true;
      const reason = form.querySelector("input[name=reason]");
      reason.required = true;
      reason.focus();
      dragged.scrollIntoView({ block: "nearest" });
      return;
    }
    form.submit();
  });
})();
