"""Copy the front-end packages installed by npm into static/vendor/ (ignored by git).

Run by ``make`` after ``npm ci``; the templates load only what is copied here, so
nothing front-end is ever committed and the pages need no CDN.
"""

import shutil
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NODE = BASE_DIR / "node_modules"
VENDOR = BASE_DIR / "static" / "vendor"

FILES = {
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    "leaflet.markercluster/dist/leaflet.markercluster.js": "markercluster/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "markercluster/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css": "markercluster/MarkerCluster.Default.css",
    "uplot/dist/uPlot.iife.min.js": "uplot/uPlot.iife.min.js",
    "uplot/dist/uPlot.min.css": "uplot/uPlot.min.css",
    "tom-select/dist/js/tom-select.complete.min.js": "tom-select/tom-select.complete.min.js",
    "tom-select/dist/css/tom-select.default.min.css": "tom-select/tom-select.default.min.css",
}


def main() -> None:
    for source, target in FILES.items():
        src, dst = NODE / source, VENDOR / target
        if not src.exists():
            raise SystemExit(f"{src} is missing: run `npm ci` first.")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    print(f"Front-end packages copied to {VENDOR.relative_to(BASE_DIR)}/")


if __name__ == "__main__":
    main()
