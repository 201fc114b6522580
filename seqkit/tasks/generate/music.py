"""ABC tunes through music21: validity of generated tunes, MIDI files.

music21 is an optional dependency (`pip install -e .[music]`); it is imported
inside the functions, and `require_music21` turns its absence into a one-line
`ConfigError`.
"""

import dataclasses
import re
import threading
import warnings

from seqkit.errors import ConfigError

REQUIRED_HEADERS = ("X", "T", "M", "L", "K")
MIN_BARS = 4
_HEADER = re.compile(r"^([A-Za-z]):")
_BODY_METER = re.compile(r"^\s*M:|\[M:", re.MULTILINE)
_METER_FIELD = re.compile(r"\[M:[^\]]*\]|M:.*")
_INLINE_FIELD = re.compile(r"\[[A-Za-z]:[^\]]*\]")


def require_music21(why):
    """Imports music21, or raises ConfigError saying what needed it and how to install it."""
    try:
        import music21
    except ImportError as error:
        raise ConfigError(
            f"{why} needs music21, which is not installed: pip install 'seqkit[music]' ({error})"
        ) from None
    return music21


@dataclasses.dataclass(frozen=True)
class TuneCheck:
    """What `check_tune` found out about one ABC tune.

    Attributes:
        parses: music21 read it without an error, as one tune.
        headers: it carries every header in `REQUIRED_HEADERS`.
        bars: how many bars music21 found (0 when it does not parse).
        full_bars: every bar, as written, lasts what the meter in force
            says (the M: header, or a later M: field line), except short
            bars that are the first or last bar or stand at a section
            boundary (see `Bar`): pickups, and the two halves of a bar split
            around a repeat or an ending, as ABC writes them. A bar longer
            than its meter always fails. On the MIT lab's irish.abc, 98.6%
            of the 804 tunes pass every check; the 11 that fail have meter
            errors in their text (README, "Quality and speed of
            generation"): the ceiling to compare generated tunes with.
    """

    parses: bool
    headers: bool
    bars: int
    full_bars: bool

    @property
    def valid(self):
        return self.parses and self.headers and self.bars >= MIN_BARS and self.full_bars


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar of a tune as written.

    Attributes:
        length: its duration in quarter notes (music21's measure duration).
        meter: the duration the meter in force gives a bar, in quarter notes,
            or None when that meter is unreadable.
        boundary_before: a section boundary lies just before it: a repeat
            sign or a non-regular bar line (`||`, `|]`, `[|`) between it and
            the previous bar, or it opens an ending (`[1`, `[2`) and it and
            the previous bar add up to one full bar (a bar split around the
            start of the ending, as ABC writes the ending's pickup).
        boundary_after: the same between it and the next bar (False for
            the last bar).
    """

    length: object
    meter: object
    boundary_before: bool
    boundary_after: bool


def tune_headers(text):
    """The header field letters of an ABC tune, in its lines before the music starts."""
    found = set()
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match:
            found.add(match.group(1))
            if match.group(1) == "K":
                break
    return found


def _section_edge(barline):
    return barline is not None and (
        type(barline).__name__ == "Repeat" or getattr(barline, "type", "regular") != "regular"
    )


_PATCH_LOCK = threading.Lock()


def _keep_bars(part, *, inPlace=False):
    return None if inPlace else part


def parse_as_written(text):
    """music21's score of one ABC tune, every bar as the text writes it.

    music21's ABC reader ends by "re-barring" the part (`abcFormat.translate.reBar`):
    a bar longer than the meter is cut in two, and the overflow becomes a
    short bar with a time signature of its own. That hides a too-long bar
    (as a full bar and a short one, which passes as a last bar or a pickup
    at a repeat), so the reader runs here with re-barring off, by patching
    that module function for the call. A lock serialises seqkit's own calls;
    other code calling music21's ABC reader from another thread at the same
    time would see the patch too.

    Raises whatever music21 raises on text it cannot read.
    """
    from unittest import mock

    music21 = require_music21("Checking tunes")
    from music21.abcFormat import translate

    with _PATCH_LOCK, warnings.catch_warnings(), mock.patch.object(translate, "reBar", _keep_bars):
        warnings.simplefilter("ignore")
        return music21.converter.parse(text, format="abc", forceSource=True)


def _meter_length(music21, field):
    """The bar length in quarters of an M: field ("M:6/8"), or None when unreadable."""
    token = music21.abcFormat.ABCMetadata(field)
    try:
        token.preParse()
        return token.getTimeSignatureObject().barDuration.quarterLength
    except Exception:  # music21 raises several kinds on an unreadable meter; None above too
        return None


def _meters(music21, text, first_meter, count):
    """The meter (bar length in quarters) in force at each of the `count` bars.

    music21 reads only the M: header: it drops an M: field line of the body
    and reads an inline `[M:...]` field as an empty chord. Its own tokenizer
    finds both here; a change takes effect at the first bar whose first note
    comes after it.
    """
    meters = [first_meter] * count
    if not _BODY_METER.search(text.partition("\nK:")[2]):
        return meters
    abc = music21.abcFormat
    handler = abc.ABCHandler()
    handler.process(text)
    position = {id(token): i for i, token in enumerate(handler.tokens)}
    changes, in_body = [], False
    for i, token in enumerate(handler.tokens):
        source = token.src.strip()
        if in_body and _METER_FIELD.fullmatch(source):
            changes.append((i, _meter_length(music21, source.strip("[]"))))
        in_body = in_body or (isinstance(token, abc.ABCMetadata) and source.startswith("K:"))
    starts = [
        min((position[id(t)] for t in bar.tokens if _is_note(abc, t)), default=len(position))
        for bar in abc.mergeLeadingMetaData(handler.splitByMeasure())
        if bar.hasNotes()
    ]
    for i, length in changes:
        later = [b for b, first in enumerate(starts[:count]) if first > i]
        if later:
            meters[later[0]:] = [length] * (count - later[0])
    return meters


def _is_note(abc, token):
    return isinstance(token, abc.ABCNote) and not _INLINE_FIELD.fullmatch(token.src.strip())


def tune_bars(text):
    """The bars of one ABC tune as written (see `Bar`), through music21.

    Args:
        text: str, one tune (header lines, then the music).

    Returns:
        A list of `Bar`, or None when music21 cannot read the text as one
        tune with a meter.
    """
    music21 = require_music21("Checking tunes")
    try:
        score = parse_as_written(text)
    except Exception:  # music21 raises many kinds on bad ABC; any of them means "does not parse"
        return None
    if isinstance(score, music21.stream.Opus) or not score.parts:
        return None
    part = score.parts[0]
    measures = list(part.getElementsByClass("Measure"))
    signature = next(iter(part.recurse().getElementsByClass("TimeSignature")), None)
    first_meter = None if signature is None else signature.barDuration.quarterLength
    meters = _meters(music21, text, first_meter, len(measures))
    opens_ending = set()
    for bracket in score.recurse().getElementsByClass("RepeatBracket"):
        spanned = bracket.getSpannedElements()
        if spanned:
            opens_ending.add(id(spanned[0]))

    lengths = [m.duration.quarterLength for m in measures]

    def boundary(i):  # between bar i - 1 and bar i
        split_at_ending = id(measures[i]) in opens_ending and lengths[i - 1] + lengths[i] == meters[i]
        return (
            _section_edge(measures[i - 1].rightBarline)
            or _section_edge(measures[i].leftBarline)
            or split_at_ending
        )

    n = len(measures)
    return [
        Bar(lengths[i], meters[i], i > 0 and boundary(i), i + 1 < n and boundary(i + 1))
        for i in range(n)
    ]


def bars_are_full(bars):
    """True when every bar lasts its meter, short first, last and boundary bars aside (see `TuneCheck`)."""
    last = len(bars) - 1
    for i, bar in enumerate(bars):
        if bar.meter is None or bar.length > bar.meter:
            return False
        if bar.length < bar.meter and not (i in (0, last) or bar.boundary_before or bar.boundary_after):
            return False
    return True


def check_tune(text):
    """Checks one ABC tune with music21 (see `TuneCheck`).

    Args:
        text: str, one tune (header lines, then the music).

    Returns:
        A `TuneCheck`.
    """
    headers = set(REQUIRED_HEADERS) <= tune_headers(text)
    bars = tune_bars(text)
    if bars is None:
        return TuneCheck(False, headers, 0, False)
    return TuneCheck(True, headers, len(bars), bars_are_full(bars))


def validity_report(tunes):
    """Share of `tunes` that are valid, and of each criterion, as a JSON-able dict.

    Args:
        tunes: list of str.

    Returns:
        `{"tunes": n, "valid": share, "parses": share, "headers": share,
        "min_bars": share, "full_bars": share}` (shares in [0, 1]).
    """
    checks = [check_tune(t) for t in tunes]
    n = len(checks)

    def share(flags):
        return sum(flags) / n if n else 0.0

    return {
        "tunes": n,
        "valid": share(c.valid for c in checks),
        "parses": share(c.parses for c in checks),
        "headers": share(c.headers for c in checks),
        "min_bars": share(c.bars >= MIN_BARS for c in checks),
        "full_bars": share(c.parses and c.full_bars for c in checks),
    }


def write_midi_files(tunes, directory):
    """Writes `directory/tune_<i>.mid` for each tune music21 can read; returns how many.

    Each file is written under a temporary name and renamed, so a file that
    is there is complete.
    """
    import pathlib

    from seqkit.run_dir import atomic_path

    music21 = require_music21("--midi")
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    for i, text in enumerate(tunes, start=1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                score = music21.converter.parse(text, format="abc")
                with atomic_path(directory / f"tune_{i}.mid") as tmp:
                    score.write("midi", fp=str(tmp))
        except Exception:  # an unreadable tune gets no MIDI file
            continue
        written += 1
    return written
