"""factory_boy factories for every model, shared by all test modules."""

import datetime as dt

import factory
from django.utils import timezone

from casualties.models import Claim, Decision
from sources.models import Article, Feed, Outlet
from strikes.models import Attack, Munition, Place, Wave


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Town {n}")
    kind = "city"
    latitude = 50.45
    longitude = 30.52


class MunitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Munition
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Missile-{n}")
    category = "cruise_missile"


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=6))


class AttackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attack

    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    place = factory.SubFactory(PlaceFactory)
    latitude = factory.SelfAttribute("place.latitude")
    longitude = factory.SelfAttribute("place.longitude")
    status = "published"
    description = "A strike on a residential block."


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    grade = "B"


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    url = factory.Sequence(lambda n: f"http://127.0.0.1/feed-{n}.xml")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    canonical_url = factory.SelfAttribute("url")
    title = factory.Sequence(lambda n: f"Story {n}")
    outlet = factory.SubFactory(OutletFactory)
    published_at = factory.LazyFunction(timezone.now)
    text = factory.Sequence(lambda n: f"Text of story {n}.")
    status = "fetched"
    origin = "url"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    attack = factory.SubFactory(AttackFactory)
    article = factory.SubFactory(ArticleFactory)
    category = "killed"
    value = 12
    low = factory.SelfAttribute("value")
    high = factory.SelfAttribute("value")
    qualifier = "exact"
    quote = "12 people were killed"
    reported_at = factory.LazyFunction(timezone.now)
    origin = "entered"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    attack = factory.SubFactory(AttackFactory)
    category = "killed"
    version = 1
    best = 12
    low = 12
    high = 12
    rationale = "Sources agree."
