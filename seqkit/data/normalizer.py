"""`Normalizer`: per-column standardization fitted on the training split only."""

import json
import math

import numpy as np
import tensorflow as tf


class Normalizer:
    """Standardizes numeric columns with statistics fitted on training data.

    Fit on the training split only, then apply the same statistics to the
    validation and test splits (and at serving time): fitting on all the data
    leaks the future of a time series into training.

    The statistics are the mean and the population standard deviation
    (`ddof=0`, as `np.std`) over the finite values; NaN (missing) values are
    skipped when fitting and stay NaN when transforming. A column with zero
    spread gets `std = 1`.

    Args:
        columns: list of str. The columns to standardize.

    >>> ds = tf.data.Dataset.from_tensor_slices({"x": [1.0, 2.0, 3.0]})
    >>> norm = Normalizer(["x"]).fit(ds)
    >>> round(norm.mean["x"], 6), round(norm.std["x"], 6)
    (2.0, 0.816497)
    """

    def __init__(self, columns):
        columns = list(columns)
        if not columns:
            raise ValueError("`columns` must not be empty.")
        self.columns = columns
        self.mean = None
        self.std = None

    def fit(self, dataset, chunk_size=4096):
        """Computes the statistics in one streamed pass. Returns `self`."""
        count = np.zeros(len(self.columns))
        mean = np.zeros(len(self.columns))
        m2 = np.zeros(len(self.columns))
        batches = dataset.map(lambda r: {c: r[c] for c in self.columns}).batch(chunk_size)
        for batch in batches.as_numpy_iterator():
            for i, column in enumerate(self.columns):
                values = np.asarray(batch[column], np.float64).reshape(-1)
                values = values[np.isfinite(values)]
                if values.size == 0:
                    continue
                # Chan et al.'s pairwise update of count, mean and M2.
                n_b, mean_b = values.size, values.mean()
                m2_b = ((values - mean_b) ** 2).sum()
                delta = mean_b - mean[i]
                total = count[i] + n_b
                mean[i] += delta * n_b / total
                m2[i] += m2_b + delta**2 * count[i] * n_b / total
                count[i] = total
        empty = [c for c, n in zip(self.columns, count) if n == 0]
        if empty:
            raise ValueError(f"No finite values to fit in columns {empty}")
        std = np.sqrt(m2 / count)
        self.mean = {c: float(m) for c, m in zip(self.columns, mean)}
        self.std = {c: float(s) if s > 0 else 1.0 for c, s in zip(self.columns, std)}
        return self

    def transform(self):
        """A `dataset -> dataset` function applying `(x - mean) / std` to the columns."""
        self._check_fitted()
        mean, std = dict(self.mean), dict(self.std)

        def normalize(record):
            record = dict(record)
            for column in self.columns:
                value = record[column]
                dtype = value.dtype if value.dtype.is_floating else tf.float32
                scaled = (tf.cast(value, tf.float64) - mean[column]) / std[column]
                record[column] = tf.cast(scaled, dtype)
            return record

        return lambda dataset: dataset.map(normalize)

    def inverse(self, values, column):
        """Maps standardized `values` of `column` back to the original scale."""
        self._check_fitted()
        return values * self.std[column] + self.mean[column]

    def to_json(self):
        self._check_fitted()
        return json.dumps({"columns": self.columns, "mean": self.mean, "std": self.std})

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        norm = cls(data["columns"])
        norm.mean = {c: float(data["mean"][c]) for c in norm.columns}
        norm.std = {c: float(data["std"][c]) for c in norm.columns}
        if not all(math.isfinite(v) for v in list(norm.mean.values()) + list(norm.std.values())):
            raise ValueError("Normalizer statistics must be finite.")
        return norm

    def _check_fitted(self):
        if self.mean is None:
            raise ValueError("Call `fit` on the training split before using the Normalizer.")
