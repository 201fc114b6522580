"""`plot_attention`: one panel per generated word, the decoder's attention over the image."""

import numpy as np

from seqkit.plots import _pyplot
from seqkit.run_dir import atomic_path


def plot_attention(image, words, weights, grid, path, title=None):
    """Writes a PNG: the image, then one panel per word with its attention overlaid.

    Args:
        image: float array `(H, W, 3)` in [0, 1], the model's input.
        words: list of str, the generated words (and `[END]`).
        weights: array `(len(words), regions)`, each row sums to 1.
        grid: (rows, columns) of the region grid (`regions = rows * columns`).
        path: the PNG to write (atomically).
        title: str or None, above the figure.
    """
    plt = _pyplot()
    panels = len(words) + 1
    columns = min(panels, 6)
    rows = -(-panels // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.2 * columns, 2.4 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    height, width = image.shape[:2]
    axes.flat[0].imshow(image)
    axes.flat[0].set_title("image", fontsize=9)
    for ax, word, row in zip(axes.flat[1:], words, weights):
        ax.imshow(image)
        heat = np.asarray(row, dtype=np.float32).reshape(grid)
        ax.imshow(heat / max(heat.max(), 1e-9), cmap="inferno", alpha=0.6, extent=(0, width, height, 0),
                  interpolation="bilinear")
        ax.set_title(word, fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100)
    plt.close(fig)
    return path
