"""SequencePooling against NumPy reference math, with masks."""

import numpy as np
from keras.ops import convert_to_numpy as to_numpy
import pytest

from seqkit.layers import SequencePooling


def reference(x, mask, mode):
    out = np.zeros((x.shape[0], x.shape[2]), dtype=np.float32)
    for b in range(x.shape[0]):
        real = x[b][mask[b]]
        if len(real) == 0:
            continue
        out[b] = {"mean": real.mean(axis=0), "max": real.max(axis=0), "last": real[-1]}[mode]
    return out


@pytest.mark.parametrize("mode", ["mean", "max", "last"])
def test_matches_numpy_with_mask(mode):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    mask = np.array(
        [[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], dtype=bool
    )
    got = to_numpy(SequencePooling(mode)(x, mask=mask))
    np.testing.assert_allclose(got, reference(x, mask, mode), atol=1e-6)


@pytest.mark.parametrize("mode", ["mean", "max", "last"])
def test_without_mask_uses_every_step(mode):
    x = np.arange(12, dtype="float32").reshape(2, 3, 2)
    got = to_numpy(SequencePooling(mode)(x))
    np.testing.assert_allclose(got, reference(x, np.ones((2, 3), bool), mode))


def test_config_round_trip_and_bad_mode():
    layer = SequencePooling("max", name="p")
    assert SequencePooling.from_config(layer.get_config()).mode == "max"
    with pytest.raises(ValueError, match="mode=.sum"):
        SequencePooling("sum")
