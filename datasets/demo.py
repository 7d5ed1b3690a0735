"""The demo data: five real strikes, each reported differently by different outlets.

The running example of DESIGN.md (Kyiv, night of 24 April 2025: two articles that
agree on 12 killed, disagree on the injured, and agree on the weapons launched) and
the four other events of the labelled development corpus (Dnipro 2023, Kramatorsk
2022, the Okhmatdyt hospital in Kyiv 2024, Uman 2023). Facts, figures, outlets,
dates and source URLs are those of the real reports; every article text and title
below is a short summary written for this demo, not the outlet's words.

Attacks, claims and figures go through the services other apps expose
(``attack_create``, ``attack_publish``, ``claim_record``, ``figures_refresh``), as an
analyst entering these reports by hand would. Outlets and articles are written here
with the ORM: the sources services submit a URL or a text to be fetched and extracted,
while the demo's articles arrive already summarised and linked. It is idempotent:
attacks are found again by ``external_id = "demo:<event>"`` (with no
``external_source``: the demo is not an imported dataset), articles by canonical
URL, claims by (attack, article, category). Generated scale data never uses these
keys, so the two are never mixed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction

KYIV_TZ = ZoneInfo("Europe/Kyiv")
DEMO_PREFIX = "demo:"


@dataclass(frozen=True)
class DemoClaim:
    """One figure an article states, with the words of the demo text it comes from."""

    category: str
    value: int
    qualifier: str
    quote: str


@dataclass(frozen=True)
class DemoArticle:
    """One real report, summarised in the demo's own words."""

    url: str
    outlet: str
    grade: str  # the outlet's grade when the demo creates the outlet (never overwritten)
    published: dt.date | None  # None when the outlet's page gives no date
    # When the figures were reported; the publication date, or the likely date when none is given.
    reported: dt.date | dt.datetime  # a datetime when the source gives the hour
    title: str
    text: str
    claims: tuple[DemoClaim, ...]


@dataclass(frozen=True)
class DemoEvent:
    """One strike at one place, and the articles that report it."""

    key: str
    place_ref: str
    occurred_at: dt.datetime
    time_precision: str
    geo_precision: int
    target_type: str
    description: str
    munitions: tuple[tuple[str, int | None], ...]  # (catalogue name, count or None)
    articles: tuple[DemoArticle, ...] = field(default=())


def _local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=KYIV_TZ)


# --- The five events ---

KYIV_2025 = DemoEvent(
    key="kyiv-2025-04-24",
    place_ref="district:kyiv:sviatoshynskyi",
    occurred_at=_local(2025, 4, 24, 1, 0),
    time_precision="hour",
    geo_precision=3,  # district
    target_type="residential",
    description=(
        "Combined missile and drone attack on Kyiv in the night of 24 April 2025. Residential "
        "buildings in the Sviatoshynskyi district took the worst damage. Ukraine identified the "
        "ballistic missile as North Korean-made."
    ),
    munitions=(("KN-23", None),),
    articles=(
        DemoArticle(
            url="https://censor.net/en/news/3548671/zelensky-says-russia-hit-kyiv-with-a-dprk-missile",
            outlet="Censor.NET",
            grade="B",
            published=dt.date(2025, 4, 24),
            reported=dt.date(2025, 4, 24),
            title="President: North Korean missile used in night strike on Kyiv",
            text=(
                "Overnight Russia sent more than 200 missiles and drones against Ukrainian cities, "
                "President Volodymyr Zelensky said on Thursday. In Kyiv 12 people were killed and "
                "more than 100 were wounded. According to the president, one of the ballistic "
                "missiles had been made in North Korea. The capital's Sviatoshynskyi district was "
                "hit hardest, with several residential buildings damaged."
            ),
            claims=(
                DemoClaim("launched", 200, "more_than", "more than 200 missiles and drones"),
                DemoClaim("killed", 12, "exact", "12 people were killed"),
                DemoClaim("injured", 100, "more_than", "more than 100 were wounded"),
            ),
        ),
        DemoArticle(
            url="https://hngn.com/articles/266002/20250425/north-korean-missile-fired-russia-kyiv-contained-us-made-parts-zelensky.htm",
            outlet="HNGN (AFP)",
            grade="C",
            published=dt.date(2025, 4, 25),
            reported=dt.date(2025, 4, 25),
            title="Missile that hit Kyiv had foreign-made parts, Zelensky says",
            text=(
                "The North Korean ballistic missile that struck Kyiv on Thursday contained 116 "
                "components made abroad, most of them in the United States, President Zelensky said "
                "on Friday. In the attack Russia fired 215 missiles and drones across Ukraine. In the "
                "capital 12 civilians were killed and 87 were injured."
            ),
            claims=(
                DemoClaim("launched", 215, "exact", "215 missiles and drones"),
                DemoClaim("killed", 12, "exact", "12 civilians were killed"),
                DemoClaim("injured", 87, "exact", "87 were injured"),
            ),
        ),
    ),
)

DNIPRO_2023 = DemoEvent(
    key="dnipro-2023-01-14",
    place_ref="geonames:709930",
    occurred_at=_local(2023, 1, 14, 12, 0),
    time_precision="day",
    geo_precision=4,  # city
    target_type="residential",
    description="Missile strike on a nine-storey apartment block in Dnipro on 14 January 2023.",
    munitions=(("Kh-22", None),),
    articles=(
        DemoArticle(
            url="https://www.alaskacommons.com/21-dead-in-russian-attack-on-building-in-ukraines-dnipro-city/",
            outlet="Alaska Commons",
            grade="U",
            published=None,
            reported=dt.date(2023, 1, 15),
            title="Dnipro apartment block strike: toll reaches 21",
            text=(
                "By Sunday the number of people killed by the Russian missile that hit an apartment "
                "block in Dnipro had risen to 21, one of them a child. Officials said 73 people were "
                "injured and 35 were still missing. They named the weapon as a Kh-22 missile."
            ),
            claims=(
                DemoClaim("killed", 21, "exact", "had risen to 21"),
                DemoClaim("children_killed", 1, "exact", "one of them a child"),
                DemoClaim("injured", 73, "exact", "73 people were injured"),
            ),
        ),
        DemoArticle(
            url="https://www.aljazeera.com/gallery/2023/1/16/dozens-feared-dead-after-russian-attack-in-ukraines-dnipro",
            outlet="Al Jazeera",
            grade="B",
            published=dt.date(2023, 1, 16),
            reported=dt.date(2023, 1, 16),
            title="Rescuers search the ruins of a Dnipro apartment block",
            text=(
                "Rescue teams in Dnipro said on Monday that 35 people were now confirmed dead after "
                "Saturday's strike on an apartment block, which came during a wave of Russian cruise "
                "missile attacks. At least 75 people were wounded and 35 were still missing."
            ),
            claims=(
                DemoClaim("killed", 35, "exact", "35 people were now confirmed dead"),
                DemoClaim("injured", 75, "at_least", "At least 75 people were wounded"),
            ),
        ),
        DemoArticle(
            url="https://www.republicworld.com/world-news/russia-ukraine-crisis/zelenskyy-calls-attack-on-dnipro-residential-building-a-war-crime-death-toll-goes-up-articleshow.html",
            outlet="Republic World",
            grade="C",
            published=dt.date(2023, 1, 17),
            reported=dt.date(2023, 1, 17),
            title="Dnipro toll rises as Zelensky calls the strike a war crime",
            text=(
                "The mayor of Dnipro said on Tuesday that 44 people had died in the strike on the "
                "apartment block, four of them children. President Zelensky called the attack a war crime."
            ),
            claims=(
                DemoClaim("killed", 44, "exact", "44 people had died"),
                DemoClaim("children_killed", 4, "exact", "four of them children"),
            ),
        ),
    ),
)

KRAMATORSK_2022 = DemoEvent(
    key="kramatorsk-2022-04-08",
    place_ref="geonames:704508",
    occurred_at=_local(2022, 4, 8, 12, 0),
    time_precision="day",
    geo_precision=4,  # city
    target_type="transport",
    description="Missile strike on Kramatorsk railway station while civilians waited to be evacuated, 8 April 2022.",
    munitions=(("Iskander-M", 2),),
    articles=(
        DemoArticle(
            url="https://babel.ua/en/news/77628-russian-troops-launched-a-missile-attack-at-kramatorsk-railway-station-dozens-of-people-were-killed",
            outlet="Babel",
            grade="B",
            published=None,
            reported=dt.date(2022, 4, 8),
            title="Missiles hit Kramatorsk station during evacuation",
            text=(
                "Two Russian missiles struck the railway station in Kramatorsk as people waited for "
                "evacuation trains. The state railway said 30 people were killed and more than 100 "
                "injured. The regional governor said the missiles came from an Iskander launcher."
            ),
            claims=(
                DemoClaim("killed", 30, "exact", "30 people were killed"),
                DemoClaim("injured", 100, "more_than", "more than 100 injured"),
            ),
        ),
        DemoArticle(
            url="https://sarkardaily.com/35-feared-dead-in-kramatorsk-rail-station-strike/",
            outlet="Sarkar Daily",
            grade="U",
            published=None,
            reported=dt.date(2022, 4, 8),
            title="Kramatorsk station strike: at least 35 dead",
            text=(
                "Two Russian rockets hit the Kramatorsk railway station, where civilians were "
                "gathering to leave the region. At least 35 people were killed, four of them "
                "children, and more than 100 were injured."
            ),
            claims=(
                DemoClaim("killed", 35, "at_least", "At least 35 people were killed"),
                DemoClaim("children_killed", 4, "exact", "four of them children"),
                DemoClaim("injured", 100, "more_than", "more than 100 were injured"),
            ),
        ),
    ),
)

OKHMATDYT_2024 = DemoEvent(
    key="kyiv-okhmatdyt-2024-07-08",
    place_ref="district:kyiv:shevchenkivskyi",
    occurred_at=_local(2024, 7, 8, 10, 45),
    time_precision="hour",
    geo_precision=3,  # district
    target_type="healthcare",
    description="Missile strike on the Okhmatdyt children's hospital in Kyiv during a daytime attack, 8 July 2024.",
    munitions=(("Kh-101", None),),
    articles=(
        DemoArticle(
            url="https://www.pravda.com.ua/eng/news/2024/07/8/7464645/",
            outlet="Ukrainska Pravda",
            grade="B",
            published=dt.date(2024, 7, 8),
            reported=dt.date(2024, 7, 8),
            title="Missile hits Okhmatdyt children's hospital in Kyiv",
            text=(
                "A Russian missile hit the Okhmatdyt children's hospital in Kyiv on Monday. Two "
                "adults were killed, one of them a doctor. Both of the dead were adults. 16 people "
                "were injured at the hospital, seven of them children."
            ),
            claims=(
                DemoClaim("killed", 2, "exact", "Two adults were killed"),
                DemoClaim("children_killed", 0, "exact", "Both of the dead were adults"),
                DemoClaim("injured", 16, "exact", "16 people were injured"),
            ),
        ),
        DemoArticle(
            url="https://babel.ua/en/news/108823-rescue-work-on-the-territory-of-the-okhmatdyt-children-s-hospital-has-been-completed-but-the-number-of-dead-in-kyiv-is-increasing",
            outlet="Babel",
            grade="B",
            published=dt.date(2024, 7, 9),
            reported=dt.date(2024, 7, 9),
            title="Rescue work at Okhmatdyt ends",
            text=(
                "Rescuers finished their work at the Okhmatdyt hospital on Tuesday. In the final count "
                "for the hospital, two adults were killed and 32 people were injured; both of the dead "
                "were adults. Investigators said the hospital was hit by a Kh-101 cruise missile."
            ),
            claims=(
                DemoClaim("killed", 2, "exact", "two adults were killed"),
                DemoClaim("children_killed", 0, "exact", "both of the dead were adults"),
                DemoClaim("injured", 32, "exact", "32 people were injured"),
            ),
        ),
    ),
)

UMAN_2023 = DemoEvent(
    key="uman-2023-04-28",
    place_ref="geonames:690688",
    occurred_at=_local(2023, 4, 28, 12, 0),
    time_precision="day",
    geo_precision=4,  # city
    target_type="residential",
    description="Cruise missile strike on a nine-storey apartment building and warehouses in Uman, 28 April 2023.",
    munitions=(("cruise missile", 2),),
    articles=(
        DemoArticle(
            url="https://babel.ua/en/news/93294-a-rocket-attack-on-a-nine-story-building-in-uman-16-people-are-known-to-have-died-debris-analysis-is-ongoing",
            outlet="Babel",
            grade="B",
            published=None,
            reported=_local(2023, 4, 28, 9, 0),
            title="Uman apartment building hit by cruise missiles",
            text=(
                "Two Russian cruise missiles hit warehouses and a nine-storey apartment building in "
                "Uman early on Friday. 16 people were killed, three of them children, and 18 were "
                "injured. Rescuers were still clearing the rubble."
            ),
            claims=(
                DemoClaim("killed", 16, "exact", "16 people were killed"),
                DemoClaim("children_killed", 3, "exact", "three of them children"),
                DemoClaim("injured", 18, "exact", "18 were injured"),
            ),
        ),
        DemoArticle(
            url="https://en.interfax.com.ua/news/general/906956.html",
            outlet="Interfax-Ukraine",
            grade="B",
            published=dt.date(2023, 4, 28),
            reported=_local(2023, 4, 28, 19, 0),
            title="Uman death toll rises to 23",
            text=(
                "By 19:00 on Friday the number of people killed in Uman had risen to 23, including four "
                "children, the regional administration said. An earlier report said 18 people were injured."
            ),
            claims=(
                DemoClaim("killed", 23, "exact", "had risen to 23"),
                DemoClaim("children_killed", 4, "exact", "including four children"),
                DemoClaim("injured", 18, "exact", "18 people were injured"),
            ),
        ),
    ),
)

DEMO_EVENTS: tuple[DemoEvent, ...] = (KYIV_2025, DNIPRO_2023, KRAMATORSK_2022, OKHMATDYT_2024, UMAN_2023)


def demo_external_id(event: DemoEvent) -> str:
    """The attack's idempotency key ("demo:kyiv-2025-04-24")."""
    return DEMO_PREFIX + event.key


# --- Loading ---


def _noon(day: dt.date) -> dt.datetime:
    # A date without a time: noon Kyiv time keeps it on the same calendar day in any display zone near Europe.
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=KYIV_TZ)


def _outlet_get(article: DemoArticle):
    """The outlet by domain or name, created with the demo's grade when missing."""
    from sources.canonical import url_host
    from sources.models import Outlet

    domain = url_host(article.url)
    outlet = Outlet.objects.filter(domain=domain).first() or Outlet.objects.filter(name=article.outlet).first()
    if outlet is None:
        outlet = Outlet.objects.create(name=article.outlet, domain=domain, grade=article.grade)
    return outlet


def _article_get(article: DemoArticle, attack) -> tuple[object, bool]:
    """The demo article by canonical URL, created (already processed, linked to ``attack``) when missing."""
    from sources.canonical import text_hash, url_canonical
    from sources.models import Article

    # The ingest pipeline's own keys, so pasting a demo URL finds the demo article.
    canonical = url_canonical(article.url)
    existing = Article.objects.filter(canonical_url=canonical).first()
    if existing is not None:
        if existing.attack_id is None:
            existing.attack = attack
            existing.save(update_fields=["attack", "updated_at"])
        return existing, False
    created = Article.objects.create(
        url=article.url,
        canonical_url=canonical,
        title=article.title,
        outlet=_outlet_get(article),
        published_at=_noon(article.published) if article.published else None,
        language="en",
        text=article.text,
        content_hash=text_hash(article.text),
        # Status "extracted" and review "confirmed": the pipeline must not fetch or extract
        # these again (the URLs are real; the texts are the demo's own summaries).
        origin="import",
        status="extracted",
        review_state="confirmed",
        attack=attack,
    )
    return created, True


def _attack_get(event: DemoEvent, by) -> tuple[object, bool]:
    """The demo attack for ``event``, created (a draft) when missing; published once its articles are linked."""
    from strikes.models import Attack, Munition, Place
    from strikes.services import attack_create

    existing = Attack.objects.filter(external_source="", external_id=demo_external_id(event)).first()
    if existing is not None:
        return existing, False
    place = Place.objects.get(ref_key=event.place_ref)
    munitions = [(Munition.objects.get(name=name), count) for name, count in event.munitions]
    attack = attack_create(
        by=by,
        munitions=munitions,
        occurred_at=event.occurred_at,
        time_precision=event.time_precision,
        place=place,
        latitude=place.latitude,
        longitude=place.longitude,
        geo_precision=event.geo_precision,
        target_type=event.target_type,
        description=event.description,
        external_id=demo_external_id(event),
    )
    return attack, True


def _claims_record(event: DemoEvent, attack, articles: list, by) -> int:
    """Record each article's figures once; a claim already there (even withdrawn) is left alone."""
    from casualties.models import Claim
    from casualties.services import claim_record

    have = set(Claim.objects.filter(attack=attack).values_list("article_id", "category"))
    created = 0
    for demo, article in zip(event.articles, articles, strict=True):
        for claim in demo.claims:
            if (article.pk, claim.category) in have:
                continue
            start = demo.text.index(claim.quote)  # a ValueError here is a typo in the demo data
            claim_record(
                attack=attack,
                category=claim.category,
                value=claim.value,
                qualifier=claim.qualifier,
                reported_at=demo.reported if isinstance(demo.reported, dt.datetime) else _noon(demo.reported),
                article=article,
                quote=claim.quote,
                quote_start=start,
                quote_end=start + len(claim.quote),
                origin="entered",
                by=by,
            )
            created += 1
    return created


def demo_load(*, by=None) -> dict:
    """Create the demo's attacks, articles and claims where missing; returns what was created.

    Loads the reference data first when the gazetteer is empty (the demo's places and
    munitions come from it). Running it again creates nothing.
    """
    from casualties.services import figures_refresh
    from datasets.reference import reference_load
    from strikes.models import Place
    from strikes.services import attack_publish, attack_search_refresh

    if not Place.objects.filter(ref_key=KYIV_2025.place_ref).exists():
        reference_load()

    counts = {"attacks": 0, "articles": 0, "claims": 0}
    for event in DEMO_EVENTS:
        with transaction.atomic():
            attack, created = _attack_get(event, by)
            counts["attacks"] += created
            articles = []
            for demo in event.articles:
                article, new = _article_get(demo, attack)
                counts["articles"] += new
                articles.append(article)
            if created:
                # Publishing needs a source: the articles just linked.
                attack_publish(attack=attack, by=by)
            new_claims = _claims_record(event, attack, articles, by)
            counts["claims"] += new_claims
            if created or new_claims:
                figures_refresh(attack=attack)
                # The search vector includes linked article texts, which were added after the attack.
                attack_search_refresh(attack_ids=[attack.pk])
    return counts
