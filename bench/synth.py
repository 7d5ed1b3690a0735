"""Synthetic strikes, pure Python (no Django): the distributions and texts behind ``generate_data``.

Everything here is seeded and deterministic: the same seed and the same reference data give
the same attacks, articles and claims. The loader (``bench.generate``) turns the plain records
built here into COPY streams.

What "realistic" means here, and why:
- Places: a city's weight is its population times the front-line factor of its oblast, so
  Kharkiv, Donetsk, Zaporizhzhia, Dnipropetrovsk, Kherson, Sumy and Kyiv dominate, as they
  do in the real record; ~12% of strikes are rural, recorded at oblast precision.
- Time: four years of nights; intensity grows over time, peaks in the winter energy
  campaigns and varies from night to night (gamma noise); drones and missiles strike at
  night inside that night's wave, glide bombs and artillery at any hour without a wave.
- Munitions: front-line oblasts see mostly guided bombs, artillery and drones; the rear
  sees drones, cruise and ballistic missiles.
- Figures: most strikes kill no one, tolls are heavy-tailed; 2-3 articles report each
  strike, early reports are often lower ("at least 3") and later ones exact; about 8% of
  strikes have sources that really disagree, and editors decided some of those.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from casualties.reconcile import claim_interval  # pure (no Django), shared with claim_record

# Four years of war from the full-scale invasion; fixed so a seed means the same data on any day.
START = datetime(2022, 2, 24, tzinfo=UTC)
DAYS = 4 * 365 + 1

# Oblast name fragment (lower case) -> how much more often strikes land there than population alone says.
FRONT_FACTOR = {
    "kharkiv": 10.0,
    "donetsk": 7.0,
    "zaporizh": 8.0,
    "dnipropetrovsk": 6.0,
    "kherson": 15.0,
    "sumy": 8.0,
    "kyiv": 3.0,
    "mykolai": 4.0,
    "odes": 3.0,
    "chernihiv": 3.0,
    "luhansk": 2.0,
    "poltava": 1.5,
    "crimea": 0.2,
    "sevastopol": 0.2,
}
FRONT_LINE = 6.0  # factor from which an oblast counts as front line (munition mix changes)

CATEGORY_MIX_FRONT = {
    "guided_bomb": 30,
    "attack_drone": 30,
    "artillery": 14,
    "rocket": 10,
    "ballistic_missile": 8,
    "cruise_missile": 2,
    "air_to_surface_missile": 3,
    "surface_to_air_missile": 3,
}
CATEGORY_MIX_REAR = {
    "attack_drone": 55,
    "cruise_missile": 18,
    "ballistic_missile": 14,
    "air_to_surface_missile": 5,
    "anti_ship_missile": 2,
    "surface_to_air_missile": 2,
    "recon_drone": 1,
    "other": 3,
}
NIGHT_CATEGORIES = {
    "attack_drone",
    "cruise_missile",
    "ballistic_missile",
    "air_to_surface_missile",
    "anti_ship_missile",
    "recon_drone",
}

TARGETS = {
    "residential": (40, ["an apartment block", "private houses", "a high-rise residential building", "a dormitory"]),
    "energy": (10, ["a power substation", "a thermal power plant", "energy infrastructure", "a gas facility"]),
    "transport": (8, ["the railway station", "a bridge", "a bus depot", "port infrastructure"]),
    "industrial": (10, ["an industrial enterprise", "a factory", "a warehouse", "a grain terminal"]),
    "commercial": (7, ["a shopping centre", "a supermarket", "a cafe", "an office building"]),
    "healthcare": (3, ["a hospital", "a clinic", "a maternity ward", "an ambulance station"]),
    "education": (4, ["a school", "a kindergarten", "a university building", "a college dormitory"]),
    "government": (3, ["the regional administration building", "a city council building", "a police station"]),
    "agriculture": (5, ["farmland", "a farm", "agricultural machinery", "a grain elevator"]),
    "military": (2, ["a military facility", "a training ground"]),
    "unknown": (6, ["the city", "the outskirts", "an open area"]),
    "other": (2, ["a church", "a cemetery", "a sports complex"]),
}
VERBS = ["struck", "hit", "attacked", "targeted", "shelled"]
DAMAGE = [
    "Windows were blown out in nearby buildings.",
    "A fire broke out and was put out by rescuers.",
    "Several cars were destroyed.",
    "Power lines were damaged and some districts lost electricity.",
    "Rescuers are clearing the rubble.",
    "Debris fell on a residential area.",
    "Air defence was active over the region.",
    "Emergency services worked at the scene through the night.",
]
SPEAKERS = [
    "the head of the regional military administration",
    "the mayor",
    "the State Emergency Service",
    "the National Police",
    "the prosecutor's office",
    "the Air Force",
]
OUTLETS = [
    ("Synthetic Wire Service", "wire.synthetic.invalid", "B"),
    ("Synthetic Regional Administration", "oda.synthetic.invalid", "A"),
    ("Synthetic Emergency Service", "dsns.synthetic.invalid", "A"),
    ("Synthetic Daily", "daily.synthetic.invalid", "B"),
    ("Synthetic Evening News", "evening.synthetic.invalid", "C"),
    ("Synthetic Channel", "channel.synthetic.invalid", "D"),
    ("Synthetic Pravda", "pravda.synthetic.invalid", "B"),
    ("Synthetic Kyiv Independent", "independent.synthetic.invalid", "B"),
    ("Synthetic Radio", "radio.synthetic.invalid", "B"),
    ("Synthetic Aggregator", "agg.synthetic.invalid", "C"),
]
# Every synthetic description starts with this, so generated attacks can be told from real ones.
MARKER = "[synthetic]"


@dataclass
class PlaceRef:
    id: int
    name: str
    kind: str
    oblast_id: int | None
    oblast_name: str
    latitude: float
    longitude: float
    population: int


@dataclass
class MunitionRef:
    id: int
    name: str
    category: str
    is_generic: bool


@dataclass
class ClaimRec:
    category: str
    value: int
    qualifier: str
    low: int
    high: int | None
    quote: str
    quote_start: int
    quote_end: int
    reported_at: datetime


@dataclass
class ArticleRec:
    outlet_index: int
    published_at: datetime
    title: str
    text: str
    claims: list[ClaimRec] = field(default_factory=list)


@dataclass
class AttackRec:
    occurred_at: datetime
    time_precision: str
    place: PlaceRef
    latitude: float
    longitude: float
    geo_precision: int
    target_type: str
    description: str
    status: str
    retraction_reason: str
    wave_index: int | None
    munitions: list[MunitionRef]
    articles: list[ArticleRec]
    # category -> (best, low, high) chosen by an editor for a disputed figure
    decisions: dict[str, tuple[int, int, int | None]] = field(default_factory=dict)


@dataclass
class WaveRec:
    started_at: datetime
    ended_at: datetime
    # (label, munition, launched, intercepted)
    counts: list[tuple[str, MunitionRef, int, int]]


def front_factor(oblast_name: str) -> float:
    """How much more often this oblast is struck than its population alone would say."""
    lowered = oblast_name.lower()
    for fragment, factor in FRONT_FACTOR.items():
        if fragment in lowered:
            return factor
    return 1.0


def interval(value: int, qualifier: str) -> tuple[int, int | None]:
    """[low, high] of a figure as written (high None = open-ended): the claims engineer's rule."""
    return claim_interval(value, qualifier)


class Weighted:
    """Fast repeated weighted choice (cumulative weights + bisect)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


class Synth:
    """Seeded source of synthetic waves and attacks over the given gazetteer and catalogue."""

    def __init__(self, places: list[PlaceRef], munitions: list[MunitionRef], *, seed: int = 1, n_attacks: int):
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible synthetic data, not secrets
        rng = self.rng
        cities = [p for p in places if p.kind in ("city", "district") and p.oblast_id and p.latitude is not None]
        oblasts = [p for p in places if p.kind == "oblast" and p.latitude is not None]
        if not cities or not oblasts or not munitions:
            raise ValueError("reference data needs oblasts, cities with coordinates and munitions")
        self.city_pick = Weighted(cities, [max(p.population or 0, 5000) * front_factor(p.oblast_name) for p in cities])
        self.rural_pick = Weighted(oblasts, [front_factor(p.name) for p in oblasts])
        by_cat: dict[str, list[MunitionRef]] = {}
        for m in munitions:
            by_cat.setdefault(m.category, []).append(m)
        self.by_category = {cat: Weighted(ms, [1 if m.is_generic else 3 for m in ms]) for cat, ms in by_cat.items()}
        self.any_munition = Weighted(munitions, [1] * len(munitions))

        def mix(table):
            present = {c: w for c, w in table.items() if c in by_cat}
            return Weighted(present, present.values()) if present else None

        self.mix_front = mix(CATEGORY_MIX_FRONT)
        self.mix_rear = mix(CATEGORY_MIX_REAR)
        self.target_pick = Weighted(TARGETS, [w for w, _ in TARGETS.values()])
        # Attacks per day: trend x winter campaigns x nightly noise, scaled to n_attacks in total.
        raw = []
        for d in range(DAYS):
            day = START + timedelta(days=d)
            trend = 1.0 + 1.5 * d / DAYS
            winter = 1.4 if day.month in (10, 11, 12, 1, 2, 3) else 1.0
            raw.append(trend * winter * rng.gammavariate(2.0, 0.5))
        scale = n_attacks / sum(raw)
        per_day = [int(r * scale) for r in raw]
        for _i in range(n_attacks - sum(per_day)):  # hand out the rounding remainder
            per_day[rng.randrange(DAYS)] += 1
        self.per_day = per_day
        self.waves = [self._wave(d) for d in range(DAYS)]

    # --- waves ---

    def _wave(self, d: int) -> WaveRec:
        """The night before day ``d``: 18:00 to 08:00 Kyiv time (UTC+2/3, simplified to UTC+2)."""
        rng = self.rng
        started = START + timedelta(days=d, hours=16) - timedelta(days=1)
        ended = started + timedelta(hours=14)
        counts = []
        labels = set()
        intensity = max(1, self.per_day[d])
        for cat, share in (("attack_drone", 0.7), ("cruise_missile", 0.15), ("ballistic_missile", 0.1)):
            if cat not in self.by_category or rng.random() > 0.85:
                continue
            m = self.by_category[cat].pick(rng)
            if m.name in labels:
                continue
            labels.add(m.name)
            launched = max(1, int(intensity * share * rng.uniform(2.0, 6.0)))
            rate = {"attack_drone": 0.85, "cruise_missile": 0.75, "ballistic_missile": 0.3}[cat]
            intercepted = min(launched, int(launched * rng.uniform(rate - 0.1, rate + 0.1)))
            counts.append((m.name, m, launched, intercepted))
        return WaveRec(started, ended, counts)

    # --- attacks ---

    def attacks(self):
        """Every attack, in time order (a generator: a million never sit in memory at once)."""
        for d, n in enumerate(self.per_day):
            for _ in range(n):
                yield self._attack(d)

    def _attack(self, d: int) -> AttackRec:
        rng = self.rng
        rural = rng.random() < 0.12
        if rural:
            place = self.rural_pick.pick(rng)
            oblast_name = place.name
            if rng.random() < 0.5:
                geo, lat, lon = 5, place.latitude, place.longitude
            else:
                geo = 2
                lat = place.latitude + rng.uniform(-0.6, 0.6)
                lon = place.longitude + rng.uniform(-0.9, 0.9)
        else:
            place = self.city_pick.pick(rng)
            oblast_name = place.oblast_name
            r = rng.random()
            if r < 0.3:
                geo, j = 1, 0.03
            elif r < 0.5:
                geo, j = 2, 0.05
            elif r < 0.6 and place.kind == "district":
                geo, j = 3, 0.0
            else:
                geo, j = 4, 0.0
            lat = place.latitude + (rng.uniform(-j, j) if j else 0.0)
            lon = place.longitude + (rng.uniform(-j, j) if j else 0.0)
        front = front_factor(oblast_name) >= FRONT_LINE
        mix = (self.mix_front if front else self.mix_rear) or self.mix_front or self.mix_rear
        cat = mix.pick(rng) if mix else None
        first = self.by_category[cat].pick(rng) if cat else self.any_munition.pick(rng)
        munitions = [first]
        if rng.random() < 0.2:
            second = self.any_munition.pick(rng)
            if second.id != first.id:
                munitions.append(second)
        night = first.category in NIGHT_CATEGORIES
        if night:
            # 20:00 the evening before to 06:00, in UTC (Kyiv is UTC+2/3).
            occurred = START + timedelta(days=d, hours=-6) + timedelta(seconds=rng.randrange(10 * 3600))
            wave_index = d
        else:
            occurred = START + timedelta(days=d) + timedelta(seconds=rng.randrange(24 * 3600))
            wave_index = None
        r = rng.random()
        precision = "exact" if r < 0.3 else "hour" if r < 0.8 else "day"
        if precision == "hour":
            occurred = occurred.replace(minute=0, second=0)
        elif precision == "day":
            # Midnight in Kyiv (UTC+2) of the strike's date: inside the night's wave too.
            occurred = START + timedelta(days=d, hours=-2)
        target_type = self.target_pick.pick(rng)
        target = rng.choice(TARGETS[target_type][1])
        killed = 0 if rng.random() < 0.6 else min(300, int(rng.lognormvariate(0.5, 1.1)) + 1)
        injured = 0 if (killed == 0 and rng.random() < 0.35) else min(900, int(rng.lognormvariate(1.2, 1.2)) + killed)
        r = rng.random()
        status = "published" if r < 0.92 else "draft" if r < 0.97 else "retracted"
        retraction = "Duplicate of another report; kept for the record." if status == "retracted" else ""
        weapon = " and ".join(m.name for m in munitions)
        verb = rng.choice(VERBS)
        description = f"{MARKER} {weapon} {verb} {target} in {place.name}, {oblast_name}."
        if killed or injured:
            description += f" {killed} killed, {injured} injured."
        articles, decisions = self._articles(occurred, place.name, oblast_name, weapon, target, verb, killed, injured)
        return AttackRec(
            occurred_at=occurred,
            time_precision=precision,
            place=place,
            latitude=round(lat, 6),
            longitude=round(lon, 6),
            geo_precision=geo,
            target_type=target_type,
            description=description,
            status=status,
            retraction_reason=retraction,
            wave_index=wave_index,
            munitions=munitions,
            articles=articles,
            decisions=decisions,
        )

    def _articles(self, occurred, place, oblast, weapon, target, verb, killed, injured):
        """2-3 reports of one strike; early ones may be lower, some disagree for real."""
        rng = self.rng
        n = 2 if rng.random() < 0.5 else 3
        disputed = (killed or injured) and rng.random() < 0.08
        # Which figure the sources disagree on, and which article dissents.
        bad_cat = ("killed" if killed and rng.random() < 0.4 else "injured") if disputed else None
        bad_at = rng.randrange(n) if disputed else -1
        articles = []
        published = occurred + timedelta(minutes=rng.randrange(20, 180))
        for i in range(n):
            outlet = rng.randrange(len(OUTLETS))
            speaker = rng.choice(SPEAKERS)
            title = rng.choice(
                [
                    f"{weapon} attack on {place}",
                    f"{place}: {weapon} {verb} {target}",
                    f"Night strike on {place}, {oblast}",
                    f"Russian strike on {place} damages {target}",
                ]
            )
            lead = f"Russian forces {verb} {target} in {place} ({oblast}) with {weapon}, {speaker} said."
            parts = [lead]
            claims = []
            pos = len(lead) + 1
            for cat, true_value in (("killed", killed), ("injured", injured)):
                if true_value == 0 and rng.random() < 0.7:
                    continue
                value, qualifier = true_value, "exact"
                if i < n - 1 and true_value > 2 and rng.random() < 0.3:
                    # An early report: the toll was still rising.
                    value, qualifier = max(1, true_value - rng.randrange(1, 3)), "at_least"
                elif true_value > 20 and rng.random() < 0.2:
                    qualifier = "about"
                if cat == bad_cat and i == bad_at:
                    value = int(true_value * rng.uniform(1.3, 1.8)) + 3
                    qualifier = rng.choice(["exact", "more_than"])
                word = {"exact": "", "at_least": "at least ", "more_than": "more than ", "about": "about "}[qualifier]
                if cat == "killed":
                    sentence = f"{word}{value} people were killed." if value else "No one was killed."
                else:
                    sentence = f"{word}{value} people were injured." if value else "No injuries were reported."
                sentence = sentence[0].upper() + sentence[1:]
                low, high = interval(value, qualifier)
                claims.append(ClaimRec(cat, value, qualifier, low, high, sentence, pos, pos + len(sentence), published))
                parts.append(sentence)
                pos += len(sentence) + 1
            parts.append(rng.choice(DAMAGE))
            parts.append(rng.choice(DAMAGE))
            articles.append(ArticleRec(outlet, published, title, " ".join(parts), claims))
            published += timedelta(minutes=rng.randrange(30, 600))
        decisions = {}
        if disputed and rng.random() < 0.4:
            values = [c for a in articles for c in a.claims if c.category == bad_cat]
            if values:
                true_value = killed if bad_cat == "killed" else injured
                low = min(true_value, min(c.low for c in values))
                highs = [c.high for c in values]
                high = None if None in highs else max(max(highs), true_value)
                decisions[bad_cat] = (true_value, low, high)
        return articles, decisions
