"""Finding a dataset's place names in the gazetteer, in memory.

:class:`Gazetteer` is built once per import from plain tuples (one query), so matching
thousands of rows costs no further queries. Oblast names are matched with or without
"oblast"/"region" and in the spellings datasets use ("Zaporizhzhya oblast", "Kiev Special
Republican city"); towns by name or alias, preferring one in the row's oblast and near
the row's coordinates, and never one far from them (Ukraine has many homonymous villages).
A row whose name is not in the gazetteer (most villages are not) is placed at the nearest
settlement within :data:`NEAREST_SETTLEMENT_KM` of its coordinates (:meth:`Gazetteer.nearest`,
a grid over the settlements built with the index).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from config.geo import km_between

# A name match farther than this from the row's own coordinates is a homonym, not the place.
MAX_CITY_DISTANCE_KM = 40.0

# A row whose named place is not in the gazetteer is placed at the nearest settlement no farther
# than this from its coordinates. Settled from the UCDP GED file (docs/IMPORTS.md): where UCDP names
# a settlement the gazetteer has, its coordinates lie within 5 km of the gazetteer's point for 91 %
# (exact location) and 93 % (near a known point) of the events, and hardly any more lie within 7 km;
# a point that close to a settlement is as much "at" it as the rows that name it. Farther off, the
# nearest settlement is a neighbour, not the place, and the row stays at its oblast.
NEAREST_SETTLEMENT_KM = 5.0

# How a row was placed, as the importers' summaries count it (finest first).
PLACED = {
    "town": "settlement (by name)",
    "nearest": f"settlement (nearest within {NEAREST_SETTLEMENT_KM:g} km)",
    "oblast": "oblast",
    "country": "country",
    "none": "no place",
}

# Side of the grid cells the nearest-settlement search walks, in degrees (about 11 km north-south
# and 7 km east-west in Ukraine): a 5 km search touches at most 3 x 3 cells of ~10 settlements.
_GRID_DEGREES = 0.1
_KM_PER_DEGREE = 111.2

# Words datasets append to a settlement's name ("Vuhledar town", "Pisky village").
_SETTLEMENT_SUFFIX = re.compile(
    r"\s+(?:urban[- ]type settlement|settlement|village|town|city|township|smt|selo|hamlet|"
    r"(?:international\s+)?airport|railway station|station)$",
    re.IGNORECASE,
)
_REGION_SUFFIX = re.compile(r"\s+(?:oblast'?|obl\.?|region|province|oblast region)$", re.IGNORECASE)
_REPUBLICAN = re.compile(r"\b(?:special\s+)?republican\b|\bautonomous republic of\b", re.IGNORECASE)


def place_key(name: str) -> str:
    """Case, accent, apostrophe and hyphen-insensitive form of a place name."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub("['\u2019\u02bc`\"]", "", text)
    return re.sub(r"[\s\-.,]+", " ", text).strip()


@dataclass(frozen=True)
class GazPlace:
    """The fields of a gazetteer entry that matching needs."""

    id: int
    name: str
    kind: str
    oblast_id: int | None
    latitude: float | None
    longitude: float | None
    population: int | None


class Gazetteer:
    """In-memory name index over the gazetteer."""

    def __init__(self, rows):
        """``rows``: iterable of (id, name, aliases, kind, oblast_id, latitude, longitude, population)."""
        self.places: dict[int, GazPlace] = {}
        self._oblasts: dict[str, int] = {}
        self._settlements: dict[str, list[int]] = {}
        self.country_id: int | None = None
        self._grid: dict[tuple[int, int], list[GazPlace]] = {}
        for pid, name, aliases, kind, oblast_id, lat, lon, population in rows:
            place = GazPlace(pid, name, kind, oblast_id if kind != "oblast" else pid, lat, lon, population)
            self.places[pid] = place
            spellings = [name, *(aliases or ())]
            if kind == "country":
                self.country_id = pid
            elif kind == "oblast":
                for s in spellings:
                    self._oblasts.setdefault(place_key(s), pid)
            elif kind in ("city", "district", "raion"):
                for s in spellings:
                    ids = self._settlements.setdefault(place_key(s), [])
                    if pid not in ids:
                        ids.append(pid)
            # Settlements only: a raion's or an oblast's point is the centre of an area, not a place
            # an attack is near.
            if kind in ("city", "district") and lat is not None and lon is not None:
                self._grid.setdefault(_cell(lat, lon), []).append(place)

    def oblast(self, name: str) -> int | None:
        """An oblast-level unit by any spelling: "Donetsk", "Donetsk oblast", "Kharkiv Oblast",
        "Kiev Special Republican city", "Crimea"."""
        text = (name or "").strip()
        if not text:
            return None
        base = _REGION_SUFFIX.sub("", _REPUBLICAN.sub(" ", text)).strip()
        base = re.sub(r"\s+", " ", base)
        for candidate in (text, base, f"{base} oblast", f"{base} region"):
            pid = self._oblasts.get(place_key(candidate))
            if pid is not None:
                return pid
        # "Kiev city" / "Sevastopol" as an admin1 value means the city with oblast status.
        for candidate in (f"{_SETTLEMENT_SUFFIX.sub('', base)} city",):
            pid = self._oblasts.get(place_key(candidate))
            if pid is not None:
                return pid
        return None

    def settlement(
        self,
        name: str,
        *,
        oblast_id: int | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> int | None:
        """A city, town or city district by name, in the given oblast when there is one,
        the nearest to the coordinates when several match, and none beyond
        :data:`MAX_CITY_DISTANCE_KM` from them."""
        text = (name or "").strip()
        if not text or "?" in text:  # "??" is a name lost to a bad encoding upstream
            return None
        candidates: list[int] = []
        for candidate in (text, _SETTLEMENT_SUFFIX.sub("", text).strip()):
            candidates = self._settlements.get(place_key(candidate), [])
            if candidates:
                break
        if not candidates:
            return None
        places = [self.places[i] for i in candidates]
        if oblast_id is not None:
            in_oblast = [p for p in places if p.oblast_id == oblast_id or p.id == oblast_id]
            if in_oblast:
                places = in_oblast
        if latitude is not None and longitude is not None:
            located = [p for p in places if p.latitude is not None and p.longitude is not None]
            near = [(km_between(latitude, longitude, p.latitude, p.longitude), p.kind != "city", p.id) for p in located]
            near = [n for n in near if n[0] <= MAX_CITY_DISTANCE_KM]
            return min(near)[2] if near else None
        # No coordinates to tell homonyms apart: a city before a district, then the biggest.
        places.sort(key=lambda p: (p.kind != "city", -(p.population or 0), p.id))
        return places[0].id

    def nearest(self, latitude: float, longitude: float, *, within_km: float = NEAREST_SETTLEMENT_KM) -> int | None:
        """The settlement (city, town, village or city district) nearest to the point and no
        farther than ``within_km`` from it, or None. Walks only the grid cells the distance can
        reach, so a lookup costs a few dozen distance computations, not one per settlement."""
        d_lat = within_km / _KM_PER_DEGREE
        d_lon = within_km / (_KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
        (row_lo, col_lo), (row_hi, col_hi) = (
            _cell(latitude - d_lat, longitude - d_lon),
            _cell(latitude + d_lat, longitude + d_lon),
        )
        best: tuple[float, bool, int] | None = None
        for row in range(row_lo, row_hi + 1):
            for col in range(col_lo, col_hi + 1):
                for place in self._grid.get((row, col), ()):
                    km = km_between(latitude, longitude, place.latitude, place.longitude)
                    # Equal distances: the city before its district, then the lower id (stable answers).
                    key = (km, place.kind != "city", place.id)
                    if km <= within_km and (best is None or key < best):
                        best = key
        return best[2] if best else None


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / _GRID_DEGREES), math.floor(longitude / _GRID_DEGREES)


def gazetteer_load() -> Gazetteer:
    """The gazetteer as it is in the database now (one query)."""
    from strikes.models import Place

    return Gazetteer(
        Place.objects.values_list("id", "name", "aliases", "kind", "oblast_id", "latitude", "longitude", "population")
    )
