"""PNG plots written into a run directory: training curves and the confusion matrix.

matplotlib runs on its non-interactive Agg backend; every file is written
atomically.
"""

import numpy as np

from seqkit.run_dir import atomic_path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def plot_history(history, path):
    """Plots each metric of `history` (dict name -> list per epoch) against epochs.

    Training and validation curves of the same metric (`loss`, `val_loss`)
    share a panel. Returns the path written.
    """
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    names = [k for k in history if not k.startswith("val_") and k not in ("epoch", "learning_rate")]
    if not names:
        names = [k for k in history if k != "epoch"]
    fig, axes = plt.subplots(1, max(1, len(names)), figsize=(5 * max(1, len(names)), 4), squeeze=False)
    for ax, name in zip(axes[0], names):
        values = history.get(name, [])
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, marker="o", label=f"train {name}")
        if f"val_{name}" in history:
            val = history[f"val_{name}"]
            ax.plot(np.arange(1, len(val) + 1), val, marker="o", label=f"validation {name}")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    return _save(fig, path)


def plot_confusion_matrix(matrix, labels, path, title="confusion matrix"):
    """Draws a confusion matrix (rows: true class, columns: predicted) with counts."""
    plt = _pyplot()
    matrix = np.asarray(matrix)
    size = max(4, 0.6 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(image, ax=ax)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > threshold else "black")
    return _save(fig, path)


def plot_forecasts(times, actual, forecasts, path, lower=None, upper=None, title="forecasts"):
    """Draws actual values and forecasts (with their interval) over one stretch of time.

    Args:
        times: [L] x positions of `actual` (steps).
        actual: [L] actual values.
        forecasts: list of (x positions [H], values [H]) -- one per forecast.
        lower, upper: lists like `forecasts` (the interval), or None.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot(times, actual, color="black", linewidth=1.2, label="actual")
    for i, (x, values) in enumerate(forecasts):
        if lower is not None and upper is not None:
            ax.fill_between(x, lower[i][1], upper[i][1], color="tab:blue", alpha=0.2,
                            label="interval" if i == 0 else None)
        ax.plot(x, values, color="tab:blue", linewidth=1.2, label="forecast" if i == 0 else None)
    ax.set_xlabel("step")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)


def plot_error_by_step(errors, path, metric="MAE", title="error by horizon step"):
    """One line per forecaster: `errors` is {name: [error at step 1, 2, ...]}."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, values in errors.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", label=name)
    ax.set_xlabel("horizon step")
    ax.set_ylabel(metric)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)


def _save(fig, path):
    """Lays out `fig`, writes it to `path` as PNG atomically and closes it; returns `path`."""
    plt = _pyplot()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return path
