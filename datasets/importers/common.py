"""Plain helpers shared by the importers: reading CSV files whatever their encoding and
delimiter, empty and NaN cells, counts, safe parsing of Python-literal cells, dates,
and the summary every import returns. No Django here.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

# The datasets give local times and dates in Ukraine (the Air Force reports in Kyiv
# time; ACLED and UCDP dates are local dates), whatever TIME_ZONE the site runs in.
KYIV = ZoneInfo("Europe/Kyiv")

# A date without a time is anchored at local noon: the stored instant then reads as
# the same calendar date in any time zone from UTC-9 to UTC+12, so a date never
# slips to the previous day in an export or a UTC-based filter.
DAY_ANCHOR = dt.time(12, 0)

# Cells that mean "no value" in the files we read (pandas writes NaN, some tools None).
_BLANKS = frozenset({"", "nan", "none", "null", "n/a", "na", "-"})

# Literal cells longer than this are refused rather than parsed (a dict of regions
# is a few hundred characters; anything huge is not what the column holds).
LITERAL_MAX_CHARS = 20_000
_LITERAL_MAX_DEPTH = 8
_LITERAL_NULL_NAMES = frozenset({"nan", "none", "null", "inf", "infinity"})

# csv's default field limit (128 KiB) is enough for every file we know; raise it a little
# so one long notes cell in an export is not a fatal error.
csv.field_size_limit(4 * 1024 * 1024)


class FileRefused(Exception):
    """The file is not in the format the importer expects; nothing was written."""


class ImportStopped(Exception):
    """The import cannot go on (the database refused every write); committed batches stay."""


class RowError(ValueError):
    """One row cannot be imported; the message says why (it is shown with the line number)."""


@dataclass(frozen=True)
class RowProblem:
    """A row that was not imported, with its line number in the file and the reason."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportSummary:
    """What an import did, for the command's report and for tests."""

    source: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> rows deliberately left out
    problems: list[RowProblem] = field(default_factory=list)  # bad rows, not imported
    warnings: list[RowProblem] = field(default_factory=list)  # imported, but a cell was kept as written
    not_matched: Counter = field(default_factory=Counter)  # value -> rows it appeared in
    counts: Counter = field(default_factory=Counter)  # other figures worth reporting
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _started: float = field(default_factory=time.monotonic, repr=False)

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(RowProblem(line, reason))

    def warning(self, line: int, reason: str) -> None:
        self.warnings.append(RowProblem(line, reason))

    def finish(self) -> ImportSummary:
        self.seconds = time.monotonic() - self._started
        self.problems.sort(key=lambda p: p.line)
        self.warnings.sort(key=lambda p: p.line)
        return self

    def lines(self, *, max_problems: int = 50) -> list[str]:
        """The summary as text lines for a terminal."""
        out = [
            f"{self.source}: {self.rows_read} rows read in {self.seconds:.1f} s",
            f"  imported (new): {self.created}",
            f"  updated: {self.updated}",
            f"  unchanged: {self.unchanged}",
        ]
        for name, value in sorted(self.counts.items()):
            out.append(f"  {name}: {value}")
        for reason, n in sorted(self.skipped.items()):
            out.append(f"  skipped, {reason}: {n}")
        if self.not_matched:
            total = sum(self.not_matched.values())
            out.append(f"  not matched ({len(self.not_matched)} values, {total} rows):")
            for value, n in sorted(self.not_matched.items(), key=lambda kv: (-kv[1], kv[0])):
                out.append(f"    {value!r}: {n} row{'s' if n != 1 else ''}")
        if self.problems:
            out.append(f"  bad rows (not imported): {len(self.problems)}")
            for p in self.problems[:max_problems]:
                out.append(f"    {p}")
            if len(self.problems) > max_problems:
                out.append(f"    ... and {len(self.problems) - max_problems} more")
        if self.warnings:
            out.append(f"  warnings (rows imported, but check them): {len(self.warnings)}")
            for p in self.warnings[:max_problems]:
                out.append(f"    {p}")
            if len(self.warnings) > max_problems:
                out.append(f"    ... and {len(self.warnings) - max_problems} more")
        out.extend(f"  note: {n}" for n in self.notes)
        return out


# --- Reading files ---


def detect_encoding(raw: bytes, preferred: str | None = None) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else ``preferred`` or cp1252.

    cp1252 text with any accented letter is not valid UTF-8, so trying UTF-8 first is a safe
    test; ASCII-only text is the same in both.
    """
    if preferred:
        return preferred
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


@dataclass
class Table:
    """A CSV file opened for import: its header and its rows as (line number, dict)."""

    path: Path
    encoding: str
    delimiter: str
    columns: list[str]
    text: str

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Rows keyed by the (stripped) column names, each with the line it starts on."""
        reader = csv.reader(self.text.splitlines(keepends=True), delimiter=self.delimiter)
        next(reader, None)
        previous_end = reader.line_num
        for values in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not values or all(not v.strip() for v in values):
                continue
            row = dict(zip(self.columns, values, strict=False))
            if len(values) > len(self.columns):
                row["__extra__"] = values[len(self.columns) :]
            elif len(values) < len(self.columns):
                row["__short__"] = f"{len(values)} of {len(self.columns)} columns"
            yield line, row


def table_open(
    path: str | Path, *, required: set[str] | frozenset[str], what: str, encoding: str | None = None
) -> Table:
    """Open a CSV file and check that its header has the ``required`` columns.

    Raises :class:`FileRefused` with a message saying what was expected when the file is
    missing, empty, binary, or lacks required columns.
    """
    path = Path(path)
    if not path.is_file():
        raise FileRefused(f"{path}: no such file.")
    raw = path.read_bytes()
    if not raw.strip():
        raise FileRefused(f"{path}: the file is empty; expected {what} with a header row.")
    if b"\x00" in raw[:4096]:
        raise FileRefused(f"{path}: this is a binary file, not a CSV file; expected {what}.")
    enc = detect_encoding(raw, encoding)
    try:
        text = raw.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        raise FileRefused(f"{path}: cannot decode the file as {enc} ({exc}).") from exc
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))
    # Column names compared in lower case: older ACLED files write EVENT_ID_CNTY, EVENT_DATE...
    columns = [c.strip().lower() for c in header]
    missing = sorted(required - set(columns))
    if missing:
        shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
        raise FileRefused(
            f"{path.name} does not look like {what}: missing required column(s) {', '.join(missing)}. "
            f"Expected a header with at least: {', '.join(sorted(required))}. Found: {shown}."
        )
    return Table(path=path, encoding=enc, delimiter=delimiter, columns=columns, text=text)


# --- Cells ---


def blank(value) -> bool:
    """True for an empty, NaN or None-like cell."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return str(value).strip().lower() in _BLANKS


def clean(value) -> str:
    """The cell as text with surrounding and repeated inner whitespace removed ("" when blank)."""
    if blank(value):
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def parse_count(value, *, name: str) -> int | None:
    """A whole number ≥ 0 from a cell such as "93", "93.0" or "1,234"; None when blank."""
    if blank(value):
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise RowError(f"{name} {value!r} is not a number") from None
    if math.isnan(number):
        return None
    if math.isinf(number) or number < 0 or number != int(number):
        raise RowError(f"{name} {value!r} is not a whole number ≥ 0")
    return int(number)


def parse_float(value, *, name: str) -> float | None:
    """A decimal number (a dot or a decimal comma); None when blank."""
    if blank(value):
        return None
    text = str(value).strip()
    if re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise RowError(f"{name} {value!r} is not a number") from None
    if math.isnan(number) or math.isinf(number):
        return None
    return number


def parse_literal(value, *, name: str = "cell"):
    """Parse a Python-literal cell (``{'south': 30, 'north': NaN}``, ``['Kyiv oblast']``).

    The text is parsed into a syntax tree and only dicts, lists, tuples, strings, numbers,
    booleans and the names NaN/None/inf are accepted; nothing is ever evaluated. NaN and
    None become None, whole floats become ints, tuples become lists. Blank gives None.
    """
    if blank(value):
        return None
    text = str(value).strip()
    if len(text) > LITERAL_MAX_CHARS:
        raise RowError(f"{name} is {len(text)} characters long; refusing to parse more than {LITERAL_MAX_CHARS}")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise RowError(f"{name} {_short(text)} is not a dict or list literal") from None
    return _literal(tree.body, name, text, 0)


def _literal(node, name: str, text: str, depth: int):
    if depth > _LITERAL_MAX_DEPTH:
        raise RowError(f"{name} {_short(text)} is nested too deeply")
    if isinstance(node, ast.Constant):
        v = node.value
        if v is None or isinstance(v, bool | str):
            return v
        if isinstance(v, int):
            return v
        if isinstance(v, float):
            if math.isnan(v) or math.isinf(v):
                return None
            return int(v) if v == int(v) else v
        raise RowError(f"{name} {_short(text)} holds an unsupported value")
    if isinstance(node, ast.Name) and node.id.lower() in _LITERAL_NULL_NAMES:
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _literal(node.operand, name, text, depth + 1)
        if inner is None:
            return None
        if isinstance(inner, int | float) and not isinstance(inner, bool):
            return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Dict):
        out = {}
        for key, val in zip(node.keys, node.values, strict=True):
            if key is None:  # {**other}
                raise RowError(f"{name} {_short(text)} is not a plain dict")
            k = _literal(key, name, text, depth + 1)
            if not isinstance(k, str | int) or isinstance(k, bool):
                raise RowError(f"{name} {_short(text)} has a key that is not text or a number")
            out[str(k)] = _literal(val, name, text, depth + 1)
        return out
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [_literal(e, name, text, depth + 1) for e in node.elts]
    raise RowError(f"{name} {_short(text)} is not a plain literal (found {type(node).__name__})")


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


# --- Dates ---

_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _mk(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> dt.datetime:
    try:
        return dt.datetime(year, month, day, hour, minute, second, micro)
    except ValueError as exc:
        raise RowError(f"{exc}") from None


def parse_iso(value, *, name: str) -> tuple[dt.datetime, bool] | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM[:SS]`` (with an optional offset) → (aware datetime, has time).

    Naive values are Kyiv local time. None when blank.
    """
    text = clean(value)
    if not text:
        return None
    m = _ISO_DATE.match(text)
    if not m:
        raise RowError(f"{name} {value!r} is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)")
    y, mo, d, h, mi, s, fraction, tz = m.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        naive = _mk(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
    except RowError as exc:
        raise RowError(f"{name} {value!r}: {exc}") from None
    if tz:
        offset = dt.UTC if tz == "Z" else dt.datetime.strptime(tz.replace(":", ""), "%z").tzinfo
        return naive.replace(tzinfo=offset), h is not None
    return local(naive), h is not None


def local(naive: dt.datetime) -> dt.datetime:
    """Kyiv local wall time → aware datetime. In the repeated hour after the autumn clock
    change the first (summer-time) reading is taken; a time in the skipped spring hour is
    read as if the clocks had not changed yet."""
    return naive.replace(tzinfo=KYIV, fold=0)


def day_anchor(day: dt.date) -> dt.datetime:
    """The instant stored for an event known only to the day: local noon."""
    return local(dt.datetime.combine(day, DAY_ANCHOR))


_US_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$",
)


def parse_us_date(value, *, name: str) -> dt.date:
    """A month-first US-style date as Excel writes it (``9/16/2022 12:00:00 AM``,
    ``09/03/2022 00:00``), or an ISO date. The time part is checked but dropped: the
    datasets that use it (UCDP) only ever give midnight, i.e. no time."""
    text = clean(value)
    if not text:
        raise RowError(f"{name} is empty")
    m = _US_DATE.match(text)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if month > 12:
            raise RowError(f"{name} {value!r} is not month/day/year (month {month})")
        hour = int(m.group(4) or 0)
        if hour > 23 or (m.group(7) and not 1 <= hour <= 12):
            raise RowError(f"{name} {value!r} has an impossible hour")
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise RowError(f"{name} {value!r}: {exc}") from None
    parsed = parse_iso(text, name=name)
    return parsed[0].astimezone(KYIV).date()


_MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for m in names
}
# ACLED's export tool writes a time after the date ("11/01/2024 00:00:00"); the time is always
# midnight there (ACLED dates events to the day), so it is checked and dropped.
_TIME_AFTER = r"(?:[\sT]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp][Mm])?)?"
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{4})" + _TIME_AFTER + "$")
_DAY_FIRST_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})" + _TIME_AFTER + "$")


def parse_day_first_date(value, *, name: str) -> dt.date:
    """An ACLED-style date: ``24 April 2025``, ``24-April-2025``, ``24 Apr 2025``,
    ``24/04/2025``, ``24.04.2025`` (day first), or ISO ``2025-04-24``, each with an optional
    time (``11/01/2024 00:00:00`` as ACLED's export tool writes it) that is checked and dropped."""
    text = clean(value)
    if not text:
        raise RowError(f"{name} is empty")
    m = _DAY_MONTH_NAME.match(text) or _DAY_FIRST_NUMERIC.match(text)
    if m:
        _check_time(m, name, value)
    m = _DAY_MONTH_NAME.match(text)
    if m:
        month = _MONTHS.get(m.group(2).lower())
        if month is None:
            raise RowError(f"{name} {value!r}: unknown month {m.group(2)!r}")
        return _date(int(m.group(3)), month, int(m.group(1)), name, value)
    m = _DAY_FIRST_NUMERIC.match(text)
    if m:
        return _date(int(m.group(3)), int(m.group(2)), int(m.group(1)), name, value)
    try:
        parsed = parse_iso(text, name=name)
    except RowError:
        raise RowError(
            f"{name} {value!r} is not a date (expected day first, e.g. 24 April 2025 or 24/04/2025, or 2025-04-24)"
        ) from None
    return parsed[0].astimezone(KYIV).date()


def _check_time(m: re.Match, name: str, value) -> None:
    if m.group("hour") is None:
        return
    hour, minute, second = int(m.group("hour")), int(m.group("minute")), int(m.group("second") or 0)
    hours_ok = 1 <= hour <= 12 if m.group("ampm") else hour <= 23
    if not hours_ok or minute > 59 or second > 59:
        raise RowError(f"{name} {value!r} has an impossible time")


def _date(year: int, month: int, day: int, name: str, value) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise RowError(f"{name} {value!r}: {exc}") from None


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def progress_bar(*, total: int, desc: str, enabled: bool):
    """A tqdm progress bar on stderr (a context manager with ``update(n)``), or a silent stand-in."""
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="row", leave=False)


def batched(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
