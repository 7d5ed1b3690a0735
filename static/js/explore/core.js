// Shared state of the explore page: its config, the filter form, the query string,
// errors beside the filters and the counts. The other explore modules read these.

export const cfg = JSON.parse(document.getElementById("explore-config").textContent);
export const FILTERS = new Set(cfg.filters);
export const DATE_FILTERS = new Set(["occurred_after", "occurred_before"]);
export const DAY = 86400;

export const form = document.getElementById("filters");
export const mapEl = document.getElementById("map");
export const mapNote = document.getElementById("map-note");
export const timelineEl = document.getElementById("timeline");
export const timelineNote = document.getElementById("timeline-note");

export const initialUrl = new URLSearchParams(location.search);
export const state = {
  view: initialUrl.get("view") || null, // "zoom/lat/lon", set by the user's pan and zoom
  tlZoom: initialUrl.get("tl") === "zoom", // the timeline shows only the chosen period
  page: initialUrl.get("page") || null,
  mode: null, // "points" or "clusters"
  points: null,
  dataSeq: 0,
  mapSeq: 0,
  timelineKey: null,
  firstDraw: true,
};

// Calls across modules that would otherwise import each other (set by explore.js).
export const hooks = { applyFilters: null };

// --- the query string ---

export function filterParams({ withDates = true } = {}) {
  const params = new URLSearchParams();
  for (const el of form.elements) {
    if (!el.name || !FILTERS.has(el.name)) continue;
    if (!withDates && DATE_FILTERS.has(el.name)) continue;
    const value = (el.value || "").trim();
    if (value) params.set(el.name, value);
  }
  return params;
}

export function syncUrl() {
  const params = filterParams();
  if (state.page) params.set("page", state.page);
  if (state.view) params.set("view", state.view);
  if (state.tlZoom) params.set("tl", "zoom");
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
}

export function apiUrl(params, format) {
  const p = new URLSearchParams(params);
  if (format) {
    const q = p.toString();
    return `${cfg.apiUrl}?format=${format}${q ? "&" + q : ""}`;
  }
  const q = p.toString();
  return cfg.apiUrl + (q ? "?" + q : "");
}

export function updateLinks() {
  const params = filterParams();
  document.getElementById("link-api").href = apiUrl(params);
  document.getElementById("link-csv").href = apiUrl(params, "csv");
  document.getElementById("link-geojson").href = apiUrl(params, "geojson");
}

// --- errors next to the filter fields ---

export function showErrors(errors) {
  for (const old of form.querySelectorAll(".errors[data-client]")) old.remove();
  for (const field of form.querySelectorAll(".field.invalid")) field.classList.remove("invalid");
  for (const [name, messages] of Object.entries(errors || {})) {
    const input = form.elements[name];
    const box = document.createElement("div");
    box.className = "errors";
    box.dataset.client = "1";
    box.setAttribute("role", "alert");
    box.textContent = (Array.isArray(messages) ? messages : [messages]).join(" ");
    if (input && input.closest && input.closest(".field")) {
      input.closest(".field").classList.add("invalid");
      input.closest(".field").append(box);
    } else {
      box.textContent = `${name}: ${box.textContent}`;
      form.prepend(box);
    }
  }
}

// --- counts ---

export const fmt = new Intl.NumberFormat("en-GB");

export function showCounts(total, located, unlocated) {
  const totalEl = document.getElementById("count-total");
  totalEl.textContent = fmt.format(total);
  totalEl.dataset.count = String(total);
  document.getElementById("count-noun").textContent = total === 1 ? "attack matches" : "attacks match";
  document.getElementById("count-located").textContent = fmt.format(located);
  document.getElementById("count-unlocated").textContent = fmt.format(unlocated);
  document.getElementById("count-located-wrap").hidden = false;
}

export function showMode(text) {
  document.getElementById("map-mode").textContent = text ? ` (${text})` : "";
}

// From after To would match nothing: say why instead of showing 0 attacks.
export function dateOrderError() {
  const after = form.elements.occurred_after?.value;
  const before = form.elements.occurred_before?.value;
  if (after && before && after > before) {
    return { occurred_before: `“To” (${before}) is before “From” (${after}): choose a To date on or after the From date.` };
  }
  return null;
}
