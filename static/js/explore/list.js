// The explore list: an htmx fragment for the same filters, paged.
import { cfg, filterParams, state, syncUrl, track } from "./core.js";

let listSeq = 0;

export function loadList() {
  const params = filterParams();
  if (state.page) params.set("page", state.page);
  if (!window.htmx) return null;
  const seq = ++listSeq;
  const list = document.getElementById("attack-list");
  if (list) list.dataset.seq = String(seq);
  return track("list", htmx.ajax("GET", `${cfg.listUrl}?${params}`, { target: "#attack-list", swap: "outerHTML" }));
}

// A pager link (htmx swaps the list itself): a step Back returns to, and busy while it loads.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".pager a");
  if (!link) return;
  const page = new URL(link.href, location.origin).searchParams.get("page");
  state.page = page;
  syncUrl({ push: true });
});
document.addEventListener("htmx:beforeRequest", (event) => {
  if (!event.target.closest?.(".pager")) return;
  track("list", new Promise((resolve) => document.addEventListener("htmx:afterRequest", resolve, { once: true })));
});
