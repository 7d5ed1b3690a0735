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
  const lists = new Map(); // checkboxes of one name (grade): the API's comma-separated list
  for (const el of form.elements) {
    if (!el.name || !FILTERS.has(el.name)) continue;
    if (!withDates && DATE_FILTERS.has(el.name)) continue;
    if (el.type === "checkbox") {
      if (!lists.has(el.name)) lists.set(el.name, []);
      if (el.checked) lists.get(el.name).push(el.value);
      continue;
    }
    const value = (el.value || "").trim();
    if (value) params.set(el.name, value);
  }
  for (const [name, values] of lists) if (values.length) params.set(name, values.join(","));
  return params;
}

// The page's own query string: the filters plus the list page, the map view and the timeline zoom.
function pageQuery() {
  const params = filterParams();
  if (state.page) params.set("page", state.page);
  if (state.view) params.set("view", state.view);
  if (state.tlZoom) params.set("tl", "zoom");
  return params.toString();
}

// A change of filters (or list page) is a step Back can return to: push; a map move only
// updates the current step: replace. Pushing the same query again adds no step.
export function syncUrl({ push = false } = {}) {
  const query = pageQuery();
  const url = location.pathname + (query ? "?" + query : "");
  if (push && url !== location.pathname + location.search) history.pushState({ explore: true }, "", url);
  else history.replaceState({ explore: true }, "", url);
}

// Back/Forward: the form shows the filters of the URL the browser returned to.
export function formFromUrl(search = location.search) {
  const params = new URLSearchParams(search);
  for (const el of form.elements) {
    if (!el.name || !FILTERS.has(el.name)) continue;
    const value = params.get(el.name) || "";
    if (el.type === "checkbox") {
      el.checked = value.split(",").includes(el.value);
    } else if (el.tagName === "SELECT") {
      if (value && ![...el.options].some((o) => o.value === value)) el.add(new Option(value, value));
      el.value = value;
    } else {
      el.value = DATE_FILTERS.has(el.name) ? value.slice(0, 10) : value;
    }
  }
  state.page = params.get("page") || null;
  state.tlZoom = params.get("tl") === "zoom";
  state.view = params.get("view") || null;
}

// --- loading state ---
// While a request for the counts, the map, the timeline or the list is out, the page says
// "Loading…" (aria-busy on what is being replaced) and dims what it shows, which no longer
// answers the filters.

const pending = { data: 0, map: 0, timeline: 0, list: 0 };

function showBusy() {
  const viz = document.querySelector(".viz");
  const list = document.querySelector("section.list");
  const any = Object.values(pending).some((n) => n > 0);
  const counts = pending.data > 0;
  viz?.setAttribute("aria-busy", String(counts || pending.map > 0 || pending.timeline > 0));
  viz?.classList.toggle("loading-counts", counts);
  viz?.classList.toggle("loading-map", pending.map > 0 || counts);
  list?.setAttribute("aria-busy", String(pending.list > 0));
  list?.classList.toggle("loading", pending.list > 0);
  document.querySelector(".timeline")?.setAttribute("aria-busy", String(pending.timeline > 0));
  const note = document.getElementById("loading");
  if (note) note.hidden = !any;
}

// ``track("data", promise)``: busy until the promise settles (whatever its outcome).
export function track(kind, promise) {
  pending[kind] += 1;
  showBusy();
  const done = () => {
    pending[kind] = Math.max(0, pending[kind] - 1);
    showBusy();
  };
  Promise.resolve(promise).then(done, done);
  return promise;
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

// "1 attack", "3,888 attacks": every count on the page in one style.
export function plural(n, one, many = one + "s") {
  return `${fmt.format(n)} ${n === 1 ? one : many}`;
}

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

// --- the filters' summary (shown in the collapsed panel's header on a phone) ---

// "Filters (3): Kharkiv Oblast, 2024-01-01 – 2024-12-31, killed ≥ 1": what is active,
// readable without opening the panel.
export function filterSummary() {
  const choices = []; // places and kinds first, as a reader names a view ("Kharkiv Oblast, drones")
  const others = [];
  const after = form.elements.occurred_after?.value;
  const before = form.elements.occurred_before?.value;
  for (const el of form.elements) {
    if (!el.name || !FILTERS.has(el.name) || DATE_FILTERS.has(el.name) || el.type === "checkbox") continue;
    if (el.dataset.passThrough !== undefined || !el.value.trim()) continue;
    if (el.name === "status" && el.value === "published") continue; // the default
    const label = form.querySelector(`label[for="${el.id}"]`)?.textContent.trim() || el.name;
    if (el.tagName === "SELECT") {
      const option = el.selectedOptions[0];
      choices.push(option?.dataset.label || option?.text || el.value);
    } else if (el.name === "q") choices.push(`“${el.value.trim()}”`);
    else if (el.type === "number") others.push(`${label.replace(/ at least$/, "").toLowerCase()} ≥ ${el.value}`);
    else others.push(`${label}: ${el.value}`);
  }
  if (after || before) {
    choices.push(after && before ? `${after} – ${before}` : after ? `from ${after}` : `until ${before}`);
  }
  const grades = [...form.querySelectorAll("input[type=checkbox][name=grade]:checked")].map(
    (el) => cfg.grades?.[el.value] || el.value
  );
  if (grades.length) others.push(grades.join(" or "));
  const parts = [...choices, ...others];
  return { n: parts.length, text: parts.join(", ") };
}

export function updateFilterSummary() {
  const el = document.getElementById("filters-summary");
  if (!el) return;
  const { n, text } = filterSummary();
  el.textContent = n ? ` (${n}): ${text}` : " (none)";
  el.closest("details")?.classList.toggle("has-filters", n > 0);
}
