"""bench/forecast_calibration.py's weighted conformal quantile, recency weights and block
bootstrap, by hand."""

import pathlib
import runpy
import types

import numpy as np
import pytest

from seqkit.tasks.forecast.calibration import conformal_quantile

BENCH = pathlib.Path(__file__).resolve().parents[1] / "bench" / "forecast_calibration.py"


@pytest.fixture(scope="module")
def bench():
    return types.SimpleNamespace(**runpy.run_path(str(BENCH)))  # not as __main__: no run


def test_recency_weights_halve_every_half_life(bench):
    # Five windows, half-life 0.2 x 5 = one window: the newest weighs 1.
    np.testing.assert_allclose(bench.recency_weights(5, 0.2), [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1])
    np.testing.assert_allclose(bench.recency_weights(4, 0.5), [0.5 ** 1.5, 0.5, 0.5 ** 0.5, 1])


def test_equal_weights_give_the_split_conformal_rank(bench):
    rng = np.random.default_rng(3)
    for count in range(1, 41):
        scores = rng.normal(size=(count, 3, 2))
        np.testing.assert_array_equal(
            bench.weighted_conformal_quantile(scores, np.ones(count), 0.8),
            conformal_quantile(scores, 0.8))


def test_weighted_quantile_by_hand(bench):
    # Scores oldest first 5 4 1 2 3, weights 1/16 1/8 1/4 1/2 1 (total 1.9375, plus 1
    # for the new window's +inf: 2.9375). Sorted 1 2 3 4 5 with weights 1/4 1/2 1 1/8
    # 1/16: shares 0.085 0.255 0.596 0.638 0.660. Level 0.3: 3 (unweighted: the 2nd, 2);
    # 0.6: 4; 0.7: never reached, the largest, 5. A second column, reversed in time.
    scores = np.array([5.0, 4.0, 1.0, 2.0, 3.0])
    weights = np.array([1 / 16, 1 / 8, 1 / 4, 1 / 2, 1])
    both = np.stack([scores, scores[::-1]], axis=1)
    for level, expected in ((0.3, [3.0, 4.0]), (0.6, [4.0, 5.0]), (0.7, [5.0, 5.0])):
        np.testing.assert_array_equal(
            bench.weighted_conformal_quantile(both, weights, level), expected)
    assert conformal_quantile(scores, 0.3) == 2.0


def test_block_bootstrap_keeps_runs_of_windows_together(bench):
    # A constant series has no spread.
    assert bench.block_bootstrap(np.ones(50))[0] == 0.0
    # Blocks of one window: the i.i.d. bootstrap, SE sqrt(p (1 - p) / n).
    values = np.tile(np.r_[np.ones(7), np.zeros(7)], 20)
    single, low, high = bench.block_bootstrap(values, block=1, resamples=4000)
    assert single == pytest.approx(np.sqrt(0.25 / len(values)), rel=0.1)
    assert low < values.mean() < high
    # Alternating runs of seven 1s and seven 0s: a block of 7 consecutive windows holds
    # 0 to 7 ones, so its SE is wider than the i.i.d. one.
    assert bench.block_bootstrap(values, block=7, resamples=4000)[0] > 1.3 * single
    # With block = n the only resample is the series itself, in order.
    error, low, high = bench.block_bootstrap(np.arange(10.0), block=10)
    assert error == pytest.approx(0.0, abs=1e-12) and low == high == pytest.approx(4.5)
