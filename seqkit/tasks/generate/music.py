"""ABC tunes through music21: validity of generated tunes, MIDI files.

music21 is an optional dependency (`pip install -e .[music]`); it is imported
inside the functions, and `require_music21` turns its absence into a one-line
`ConfigError`.
"""

import dataclasses
import re
import warnings

from seqkit.errors import ConfigError

REQUIRED_HEADERS = ("X", "T", "M", "L", "K")
MIN_BARS = 4
_HEADER = re.compile(r"^([A-Za-z]):")


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
        full_bars: every bar lasts what the meter (the M: header) says,
            except the first and last bars and short bars at a section
            boundary (a repeat or double bar line on either side: the two
            halves of a bar split around a repeat, as ABC writes pickups).
            On the MIT lab's own irish.abc, 95% of the first 200 tunes pass
            every check (95.5% have full bars): the ceiling to compare
            generated tunes with.
    """

    parses: bool
    headers: bool
    bars: int
    full_bars: bool

    @property
    def valid(self):
        return self.parses and self.headers and self.bars >= MIN_BARS and self.full_bars


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


def check_tune(text):
    """Checks one ABC tune with music21 (see `TuneCheck`).

    Args:
        text: str, one tune (header lines, then the music).

    Returns:
        A `TuneCheck`.
    """
    music21 = require_music21("Checking tunes")
    headers = set(REQUIRED_HEADERS) <= tune_headers(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            score = music21.converter.parse(text, format="abc")
    except Exception:  # music21 raises many kinds on bad ABC; any of them means "does not parse"
        return TuneCheck(False, headers, 0, False)
    if isinstance(score, music21.stream.Opus) or not score.parts:
        return TuneCheck(False, headers, 0, False)
    measures = list(score.parts[0].getElementsByClass("Measure"))
    full_bars = True
    # The meter is the tune's first time signature (its M: header). music21
    # cuts an overfull bar in two and gives the overflow a time signature of
    # its own, so later signatures are not trusted; a tune that really
    # changes meter mid-way (rare in folk tunes) counts as not valid.
    signature = next(iter(score.parts[0].recurse().getElementsByClass("TimeSignature")), None)
    meter = None if signature is None else signature.barDuration.quarterLength
    for i, measure in enumerate(measures):
        length = measure.duration.quarterLength
        if meter is None:
            full_bars = False
            break
        if length == meter or (length < meter and i in (0, len(measures) - 1)):
            continue
        if length < meter and (
            _section_edge(measure.leftBarline)
            or _section_edge(measure.rightBarline)
            or (i > 0 and _section_edge(measures[i - 1].rightBarline))
        ):
            continue
        full_bars = False
        break
    return TuneCheck(True, headers, len(measures), full_bars)


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
