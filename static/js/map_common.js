// Map pieces shared by the explore page, the attack page and the attack form.

export const UKRAINE_BOUNDS = [
  [44.2, 22.1],
  [52.4, 40.3],
];

// A circle whose radius is in metres (how precisely the place is known) but never
// smaller than a few pixels, so an exact point is still visible and clickable when
// zoomed out.
export const PrecisionCircle = L.Circle.extend({
  options: { minPixelRadius: 5 },
  _project() {
    L.Circle.prototype._project.call(this);
    const min = this.options.minPixelRadius;
    if (this._radius < min || this._radiusY < min) {
      this._radius = Math.max(this._radius, min);
      this._radiusY = Math.max(this._radiusY, min);
      this._updateBounds();
    }
  },
});

// The tile layer from settings (MAP_TILE_URL). Without reachable tiles the map still
// works: a plain background, the points, and a note saying why there is no base map.
export function addTiles(map, cfg, noteEl) {
  if (!cfg.tileUrl) {
    if (noteEl) {
      noteEl.hidden = false;
      noteEl.textContent = "No base map configured (MAP_TILE_URL).";
    }
    addLandmarks(map, cfg.landmarks);
    return null;
  }
  const layer = L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution || "", maxZoom: 19 });
  let failed = 0;
  let loaded = 0;
  layer.on("tileload", () => {
    loaded += 1;
  });
  layer.on("tileerror", () => {
    failed += 1;
    if (failed === 3 && loaded === 0) {
      if (noteEl) {
        noteEl.hidden = false;
        noteEl.textContent = "The base map could not be loaded; attacks are still shown, with the main cities for orientation.";
      }
      addLandmarks(map, cfg.landmarks);
    }
  });
  layer.addTo(map);
  return layer;
}

// Without a base map, the biggest cities' names (from the gazetteer) keep the map readable.
function addLandmarks(map, landmarks) {
  if (!landmarks || !landmarks.length || map._landmarks) return;
  map._landmarks = L.layerGroup(
    landmarks.map(([name, lat, lon]) =>
      L.marker([lat, lon], {
        icon: L.divIcon({ className: "landmark", html: `<span>${escapeHtml(name)}</span>`, iconSize: null }),
        interactive: false,
        keyboard: false,
      })
    )
  ).addTo(map);
}

function escapeHtml(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}
