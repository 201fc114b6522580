"""The default captioning data: data/captions/generate.py."""

import importlib.util
import pathlib
import re

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_generator():
    spec = importlib.util.spec_from_file_location("caption_scenes", ROOT / "data" / "captions" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = load_generator()
COUNTS = {"train": 300, "validation": 0, "test": 20, "heldout": 40, "heldout_validation": 30}


def test_deterministic_for_a_seed(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = gen.write_dataset(tmp_path / "a", COUNTS, seed=3)
    b = gen.write_dataset(tmp_path / "b", COUNTS, seed=3)
    assert a == b
    for name in ("train.csv", "test.csv", "heldout.csv", "heldout_validation.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    for name in ("train_00000.png", "heldout_00039.png"):
        assert (tmp_path / "a" / "images" / name).read_bytes() == (tmp_path / "b" / "images" / name).read_bytes()
    other = gen.make_scenes(COUNTS, seed=4)
    assert other["train"] != a["train"]
    assert [len(a[s]) for s in gen.SPLITS] == [300, 0, 20, 40, 30]


def _bigrams(text):
    words = text.split()
    return set(zip(words, words[1:]))


def test_heldout_compositions_never_in_training():
    scenes = gen.make_scenes(COUNTS, seed=5)
    seen = scenes["train"] + scenes["test"] + scenes["heldout_validation"]
    train_captions = [c for s in seen for c in gen.captions(s)]
    for colour, shape in gen.HELDOUT_PAIRS:
        assert not any((colour, shape) in _bigrams(c) for c in train_captions)
    # 'a circle above a ... triangle' and the same relation read backwards.
    relation = re.compile(
        r"circle above a \w+ \w+ triangle|triangle below a \w+ \w+ circle"
        r"|square left of a \w+ \w+ diamond|diamond right of a \w+ \w+ square"
    )
    assert not any(relation.search(c) for c in train_captions)
    heldout_captions = [c for s in scenes["heldout"] for c in gen.captions(s)]
    assert any(relation.search(c) for c in heldout_captions)
    for s in seen:
        assert not gen.colour_shape_pairs(s) & gen.HELDOUT_PAIRS
        assert not gen.ordered_relations(s) & gen.HELDOUT_RELATIONS
    # Every held-out scene has a held-out composition, and both kinds occur.
    held = scenes["heldout"]
    assert all(gen.is_heldout(s) for s in held)
    assert any(gen.colour_shape_pairs(s) & gen.HELDOUT_PAIRS for s in held)
    assert any(gen.ordered_relations(s) & gen.HELDOUT_RELATIONS for s in held)
    heldout_text = " ".join(c for s in held for c in gen.captions(s))
    assert "red triangle" in heldout_text or "blue circle" in heldout_text
    # ... while each held-out word is known from training.
    train_words = {w for c in train_captions for w in c.split()}
    assert set(heldout_text.split()) <= train_words


def test_validation_compositions_are_held_out_and_disjoint_from_the_tests():
    assert not gen.VALIDATION_PAIRS & gen.HELDOUT_PAIRS
    assert not gen.VALIDATION_RELATIONS & gen.HELDOUT_RELATIONS
    scenes = gen.make_scenes(COUNTS, seed=5)
    in_distribution = scenes["train"] + scenes["validation"] + scenes["test"]
    for s in in_distribution:
        assert not gen.colour_shape_pairs(s) & gen.VALIDATION_PAIRS
        assert not gen.ordered_relations(s) & gen.VALIDATION_RELATIONS
    held = scenes["heldout_validation"]
    assert held and all(gen.is_validation_heldout(s) and not gen.is_heldout(s) for s in held)
    assert any(gen.colour_shape_pairs(s) & gen.VALIDATION_PAIRS for s in held)
    assert any(gen.ordered_relations(s) & gen.VALIDATION_RELATIONS for s in held)
    text = " ".join(c for s in held for c in gen.captions(s))
    assert "blue triangle" in text or "yellow circle" in text
    assert not any(f"{colour} {shape}" in text for colour, shape in gen.HELDOUT_PAIRS)
    # Every shape keeps colours in training, and the words of both held-out splits are known.
    train_text = " ".join(c for s in scenes["train"] for c in gen.captions(s))
    train_words = set(train_text.split())
    assert set(text.split()) <= train_words
    for shape in gen.SHAPES:
        assert sum(f"{colour} {shape}" in train_text for colour in gen.COLOURS) >= 3


def test_captions_follow_the_scene():
    scene = {
        "axis": "horizontal",
        "objects": [
            {"shape": "circle", "colour": "red", "size": "small", "x": 11, "y": 32},
            {"shape": "square", "colour": "blue", "size": "large", "x": 53, "y": 32},
        ],
    }
    assert gen.captions(scene) == [
        "a small red circle left of a large blue square",
        "a large blue square right of a small red circle",
        "there is a small red circle left of a large blue square",
    ]
    pixels = gen.render(scene)
    assert pixels.shape == (64, 64, 3) and pixels.dtype == np.uint8
    np.testing.assert_array_equal(pixels[32, 11], gen.COLOURS["red"])
    np.testing.assert_array_equal(pixels[32, 53], gen.COLOURS["blue"])
    np.testing.assert_array_equal(pixels[5, 5], (255, 255, 255))
    # The PNG writer round-trips through a real decoder.
    tf = pytest.importorskip("tensorflow")
    decoded = tf.io.decode_png(gen.encode_png(pixels)).numpy()
    np.testing.assert_array_equal(decoded, pixels)
