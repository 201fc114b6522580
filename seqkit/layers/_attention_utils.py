"""Private helpers shared by seqkit's attention and Transformer layers."""

import keras
from keras import ops

try:  # Keras keeps the mask of a tensor in a side table on JAX; use its reader.
    from keras.src.backend import get_keras_mask as _get_keras_mask
except ImportError:  # pragma: no cover - older or newer Keras layouts

    def _get_keras_mask(x):
        return getattr(x, "_keras_mask", None)


def keras_mask_of(x):
    """The Keras mask attached to `x` (e.g. by `Embedding(mask_zero=True)`), or None."""
    if x is None:
        return None
    return _get_keras_mask(x)


def large_negative(dtype):
    """A logit that vanishes under softmax without overflowing `dtype`."""
    if keras.backend.standardize_dtype(dtype) == "float16":
        return -3e4
    return -1e9


def masked_softmax(scores, mask=None):
    """Softmax over the last axis that gives exactly zero weight where `mask` is False.

    Masked logits are pushed to `large_negative` before the softmax, and the
    weights there are zeroed after it, so a row with no allowed key gets all
    zeros rather than a uniform average.
    """
    if mask is None:
        return ops.softmax(scores, axis=-1)
    scores = ops.where(mask, scores, large_negative(scores.dtype))
    weights = ops.softmax(scores, axis=-1)
    return ops.where(mask, weights, ops.zeros_like(weights))


def check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(
            f"`{name}` must be one of {sorted(choices)}. Received: {name}={value!r}"
        )


def merge_masks(*masks):
    """Logical AND of the boolean masks that are not None; None when all are None."""
    result = None
    for mask in masks:
        if mask is None:
            continue
        mask = ops.cast(mask, "bool")
        result = mask if result is None else ops.logical_and(result, mask)
    return result


def key_padding_mask(value_mask, key_mask=None):
    """(B, S) padding masks of value/key -> a (B, 1, S) attention mask, or None."""
    mask = merge_masks(value_mask, key_mask)
    return None if mask is None else ops.expand_dims(mask, 1)
