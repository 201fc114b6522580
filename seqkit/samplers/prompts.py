"""`prompt_buffer`: prompts padded into the fixed-length buffer a sampler fills."""

from keras import ops

from seqkit.samplers import sampler as _sampler


def prompt_buffer(prompt, lengths, max_length):
    """Places prompts at the start of a `[B, max_length]` buffer for a sampler.

    Args:
        prompt: int tensor `[B, P]`, each row's prompt tokens first, then
            padding.
        lengths: int tensor `[B]`, each row's prompt length (>= 1: a sampler
            predicts position `index` from the tokens before it, so a prompt
            "from the start" holds at least the start token).
        max_length: int >= 1, the buffer length (prompt + generated tokens).
            Prompts longer than this are cut.

    Returns:
        `(buffer int32 [B, max_length], mask bool [B, max_length], index)`:
        `mask` is True on prompt tokens and `index` the shortest prompt's
        length, where the sampler starts.

    Raises:
        ValueError: `max_length` is not an int >= 1, naming the value.

    >>> buffer, mask, index = prompt_buffer([[2, 7, 0], [2, 0, 0]], [2, 1], 4)
    >>> ops.convert_to_numpy(buffer).tolist(), int(index)
    ([[2, 7, 0, 0], [2, 0, 0, 0]], 1)
    """
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"`max_length` must be an int >= 1. Received: max_length={max_length!r}")
    prompt = ops.cast(ops.convert_to_tensor(prompt), "int32")
    lengths = ops.minimum(ops.cast(ops.convert_to_tensor(lengths), "int32"), max_length)
    prompt = prompt[:, :max_length]
    # Zeros after the prompt, as many as the buffer lacks.
    room = ops.zeros((ops.shape(prompt)[0], max_length), "int32")
    buffer = ops.concatenate([prompt, room[:, ops.shape(prompt)[1]:]], axis=1)
    mask = ops.arange(max_length)[None, :] < lengths[:, None]
    buffer = ops.where(mask, buffer, _sampler.PAD_ID)
    index = ops.maximum(ops.min(lengths), 1)
    return buffer, mask, index
