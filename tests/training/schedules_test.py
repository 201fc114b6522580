"""seqkit.training.schedules.WarmupDecay: exact values, validation, config round trip, use in an optimizer."""

import inspect
import math

import keras
import numpy as np
import pytest

from seqkit.training.schedules import WarmupDecay


def values(schedule, steps):
    return np.array([float(schedule(s)) for s in steps])


def test_cosine_with_warmup_exact_values():
    schedule = WarmupDecay(0.1, total_steps=12, warmup_steps=4, decay="cosine")
    steps = range(14)
    expected = [0.1 * (s + 1) / 4 for s in range(4)]
    expected += [0.1 * 0.5 * (1 + math.cos(math.pi * (s - 4) / 8)) for s in range(4, 12)]
    expected += [0.0, 0.0]  # past total_steps the rate stays at 0
    np.testing.assert_allclose(values(schedule, steps), expected, atol=1e-7)


def test_constant_with_warmup_holds_the_peak():
    schedule = WarmupDecay(0.5, total_steps=3, warmup_steps=2, decay="constant")
    np.testing.assert_allclose(values(schedule, range(6)), [0.25, 0.5, 0.5, 0.5, 0.5, 0.5])


def test_cosine_without_warmup_starts_at_the_peak_and_halves_midway():
    schedule = WarmupDecay(2.0, total_steps=100)
    np.testing.assert_allclose(values(schedule, [0, 50, 100]), [2.0, 1.0, 0.0], atol=1e-6)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"peak": 0.0, "total_steps": 5}, "peak must be > 0"),
        ({"peak": 0.1, "total_steps": 0}, "total_steps must be an int > 0"),
        ({"peak": 0.1, "total_steps": 5, "warmup_steps": -1}, "warmup_steps must be an int >= 0"),
        ({"peak": 0.1, "total_steps": 5, "decay": "linear"}, "decay must be one of"),
    ],
)
def test_bad_arguments_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WarmupDecay(**kwargs)


def test_get_config_holds_every_init_argument_and_round_trips():
    schedule = WarmupDecay(0.003, total_steps=40, warmup_steps=7, decay="constant")
    config = schedule.get_config()
    assert set(inspect.signature(WarmupDecay.__init__).parameters) - {"self"} == set(config)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert isinstance(restored, WarmupDecay)
    np.testing.assert_allclose(values(restored, range(10)), values(schedule, range(10)))


def test_optimizer_follows_the_schedule_step_by_step():
    variable = keras.Variable(np.zeros(2, "float32"))
    optimizer = keras.optimizers.SGD(WarmupDecay(1.0, total_steps=4, warmup_steps=2, decay="cosine"))
    seen = []
    for _ in range(5):
        seen.append(float(optimizer.learning_rate))
        optimizer.apply([keras.ops.ones(2)], [variable])
    np.testing.assert_allclose(seen, [0.5, 1.0, 1.0, 0.5, 0.0], atol=1e-6)
    # SGD: w -= lr * 1 per step.
    np.testing.assert_allclose(variable.numpy(), [-3.0, -3.0], atol=1e-6)
