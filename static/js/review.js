// The article review screen: the article's text stays beside the list of extracted figures.
// Focus in a figure's form marks its words in the text (and, where the text is beside the list,
// scrolls the text to them); a highlight in the text leads to its figure; after a save the
// page comes back with the keyboard on the figure just changed.

const doc = document.getElementById("review-doc");
const beside = window.matchMedia("(min-width: 1100px)");

function mark(index) {
  return doc ? doc.querySelector(`#mark-${CSS.escape(String(index))}`) : null;
}

function show(index) {
  if (!doc) return;
  for (const el of doc.querySelectorAll("mark.active")) el.classList.remove("active");
  const m = mark(index);
  if (!m) return;
  m.classList.add("active");
  if (beside.matches) {
    // Scroll the text panel only, never the page the keyboard is on.
    const top = m.getBoundingClientRect().top - doc.getBoundingClientRect().top + doc.scrollTop - doc.clientHeight / 3;
    doc.scrollTop = Math.max(0, top);
  }
}

function focusFigure(hash) {
  const target = hash && hash.startsWith("#figure-") ? document.getElementById(hash.slice(1)) : null;
  if (!target) return;
  target.focus({ preventScroll: false });
  show(target.dataset.figure);
}

document.addEventListener("focusin", (event) => {
  const item = event.target instanceof Element ? event.target.closest("li.figure[data-figure]") : null;
  if (item) show(item.dataset.figure);
});

window.addEventListener("hashchange", () => focusFigure(window.location.hash));
focusFigure(window.location.hash);
document.documentElement.dataset.review = "ready";
