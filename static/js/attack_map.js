// The attack page's small map: one circle whose radius shows the location's precision.
import { PrecisionCircle, addTiles } from "./map_common.js";

const el = document.getElementById("attack-map");
if (el) {
  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const lat = Number(el.dataset.lat);
  const lon = Number(el.dataset.lon);
  const radius = Number(el.dataset.radius) || 5000;
  // Zoomed so the whole circle fits: coarser locations show more of the country.
  const zoom = radius >= 100000 ? 6 : radius >= 30000 ? 8 : radius >= 5000 ? 11 : radius >= 1500 ? 12 : radius >= 400 ? 14 : 15;
  const map = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], zoom);
  addTiles(map, cfg, null);
  const circle = new PrecisionCircle([lat, lon], {
    radius,
    color: "#7f1d1d",
    weight: 1,
    fillColor: "#dc2626",
    fillOpacity: 0.35,
  }).addTo(map);
  circle.bindTooltip(el.getAttribute("aria-label"));
  el.dataset.ready = "1";
}
