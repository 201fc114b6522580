"""Attention heat maps: which source tokens each output token attended to (PNG)."""

import numpy as np

from seqkit.run_dir import atomic_path


def plot_attention(weights, source_tokens, target_tokens, path, title=None):
    """Draws an attention matrix, one row per output token, one column per source token.

    Args:
        weights: array `(T, S)` (at least `len(target_tokens)` rows and
            `len(source_tokens)` columns; the rest is cut).
        source_tokens: list of str, the source as the model saw it.
        target_tokens: list of str, the output tokens (`[END]` included).
        path: the PNG to write (atomically).
        title: str or None.

    Returns:
        `path`.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    weights = np.asarray(weights)[: len(target_tokens), : len(source_tokens)]
    width = max(4.0, 0.45 * len(source_tokens) + 2.0)
    height = max(3.0, 0.4 * len(target_tokens) + 1.5)
    fig, ax = plt.subplots(figsize=(width, height))
    image = ax.imshow(weights, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    fig.colorbar(image, ax=ax, fraction=0.04)
    ax.set_xticks(range(len(source_tokens)), source_tokens, rotation=60, ha="right")
    ax.set_yticks(range(len(target_tokens)), target_tokens)
    ax.set_xlabel("source")
    ax.set_ylabel("output")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return path
