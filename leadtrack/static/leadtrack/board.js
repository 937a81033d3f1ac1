// The pipeline board's drag and drop and its move dialog. Dropping a card on a column
// picks that status in the card's own "Move" form; a move that needs more (the firm's
// reason for lost or disqualified, the agreed fee and matter reference for won) opens a
// small dialog on the board that asks for it and posts the move; anything else is
// submitted at once. The card's Move button does the same without dragging (a phone, a
// keyboard). Without this script every card still moves through its own form, whose
// extra fields then all show.
"use strict";
(function () {
  const board = document.getElementById("board");
  if (!board) {
    return;
  }
  const dialog = document.getElementById("move-dialog");
  const ASKS = ["won", "lost", "disqualified"];
  let dragged = null;

  // With the dialog to ask, the cards' own extra fields are not needed.
  if (dialog && typeof dialog.showModal === "function") {
    board.querySelectorAll(".lt-move-extra").forEach((el) => { el.hidden = true; });
  }

  function statusLabel(select, status) {
    const option = Array.from(select.options).find((o) => o.value === status);
    return option ? option.textContent.trim() : status;
  }

  function fill(name, text) {
    dialog.querySelectorAll(`[data-fill=${name}]`).forEach((el) => { el.textContent = text; });
  }

  function openDialog(card, status) {
    const form = card.querySelector(".lt-move-form");
    const select = form.querySelector("select[name=status]");
    const ask = dialog.querySelector("form");
    ask.reset();
    ask.action = form.action;
    ask.querySelector("input[name=status]").value = status;
    fill("reference", card.dataset.reference || "");
    fill("status", statusLabel(select, status));
    fill("who", card.dataset.who || "");
    fill("estimate", card.dataset.estimate ? ` (the estimate was ${card.dataset.estimate})` : "");
    ask.querySelectorAll("[data-show-for]").forEach((block) => {
      const show = block.dataset.showFor.split(" ").includes(status);
      block.hidden = !show;
      block.querySelectorAll("input, select").forEach((field) => { field.disabled = !show; });
    });
    const reasons = ask.querySelector("select[name=reason]");
    const details = ask.querySelector("input[name=details]");
    let typed = true;
    if (reasons) {
      // Only this status's reasons are offered (a reason may be kept for both).
      const groups = reasons.allGroups || Array.from(reasons.querySelectorAll("optgroup"));
      reasons.allGroups = groups;
      groups.forEach((group) => group.remove());
      const match = groups.find((group) => group.dataset.status === status);
      const offered = match ? match.querySelectorAll("option").length : 0;
      if (match) { reasons.appendChild(match); }
      reasons.value = "";
      // No reasons kept for this status: the details box is the reason.
      reasons.hidden = offered === 0;
      reasons.previousElementSibling.hidden = offered === 0;
      reasons.required = offered > 0 && status !== "won";
      typed = offered === 0;
    }
    if (details) { details.required = typed && status !== "won"; }
    ask.querySelectorAll("input[name=agreed_fee], input[name=matter_reference]").forEach((field) => {
      field.required = status === "won";
    });
    dialog.returnTo = card;
    dialog.showModal();
    const first = Array.from(ask.querySelectorAll("select, input:not([type=hidden])"))
      .find((el) => !el.disabled && !el.hidden && !el.closest("[hidden]"));
    if (first) { first.focus(); }
  }

  if (dialog) {
    dialog.addEventListener("close", () => {
      const card = dialog.returnTo;
      if (card) {
        const summary = card.querySelector("details.lt-move summary");
        (summary || card).focus();
      }
    });
  }

  // The card's Move button: a status that needs more opens the dialog.
  board.addEventListener("submit", (event) => {
    const form = event.target.closest(".lt-move-form");
    if (!form || !dialog || typeof dialog.showModal !== "function") {
      return;
    }
    const status = form.querySelector("select[name=status]").value;
    if (ASKS.includes(status)) {
      event.preventDefault();
      openDialog(form.closest(".lt-card"), status);
    }
  });

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
    const option = Array.from(select.options).find((o) => o.value === status);
    if (!option) {
      dragged.classList.add("lt-refused");
      window.alert("A " + (zone.querySelector("h2, a") || zone).textContent.trim().split("\n")[0] +
        " move is not allowed from here; use the card's Move button to see where it can go.");
      return;
    }
    select.value = status;
    if (ASKS.includes(status) && dialog && typeof dialog.showModal === "function") {
      openDialog(dragged, status);
      return;
    }
    form.submit();
  });
})();
