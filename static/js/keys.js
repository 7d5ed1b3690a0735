// Keyboard shortcuts for every page, declared in the HTML: an element with
// data-key="e" (or a two-key sequence "g e") is clicked, or focused when it is a field,
// when the keys are pressed outside a text field. "?" lists the page's shortcuts, built
// from the same attributes, so the list cannot drift from what the keys do.
(function () {
  "use strict";

  const SEQUENCE_TIMEOUT_MS = 1200;
  let pending = null; // first key of a two-key sequence
  let pendingTimer = null;

  function typing(target) {
    if (!target || !(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    const tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") {
      const type = (target.getAttribute("type") || "text").toLowerCase();
      return !["button", "submit", "checkbox", "radio", "reset"].includes(type);
    }
    return false;
  }

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function shortcutElements() {
    return Array.from(document.querySelectorAll("[data-key]")).filter(visible);
  }

  function activate(el) {
    const tag = el.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || el.hasAttribute("tabindex") && tag !== "A" && tag !== "BUTTON") {
      el.focus();
      if (typeof el.select === "function" && tag === "INPUT") el.select();
      if (el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
    } else {
      el.click();
    }
  }

  function labelOf(el) {
    return el.dataset.keyLabel || el.getAttribute("aria-label") || el.textContent.trim().replace(/\s+/g, " ");
  }

  function renderHelp() {
    const body = document.getElementById("shortcuts-list");
    if (!body) return;
    const rows = [
      ["?", "This list"],
      ["/", "Focus the first search or filter field"],
      ["Esc", "Close this list, a popup or the suggestions"],
    ];
    const seen = new Set(rows.map((r) => r[0]));
    for (const el of shortcutElements()) {
      const key = el.dataset.key;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push([key, labelOf(el)]);
    }
    body.replaceChildren(
      ...rows.map(([key, label]) => {
        const tr = document.createElement("tr");
        const k = document.createElement("td");
        key.split(" ").forEach((part, i) => {
          if (i) k.append(" then ");
          const kbd = document.createElement("kbd");
          kbd.textContent = part;
          k.append(kbd);
        });
        const l = document.createElement("td");
        l.textContent = label;
        tr.append(k, l);
        return tr;
      })
    );
  }

  function openHelp() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    renderHelp();
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  function find(key) {
    return shortcutElements().find((el) => el.dataset.key === key);
  }

  function firstSearchField() {
    return (
      find("/") ||
      document.querySelector("main input[type=search], main input[type=text]:not([readonly]), main input:not([type=hidden]):not([readonly]), main select")
    );
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    // Ctrl/⌘+Enter submits the form being typed in, from any of its fields.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      const form = event.target.form;
      const submit = form.querySelector("button[type=submit], button:not([type])");
      if (form.requestSubmit) form.requestSubmit(submit || undefined);
      else form.submit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    const dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open) return;
    const key = event.key;

    if (pending) {
      const combo = pending + " " + key;
      pending = null;
      clearTimeout(pendingTimer);
      const el = find(combo);
      if (el) {
        event.preventDefault();
        activate(el);
      }
      return;
    }
    if (key === "?") {
      event.preventDefault();
      openHelp();
      return;
    }
    if (key === "/") {
      const field = firstSearchField();
      if (field) {
        event.preventDefault();
        activate(field);
      }
      return;
    }
    if (key === "g") {
      pending = "g";
      pendingTimer = setTimeout(() => (pending = null), SEQUENCE_TIMEOUT_MS);
      return;
    }
    const el = find(key);
    if (el) {
      event.preventDefault();
      activate(el);
    }
  });

  // Shortcuts work from here on (tests wait for this before pressing keys).
  document.documentElement.dataset.keys = "ready";

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-shortcuts-open]");
    if (opener) openHelp();
  });

  // Shortcut hints in tooltips, from the same attributes.
  document.addEventListener("DOMContentLoaded", () => {
    for (const el of document.querySelectorAll("[data-key]")) {
      if (!el.title) el.title = `${labelOf(el)} (${el.dataset.key.replace(" ", " then ")})`;
      if (!el.dataset.key.includes(" ") && !el.hasAttribute("aria-keyshortcuts")) el.setAttribute("aria-keyshortcuts", el.dataset.key);
    }
  });
})();
