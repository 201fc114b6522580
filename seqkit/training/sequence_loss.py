"""Token-level loss and accuracy of a teacher-forced decoder, padding excluded."""

import keras
from keras import ops

PAD_ID = 0


@keras.saving.register_keras_serializable(package="seqkit")
class MaskedSequenceLoss(keras.losses.Loss):
    """Cross-entropy of next-token logits, averaged over the real (non-`[PAD]`) targets.

    With `label_smoothing` ε the target distribution is
    `(1 - ε)·one_hot + ε / V` (Szegedy et al. 2016; used by Vaswani et al.
    2017). Padding positions carry no loss and do not count in the mean, so a
    batch of short targets weighs the same per token as one of long ones.

    Args:
        label_smoothing: float in [0, 1). Defaults to `0.0`.
        name: str.

    Call arguments:
        y_true: int `(B, T)` target ids, `0` at padding.
        y_pred: float `(B, T, V)` logits.
    """

    def __init__(self, label_smoothing=0.0, name="masked_sequence_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(
                f"`label_smoothing` must be in [0, 1). Received: label_smoothing={label_smoothing}"
            )
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, "int32")
        one_hot = ops.one_hot(y_true, ops.shape(y_pred)[-1], dtype=y_pred.dtype)
        losses = keras.losses.categorical_crossentropy(
            one_hot, y_pred, from_logits=True, label_smoothing=self.label_smoothing
        )
        mask = ops.cast(ops.not_equal(y_true, PAD_ID), losses.dtype)
        # One value per batch: the mean over the real tokens.
        return ops.sum(losses * mask) / ops.maximum(ops.sum(mask), 1.0)

    def get_config(self):
        config = super().get_config()
        config.update({"label_smoothing": self.label_smoothing})
        return config


@keras.saving.register_keras_serializable(package="seqkit")
class MaskedTokenAccuracy(keras.metrics.Metric):
    """Fraction of real (non-`[PAD]`) target tokens whose logit argmax is the target."""

    def __init__(self, name="token_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.correct = self.add_variable(shape=(), initializer="zeros", name="correct")
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, "int32")
        mask = ops.not_equal(y_true, PAD_ID)
        hits = ops.logical_and(ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), y_true), mask)
        self.correct.assign_add(ops.sum(ops.cast(hits, "float32")))
        self.total.assign_add(ops.sum(ops.cast(mask, "float32")))

    def result(self):
        return self.correct / ops.maximum(self.total, 1.0)

    def reset_state(self):
        self.correct.assign(0.0)
        self.total.assign(0.0)
