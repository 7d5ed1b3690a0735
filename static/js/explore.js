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
import {
  DATE_FILTERS,
  apiUrl,
  dateOrderError,
  fmt,
  formFromUrl,
  showErrors,
  filterParams,
  form,
  hooks,
  mapEl,
  state,
  syncUrl,
  updateFilterSummary,
  updateLinks,
  cfg,
} from "./explore/core.js";
import { applyData, loadData, map } from "./explore/map.js";
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

// A change of filters is a new step in the browser's history (push); Back and Forward
// come back here with push: false.
function applyFilters({ timeline = true, push = true } = {}) {
  updateFilterSummary();
  markPreset();
  const dateError = dateOrderError();
  if (dateError) {
    // The old counts stay on screen but no longer answer these filters: dim them.
    showErrors(dateError);
    document.querySelector(".viz")?.classList.add("stale");
    return;
  }
  document.querySelector(".viz")?.classList.remove("stale");
  syncUrl({ push });
  updateLinks();
  loadData();
  loadList();
  loadFacets();
  if (timeline) loadTimeline();
  else drawSelection();
}
hooks.applyFilters = applyFilters;

// --- Back and Forward: the filters, list page, map view and timeline zoom of that step ---

window.addEventListener("popstate", () => {
  formFromUrl();
  if (state.view && /^\d+\/-?[\d.]+\/-?[\d.]+$/.test(state.view)) {
    // The step had its own view: show it as it was, not refitted to the results.
    state.fitKey = filterParams({ withDates: false }).toString();
    const [z, lat, lon] = state.view.split("/").map(Number);
    map.setView([lat, lon], z, { animate: false });
  }
  showErrors({});
  applyFilters({ timeline: true, push: false });
});

// --- date presets (From and To set from today, in the site's time zone) ---

function dayOffset(iso, days) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function presetRange(name) {
  const today = cfg.today;
  if (name === "night") return [dayOffset(today, -1), today];
  if (name === "7") return [dayOffset(today, -6), today];
  if (name === "30") return [dayOffset(today, -29), today];
  if (name === "year") {
    const [y, m, d] = today.split("-").map(Number);
    return [new Date(Date.UTC(y - 1, m - 1, d + 1)).toISOString().slice(0, 10), today];
  }
  return ["", ""];
}

function markPreset() {
  const after = form.elements.occurred_after?.value || "";
  const before = form.elements.occurred_before?.value || "";
  for (const button of document.querySelectorAll("[data-preset]")) {
    const [a, b] = presetRange(button.dataset.preset);
    button.setAttribute("aria-pressed", String(a === after && b === before));
  }
}

document.querySelector(".date-presets")?.addEventListener("click", (event) => {
  const button = event.target.closest("[data-preset]");
  if (!button) return;
  const [after, before] = presetRange(button.dataset.preset);
  form.elements.occurred_after.value = after;
  form.elements.occurred_before.value = before;
  state.page = null;
  if (!after && !before) state.tlZoom = false;
  showErrors({});
  applyFilters({ timeline: true });
});

// --- facet counts beside the filter choices (with every filter applied, as Datasette shows them) ---

let facetSeq = 0;
async function loadFacets() {
  const seq = ++facetSeq;
  let body;
  try {
    const response = await fetch(`${cfg.facetsUrl}?${filterParams()}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    body = await response.json();
  } catch {
    return; // the counts are a help, not the answer: without them the choices still work
  }
  if (seq !== facetSeq) return;
  for (const name of ["oblast", "munition_category"]) {
    const select = form.elements[name];
    if (!select || select.tagName !== "SELECT") continue;
    const counts = new Map((body[name] || []).map((b) => [String(b.value), b.count]));
    for (const option of select.options) {
      if (!option.value) continue;
      if (option.dataset.label === undefined) option.dataset.label = option.text;
      option.text = `${option.dataset.label} (${fmt.format(counts.get(option.value) || 0)})`;
    }
  }
  const grades = new Map((body.grade || []).map((b) => [b.value, b.count]));
  for (const span of form.querySelectorAll("[data-facet='grade']")) {
    span.textContent = `(${fmt.format(grades.get(span.dataset.value) || 0)})`;
  }
  form.dataset.facets = String(seq);
}


let changeTimer = null;
form.addEventListener("change", (event) => {
  state.page = null;
  updateFilterSummary();
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
updateFilterSummary();
markPreset();
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
  if (!form.querySelector(".errors")) loadFacets();
}
mapEl.addEventListener("explore:drawn", startTimeline, { once: true });
setTimeout(startTimeline, 1500);
