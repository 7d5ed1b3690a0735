"""Casualty and weapons figures in one sentence: which number counts what.

The sentence's numbers are replaced by placeholders and the rules of ``figure_rules`` run
over the result; each figure keeps the article offsets of the words that state it.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from extraction.figure_rules import (
    BRINGING_RE,
    CHILD_AMONG,
    CHILD_BIT,
    CHILD_FOLLOW,
    CHILD_FOLLOW_PLACE,
    CHILD_NOUNS,
    CHILD_OF_THEM,
    FROM_BEFORE,
    FROM_TO,
    GATED_RULES,
    HOSPITAL_RE,
    INCLUDING_BEFORE,
    PAREN_CHILD,
    SHOT_RE,
    STALE_BEFORE,
    STALE_BIT,
    TOLL_UPDATE_VERB_RE,
    UPDATE_BEFORE,
    UPDATE_BIT,
    RawFigure,
    child_category,
    gate_mask,
    ph,
    ph_index,
    trigger_category,
)
from extraction.numbers import NumberMention, number_mentions
from extraction.text import lower_same_length


class SentenceFigures:
    """Run the rules over one sentence (text plus its offset in the article)."""

    def __init__(
        self,
        text: str,
        offset: int,
        skip: list[tuple[int, int]],
        nums: list[NumberMention] | None = None,
        base: int = 0,
        mask: int | None = None,
    ):
        """``nums``: the sentence's numbers when the caller has them, at offsets counted from ``base``
        (the sentence's start in the article when they were found in the whole text).

        ``mask``: the gate bits (``gate_mask``) when the caller has them. Found on the sentence
        before its numbers were replaced they may hold more ("thousand" holds "and"): a wider
        gate only runs a rule that then finds nothing, so the figures are the same."""
        self.mask = mask
        self.text = text
        self.offset = offset
        self.base = base
        self.nums: list[NumberMention] = nums if nums is not None else number_mentions(text, skip)
        parts = []
        # Where each placeholder sits in the normalised text, and how far the text after it is
        # shifted (the number it stands for is longer than one character): offsets by bisection.
        self._ph_pos: list[int] = []
        self._shift_after: list[int] = []
        pos = 0
        shift = 0
        for i, n in enumerate(self.nums[:0x3FF]):
            start = n.start - base
            parts.append(text[pos:start])
            self._ph_pos.append(start - shift)
            shift += n.end - n.start - 1
            self._shift_after.append(shift)
            parts.append(ph(i))
            pos = n.end - base
        parts.append(text[pos:])
        self.norm = "".join(parts)
        self.low = lower_same_length(self.norm)

    def _orig(self, p: int, end: bool) -> int:
        """The sentence offset of normalised position ``p`` (its end when ``end``)."""
        k = bisect_right(self._ph_pos, p)
        if k and self._ph_pos[k - 1] == p:  # a placeholder: the number's start or end
            n = self.nums[k - 1]
            return (n.end if end else n.start) - self.base
        return p + (self._shift_after[k - 1] if k else 0) + (1 if end else 0)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Article offsets of the normalised span [a, b)."""
        if b <= a:
            b = a + 1
        return self.offset + self._orig(a, False), self.offset + self._orig(b - 1, True)

    def run(self) -> list[RawFigure]:
        if not self.nums:
            return []
        used: set[int] = set()
        out: list[RawFigure] = []
        norm = self.low

        def num(m: re.Match, group: str) -> NumberMention | None:
            g = m.group(group)
            return self.nums[ph_index(g)] if g else None

        def idx(m: re.Match, group: str) -> int:
            return ph_index(m.group(group))

        ph_pos = self._ph_pos
        mask = gate_mask(norm) if self.mask is None else self.mask
        stale_words = mask & STALE_BIT
        update_words = mask & UPDATE_BIT

        def add(cat, n: NumberMention, a, b, ni, stale: bool = False) -> RawFigure:
            s, e = self.span(a, b)
            f = RawFigure(
                cat, n.value, n.qualifier, s, e, vague=n.vague, weak=n.single or n.definite, single=n.single, parts=[ni]
            )
            at = ph_pos[ni]  # where the number's placeholder sits
            lo = max(0, at - 110)
            before = norm[lo:at]
            from_to = FROM_TO.match(norm, at) and FROM_BEFORE.search(before)
            # A "stale" word counts only after the previous number (STALE_BEFORE allows no number
            # between it and this one): the search starts there.
            after_prev = ph_pos[ni - 1] + 1 - lo if ni and ph_pos[ni - 1] >= lo else 0
            f.stale = stale or bool(from_to) or bool(stale_words and STALE_BEFORE.search(before, after_prev))
            # "rose to": the verb ends right before the number.
            f.update = bool(update_words and UPDATE_BEFORE.search(before, max(0, len(before) - 30)))
            out.append(f)
            used.add(ni)
            return f

        for name, rx, need in GATED_RULES:
            if mask & need != need:
                continue
            for m in rx.finditer(norm):
                if name in ("sum", "active_sum"):
                    ids = [idx(m, g) for g in ("n", "n2", "n3") if m.group(g)]
                    if any(i in used for i in ids):
                        continue
                    # "killed, including two children, and 57 others were wounded" is no sum.
                    if INCLUDING_BEFORE.search(norm, max(0, m.start() - 20), m.start()):
                        continue
                    nouns = [m.group(g).lower() for g in ("noun1", "noun2", "noun3") if m.group(g)]
                    if len(set(nouns)) < len(nouns):
                        continue
                    cat = trigger_category(m.group("trig"))
                    if cat not in ("killed", "injured"):
                        continue
                    values = [self.nums[i] for i in ids]
                    total = sum(v.value for v in values)
                    qual = "exact" if all(v.qualifier == "exact" for v in values) else "at_least"
                    s, e = self.span(m.start(), m.end())
                    f = RawFigure(cat, total, qual, s, e, parts=ids)
                    out.append(f)
                    used.update(ids)
                    for v, noun in zip(values, nouns, strict=False):
                        if noun in CHILD_NOUNS:
                            out.append(RawFigure(child_category(cat), v.value, v.qualifier, s, e))
                    continue
                if name == "intercept_which":
                    a, b = idx(m, "n"), idx(m, "m")
                    if a in used:
                        continue
                    if b not in used:
                        add("launched", self.nums[b], m.start(), m.end(), b)
                    add("intercepted", self.nums[a], m.start(), m.end(), a)
                    continue
                if name in ("intercept_of_post", "intercept_of"):
                    a, b = idx(m, "n"), idx(m, "m")
                    if a in used or b in used:
                        continue
                    add("intercepted", self.nums[a], m.start(), m.end(), a)
                    add("launched", self.nums[b], m.start(), m.end(), b)
                    continue
                if name in ("intercept_post", "intercept"):
                    a = idx(m, "n")
                    if a in used:
                        continue
                    trig = m.group("trig").lower()
                    w = m.group("w") if name == "intercept" else "weapon"
                    if not w and not SHOT_RE.match(trig):
                        continue
                    # "destroyed 30 of them": weapons only when air defence is what is talked about.
                    if w and w.lstrip().startswith("of ") and not (SHOT_RE.match(trig) or "air " in norm):
                        continue
                    add("intercepted", self.nums[a], m.start(), m.end(), a)
                    continue
                if name in ("launch", "launch_post", "launch_with"):
                    a = idx(m, "n")
                    if a in used:
                        continue
                    add("launched", self.nums[a], m.start(), m.end(), a)
                    continue
                if name == "toll_from":
                    a, b = idx(m, "n"), idx(m, "m")
                    cat = trigger_category(m.group("trig"))
                    if cat is None or a in used or b in used:
                        continue
                    add(cat, self.nums[b], m.start(), m.end(), b, stale=True)
                    add(cat, self.nums[a], m.start(), m.end(), a).update = True
                    continue
                if name == "toll":
                    a = idx(m, "n")
                    if a in used:
                        continue
                    cat = trigger_category(m.group("trig"))
                    if cat is None:
                        continue
                    f = add(cat, self.nums[a], m.start(), m.end(), a)
                    verb = m.group("verb").lower()
                    if TOLL_UPDATE_VERB_RE.match(verb) or BRINGING_RE.search(norm, max(0, m.start() - 25), m.start()):
                        f.update = True
                    self._child_follow(m.end(), cat, used, out, add)
                    continue
                if name == "bodies":
                    g = "n" if m.group("n") else "n2"
                    a = idx(m, g)
                    if a not in used:
                        add("killed", self.nums[a], m.start(), m.end(), a).weak = True
                    continue
                if name == "casualties":
                    a = idx(m, "n")
                    if a in used:
                        continue
                    add("casualties", self.nums[a], m.start(), m.end(), a)
                    if m.group("k") and idx(m, "k") not in used:
                        add("killed", self.nums[idx(m, "k")], m.start(), m.end(), idx(m, "k"))
                    continue
                if name == "colon":
                    a = idx(m, "n")
                    cat = trigger_category(m.group("trig"))
                    if a in used or cat is None:
                        continue
                    add(cat, self.nums[a], m.start(), m.end(), a)
                    self._child_follow(m.end(), cat, used, out, add)
                    continue
                if name == "post":
                    a = idx(m, "n")
                    if a in used:
                        continue
                    cat = trigger_category(m.group("trig"))
                    if cat is None:
                        continue
                    hospital = cat == "injured" and HOSPITAL_RE.match(m.group("trig"))
                    noun = (m.group("noun") or "").strip().lower()
                    last_word = noun.split()[-1] if noun else ""
                    if last_word in CHILD_NOUNS or noun.endswith("a child"):
                        ccat = child_category(cat)
                        if ccat:
                            cf = add(ccat, self.nums[a], m.start(), m.end(), a)
                            cf.weak = cf.weak or bool(hospital)
                            self._children_are_people(cf, cat, out)
                        continue
                    f = add(cat, self.nums[a], m.start(), m.end(), a)
                    f.weak = f.weak or bool(hospital)
                    paren = m.group("paren")
                    if paren:
                        pm = PAREN_CHILD.search(paren)
                        ccat = child_category(cat)
                        if pm and ccat:
                            ci = ph_index(pm.group("n"))
                            if ci not in used:
                                add(ccat, self.nums[ci], m.start(), m.end(), ci, stale=f.stale)
                    self._child_follow(m.end(), cat, used, out, add)
                    continue
                if name == "among":
                    a = idx(m, "n")
                    cat = trigger_category(m.group("trig"))
                    if a in used or cat is None:
                        continue
                    noun = (m.group("noun") or "").strip().lower()
                    n = self.nums[a]
                    if noun.split()[-1:] and noun.split()[-1] in CHILD_NOUNS:
                        # "two children were among the dead": the children's own count.
                        add(child_category(cat), n, m.start(), m.end(), a)
                    # Among the dead: at least this many of them, a part of the count.
                    s_, e_ = self.span(m.start(), m.end())
                    out.append(RawFigure(cat, n.value, "at_least", s_, e_, vague=n.vague, weak=True, parts=[a]))
                    used.add(a)
                    continue
                if name == "active":
                    a = idx(m, "n")
                    if a in used:
                        continue
                    trig = m.group("trig").lower()
                    if trig in ("left", "leaving"):
                        post = (m.group("post") or "").lower()
                        if not post:
                            continue
                        trig = post
                    cat = trigger_category(trig)
                    if cat is None:
                        continue
                    noun = (m.group("noun") or "").strip().lower()
                    last_word = noun.split()[-1] if noun else ""
                    if last_word in CHILD_NOUNS:
                        ccat = child_category(cat)
                        if ccat:
                            self._children_are_people(add(ccat, self.nums[a], m.start(), m.end(), a), cat, out)
                        continue
                    add(cat, self.nums[a], m.start(), m.end(), a)
                    self._child_follow(m.end(), cat, used, out, add)
                    continue
                if name == "noun":
                    g = "n" if m.group("n") else "n2b"
                    a = idx(m, g)
                    if a in used:
                        continue
                    cat = trigger_category(m.group("trig") or m.group("trig2"))
                    if cat is None:
                        continue
                    add(cat, self.nums[a], m.start(), m.end(), a)
                    self._child_follow(m.end(), cat, used, out, add)
                    continue

        has_child = bool(mask & CHILD_BIT)
        for m in CHILD_AMONG.finditer(norm) if has_child else ():
            g = "n" if m.group("n") else "n2"
            a = idx(m, g)
            if a in used:
                continue
            cat = child_category(trigger_category(m.group("trig") or m.group("trig2")) or "")
            if cat:
                add(cat, self.nums[a], m.start(), m.end(), a)
        self._pending_of_them = []
        for m in CHILD_OF_THEM.finditer(norm) if has_child else ():
            g = "n" if m.group("n") else "n2"
            a = idx(m, g)
            if a in used:
                continue
            self._pending_of_them.append((a, m.start(), m.end()))
        out.sort(key=lambda f: f.start)
        return out

    @staticmethod
    def _children_are_people(cf: RawFigure, cat: str, out: list[RawFigure]) -> None:
        """ "Two children were injured" is also an injured figure: of the people, at least these,
        ``weak`` (a count of everyone given elsewhere wins)."""
        out.append(
            RawFigure(cat, cf.value, cf.qualifier, cf.start, cf.end, vague=cf.vague, stale=cf.stale, weak=True,
                      single=cf.single, parts=list(cf.parts))
        )  # fmt: skip

    def _child_follow(self, pos, cat, used, out, add):
        ccat = child_category(cat)
        if not ccat:
            return
        m = CHILD_FOLLOW.match(self.low, pos, pos + 80) or CHILD_FOLLOW_PLACE.match(self.low, pos, pos + 110)
        if m:
            a = ph_index(m.group("n"))
            if a not in used:
                stale = out[-1].stale if out else False
                add(ccat, self.nums[a], m.start("n"), m.end(), a, stale=stale)
