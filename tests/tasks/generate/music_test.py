"""Validity of ABC tunes, measured with music21, on hand-written tunes."""

import pytest

from seqkit.tasks.generate.music import check_tune
from seqkit.tasks.generate.music import validity_report

pytest.importorskip("music21")

VALID = """X:1
T:A Reel
M:4/4
L:1/8
K:D
ABcd efga|bagf edcB|ABcd efga|bagf e2d2|]"""

# A pickup bar and a section split around a repeat (3/4 + 1/4 of a bar), as ABC writes them.
VALID_WITH_PICKUP = """X:2
T:A Hornpipe
M:C|
L:1/8
K:G
GA|BGAG EGDE|G2GF GBAG|EGAB cBAG|G2GF G2:|
Bc|d2ed dBGA|Beed e3f|gfed BGBd|g2fa g2:|"""

MISSING_TITLE = VALID.replace("T:A Reel\n", "")
SHORT_BAR = VALID.replace("bagf edcB|", "bagf ed|")
LONG_BAR = VALID.replace("bagf edcB|", "bagf edcBA|")
THREE_BARS = """X:3
T:Too Short
M:4/4
L:1/8
K:D
ABcd efga|bagf edcB|ABcd efga|]"""
NOT_ABC = "X:4\nT:Noise\nM:4/4\nL:1/8\nK:D\n(((( ]]]] ||| 12345 zzz{{{"


def test_a_whole_tune_is_valid():
    check = check_tune(VALID)
    assert check.parses and check.headers and check.full_bars and check.bars == 4
    assert check.valid


def test_a_pickup_and_bars_split_around_a_repeat_are_allowed():
    assert check_tune(VALID_WITH_PICKUP).valid


@pytest.mark.parametrize(
    "tune,failed",
    [
        (MISSING_TITLE, "headers"),
        (SHORT_BAR, "full_bars"),
        (LONG_BAR, "full_bars"),
        (THREE_BARS, "bars"),
    ],
)
def test_each_rule_rejects_its_tune(tune, failed):
    check = check_tune(tune)
    assert not check.valid
    assert {"headers": not check.headers, "full_bars": not check.full_bars, "bars": check.bars < 4}[failed]


def test_unreadable_text_does_not_parse():
    check = check_tune(NOT_ABC)
    assert not check.valid


def test_the_report_gives_the_share_of_each_criterion():
    report = validity_report([VALID, VALID_WITH_PICKUP, MISSING_TITLE, SHORT_BAR])
    assert report["tunes"] == 4
    assert report["valid"] == 0.5
    assert report["headers"] == 0.75
    assert report["full_bars"] == 0.75
    assert report["parses"] == 1.0
