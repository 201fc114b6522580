"""`write_tiny_scenes`: a few 16x16 images and captions, the caption task's contract recipe data."""

import numpy as np
import tensorflow as tf

_COLOURS = {"red": (220, 40, 40), "green": (40, 170, 60), "blue": (40, 70, 225)}


def write_tiny_scenes(directory):
    """Writes `images/<colour>_<side>.png` and `train.csv` (two captions each) under `directory`.

    Returns the image paths relative to `directory`.
    """
    (directory / "images").mkdir(parents=True, exist_ok=True)
    rows, names = [], []
    for colour, rgb in _COLOURS.items():
        for side in ("left", "right"):
            pixels = np.full((16, 16, 3), 255, np.uint8)
            columns = slice(1, 7) if side == "left" else slice(9, 15)
            pixels[5:11, columns] = rgb
            name = f"images/{colour}_{side}.png"
            (directory / name).write_bytes(tf.io.encode_png(pixels).numpy())
            names.append(name)
            rows += [f"{name},a {colour} square on the {side}", f"{name},there is a {colour} square"]
    (directory / "train.csv").write_text("image,caption\n" + "\n".join(rows * 2) + "\n")
    return names
