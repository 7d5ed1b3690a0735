// The explore page: filter panel, map, timeline and list kept in step with one query
// string. The query string uses the API's filter names, so the page URL, the API link
// and the CSV/GeoJSON downloads all answer the same question.
//
// Map data: up to cfg.pointsMax located attacks come as points from /explore/data/ and
// are clustered in the browser (markercluster); above that the map asks /api/v1/map/
// for server-side clusters of the current view, so a million attacks stay fast.
//
// Split by concern (issue 14): explore/core.js (config, query string, errors, counts),
// explore/map.js, explore/timeline.js, explore/list.js; this file wires them together.
import { DATE_FILTERS, apiUrl, dateOrderError, showErrors, filterParams, form, hooks, mapEl, state, syncUrl, updateLinks, cfg } from "./explore/core.js";
import { applyData, loadData } from "./explore/map.js";
import { loadList } from "./explore/list.js";
import { drawSelection, loadTimeline } from "./explore/timeline.js";

document.getElementById("copy-api").addEventListener("click", async () => {
  const url = new URL(apiUrl(filterParams()), location.origin).href;
  const status = document.getElementById("copy-status");
  try {
    await navigator.clipboard.writeText(url);
    status.textContent = "API link copied.";
  } catch {
    // No clipboard permission (plain http, old browser): show the link selected for copying.
    window.prompt("Copy this API link:", url);
    status.textContent = "";
  }
});

// --- applying the filters ---

function applyFilters({ timeline = true } = {}) {
  const dateError = dateOrderError();
  if (dateError) {
    // The old counts stay on screen but no longer answer these filters: dim them.
    showErrors(dateError);
    document.querySelector(".viz")?.classList.add("stale");
    return;
  }
  document.querySelector(".viz")?.classList.remove("stale");
  syncUrl();
  updateLinks();
  loadData();
  loadList();
  if (timeline) loadTimeline();
  else drawSelection();
}
hooks.applyFilters = applyFilters;


let changeTimer = null;
form.addEventListener("change", (event) => {
  state.page = null;
  clearTimeout(changeTimer);
  // Dates typed by hand move the selection; other filters change what the timeline counts.
  changeTimer = setTimeout(() => applyFilters({ timeline: true }), 120);
  if (DATE_FILTERS.has(event.target.name) && !state.tlZoom) drawSelection();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  state.page = null;
  applyFilters({ timeline: true });
});

// Filters collapse on a phone so the map is on the first screen.
if (window.matchMedia("(max-width: 700px)").matches && !form.querySelector(".errors")) {
  document.getElementById("filters-box").open = false;
}

updateLinks();
// The page came with its counts: at scale the map asks for clusters at once; a small set
// still needs its points.
if (cfg.initial && cfg.initial.located > cfg.pointsMax) {
  applyData({ ...cfg.initial, points: null }, { early: !state.view });
} else if (cfg.initial || !form.querySelector(".errors")) {
  loadData();
}
// The timeline waits for the map's first drawing, so the two do not compete for the server.
let timelineStarted = false;
function startTimeline() {
  if (timelineStarted) return;
  timelineStarted = true;
  loadTimeline();
}
mapEl.addEventListener("explore:drawn", startTimeline, { once: true });
setTimeout(startTimeline, 1500);
