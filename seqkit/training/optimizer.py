"""The optimizer and learning-rate schedule a `TrainConfig` describes."""

import keras

from seqkit.errors import ConfigError
from seqkit.training.schedules import WarmupDecay


def is_constant(train):
    """Whether `train` trains at one fixed rate (no schedule, no warmup)."""
    return train.lr_schedule == "constant" and not train.warmup_steps


def learning_rate(train, steps_per_epoch):
    """`train.learning_rate` as a float, or a `WarmupDecay` schedule when one is configured."""
    if is_constant(train):
        return train.learning_rate
    return WarmupDecay(
        train.learning_rate,
        total_steps=max(1, train.epochs * steps_per_epoch),
        warmup_steps=train.warmup_steps,
        decay=train.lr_schedule,
    )


def make_optimizer(train, steps_per_epoch=1):
    """A Keras optimizer for `train` (adam, adamw or sgd with momentum 0.9)."""
    options = {"learning_rate": learning_rate(train, steps_per_epoch)}
    if train.ema_momentum is not None:
        options["use_ema"] = True
        options["ema_momentum"] = train.ema_momentum
    if train.clipnorm is not None:
        options["clipnorm"] = train.clipnorm
    if train.weight_decay:
        options["weight_decay"] = train.weight_decay
    if train.optimizer == "adam":
        return keras.optimizers.Adam(**options)
    if train.optimizer == "adamw":
        options.setdefault("weight_decay", 0.0)
        return keras.optimizers.AdamW(**options)
    if train.optimizer == "sgd":
        return keras.optimizers.SGD(momentum=0.9, **options)
    raise ConfigError(f"unknown train.optimizer {train.optimizer!r}. Valid choices: adam, adamw, sgd")
