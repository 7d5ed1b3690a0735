"""Extraction speed: ``python -m extraction.bench [--dir DIR] [--n 500]``.

Times ``extract()`` on a synthetic 5,000-character strike report (written for this
benchmark) or on every ``*.txt`` in ``--dir``, on one core, after building the
gazetteer and loading the lemmatiser once (their times are printed separately: they happen
once per process). ``--cold`` empties the per-word caches before each article, the worst case
of an article whose every word is new.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

PARAGRAPHS = [
    "Russian missiles and drones hit Kharkiv overnight, killing at least nine people and injuring 57",
    "Russia launched 143 drones and 11 missiles at Ukraine on the night of 12 March, the air force said on "
    "Wednesday morning. Air defences shot down 118 of the drones and seven missiles across the country.",
    "In Kharkiv, two Iskander-M ballistic missiles struck a residential district in the early hours, regional "
    "governor said. Nine people were killed, including two children, and 57 others were wounded, 11 of them "
    "seriously. The death toll rose to nine after rescuers pulled a woman from the rubble at about 9 am.",
    "The Kyivskyi district of the city was hit hardest: a nine-storey apartment block partially collapsed, "
    "and the blast wave shattered windows in more than 40 nearby buildings. Several cars caught fire.",
    "Earlier, officials had reported six killed and 34 injured. Rescue work is continuing and about five "
    "people are still missing, according to the State Emergency Service.",
    "Elsewhere, in the Odesa region, a Shahed drone damaged port infrastructure, injuring two workers. In "
    "Dnipro, debris from a downed missile fell on a private house; no one was hurt.",
    "Since the start of the full-scale invasion, more than 12,000 civilians have been killed across Ukraine, "
    "according to the UN monitoring mission, and over 27,000 have been injured.",
    "Kharkiv, Ukraine's second-largest city, lies about 30 kilometres from the Russian border and has been "
    "targeted repeatedly. In a similar attack last month, 14 people were killed when a glide bomb hit a "
    "hardware store on the outskirts of the city.",
    "President Volodymyr Zelensky called on partners to speed up deliveries of air defence systems. "
    '"Every day without a decision means new deaths," he said in his evening address on Wednesday.',
    "The mayor said that 1,200 residents were left without heating and that temporary shelters had been "
    "opened in three schools. Psychologists and social workers are on site to help the families.",
    "Ukraine's foreign ministry said the strike showed that Moscow was not interested in peace talks, "
    "and urged allies to tighten sanctions on components used in Russian missiles.",
]


def synthetic_article(size: int = 5000) -> str:
    """A strike report of about ``size`` characters, built from the paragraphs above."""
    out = []
    total = 0
    i = 0
    while total < size:
        p = PARAGRAPHS[i % len(PARAGRAPHS)]
        out.append(p)
        total += len(p) + 2
        i += 1
    return "\n\n".join(out)[:size]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir", type=Path, action="append", help="benchmark the .txt files in this directory instead (repeatable)"
    )
    parser.add_argument("--n", type=int, default=300, help="passes over the articles")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the per-word caches (lemmas, token forms) before each article: every word is new",
    )
    args = parser.parse_args(argv)

    from extraction import default_gazetteer, extract, split_date_header
    from extraction.names import cyrillic_lemmas, morph, norm_token

    t0 = time.perf_counter()
    gaz = default_gazetteer()
    build_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    morph("uk"), morph("ru")
    morph_ms = (time.perf_counter() - t0) * 1000

    if args.dir:
        paths = [p for d in args.dir for p in sorted(d.glob("*.txt"))]
        articles = [split_date_header(p.read_text(encoding="utf-8"))[1] for p in paths]
    else:
        articles = [synthetic_article()]
    if not articles:
        print("no articles", file=sys.stderr)
        return 1
    for text in articles:  # warm-up
        extract(text, "2025-03-12", gaz)
    # CPU time of this process: what one core spends, undisturbed by other load on the machine.
    timings = []
    wall0 = time.perf_counter()
    for _ in range(args.n):
        for text in articles:
            if args.cold:
                cyrillic_lemmas.cache_clear()
                norm_token.cache_clear()
            t = time.process_time()
            extract(text, "2025-03-12", gaz)
            timings.append(time.process_time() - t)
    wall_ms = (time.perf_counter() - wall0) * 1000 / len(timings)
    chars = sum(len(a) for a in articles) / len(articles)
    mean_ms = statistics.fmean(timings) * 1000
    total_cpu = sum(timings)
    print(f"gazetteer build: {build_ms:.0f} ms (once per process)")
    print(f"pymorphy3 analysers (uk, ru) loaded: {morph_ms:.0f} ms (once per process)")
    print(f"articles: {len(articles)}, mean length {chars:.0f} characters, {len(timings)} extractions")
    print(f"CPU: {mean_ms:.2f} ms/article, {len(timings) / total_cpu:.0f} articles/s on one core")
    print(f"wall clock: {wall_ms:.2f} ms/article (includes any other load on the machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
