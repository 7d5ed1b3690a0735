// The explore map: points clustered in the browser up to cfg.pointsMax, server-side
// clusters of the current view above that.
import { PrecisionCircle, addTiles, UKRAINE_BOUNDS } from "../map_common.js";
import { cfg, filterParams, fmt, mapEl, mapNote, plural, showCounts, showErrors, showMode, state, syncUrl, track } from "./core.js";

// --- the map ---

export const map = L.map(mapEl, { preferCanvas: true, worldCopyJump: false, minZoom: 3, maxZoom: 18 });
addTiles(map, cfg, mapNote);
if (state.view && /^\d+\/-?[\d.]+\/-?[\d.]+$/.test(state.view)) {
  const [z, lat, lon] = state.view.split("/").map(Number);
  map.setView([lat, lon], z, { animate: false });
} else {
  state.view = null;
  map.fitBounds(UKRAINE_BOUNDS, { animate: false });
}

export const precisionRadius = (p) => cfg.precisionRadius[String(p)] || 5000;

// One look per evidence grade (the legend explains them): stronger evidence, stronger colour;
// contested dashed; discounted hollow grey. Disputed figures add an orange ring.
export const GRADE_STYLE = {
  confirmed: { color: "#7f1d1d", fillColor: "#b91c1c", fillOpacity: 0.75, weight: 1.5 },
  fair: { color: "#991b1b", fillColor: "#ef4444", fillOpacity: 0.55, weight: 1 },
  single_source: { color: "#b91c1c", fillColor: "#fca5a5", fillOpacity: 0.6, weight: 1 },
  contested: { color: "#9a3412", fillColor: "#fdba74", fillOpacity: 0.5, weight: 2, dashArray: [4, 3] },
  discounted: { color: "#6b7280", fillColor: "#ffffff", fillOpacity: 0, weight: 1.5 },
};
export function circleStyle(grade, disputed) {
  const style = { ...(GRADE_STYLE[grade] || GRADE_STYLE.single_source) };
  if (disputed && grade !== "discounted") {
    style.color = "#ea580c";
    style.weight = 2.5;
  }
  return style;
}

// Above this many pixels of radius a circle (a city, an oblast, the country: where the attack
// could be) is drawn as a ring with a dot at its centre, not a filled disc that would hide
// the map and the attacks under it; only the dot and the ring take clicks.
export const OUTLINE_PX = 24;

export const AttackCircle = PrecisionCircle.extend({
  _project() {
    PrecisionCircle.prototype._project.call(this);
    const base = this.options.base;
    this._outline = this._radius > OUTLINE_PX;
    this.options.fillOpacity = this._outline ? Math.min(0.04, base.fillOpacity) : base.fillOpacity;
    this.options._dashArray = this._outline ? [6, 4] : base.dashArray || null;
    this.options.weight = this._outline ? Math.max(1.5, base.weight) : base.weight;
  },
  _updatePath() {
    PrecisionCircle.prototype._updatePath.call(this);
    const renderer = this._renderer;
    if (!this._outline || !renderer._drawing || !renderer._ctx || this._empty()) return;
    const ctx = renderer._ctx;
    ctx.save();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.arc(this._point.x, this._point.y, 4, 0, Math.PI * 2);
    ctx.fillStyle = this.options.base.fillOpacity ? this.options.fillColor : "#ffffff";
    ctx.strokeStyle = this.options.color;
    ctx.lineWidth = 1.5;
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  },
  _containsPoint(p) {
    if (!this._outline) return PrecisionCircle.prototype._containsPoint.call(this, p);
    const d = p.distanceTo(this._point);
    return d <= 8 || Math.abs(d - this._radius) <= this._clickTolerance() + 2;
  },
});

export function attackCircle(id, lat, lon, precision, disputed, grade) {
  const style = circleStyle(grade, disputed);
  const circle = new AttackCircle([lat, lon], { radius: precisionRadius(precision), ...style, base: style });
  circle.attackId = id;
  circle.grade = grade;
  return circle;
}

export async function openPopup(layer, latlng) {
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

export const clusterGroup = L.markerClusterGroup({
  animate: false, // the non-animated code path supports circle layers
  chunkedLoading: true,
  showCoverageOnHover: false,
  maxClusterRadius: 45,
  spiderfyOnMaxZoom: true,
});
clusterGroup.on("click", (e) => openPopup(e.layer, e.layer.getLatLng()));
export const serverLayer = L.layerGroup();
map.addLayer(clusterGroup);
map.addLayer(serverLayer);

export function currentView() {
  const c = map.getCenter();
  return `${map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`;
}

// State for people and tests to read: what is drawn, how many it stands for, the view.
export function markReady(drawn, represented) {
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

export function drawPoints(points) {
  serverLayer.clearLayers();
  clusterGroup.clearLayers();
  const layers = points.map(([id, lat, lon, precision, disputed, grade]) =>
    attackCircle(id, lat, lon, precision, disputed, grade)
  );
  clusterGroup.addLayers(layers);
  showInView();
  markReady(layers.length, layers.length);
}

export function showInView() {
  const el = document.getElementById("count-inview");
  if (!el) return;
  if (state.mode === "points" && state.points) {
    const bounds = map.getBounds();
    let n = 0;
    for (const p of state.points) if (bounds.contains([p[1], p[2]])) n += 1;
    el.textContent = fmt.format(n);
  }
}

export function viewBbox() {
  const b = map.getBounds().pad(0.1);
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const west = clamp(b.getWest(), -180, 180);
  const east = clamp(b.getEast(), -180, 180);
  const south = clamp(b.getSouth(), -90, 90);
  const north = clamp(b.getNorth(), -90, 90);
  return [west, south, east, north].map((v) => v.toFixed(4)).join(",");
}

export function clusterIcon(count) {
  const size = count < 100 ? "small" : count < 5000 ? "medium" : "large";
  const px = count < 100 ? 36 : count < 5000 ? 44 : 54;
  return L.divIcon({
    html: `<div><span>${fmt.format(count)}</span></div>`,
    className: `marker-cluster marker-cluster-${size}`,
    iconSize: L.point(px, px),
  });
}

export function loadServerClusters() {
  return track("map", fetchServerClusters());
}

async function fetchServerClusters() {
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

export function drawServerClusters(body) {
  clusterGroup.clearLayers();
  serverLayer.clearLayers();
  for (const c of body.clusters) {
    const [lon, lat] = c.centroid;
    const marker = L.marker([lat, lon], { icon: clusterIcon(c.count), keyboard: true, title: plural(c.count, "attack") });
    const [w, s, e, n] = c.bounds;
    marker.on("click", () => {
      if (e - w < 1e-6 && n - s < 1e-6) map.setView([lat, lon], Math.min(map.getZoom() + 3, 18));
      else map.fitBounds([[s, w], [n, e]], { padding: [20, 20] });
    });
    serverLayer.addLayer(marker);
  }
  for (const a of body.attacks) {
    const circle = attackCircle(a.id, a.latitude, a.longitude, a.geo_precision, a.disputed, a.grade);
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
export async function drawEarlyClusters() {
  const seq = ++state.mapSeq;
  const body = await window.__exploreEarlyMap;
  if (!body || seq !== state.mapSeq || state.mode !== "clusters") return loadServerClusters();
  drawServerClusters(body);
  if (body.zoom !== map.getZoom()) return loadServerClusters();
  return null;
}

// Zoom to the results when the filters other than the dates change (an oblast chosen: the
// map fits its attacks); with no such filter left, back to the whole country. A shared view
// (view= in the URL) is kept as it is.
state.fitKey = state.view ? filterParams({ withDates: false }).toString() : "";

export function fitResults(body, key) {
  if (key === state.fitKey) return;
  state.fitKey = key;
  if (!key) map.fitBounds(UKRAINE_BOUNDS, { animate: false });
  else if (body.bounds) {
    const [s, w, n, e] = body.bounds;
    map.fitBounds(
      [
        [s, w],
        [n, e],
      ],
      { padding: [30, 30], maxZoom: 11, animate: false }
    );
  } else return;
  mapEl.dataset.fitted = String(Number(mapEl.dataset.fitted || 0) + 1);
}

export function applyData(body, { early = false, fitKey = null } = {}) {
  showErrors({});
  showCounts(body.count, body.located, body.unlocated);
  if (fitKey !== null) fitResults(body, fitKey);
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

export function loadData() {
  return track("data", fetchData());
}

async function fetchData() {
  const seq = ++state.dataSeq;
  const params = filterParams();
  const fitKey = filterParams({ withDates: false }).toString();
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
  await applyData(body, { fitKey });
}

export let moveTimer = null;
export function onMoveEnd() {
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

// --- the legend: clusters, how precisely a place is known, the evidence grades ---

const LegendControl = L.Control.extend({
  options: { position: "bottomright" },
  onAdd() {
    const box = L.DomUtil.create("details", "map-legend");
    box.id = "map-legend";
    box.open = !window.matchMedia("(max-width: 700px)").matches;
    const grades = Object.entries(cfg.grades || {})
      .map(([value, label]) => `<li><span class="grade-swatch grade-${value}" aria-hidden="true"></span>${label}</li>`)
      .join("");
    box.innerHTML = `<summary>Legend</summary>
      <ul class="legend-list">
        <li><span class="legend-cluster" aria-hidden="true">12</span>A group of nearby attacks: the number says how many; click or zoom in to see them</li>
        <li><span class="legend-dot" aria-hidden="true"></span>Place known to the street or district</li>
        <li><span class="legend-ring" aria-hidden="true"></span>Only the city, oblast or country is known: a ring as wide as the uncertainty (filled while small)</li>
      </ul>
      <p class="legend-head">Evidence grade</p>
      <ul class="legend-list">${grades}<li><span class="grade-swatch grade-disputed" aria-hidden="true"></span>Orange ring: sources disagree on the figures</li></ul>`;
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  },
});
new LegendControl().addTo(map);

// --- city names without a base map: no two overlapping (a phone's narrow map) ---
// The landmarks come biggest city first; a name that would overlap one already shown is hidden.
let declutterFrame = 0;
export function declutterLandmarks() {
  declutterFrame = 0;
  const kept = [];
  for (const el of mapEl.querySelectorAll(".leaflet-marker-pane .landmark")) {
    el.classList.remove("landmark-hidden");
    const r = (el.querySelector("span") || el).getBoundingClientRect();
    const overlaps = kept.some((k) => r.left < k.right + 4 && r.right + 4 > k.left && r.top < k.bottom && r.bottom > k.top);
    if (overlaps) el.classList.add("landmark-hidden");
    else kept.push(r);
  }
}
function scheduleDeclutter() {
  if (!declutterFrame) declutterFrame = requestAnimationFrame(declutterLandmarks);
}
map.on("zoomend viewreset", scheduleDeclutter);
map.on("layeradd", (e) => {
  if (e.layer instanceof L.Marker && e.layer.options.icon?.options.className === "landmark") scheduleDeclutter();
});
