"""Writes seqkit's default captioning data: rendered scenes of shapes and their captions.

Each scene holds one to three shapes (circle, square, triangle, diamond) in one of
five colours and two sizes. Two shapes stand in one row ("left of" / "right of") or
one column ("above" / "below"); three stand in one row or one column and are named in
order ("from left to right", "from top to bottom"). Every scene gets three captions
from a small grammar, for example

    a small red circle left of a large blue square
    a large blue square right of a small red circle
    there is a small red circle left of a large blue square

The split is compositional. Scenes with a held-out colour-shape pair (a red triangle,
a blue circle, a yellow square, a green diamond) or a held-out ordered relation (a
circle above a triangle, a square left of a diamond) go to `heldout.csv` only; the
training, validation and in-distribution test scenes contain none of them, so
`heldout.csv` asks for new combinations of known words rather than recall. A second,
disjoint set of compositions (a blue triangle, a yellow circle, a green square, a
purple diamond; a triangle left of a square, a diamond above a circle) is held out
for `heldout_validation.csv`, the split to choose a recipe on: its scenes contain
none of the test's held-out compositions, and neither set appears in training.

Output beside this file (or under --out), deterministic for a seed:

    images/<split>_<n>.png    64x64 RGB PNGs (written with zlib, no imaging library)
    train.csv validation.csv test.csv heldout.csv heldout_validation.csv
                              columns image,caption; one row per caption, the image
                              path relative to the CSV; the same image on 3 rows

Usage:
    python3 data/captions/generate.py [--train 3000] [--validation 200] [--test 300]
                                      [--heldout 300] [--heldout-validation 300]
                                      [--seed 7] [--out DIR]
"""

import argparse
import csv
import io
import os
import pathlib
import random
import shutil
import struct
import tempfile
import zlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent

SHAPES = ("circle", "square", "triangle", "diamond")
COLOURS = {
    "red": (220, 40, 40),
    "green": (40, 170, 60),
    "blue": (40, 70, 225),
    "yellow": (235, 200, 30),
    "purple": (150, 50, 180),
}
SIZES = {"small": 5.5, "large": 9.0}  # radius in pixels at 64x64
IMAGE_SIZE = 64
# Cell centres of a 3x3 layout; each shape is jittered by up to JITTER pixels.
CENTRES = (11, 32, 53)
JITTER = 1.5
SUPERSAMPLE = 4

HELDOUT_PAIRS = frozenset(
    {("red", "triangle"), ("blue", "circle"), ("yellow", "square"), ("green", "diamond")}
)
# (first, axis, second): `first` is above (axis "vertical") or left of ("horizontal") `second`.
HELDOUT_RELATIONS = frozenset({("circle", "vertical", "triangle"), ("square", "horizontal", "diamond")})
# Held out for model selection, disjoint from the test's: every shape keeps three
# colours in training and every colour at least two shapes.
VALIDATION_PAIRS = frozenset(
    {("blue", "triangle"), ("yellow", "circle"), ("green", "square"), ("purple", "diamond")}
)
VALIDATION_RELATIONS = frozenset({("triangle", "horizontal", "square"), ("diamond", "vertical", "circle")})
SPLITS = ("train", "validation", "test", "heldout", "heldout_validation")


def sample_scene(rng):
    """A scene: a dict with `axis` and `objects` (in order along the axis)."""
    count = rng.choice((1, 2, 2, 3, 3))
    axis = rng.choice(("horizontal", "vertical"))
    line = rng.randrange(3)  # the shared row (horizontal) or column (vertical)
    slots = sorted(rng.sample(range(3), count))
    objects = []
    for slot in slots:
        row, col = (line, slot) if axis == "horizontal" else (slot, line)
        objects.append(
            {
                "shape": rng.choice(SHAPES),
                "colour": rng.choice(sorted(COLOURS)),
                "size": rng.choice(sorted(SIZES)),
                "x": CENTRES[col] + rng.uniform(-JITTER, JITTER),
                "y": CENTRES[row] + rng.uniform(-JITTER, JITTER),
            }
        )
    return {"axis": axis, "objects": objects}


def colour_shape_pairs(scene):
    return {(o["colour"], o["shape"]) for o in scene["objects"]}


def ordered_relations(scene):
    """Every (first, axis, second) shape triple: `first` stands above or left of `second`."""
    objects = scene["objects"]
    return {
        (a["shape"], scene["axis"], b["shape"])
        for i, a in enumerate(objects)
        for b in objects[i + 1:]
    }


def is_heldout(scene, pairs=HELDOUT_PAIRS, relations=HELDOUT_RELATIONS):
    """Whether the scene has one of `pairs` or `relations` (by default the test's)."""
    return bool(colour_shape_pairs(scene) & pairs) or bool(ordered_relations(scene) & relations)


def is_validation_heldout(scene):
    return is_heldout(scene, VALIDATION_PAIRS, VALIDATION_RELATIONS)


def _phrase(o):
    return f"a {o['size']} {o['colour']} {o['shape']}"


def captions(scene):
    """The three reference captions of a scene."""
    objects = [_phrase(o) for o in scene["objects"]]
    horizontal = scene["axis"] == "horizontal"
    if len(objects) == 1:
        (a,) = objects
        return [a, f"there is {a}", f"{a} on its own"]
    if len(objects) == 2:
        a, b = objects
        forward, backward = ("left of", "right of") if horizontal else ("above", "below")
        return [f"{a} {forward} {b}", f"{b} {backward} {a}", f"there is {a} {forward} {b}"]
    a, b, c = objects
    forward, backward = (
        ("from left to right", "from right to left")
        if horizontal
        else ("from top to bottom", "from bottom to top")
    )
    return [f"{a} , {b} and {c} {forward}", f"{forward} {a} , {b} and {c}", f"{c} , {b} and {a} {backward}"]


def render(scene, size=IMAGE_SIZE):
    """The scene as a `(size, size, 3)` uint8 array on a white ground (anti-aliased)."""
    scale = size / IMAGE_SIZE
    fine = size * SUPERSAMPLE
    coords = (np.arange(fine, dtype=np.float64) + 0.5) / SUPERSAMPLE
    y, x = np.meshgrid(coords, coords, indexing="ij")
    canvas = np.full((fine, fine, 3), 255.0)
    for o in scene["objects"]:
        cx, cy, r = o["x"] * scale, o["y"] * scale, SIZES[o["size"]] * scale
        dx, dy = x - cx, y - cy
        if o["shape"] == "circle":
            inside = dx * dx + dy * dy <= r * r
        elif o["shape"] == "square":
            inside = (np.abs(dx) <= 0.85 * r) & (np.abs(dy) <= 0.85 * r)
        elif o["shape"] == "triangle":  # pointing up, apex at cy - r
            depth = (dy + r) / (2 * r)
            inside = (depth >= 0) & (depth <= 1) & (np.abs(dx) <= depth * r)
        else:  # diamond
            inside = np.abs(dx) + np.abs(dy) <= 1.15 * r
        canvas[inside] = COLOURS[o["colour"]]
    pooled = canvas.reshape(size, SUPERSAMPLE, size, SUPERSAMPLE, 3).mean(axis=(1, 3))
    return np.round(pooled).astype(np.uint8)


def encode_png(pixels):
    """PNG bytes of an `(H, W, 3)` uint8 array (8-bit RGB, no filtering)."""
    height, width, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", header))
    out.write(chunk(b"IDAT", zlib.compress(raw, 9)))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()


def make_scenes(counts, seed):
    """{split: [scene, ...]} with `counts[split]` scenes each; deterministic for `seed`."""
    rng = random.Random(seed)
    scenes = {split: [] for split in SPLITS}
    while any(len(scenes[s]) < counts.get(s, 0) for s in SPLITS):
        scene = sample_scene(rng)
        if is_heldout(scene):
            split = "heldout"
        elif is_validation_heldout(scene):
            split = "heldout_validation"
        else:
            open_splits = [s for s in ("train", "validation", "test") if len(scenes[s]) < counts.get(s, 0)]
            if not open_splits:
                continue
            # Fill the in-distribution splits in proportion to what each still needs.
            weights = [counts[s] - len(scenes[s]) for s in open_splits]
            split = rng.choices(open_splits, weights=weights)[0]
        if len(scenes[split]) < counts.get(split, 0):
            scenes[split].append(scene)
    return scenes


def write_dataset(out_dir, counts, seed, image_size=IMAGE_SIZE):
    """Writes the images and one CSV per split under `out_dir`; returns the scenes.

    The CSVs are written last, each atomically, so an interrupted run never leaves a
    CSV that names images that do not exist.
    """
    out_dir = pathlib.Path(out_dir)
    scenes = make_scenes(counts, seed)
    images = out_dir / "images"
    staging = pathlib.Path(tempfile.mkdtemp(dir=out_dir, prefix=".images."))
    try:
        rows = {}
        for split, items in scenes.items():
            rows[split] = []
            for n, scene in enumerate(items):
                name = f"{split}_{n:05d}.png"
                (staging / name).write_bytes(encode_png(render(scene, image_size)))
                rows[split] += [(f"images/{name}", text) for text in captions(scene)]
        if images.exists():
            shutil.rmtree(images)
        os.replace(staging, images)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    for split in SPLITS:
        if counts.get(split, 0):
            _write_csv(out_dir / f"{split}.csv", rows[split])
    return scenes


def _write_csv(path, rows):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["image", "caption"])
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=int, default=3000)
    parser.add_argument("--validation", type=int, default=200)
    parser.add_argument("--test", type=int, default=300)
    parser.add_argument("--heldout", type=int, default=300)
    parser.add_argument("--heldout-validation", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args()
    counts = {s: getattr(args, s) for s in SPLITS}
    os.makedirs(args.out, exist_ok=True)
    scenes = write_dataset(args.out, counts, args.seed)
    print(", ".join(f"{s}: {len(scenes[s])} images" for s in SPLITS), f"-> {args.out}")


if __name__ == "__main__":
    main()
