# ruff: noqa: RUF001  (Cyrillic words are matched on purpose)
"""Is the article a strike report? Strike language against other topics (talks, aid, economy). Pure Python."""

from __future__ import annotations

from extraction.figure_rules import CASUALTY
from extraction.text import SentenceGate, by_first_letter, ci, required_literals

STRIKE_RE = ci(
    r"\b(?:attack(?:s|ed)?|strikes?|struck|hit|hits|shell(?:ing|ed)|bombard\w*|barrage|assault|explosions?|"
    r"blasts?|missiles?|drones?|rockets?|airstrikes?|air\s+raid|bomb(?:s|ed|ing)?|debris|rubble|destroyed|damaged|"
    r"killed|killing|wounded|injured|casualties|dead|"
    # Ukrainian and Russian: shelling, strike, attack, missile, drone, explosion, killed, injured
    r"обстріл\w*|обстрел\w*|удар\w*|атак\w*|ракет\w*|дрон\w*|шахед\w*|безпілотник\w*|беспилотник\w*|"
    r"вибух\w*|взрыв\w*|влучан\w*|попадан\w*|загин\w*|загибл\w*|погиб\w*|поранен\w*|ранен\w*|"
    r"постражда\w*|пострадав\w*|руйнуван\w*|разрушен\w*)\b"
)
STRONG_STRIKE_RE = ci(
    r"\b(?:(?:missile|drone|rocket|air|artillery|bomb|ballistic|combined|massive|russian)\s+(?:attacks?|strikes?)|"
    r"attack(?:ed)?\s+(?:on|against)|strikes?\s+on|struck|(?:was|were)\s+hit|hit\s+(?:a|an|the)|shelled|shelling|"
    r"killed|killing|wounded|injured|dead|death\s+toll|"
    # "Russian drones attacked Odesa", "a missile slammed into"
    r"(?:missiles?|drones?|rockets?|bombs?|shells?|shaheds?)\s+(?:attacked|targeted|pounded|slammed|hit|rained)|"
    # Ukrainian and Russian: shelled, struck, hit, (missile/drone) attack, killed, injured
    r"обстріля\w*|обстреля\w*|обстріл\w*|обстрел\w*|вдари\w*|удари\w*|завда\w*\s+(?:\w+\s+)?удар\w*|"
    r"нан[её]с\w*\s+(?:\w+\s+)?удар\w*|атакува\w*|атаковал\w*|поціли\w*|влучи\w*|влучан\w*|"
    r"(?:ракетн|дронов|масован|комбінован|комбинирован|ворож|російськ|российск)\w*\s+(?:атак|удар|обстріл|обстрел)\w*|"
    r"загинул\w*|загинув|загинула|загибл\w*|погибл\w*|погиб\w*|поранен\w*|постраждал\w*|пострадал\w*|ранен\w*)\b"
)
OFF_TOPIC_RE = ci(
    r"\b(?:talks|negotiat\w+|ceasefire|cease-fire|peace\s+(?:deal|plan|accord|process|talks)|prisoner|exchange|swap|"
    r"sanctions|summit|delegation|memorandum|diplomat\w*|econom\w+|GDP|inflation|budget|loan|tariffs?|exports?|"
    r"imports?|elections?|parliament|referendum|visit|agreement|treaty|deliver(?:y|ies|ed|s)?|supplies|shipments?|"
    r"aid\s+package|military\s+aid|Patriots?|IRIS-T|NASAMS|funding|shadow\s+fleet|oil\s+prices?|"
    # Ukrainian and Russian: talks, ceasefire, sanctions, economy, inflation, budget, (key) rate, loan, elections
    r"переговор\w*|перемир\w*|санкці\w*|санкци\w*|економ\w*|эконом\w*|інфляці\w*|инфляци\w*|бюджет\w*|"
    r"облікову\s+ставку|облікова\s+ставка|ставк\w*|кредит\w*|вибор\w*|выбор\w*|нацбанк\w*|гривн\w*|"
    r"тривога|тривогу|тревога)\b"
)

STRIKE_RE = by_first_letter(STRIKE_RE)
STRONG_STRIKE_RE = by_first_letter(STRONG_STRIKE_RE)
OFF_TOPIC_RE = by_first_letter(OFF_TOPIC_RE)

# A strike mentioned as background ("missiles that have struck Ukrainian cities", "attacks that
# have killed hundreds"): not the event an article reports.
BACKGROUND_RE = ci(
    r"\b(?:that|which|who)\s+(?:have|has|had)\s+(?:\w+\s+)?(?:struck|hit|killed|attacked|targeted|pounded|"
    r"terrori[sz]ed|devastated|damaged|destroyed)\b"
)
BACKGROUND_RE = by_first_letter(BACKGROUND_RE)
# A sentence without one of these strings is not searched for other topics.
OFF_TOPIC_NEEDLES = required_literals(OFF_TOPIC_RE)


def is_strike_report(sents, main, figures, munitions, strike_sents, scopes, gate: SentenceGate) -> bool:
    """A strike on a place: a Ukrainian place, and strike language or event figures outweigh other topics."""
    if main is None:
        return False
    strong = sum(
        1
        for s in sents
        if scopes[s.index] in ("event", "other_place")
        and STRONG_STRIKE_RE.search(s.low)
        and not (("that" in s.low or "which" in s.low or "who" in s.low) and BACKGROUND_RE.search(s.low))
    )
    off = sum(1 for i in gate.candidates(OFF_TOPIC_NEEDLES) if OFF_TOPIC_RE.search(sents[i].low))
    # "hundreds killed" in passing is no report of a strike; a specific figure is.
    event_figs = sum(1 for f in figures if f.scope == "event" and f.category in CASUALTY and not f.vague)
    score = strong + 2 * min(event_figs, 3) + (1 if munitions else 0)
    return score >= 2 and score > off * 0.75
