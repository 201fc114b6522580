"""`WarmupDecay`: the learning-rate schedule behind `train.lr_schedule` / `train.warmup_steps`."""

import math

import keras
from keras import ops

DECAYS = ("constant", "cosine")


@keras.saving.register_keras_serializable(package="seqkit")
class WarmupDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warmup to a peak learning rate, then constant or cosine decay to 0.

    For optimizer step `s` (0-based, `optimizer.iterations`):

    - `s < warmup_steps`: `peak * (s + 1) / warmup_steps` (the first step
      already moves; the peak is reached at step `warmup_steps - 1`);
    - afterwards, `"constant"`: `peak`; `"cosine"`:
      `peak * (1 + cos(pi * p)) / 2` with
      `p = min(1, (s - warmup_steps) / (total_steps - warmup_steps))`, so the
      rate reaches 0 at `total_steps` and stays there.

    Args:
        peak: float > 0, the learning rate after warmup.
        total_steps: int > 0, the steps of the whole run (epochs times steps
            per epoch); the end of the cosine. Unused by `"constant"`.
        warmup_steps: int >= 0, steps of linear warmup. Defaults to `0`.
        decay: `"constant"` or `"cosine"`. Defaults to `"cosine"`.

    Returns (when called with the step):
        float32 scalar, the learning rate of that step.

    >>> schedule = WarmupDecay(1.0, total_steps=10, warmup_steps=2)
    >>> [round(float(schedule(s)), 3) for s in (0, 1, 2, 6, 10, 12)]
    [0.5, 1.0, 1.0, 0.5, 0.0, 0.0]

    References:
        Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm
        Restarts", 2017 (cosine decay); Goyal et al., "Accurate, Large
        Minibatch SGD", 2017 (linear warmup).
    """

    def __init__(self, peak, total_steps, warmup_steps=0, decay="cosine"):
        super().__init__()
        if not peak > 0:
            raise ValueError(f"peak must be > 0. Received: peak={peak}")
        if not (isinstance(total_steps, int) and total_steps > 0):
            raise ValueError(f"total_steps must be an int > 0. Received: total_steps={total_steps}")
        if not (isinstance(warmup_steps, int) and warmup_steps >= 0):
            raise ValueError(f"warmup_steps must be an int >= 0. Received: warmup_steps={warmup_steps}")
        if decay not in DECAYS:
            raise ValueError(f"decay must be one of {DECAYS}. Received: decay={decay!r}")
        self.peak = float(peak)
        self.total_steps = total_steps
        self.warmup_steps = warmup_steps
        self.decay = decay

    def __call__(self, step):
        step = ops.cast(step, "float32")
        peak = ops.cast(self.peak, "float32")
        if self.decay == "constant":
            after = peak
        else:
            span = float(max(1, self.total_steps - self.warmup_steps))
            progress = ops.clip((step - self.warmup_steps) / span, 0.0, 1.0)
            after = peak * 0.5 * (1.0 + ops.cos(math.pi * progress))
        if not self.warmup_steps:
            return after
        warm = peak * (step + 1.0) / float(self.warmup_steps)
        return ops.where(step < self.warmup_steps, warm, after)

    def get_config(self):
        return {
            "peak": self.peak,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "decay": self.decay,
        }
