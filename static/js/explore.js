// The explore page: filter panel, map, timeline and list kept in step with one query
// string. The query string uses the API's filter names, so the page URL, the API link
// and the CSV/GeoJSON downloads all answer the same question.
//
// Map data: up to cfg.pointsMax located attacks come as points from /explore/data/ and
// are clustered in the browser (markercluster); above that the map asks /api/v1/map/
// for server-side clusters of the current view, so a million attacks stay fast.
import { PrecisionCircle, addTiles, UKRAINE_BOUNDS } from "./map_common.js";

const cfg = JSON.parse(document.getElementById("explore-config").textContent);
const FILTERS = new Set(cfg.filters);
const DATE_FILTERS = new Set(["occurred_after", "occurred_before"]);
const DAY = 86400;

const form = document.getElementById("filters");
const mapEl = document.getElementById("map");
const mapNote = document.getElementById("map-note");
const timelineEl = document.getElementById("timeline");
const timelineNote = document.getElementById("timeline-note");

const initialUrl = new URLSearchParams(location.search);
const state = {
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

// --- the query string ---

function filterParams({ withDates = true } = {}) {
  const params = new URLSearchParams();
  for (const el of form.elements) {
    if (!el.name || !FILTERS.has(el.name)) continue;
    if (!withDates && DATE_FILTERS.has(el.name)) continue;
    const value = (el.value || "").trim();
    if (value) params.set(el.name, value);
  }
  return params;
}

function syncUrl() {
  const params = filterParams();
  if (state.page) params.set("page", state.page);
  if (state.view) params.set("view", state.view);
  if (state.tlZoom) params.set("tl", "zoom");
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
}

function apiUrl(params, format) {
  const p = new URLSearchParams(params);
  if (format) {
    const q = p.toString();
    return `${cfg.apiUrl}?format=${format}${q ? "&" + q : ""}`;
  }
  const q = p.toString();
  return cfg.apiUrl + (q ? "?" + q : "");
}

function updateLinks() {
  const params = filterParams();
  document.getElementById("link-api").href = apiUrl(params);
  document.getElementById("link-csv").href = apiUrl(params, "csv");
  document.getElementById("link-geojson").href = apiUrl(params, "geojson");
}

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

// --- errors next to the filter fields ---

function showErrors(errors) {
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

const fmt = new Intl.NumberFormat("en-GB");

function showCounts(total, located, unlocated) {
  const totalEl = document.getElementById("count-total");
  totalEl.textContent = fmt.format(total);
  totalEl.dataset.count = String(total);
  document.getElementById("count-located").textContent = fmt.format(located);
  document.getElementById("count-unlocated").textContent = fmt.format(unlocated);
  document.getElementById("count-located-wrap").hidden = false;
}

function showMode(text) {
  document.getElementById("map-mode").textContent = text ? ` (${text})` : "";
}

// --- the map ---

const map = L.map(mapEl, { preferCanvas: true, worldCopyJump: false, minZoom: 3, maxZoom: 18 });
addTiles(map, cfg, mapNote);
if (state.view && /^\d+\/-?[\d.]+\/-?[\d.]+$/.test(state.view)) {
  const [z, lat, lon] = state.view.split("/").map(Number);
  map.setView([lat, lon], z, { animate: false });
} else {
  state.view = null;
  map.fitBounds(UKRAINE_BOUNDS, { animate: false });
}

const precisionRadius = (p) => cfg.precisionRadius[String(p)] || 5000;
const circleStyle = (disputed) => ({
  color: disputed ? "#9a3412" : "#7f1d1d",
  weight: 1,
  fillColor: disputed ? "#f97316" : "#dc2626",
  fillOpacity: 0.45,
});

function attackCircle(id, lat, lon, precision, disputed) {
  const circle = new PrecisionCircle([lat, lon], { radius: precisionRadius(precision), ...circleStyle(disputed) });
  circle.attackId = id;
  return circle;
}

async function openPopup(layer, latlng) {
  const popup = L.popup({ maxWidth: 320, autoPanPadding: [20, 20] })
    .setLatLng(latlng || layer.getLatLng())
    .setContent('<p class="hint">Loading…</p>')
    .openOn(map);
  try {
    const response = await fetch(cfg.popupUrl.replace("{id}", layer.attackId), { headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(String(response.status));
    // A fragment rendered (and escaped) by our own Django template.
    popup.setContent(await response.text());
  } catch (error) {
    popup.setContent(`<p class="errors">Could not load this attack (${error.message}).</p>`);
  }
}

const clusterGroup = L.markerClusterGroup({
  animate: false, // the non-animated code path supports circle layers
  chunkedLoading: true,
  showCoverageOnHover: false,
  maxClusterRadius: 45,
  spiderfyOnMaxZoom: true,
});
clusterGroup.on("click", (e) => openPopup(e.layer, e.layer.getLatLng()));
const serverLayer = L.layerGroup();
map.addLayer(clusterGroup);
map.addLayer(serverLayer);

function currentView() {
  const c = map.getCenter();
  return `${map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`;
}

// State for people and tests to read: what is drawn, how many it stands for, the view.
function markReady(drawn, represented) {
  mapEl.dataset.draws = String(Number(mapEl.dataset.draws || 0) + 1);
  mapEl.dataset.view = currentView();
  mapEl.dataset.drawn = String(drawn);
  mapEl.dataset.points = String(represented);
  mapEl.dataset.mode = state.mode;
  if (state.firstDraw) {
    state.firstDraw = false;
    window.__exploreReadyMs = performance.now();
  }
  mapEl.dataset.ready = "1";
  mapEl.dispatchEvent(new CustomEvent("explore:drawn", { bubbles: true }));
}

function drawPoints(points) {
  serverLayer.clearLayers();
  clusterGroup.clearLayers();
  const layers = points.map(([id, lat, lon, precision, disputed]) => attackCircle(id, lat, lon, precision, disputed));
  clusterGroup.addLayers(layers);
  showInView();
  markReady(layers.length, layers.length);
}

function showInView() {
  const el = document.getElementById("count-inview");
  if (!el) return;
  if (state.mode === "points" && state.points) {
    const bounds = map.getBounds();
    let n = 0;
    for (const p of state.points) if (bounds.contains([p[1], p[2]])) n += 1;
    el.textContent = fmt.format(n);
  }
}

function viewBbox() {
  const b = map.getBounds().pad(0.1);
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const west = clamp(b.getWest(), -180, 180);
  const east = clamp(b.getEast(), -180, 180);
  const south = clamp(b.getSouth(), -90, 90);
  const north = clamp(b.getNorth(), -90, 90);
  return [west, south, east, north].map((v) => v.toFixed(4)).join(",");
}

function clusterIcon(count) {
  const size = count < 100 ? "small" : count < 5000 ? "medium" : "large";
  const px = count < 100 ? 36 : count < 5000 ? 44 : 54;
  return L.divIcon({
    html: `<div><span>${fmt.format(count)}</span></div>`,
    className: `marker-cluster marker-cluster-${size}`,
    iconSize: L.point(px, px),
  });
}

async function loadServerClusters() {
  const seq = ++state.mapSeq;
  const params = filterParams();
  params.delete("bbox");
  params.set("bbox", viewBbox());
  params.set("zoom", String(map.getZoom()));
  let body;
  try {
    const response = await fetch(`${cfg.mapUrl}?${params}`, { headers: { Accept: "application/json" } });
    body = await response.json();
    if (!response.ok) throw new Error(body.detail || response.status);
  } catch (error) {
    if (seq === state.mapSeq) {
      mapNote.hidden = false;
      mapNote.textContent = `Map clusters could not be loaded (${error.message}).`;
    }
    return;
  }
  if (seq !== state.mapSeq || state.mode !== "clusters") return;
  drawServerClusters(body);
}

function drawServerClusters(body) {
  clusterGroup.clearLayers();
  serverLayer.clearLayers();
  for (const c of body.clusters) {
    const [lon, lat] = c.centroid;
    const marker = L.marker([lat, lon], { icon: clusterIcon(c.count), keyboard: true, title: `${c.count} attacks` });
    const [w, s, e, n] = c.bounds;
    marker.on("click", () => {
      if (e - w < 1e-6 && n - s < 1e-6) map.setView([lat, lon], Math.min(map.getZoom() + 3, 18));
      else map.fitBounds([[s, w], [n, e]], { padding: [20, 20] });
    });
    serverLayer.addLayer(marker);
  }
  for (const a of body.attacks) {
    const circle = attackCircle(a.id, a.latitude, a.longitude, a.geo_precision, a.disputed);
    circle.on("click", () => openPopup(circle));
    serverLayer.addLayer(circle);
  }
  const el = document.getElementById("count-inview");
  if (el) el.textContent = fmt.format(body.total);
  markReady(body.clusters.length + body.attacks.length, body.total);
}

// At scale the page asked for the whole country's clusters while it was still loading
// (cfg.earlyMap, started by an inline script). Draw those first, then the exact view's
// if the map's zoom differs from the one asked for.
async function drawEarlyClusters() {
  const seq = ++state.mapSeq;
  const body = await window.__exploreEarlyMap;
  if (!body || seq !== state.mapSeq || state.mode !== "clusters") return loadServerClusters();
  drawServerClusters(body);
  if (body.zoom !== map.getZoom()) return loadServerClusters();
  return null;
}

function applyData(body, { early = false } = {}) {
  showErrors({});
  showCounts(body.count, body.located, body.unlocated);
  if (body.points) {
    state.mode = "points";
    state.points = body.points;
    showMode("");
    drawPoints(body.points);
    return null;
  }
  state.mode = "clusters";
  state.points = null;
  showMode("grouped by area; zoom in for single attacks");
  return early && window.__exploreEarlyMap ? drawEarlyClusters() : loadServerClusters();
}

async function loadData() {
  const seq = ++state.dataSeq;
  const params = filterParams();
  let body;
  try {
    const response = await fetch(`${cfg.dataUrl}?${params}`, { headers: { Accept: "application/json" } });
    body = await response.json();
    if (response.status === 400) {
      if (seq === state.dataSeq) showErrors(body.errors);
      return;
    }
    if (!response.ok) throw new Error(String(response.status));
  } catch (error) {
    mapNote.hidden = false;
    mapNote.textContent = `Could not load the attacks (${error.message}).`;
    return;
  }
  if (seq !== state.dataSeq) return;
  await applyData(body);
}

let moveTimer = null;
function onMoveEnd() {
  state.view = currentView();
  mapEl.dataset.view = state.view;
  syncUrl();
  if (state.mode === "clusters") {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(loadServerClusters, 150);
  } else {
    showInView();
  }
}
// Attached after the initial view is set, so only the user's own moves go into the URL.
map.on("moveend", onMoveEnd);

// --- the list ---

function loadList() {
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

// --- the timeline (uPlot) ---

let plot = null;
let plotRows = [];
let plotBucket = "day";

function dayToSec(iso) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}

function secToDay(sec) {
  return new Date(sec * 1000).toISOString().slice(0, 10);
}

function nextPeriod(sec, bucket) {
  if (bucket === "day") return sec + DAY;
  if (bucket === "week") return sec + 7 * DAY;
  const d = new Date(sec * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

function prevPeriod(sec, bucket) {
  if (bucket === "day") return sec - DAY;
  if (bucket === "week") return sec - 7 * DAY;
  const d = new Date(sec * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) / 1000;
}

const TICK_STEPS = [1, 2, 7, 14, 28, 91, 182, 365, 730, 1825].map((d) => d * DAY);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// Axis ticks: "24 Apr" within a few months, "Apr 2025" beyond (dates are UTC-midnight periods).
function axisDate(sec, u) {
  const d = new Date(sec * 1000);
  const span = u.scales.x.max - u.scales.x.min;
  if (span > 200 * DAY) return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

// "2k" rather than "2,000": the axes stay narrow enough for a phone.
const compact = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });
function compactTicks(u, splits) {
  return splits.map((v) => (v == null ? "" : compact.format(v)));
}

function periodLabel(sec) {
  const d = new Date(sec * 1000);
  if (plotBucket === "month") return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return plotBucket === "week" ? `week of ${day}` : day;
}

function chooseBucket(spanDays) {
  if (spanDays <= 200) return "day";
  if (spanDays <= 1200) return "week";
  return "month";
}

let uplotLoading = null;

// The chart library arrives after the map's first drawing (see explore.html).
function ensureUplot() {
  if (window.uPlot) return Promise.resolve();
  if (!uplotLoading) {
    const assets = document.getElementById("timeline-assets").dataset;
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = assets.css;
    document.head.append(css);
    uplotLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = assets.js;
      script.onload = resolve;
      script.onerror = () => reject(new Error("the chart library did not load"));
      document.head.append(script);
    });
  }
  return uplotLoading;
}

async function fetchTimeline(params, bucket) {
  const p = new URLSearchParams(params);
  p.set("bucket", bucket);
  const response = await fetch(`${cfg.timelineUrl}?${p}`, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || String(response.status));
  return body.results || [];
}

async function loadTimeline({ force = false } = {}) {
  // The timeline shows the other filters over the whole period, with the chosen period
  // drawn as a selection; "Zoom to period" narrows it to that period.
  const params = filterParams({ withDates: state.tlZoom });
  const key = params.toString();
  if (!force && key === state.timelineKey && plot) {
    drawSelection();
    return;
  }
  state.timelineKey = key;
  let rows;
  let bucket;
  try {
    await ensureUplot();
    const after = form.elements.occurred_after?.value;
    const before = form.elements.occurred_before?.value;
    if (state.tlZoom && after && before) {
      bucket = chooseBucket((dayToSec(before) - dayToSec(after)) / DAY + 1);
      rows = await fetchTimeline(params, bucket);
    } else {
      bucket = "month";
      rows = await fetchTimeline(params, bucket);
      if (rows.length) {
        const span = (nextPeriod(dayToSec(rows[rows.length - 1].period), "month") - dayToSec(rows[0].period)) / DAY;
        const finer = chooseBucket(span);
        if (finer !== "month") {
          bucket = finer;
          rows = await fetchTimeline(params, bucket);
        }
      }
    }
  } catch (error) {
    timelineNote.hidden = false;
    timelineNote.textContent = `The timeline could not be loaded (${error.message}).`;
    return;
  }
  if (key !== state.timelineKey) return; // a newer request superseded this one
  timelineNote.hidden = rows.length > 0;
  timelineNote.textContent = rows.length ? "" : "No attacks for these filters.";
  document.getElementById("tl-bucket").textContent = ` · per ${bucket}`;
  drawTimeline(rows, bucket);
}

function drawTimeline(rows, bucket) {
  plotBucket = bucket;
  plotRows = rows.map((r) => ({ ...r, x: dayToSec(r.period) }));
  if (plotRows.length) {
    // One empty period either side, so the first and last can be brushed.
    const first = plotRows[0].x;
    const last = plotRows[plotRows.length - 1].x;
    const empty = { attacks: 0, killed: 0, injured: 0, launched: 0, intercepted: 0 };
    plotRows.unshift({ ...empty, x: prevPeriod(first, bucket) });
    plotRows.push({ ...empty, x: nextPeriod(last, bucket) });
  }
  const data = [
    plotRows.map((r) => r.x),
    plotRows.map((r) => r.attacks),
    plotRows.map((r) => r.killed),
    plotRows.map((r) => r.injured),
    plotRows.map((r) => r.launched),
    plotRows.map((r) => r.intercepted),
  ];
  const width = Math.max(280, timelineEl.clientWidth || 600);
  const height = width < 500 ? 150 : 190;
  if (plot) {
    plot.destroy();
    plot = null;
  }
  const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.85, 40] }) : undefined;
  plot = new uPlot(
    {
      width,
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      select: { show: true },
      legend: { live: true },
      scales: {
        x: { time: true },
        a: { auto: true, range: (u, min, max) => [0, Math.max(1, max)] },
        p: { auto: true, range: (u, min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        // Ticks on whole days (or more): the periods are days, weeks or months, never hours.
        { space: 70, incrs: TICK_STEPS, values: (u, splits) => splits.map((s) => axisDate(s, u)) },
        { scale: "a", size: 40, label: "attacks", labelSize: 14, values: compactTicks },
        { scale: "p", side: 1, size: 40, grid: { show: false }, label: "people · weapons", labelSize: 14, values: compactTicks },
      ],
      series: [
        { value: (u, v) => (v == null ? "—" : periodLabel(v)) },
        { label: "Attacks", scale: "a", stroke: "#374151", fill: "rgba(55,65,81,0.35)", paths: bars, points: { show: false } },
        { label: "Killed", scale: "p", stroke: "#b91c1c", width: 2, points: { show: false } },
        { label: "Injured", scale: "p", stroke: "#d97706", width: 2, points: { show: false } },
        { label: "Launched (waves)", scale: "p", stroke: "#6b7280", width: 1, dash: [5, 4], points: { show: false } },
        { label: "Intercepted (waves)", scale: "p", stroke: "#2563eb", width: 1, dash: [5, 4], points: { show: false } },
      ],
      hooks: { setSelect: [onBrush], ready: [() => drawSelection()] },
    },
    data,
    timelineEl
  );
  timelineEl.dataset.ready = "1";
  timelineEl.dataset.bucket = bucket;
  timelineEl.dataset.periods = String(rows.length);
}

let brushing = false;

function onBrush(u) {
  if (brushing) return;
  const { left, width } = u.select;
  if (width < 3) return; // a click, not a drag
  const from = u.posToVal(left, "x");
  const to = u.posToVal(left + width, "x");
  const xs = plotRows.map((r) => r.x);
  // Whole periods: from the period holding the left edge to the one holding the right.
  let start = xs[0];
  let end = xs[xs.length - 1];
  for (const x of xs) {
    if (x <= from) start = x;
    if (x <= to) end = x;
  }
  const lastDay = nextPeriod(end, plotBucket) - DAY;
  form.elements.occurred_after.value = secToDay(start);
  form.elements.occurred_before.value = secToDay(lastDay);
  state.page = null;
  drawSelection();
  applyFilters({ timeline: false });
}

function drawSelection() {
  if (!plot) return;
  const after = form.elements.occurred_after?.value;
  const before = form.elements.occurred_before?.value;
  brushing = true;
  try {
    if (!after && !before) {
      plot.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
      return;
    }
    const xs = plotRows.map((r) => r.x);
    if (!xs.length) return;
    const step = xs.length > 1 ? (plot.valToPos(xs[1], "x") - plot.valToPos(xs[0], "x")) / 2 : 10;
    const startSec = after ? dayToSec(after) : xs[0];
    const endSec = before ? dayToSec(before) : xs[xs.length - 1];
    const left = Math.max(0, plot.valToPos(startSec, "x") - step);
    const right = Math.min(plot.over.clientWidth, plot.valToPos(endSec, "x") + step);
    plot.setSelect({ left, width: Math.max(2, right - left), top: 0, height: plot.over.clientHeight }, false);
  } finally {
    brushing = false;
  }
}

new ResizeObserver(() => {
  if (plot && timelineEl.clientWidth && Math.abs(plot.width - timelineEl.clientWidth) > 8) {
    plot.setSize({ width: timelineEl.clientWidth, height: plot.height });
    drawSelection();
  }
}).observe(timelineEl);

document.getElementById("tl-clear").addEventListener("click", () => {
  form.elements.occurred_after.value = "";
  form.elements.occurred_before.value = "";
  state.tlZoom = false;
  state.page = null;
  applyFilters({ timeline: true });
});
document.getElementById("tl-zoom").addEventListener("click", () => {
  if (!form.elements.occurred_after.value && !form.elements.occurred_before.value) return;
  state.tlZoom = true;
  syncUrl();
  loadTimeline();
});
document.getElementById("tl-whole").addEventListener("click", () => {
  state.tlZoom = false;
  syncUrl();
  loadTimeline();
});

// --- applying the filters ---

function applyFilters({ timeline = true } = {}) {
  syncUrl();
  updateLinks();
  loadData();
  loadList();
  if (timeline) loadTimeline();
  else drawSelection();
}

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
