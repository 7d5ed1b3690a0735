// The attack form: place by gazetteer suggestion (htmx fragment) or by clicking the map,
// and extra claim rows. Without JavaScript the form still works with typed coordinates.
import { PrecisionCircle, addTiles, UKRAINE_BOUNDS } from "./map_common.js";

const cfg = JSON.parse(document.getElementById("map-config").textContent);
const form = document.getElementById("attack-form");
const placeId = form.elements.place;
const placeSearch = form.elements.place_search;
const placeChosen = document.getElementById("place-chosen");
const suggestions = document.getElementById("place-suggestions");
const lat = form.elements.latitude;
const lon = form.elements.longitude;
const precision = form.elements.geo_precision;
const mapEl = document.getElementById("form-map");

// --- the map ---

const map = L.map(mapEl);
addTiles(map, cfg, null);
let marker = null;

function showPoint(latitude, longitude, { pan = true } = {}) {
  if (marker) marker.remove();
  marker = new PrecisionCircle([latitude, longitude], {
    radius: 300,
    color: "#7f1d1d",
    weight: 2,
    fillColor: "#dc2626",
    fillOpacity: 0.4,
  }).addTo(map);
  if (pan) map.setView([latitude, longitude], Math.max(map.getZoom(), 11));
}

const hasPoint = lat.value !== "" && lon.value !== "";
if (hasPoint) {
  map.setView([Number(lat.value), Number(lon.value)], 12);
  showPoint(Number(lat.value), Number(lon.value), { pan: false });
} else if (mapEl.dataset.placeLat) {
  map.setView([Number(mapEl.dataset.placeLat), Number(mapEl.dataset.placeLon)], 11);
} else {
  map.fitBounds(UKRAINE_BOUNDS);
}

// A click is only as precise as the zoom it was made at (GeoPrecision values): at zoom 16+ a
// click picks a building (exact), 14-15 a street (near), 12-13 a district, 9-11 a town,
// below that only an oblast. Never "exact" by default; the analyst may still refine it.
function precisionForZoom(zoom) {
  if (zoom >= 16) return "1";
  if (zoom >= 14) return "2";
  if (zoom >= 12) return "3";
  if (zoom >= 9) return "4";
  return "5";
}

map.on("click", (event) => {
  lat.value = event.latlng.lat.toFixed(5);
  lon.value = event.latlng.lng.toFixed(5);
  precision.value = precisionForZoom(map.getZoom());
  showPoint(event.latlng.lat, event.latlng.lng, { pan: false });
  mapEl.dataset.clicked = "1";
});

function syncFromInputs() {
  if (lat.value !== "" && lon.value !== "" && !Number.isNaN(Number(lat.value)) && !Number.isNaN(Number(lon.value))) {
    showPoint(Number(lat.value), Number(lon.value));
  }
}
lat.addEventListener("change", syncFromInputs);
lon.addEventListener("change", syncFromInputs);

document.getElementById("clear-coords").addEventListener("click", () => {
  lat.value = "";
  lon.value = "";
  if (marker) marker.remove();
  marker = null;
});

// --- place suggestions ---

function suggestionButtons() {
  return Array.from(suggestions.querySelectorAll("button.suggestion"));
}

function closeSuggestions() {
  suggestions.replaceChildren();
  placeSearch.setAttribute("aria-expanded", "false");
}

function choose(button) {
  placeId.value = button.dataset.placeId;
  placeSearch.value = button.dataset.name;
  placeChosen.textContent = button.textContent.trim().replace(/\s+/g, " ");
  const kindPrecision = { district: "3", city: "4", raion: "5", oblast: "5", country: "6" };
  if (lat.value === "" && kindPrecision[button.dataset.kind]) precision.value = kindPrecision[button.dataset.kind];
  if (button.dataset.lat && button.dataset.lon) {
    map.setView([Number(button.dataset.lat), Number(button.dataset.lon)], button.dataset.kind === "oblast" ? 8 : 11);
  }
  closeSuggestions();
  placeSearch.focus();
}

suggestions.addEventListener("click", (event) => {
  const button = event.target.closest("button.suggestion");
  if (button) choose(button);
});

suggestions.addEventListener("keydown", (event) => {
  const buttons = suggestionButtons();
  const i = buttons.indexOf(document.activeElement);
  if (event.key === "ArrowDown" && i < buttons.length - 1) {
    event.preventDefault();
    buttons[i + 1].focus();
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    if (i > 0) buttons[i - 1].focus();
    else placeSearch.focus();
  } else if (event.key === "Escape") {
    closeSuggestions();
    placeSearch.focus();
  }
});

placeSearch.addEventListener("keydown", (event) => {
  const buttons = suggestionButtons();
  if (event.key === "ArrowDown" && buttons.length) {
    event.preventDefault();
    buttons[0].focus();
  } else if (event.key === "Enter" && buttons.length) {
    // Enter in the place field picks the first suggestion instead of submitting the form.
    event.preventDefault();
    choose(buttons[0]);
  } else if (event.key === "Escape") {
    closeSuggestions();
  }
});

// Typing a new name forgets the chosen place, so a stale id is never saved.
placeSearch.addEventListener("input", () => {
  placeId.value = "";
  placeChosen.textContent = "";
});

document.body.addEventListener("htmx:afterSwap", (event) => {
  if (event.target === suggestions) {
    placeSearch.setAttribute("aria-expanded", suggestionButtons().length ? "true" : "false");
  }
});

// --- claim rows ---

const total = form.elements["claims-TOTAL_FORMS"];
const maxForms = Number(form.elements["claims-MAX_NUM_FORMS"].value || 20);
const template = document.getElementById("claim-template");
document.getElementById("add-claim").addEventListener("click", () => {
  const n = Number(total.value);
  if (n >= maxForms) return;
  const html = template.innerHTML.replaceAll("__prefix__", String(n)).replace("Claim new", `Claim ${n + 1}`);
  const holder = document.createElement("div");
  holder.innerHTML = html; // our own server-rendered template, not user content
  const row = holder.firstElementChild;
  document.getElementById("claim-rows").append(row);
  total.value = String(n + 1);
  row.querySelector("select, input, textarea").focus();
});
