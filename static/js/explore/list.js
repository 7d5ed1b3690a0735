// The explore list: an htmx fragment for the same filters, paged.
import { cfg, filterParams, state, syncUrl } from "./core.js";


export function loadList() {
  const params = filterParams();
  if (state.page) params.set("page", state.page);
  if (window.htmx) {
    return htmx.ajax("GET", `${cfg.listUrl}?${params}`, { target: "#attack-list", swap: "outerHTML" });
  }
  return null;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest(".pager a");
  if (!link) return;
  const page = new URL(link.href, location.origin).searchParams.get("page");
  state.page = page;
  syncUrl();
});
