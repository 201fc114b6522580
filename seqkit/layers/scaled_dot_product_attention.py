"""The scaled dot-product attention function of "Attention Is All You Need"."""

import math

import keras
from keras import ops

from seqkit.layers._attention_utils import check_choice, masked_softmax, merge_masks
from seqkit.layers.masks import causal_mask

__all__ = ["scaled_dot_product_attention"]

_IMPLEMENTATIONS = ("auto", "fused", "explicit")


def scaled_dot_product_attention(
    query,
    key,
    value,
    mask=None,
    is_causal=False,
    scale=None,
    dropout_rate=0.0,
    training=False,
    seed=None,
    return_weights=False,
    implementation="auto",
):
    """softmax(Q·Kᵀ·scale + masking)·V, for one head or many.

    Two layouts are accepted:

    - rank 3, one head: `query (B, T, H)`, `key (B, S, H)`, `value (B, S, Hv)`;
      `mask` broadcastable to `(B, T, S)`; weights `(B, T, S)`.
    - rank 4, many heads (the layout of `keras.ops.dot_product_attention`):
      `query (B, T, N, H)`, `key (B, S, N, H)`, `value (B, S, N, Hv)`; `mask`
      broadcastable to `(B, N, T, S)`, or of rank <= 3 meaning `(B, T, S)` for
      every head; weights `(B, N, T, S)`.

    Fast path: with `implementation="auto"`, the call goes to
    `keras.ops.dot_product_attention` (the backend's fused kernel) whenever it
    can compute the same thing: no weights requested, no active dropout, and
    `value` as deep as `key`. Otherwise it quietly computes the weights
    explicitly. `"fused"` insists on the fast path and raises a `ValueError`
    naming the reason when it cannot run; `"explicit"` never uses it.

    Masking: `True` in `mask` marks a (query, key) pair that may attend. A query
    row with no allowed key at all (e.g. a padded query) gets all-zero weights
    and a zero output on the explicit path; the fused kernel returns the
    uniform average of the values there instead. Such rows carry no
    information either way: mask them downstream.

    Args:
        query: float tensor, see the layouts above.
        key: float tensor.
        value: float tensor.
        mask: boolean tensor or None. Defaults to `None`.
        is_causal: bool. Also apply the causal mask (`key j <= query i`, aligned
            at the start). Defaults to `False`.
        scale: float or None. Multiplier of the logits. Defaults to
            `1 / sqrt(H)`.
        dropout_rate: float in [0, 1). Dropout on the attention weights, active
            only when `training` is true. Defaults to `0.0`.
        training: bool. Defaults to `False`.
        seed: int, `keras.random.SeedGenerator` or None. Seed of the dropout.
            Defaults to `None`.
        return_weights: bool. Also return the attention weights (before
            dropout). Defaults to `False`.
        implementation: `"auto"`, `"fused"` or `"explicit"`. Defaults to
            `"auto"`.

    Returns:
        The attention output `(B, T, Hv)` or `(B, T, N, Hv)`; with
        `return_weights=True`, the tuple `(output, weights)`.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import scaled_dot_product_attention
    >>> q = np.ones((2, 3, 4), "float32")
    >>> k = v = np.arange(2 * 5 * 4, dtype="float32").reshape(2, 5, 4) / 40
    >>> out, w = scaled_dot_product_attention(q, k, v, return_weights=True)
    >>> tuple(out.shape), tuple(w.shape)
    ((2, 3, 4), (2, 3, 5))

    References:
        Vaswani et al., 2017, "Attention Is All You Need",
        https://arxiv.org/abs/1706.03762
    """
    check_choice("implementation", implementation, _IMPLEMENTATIONS)
    if not 0.0 <= dropout_rate < 1.0:
        raise ValueError(
            f"`dropout_rate` must be in [0, 1). Received: dropout_rate={dropout_rate}"
        )
    query = ops.convert_to_tensor(query)
    key = ops.convert_to_tensor(key)
    value = ops.convert_to_tensor(value)
    rank = len(query.shape)
    if rank not in (3, 4) or len(key.shape) != rank or len(value.shape) != rank:
        raise ValueError(
            "query, key and value must all be rank 3 (B, T, H) or all rank 4 "
            f"(B, T, N, H). Received: query.shape={query.shape}, "
            f"key.shape={key.shape}, value.shape={value.shape}"
        )
    if rank == 3:
        query = ops.expand_dims(query, 2)
        key = ops.expand_dims(key, 2)
        value = ops.expand_dims(value, 2)
    if mask is not None:
        mask = ops.cast(ops.convert_to_tensor(mask), "bool")
        while len(mask.shape) < 3:
            mask = ops.expand_dims(mask, 0)
        if len(mask.shape) == 3:
            mask = ops.expand_dims(mask, 1)  # the same for every head
    if scale is None:
        depth = query.shape[-1]
        scale = 1.0 / math.sqrt(depth) if depth is not None else None
        if scale is None:
            scale = ops.rsqrt(ops.cast(ops.shape(query)[-1], query.dtype))

    dropout_active = bool(training) and dropout_rate > 0.0
    reasons = []
    if return_weights:
        reasons.append("the attention weights were requested (return_weights=True)")
    if dropout_active:
        reasons.append("dropout on the attention weights is active")
    if value.shape[-1] is not None and key.shape[-1] is not None and (
        value.shape[-1] != key.shape[-1]
    ):
        reasons.append(
            f"value depth {value.shape[-1]} differs from key depth {key.shape[-1]}"
        )
    if implementation == "fused" and reasons:
        raise ValueError(
            "implementation='fused' cannot run here because "
            + " and ".join(reasons)
            + ". Use implementation='auto' to fall back to the explicit computation."
        )

    if implementation != "explicit" and not reasons:
        output = ops.dot_product_attention(
            query, key, value, mask=mask, scale=scale, is_causal=is_causal
        )
        return ops.squeeze(output, 2) if rank == 3 else output

    if is_causal:
        mask = merge_masks(
            mask, causal_mask(ops.shape(query)[1], ops.shape(key)[1])[None, None]
        )
    logits = ops.einsum("btnh,bsnh->bnts", query, key)
    logits = ops.multiply(logits, ops.cast(scale, logits.dtype))
    weights = masked_softmax(logits, mask)
    attended = weights
    if dropout_active:
        attended = keras.random.dropout(weights, dropout_rate, seed=seed)
    output = ops.einsum("bnts,bsnh->btnh", attended, value)
    if rank == 3:
        output = ops.squeeze(output, 2)
        weights = ops.squeeze(weights, 1)
    if return_weights:
        return output, weights
    return output
