"""Mutation testing of the pure cores: run mutmut, print the score, judge the survivors.

``make mutation`` runs this. mutmut (configured in pyproject.toml's ``[tool.mutmut]``) mutates
casualties/reconcile.py, extraction/numbers.py, dates.py, scope.py and sources/canonical.py one
change at a time and runs the Django-free tests against each mutant. This script then reads
``mutmut results --all true`` and prints, per module, the mutants killed and those that survived.

A survivor (a mutant no test noticed, or one no test even runs) must be listed in
docs/mutation-survivors.txt, either as ``equivalent`` (the mutant cannot change any result,
with the reason) or as ``pending`` (a test is still owed: the known backlog, kept so that the
run fails on any *new* survivor while the backlog is worked off). The exit status is 1 when a
survivor is in neither list; with ``--strict`` a pending one fails the run too.

    python scripts/mutation.py             # run mutmut (2 workers), then report
    python scripts/mutation.py --no-run    # report on the last run in mutants/
    MUTMUT_CHILDREN=1 python scripts/mutation.py
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "docs" / "mutation-survivors.txt"
MUTMUT = Path(sys.executable).with_name("mutmut")
KILLED = {"killed", "timeout", "segfault"}  # the tests noticed the change (a hang or a crash counts)
LINE = re.compile(r"^\s*(\S+__mutmut_\d+): (.+?)\s*$")


def module_of(mutant: str) -> str:
    """``extraction.dates.x_event_date__mutmut_3`` -> ``extraction.dates``."""
    head = mutant.split("__mutmut_")[0]
    parts = head.split(".")
    while parts and (parts[-1].startswith("x_") or parts[-1].startswith("xǁ")):
        parts.pop()
    return ".".join(parts)


def read_list(path: Path) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """``equivalent`` and ``pending`` entries (name -> reason) and the lines that could not be read.

    A line is ``<mutant name>  equivalent: <why>`` or ``<mutant name>  pending: <what test is owed>``;
    blank lines and lines starting with ``#`` are comments.
    """
    equivalent: dict[str, str] = {}
    pending: dict[str, str] = {}
    bad: list[str] = []
    if not path.exists():
        return equivalent, pending, bad
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(\S+__mutmut_\d+)\s+(equivalent|pending):\s*(.*)$", line)
        if not m or (m.group(2) == "equivalent" and not m.group(3).strip()):
            bad.append(raw)  # an equivalent mutant without its reason is not explained
            continue
        (equivalent if m.group(2) == "equivalent" else pending)[m.group(1)] = m.group(3).strip()
    return equivalent, pending, bad


def results() -> dict[str, str]:
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-run", action="store_true", help="report on the last run without running mutmut")
    parser.add_argument("--strict", action="store_true", help="fail on pending survivors too")
    parser.add_argument("--list-survivors", action="store_true", help="print every survivor not explained")
    args = parser.parse_args(argv)

    elapsed = None
    if not args.no_run:
        children = os.environ.get("MUTMUT_CHILDREN", "2")
        started = time.monotonic()
        # mutmut's progress line is redrawn in place: kept out of CI's log, only its last line shown.
        run = subprocess.run([str(MUTMUT), "run", "--max-children", children], cwd=ROOT, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        last = (run.stdout.replace("\r", "\n").strip().splitlines() or [""])[-1]
        print(f"mutmut run ({children} workers): {last}")
        if run.returncode != 0:
            print(run.stdout[-4000:], run.stderr[-4000:], sep="\n", file=sys.stderr)
            print(f"mutmut run failed (exit {run.returncode})", file=sys.stderr)
            return run.returncode

    found = results()
    if not found:
        print("No mutmut results: run without --no-run first.", file=sys.stderr)
        return 2
    equivalent, pending, bad = read_list(LIST)

    counts: dict[str, Counter] = defaultdict(Counter)
    unexplained: list[tuple[str, str]] = []
    for name, status in sorted(found.items()):
        c = counts[module_of(name)]
        c["total"] += 1
        if status in KILLED:
            c["killed"] += 1
        elif status == "not checked":
            c["unchecked"] += 1  # the run stopped before it (or only some mutants were run)
            unexplained.append((name, status))
        elif name in equivalent:
            c["equivalent"] += 1
        elif name in pending:
            c["pending"] += 1
        else:
            c["unexplained"] += 1
            unexplained.append((name, status))

    header = f"{'module':<22} {'mutants':>7} {'killed':>7} {'equiv.':>7} {'pending':>7} {'new':>5} {'score':>7}"
    print(header)
    print("-" * len(header))
    total = Counter()
    for module in sorted(counts):
        c = counts[module]
        total.update(c)
        print(_row(module, c))
    print("-" * len(header))
    print(_row("all", total))
    print(
        "score = killed / (mutants - equivalent). 'pending': survivors listed in "
        f"{LIST.relative_to(ROOT)} as owing a test; 'new': survivors listed nowhere."
    )
    if elapsed is not None:
        print(f"time: {elapsed / 60:.1f} min")

    stale = sorted(n for n in {*equivalent, *pending} if n in found and found[n] in KILLED)
    gone = sorted(n for n in {*equivalent, *pending} if n not in found)
    if stale:
        print(f"{len(stale)} listed survivors are now killed (remove them from the list): {', '.join(stale[:20])}")
    if gone:
        print(f"{len(gone)} listed mutants no longer exist (the code changed; re-check): {', '.join(gone[:20])}")
    for raw in bad:
        print(f"unreadable or unexplained line in {LIST.name}: {raw!r}", file=sys.stderr)
    if unexplained and (args.list_survivors or len(unexplained) <= 50):
        print("Survivors neither killed nor explained (see them with `.venv/bin/mutmut show NAME`):")
        for name, status in unexplained:
            print(f"  {name}  ({status})")
    elif unexplained:
        print(f"{len(unexplained)} survivors neither killed nor explained: --list-survivors prints them.")

    if total["unchecked"]:
        print(f"{total['unchecked']} mutants were not checked: run `make mutation` again to finish.")
    failed = bool(unexplained or bad or (args.strict and total["pending"]))
    return 1 if failed else 0


def _row(name: str, c: Counter) -> str:
    judged = c["total"] - c["equivalent"]
    score = f"{100 * c['killed'] / judged:.1f}%" if judged else "-"
    return (
        f"{name:<22} {c['total']:>7} {c['killed']:>7} {c['equivalent']:>7} {c['pending']:>7} "
        f"{c['unexplained']:>5} {score:>7}"
    )


if __name__ == "__main__":
    sys.exit(main())
