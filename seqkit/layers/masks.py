"""Boolean attention masks: causal, padding, and how to combine them.

Every mask here is boolean with `True` where attention is *allowed* (Keras'
convention, as in `keras.ops.dot_product_attention` and
`keras.layers.MultiHeadAttention`). An attention mask has shape
`(batch, query_length, key_length)` or anything that broadcasts to it.

>>> import numpy as np
>>> from seqkit.layers import masks
>>> np.asarray(masks.causal_mask(3)).astype(int)
array([[1, 0, 0],
       [1, 1, 0],
       [1, 1, 1]])
>>> np.asarray(masks.padding_mask([2, 3], 4)).astype(int)
array([[1, 1, 0, 0],
       [1, 1, 1, 0]])
"""

from keras import ops

from seqkit.layers._attention_utils import merge_masks as _merge

__all__ = ["causal_mask", "local_mask", "padding_mask", "attention_mask_from_padding", "merge_masks"]


def causal_mask(query_length, key_length=None, offset=0):
    """Lower-triangular mask: query `i` may attend key `j` iff `j <= i + offset`.

    Args:
        query_length: int or scalar tensor. Number of query positions `T`.
        key_length: int, scalar tensor or None. Number of key positions `S`.
            Defaults to `query_length`.
        offset: int or scalar tensor. Position of the first query in the key
            sequence; during cached decoding this is the cache index, so the
            query at row `i` stands at position `offset + i`. Defaults to `0`
            (aligned at the start, like `keras.layers.MultiHeadAttention`).

    Returns:
        A boolean tensor of shape `(query_length, key_length)`.
    """
    return ops.less_equal(_key_minus_query(query_length, key_length), ops.cast(offset, "int32"))


def local_mask(query_length, key_length=None, window=1):
    """Band mask: query `i` may attend key `j` iff `|i - j| <= window`.

    Sliding-window (local) attention, as in Longformer's windowed heads: each
    position sees `window` neighbours on either side and itself.

    Args:
        query_length: int or scalar tensor `T`.
        key_length: int, scalar tensor or None. Defaults to `query_length`.
        window: int >= 0. Defaults to `1`.

    Returns:
        A boolean tensor of shape `(query_length, key_length)`.

    >>> import numpy as np
    >>> np.asarray(local_mask(4, window=1)).astype(int)
    array([[1, 1, 0, 0],
           [1, 1, 1, 0],
           [0, 1, 1, 1],
           [0, 0, 1, 1]])

    References:
        Beltagy et al., 2020, "Longformer: The Long-Document Transformer",
        https://arxiv.org/abs/2004.05150
    """
    if isinstance(window, int) and window < 0:
        raise ValueError(f"`window` must be >= 0. Received: window={window}")
    return ops.less_equal(ops.abs(_key_minus_query(query_length, key_length)), window)


def _key_minus_query(query_length, key_length=None):
    """`(T, S)` int32 of `j - i`: key position minus query position."""
    key_length = query_length if key_length is None else key_length
    rows = ops.expand_dims(ops.arange(query_length, dtype="int32"), 1)
    cols = ops.expand_dims(ops.arange(key_length, dtype="int32"), 0)
    return cols - rows


def padding_mask(lengths, max_length):
    """Mask of the real (non-padded) positions from sequence lengths.

    Args:
        lengths: int tensor of shape `(batch,)`. Length of each sequence.
        max_length: int. The padded length.

    Returns:
        A boolean tensor of shape `(batch, max_length)`, `True` at positions
        `< lengths[b]`.
    """
    if isinstance(max_length, int) and max_length < 0:
        raise ValueError(f"`max_length` must be >= 0. Received: max_length={max_length}")
    lengths = ops.cast(ops.convert_to_tensor(lengths), "int32")
    positions = ops.arange(max_length, dtype="int32")
    return ops.less(ops.expand_dims(positions, 0), ops.expand_dims(lengths, 1))


def attention_mask_from_padding(query_mask=None, key_mask=None):
    """Turns `(batch, T)` / `(batch, S)` padding masks into an attention mask.

    Args:
        query_mask: boolean tensor `(batch, T)` or None. Rows of padded queries
            become fully masked (as in `keras.layers.MultiHeadAttention`).
        key_mask: boolean tensor `(batch, S)` or None. Padded keys are never
            attended.

    Returns:
        A boolean tensor broadcastable to `(batch, T, S)`: `(batch, T, 1)`,
        `(batch, 1, S)` or `(batch, T, S)`; None when both inputs are None.
    """
    q = None if query_mask is None else ops.expand_dims(ops.cast(query_mask, "bool"), -1)
    k = None if key_mask is None else ops.expand_dims(ops.cast(key_mask, "bool"), -2)
    return _merge(q, k)


def merge_masks(*masks):
    """Logical AND of the given boolean masks (broadcasting); None entries are skipped.

    Returns:
        The combined boolean mask, or None when every argument is None.
    """
    return _merge(*masks)
