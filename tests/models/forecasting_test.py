import inspect

import keras
import numpy as np
import pytest

from seqkit.metrics import forecasting as fm
from seqkit.models import ForecastLoss
from seqkit.models import Forecaster
from seqkit.models.forecasting import KINDS

RNG = np.random.default_rng(0)
WINDOW = RNG.normal(50.0, 10.0, (8, 12, 3)).astype("float32")
FUTURE = RNG.normal(0.0, 1.0, (8, 4, 1)).astype("float32")
STATS = dict(mean=[50.0, 50.0, 0.0], std=[10.0, 10.0, 1.0])


def make(kind, quantiles=None, **options):
    return Forecaster(kind, 12, 4, target_index=[0, 1], known_index=[2], quantiles=quantiles,
                      units=8, intermediate_dim=16, kernel_size=5, **STATS, **options)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_forecasts_ordered_quantiles_and_round_trips(kind, tmp_path):
    model = make(kind, quantiles=[0.1, 0.5, 0.9], subtract_last=True)
    inputs = {"window": WINDOW, "future": FUTURE}
    # Large weights stress the ordering: it must hold whatever the weights.
    model(inputs)
    model.set_weights([w * 20 for w in model.get_weights()])
    out = np.asarray(model(inputs))
    assert out.shape == (8, 4, 2, 3)
    assert np.all(np.diff(out, axis=-1) >= 0)
    path = tmp_path / "m.keras"
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_allclose(np.asarray(again(inputs)), out, rtol=1e-5, atol=1e-4)


def test_zero_weights_forecast_the_training_mean_or_the_last_value():
    inputs = {"window": WINDOW, "future": FUTURE}
    for subtract_last, expected in ((False, np.full((8, 4, 2), 50.0)),
                                    (True, np.repeat(WINDOW[:, -1:, :2], 4, axis=1))):
        model = make("dlinear", subtract_last=subtract_last)
        model(inputs)
        model.set_weights([np.zeros_like(w) for w in model.get_weights()])
        np.testing.assert_allclose(np.asarray(model(inputs)), expected, rtol=1e-5)


def test_normalisation_runs_inside_the_model():
    # The same raw window in other units with matching statistics gives the
    # same forecast in those units.
    model = make("lstm")
    model({"window": WINDOW, "future": FUTURE})
    config = model.get_config()
    config.update(mean=[v * 3 + 1 for v in STATS["mean"][:2]] + [0.0],
                  std=[v * 3 for v in STATS["std"][:2]] + [1.0])
    scaled = Forecaster.from_config(config)
    scaled({"window": WINDOW, "future": FUTURE})
    scaled.set_weights(model.get_weights())
    raw = WINDOW.copy()
    raw[..., :2] = raw[..., :2] * 3 + 1
    np.testing.assert_allclose(np.asarray(scaled({"window": raw, "future": FUTURE})),
                               np.asarray(model({"window": WINDOW, "future": FUTURE})) * 3 + 1,
                               rtol=1e-4)


def test_config_names_every_argument():
    config = make("transformer").get_config()
    for name in inspect.signature(Forecaster.__init__).parameters:
        if name not in ("self", "kwargs"):
            assert name in config


def test_known_covariates_are_required():
    with pytest.raises(ValueError, match="future"):
        make("dlinear")(WINDOW)


def test_pinball_loss_matches_the_metric_in_standard_units():
    y = RNG.normal(size=(5, 4, 2)).astype("float32")
    q = np.sort(RNG.normal(size=(5, 4, 2, 3)), axis=-1).astype("float32")
    std = [2.0, 4.0]
    loss = float(ForecastLoss("pinball", std, [0.1, 0.5, 0.9])(y, q))
    scale = np.array(std)[None, None, :]
    expected = fm.pinball(y / scale, q / scale[..., None], [0.1, 0.5, 0.9])
    assert loss == pytest.approx(expected, rel=1e-5)
    mse = float(ForecastLoss("mse", std)(y, q[..., 1]))
    assert mse == pytest.approx(np.mean(((y - q[..., 1]) / scale) ** 2), rel=1e-5)


@pytest.mark.parametrize("kind", ["lstm", "dlinear"])
def test_log1p_transform_is_the_same_model_in_log_space(kind):
    # f_log1p(window) == expm1(f(window with log1p targets)) for the same weights and
    # statistics: the covariate channel keeps its units, the quantiles their order.
    log_stats = dict(mean=[3.9, 3.9, 0.0], std=[0.2, 0.2, 1.0])
    options = dict(units=8, intermediate_dim=16, kernel_size=5, quantiles=[0.1, 0.5, 0.9])
    plain = Forecaster(kind, 12, 4, target_index=[0, 1], known_index=[2], **log_stats,
                       **options)
    logged = Forecaster(kind, 12, 4, target_index=[0, 1], known_index=[2], **log_stats,
                        target_transform="log1p", **options)
    window = np.abs(WINDOW)
    inputs = {"window": window, "future": FUTURE}
    keras.utils.set_random_seed(7)
    logged(inputs)
    plain(inputs)
    logged.set_weights(plain.get_weights())
    in_log = window.copy()
    in_log[..., :2] = np.log1p(in_log[..., :2])
    expected = np.expm1(np.asarray(plain({"window": in_log, "future": FUTURE}), np.float64))
    got = np.asarray(logged(inputs))
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    assert np.all(np.isfinite(got)) and np.all(got > -1)
    assert np.all(np.diff(got, axis=-1) >= 0) and got.std() > 1.0  # not all at the mean


def test_log1p_loss_measures_the_error_in_log_space():
    y = RNG.uniform(0, 200, size=(5, 4, 2)).astype("float32")
    q = np.sort(RNG.uniform(0, 200, size=(5, 4, 2, 3)), axis=-1).astype("float32")
    std = [0.8, 1.2]
    for kind, quantiles, pred in (("pinball", [0.1, 0.5, 0.9], q), ("mae", None, q[..., 1])):
        logged = float(ForecastLoss(kind, std, quantiles, transform="log1p")(y, pred))
        plain = float(ForecastLoss(kind, std, quantiles)(np.log1p(y), np.log1p(pred)))
        assert logged == pytest.approx(plain, rel=1e-5)
    with pytest.raises(ValueError, match="transform"):
        ForecastLoss("mse", std, transform="log")
