"""bench/caption_quality.py's choice of the attention-figure scenes, by hand."""

import pathlib
import runpy
import types

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[1] / "bench" / "caption_quality.py"


@pytest.fixture(scope="module")
def bench():
    return types.SimpleNamespace(**runpy.run_path(str(BENCH)))  # not as __main__: no run


def test_figure_scene_is_the_first_exact_long_caption_with_a_relation(bench):
    long_exact = "there is a small red circle left of a large blue square"
    captions = {
        "paths": ["a.png", "b.png", "c.png", "d.png", "e.png"],
        "hypotheses": [
            "a red circle left of a square",                        # exact, a relation, 7 words
            "there is a small red circle and a large blue square",  # 10 words, no relation
            "a small red circle left of a large blue circle",       # a relation, not exact
            long_exact,
            "a small green square above a large red square",        # also fits, comes later
        ],
        "references": [
            ["a red circle left of a square"],
            ["there is a small red circle and a large blue square"],
            ["a small red circle left of a large blue square"],
            ["a large blue square right of a small red circle", long_exact],
            ["a small green square above a large red square"],
        ],
    }
    assert bench.figure_scene(captions) == ("d.png", long_exact)
    captions["hypotheses"][3] = "there is nothing"
    assert bench.figure_scene(captions)[0] == "e.png"
    assert bench.figure_scene({"paths": [], "hypotheses": [], "references": []}) is None
