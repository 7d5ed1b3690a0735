// The picker of nearby attacks (merge page, and "Move to" on the article review page): the list
// is an htmx fragment; the keyboard goes from the search field down the list and back.
// ↓ from the field: the first attack; ↑/↓ in the list: the previous/next; Esc: back to the field.
// Enter in the field never submits the search: it goes to the first attack instead.
// Without JavaScript the merge page's search still works as a plain GET form.

function candidates(box) {
  return Array.from(box.querySelectorAll(".candidate"));
}

function wire(search) {
  const box = document.getElementById(search.getAttribute("aria-controls"));
  if (!box) return;

  search.addEventListener("keydown", (event) => {
    const items = candidates(box);
    if ((event.key === "ArrowDown" || event.key === "Enter") && items.length) {
      event.preventDefault();
      items[0].focus();
    } else if (event.key === "Enter") {
      event.preventDefault(); // nothing to pick yet: keep the page
    }
  });

  box.addEventListener("keydown", (event) => {
    const items = candidates(box);
    const i = items.indexOf(document.activeElement);
    if (i < 0) return;
    if (event.key === "ArrowDown" && i < items.length - 1) {
      event.preventDefault();
      items[i + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (i > 0) items[i - 1].focus();
      else search.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      search.focus();
    }
  });

  // Tests and people on slow links can tell a finished list from one still loading.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target === box) box.dataset.loaded = String(Number(box.dataset.loaded || 0) + 1);
  });
}

document.querySelectorAll("input[type=search][aria-controls]").forEach(wire);
