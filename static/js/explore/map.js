// The explore map: points clustered in the browser up to cfg.pointsMax, server-side
// clusters of the current view above that.
import { PrecisionCircle, addTiles, UKRAINE_BOUNDS } from "../map_common.js";
import { cfg, filterParams, fmt, mapEl, mapNote, showCounts, showErrors, showMode, state, syncUrl } from "./core.js";

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
export const circleStyle = (disputed) => ({
  color: disputed ? "#9a3412" : "#7f1d1d",
  weight: 1,
  fillColor: disputed ? "#f97316" : "#dc2626",
  fillOpacity: 0.45,
});

export function attackCircle(id, lat, lon, precision, disputed) {
  const circle = new PrecisionCircle([lat, lon], { radius: precisionRadius(precision), ...circleStyle(disputed) });
  circle.attackId = id;
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
  const layers = points.map(([id, lat, lon, precision, disputed]) => attackCircle(id, lat, lon, precision, disputed));
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

export async function loadServerClusters() {
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
export async function drawEarlyClusters() {
  const seq = ++state.mapSeq;
  const body = await window.__exploreEarlyMap;
  if (!body || seq !== state.mapSeq || state.mode !== "clusters") return loadServerClusters();
  drawServerClusters(body);
  if (body.zoom !== map.getZoom()) return loadServerClusters();
  return null;
}

export function applyData(body, { early = false } = {}) {
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

export async function loadData() {
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
