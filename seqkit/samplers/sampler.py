"""What every seqkit sampler shares: option checks, the end-token tail, the call contract.

A sampler fills a prompt buffer one position at a time. It is called as

    sampler(next_fn, prompt, cache=None, index=0, mask=None, end_token_id=None)

- `next_fn(prompt, cache, index) -> (logits [B, V], hidden_states or None, cache)`
  gives the distribution of the token at position `index` (keras_hub's
  contract). `cache` is any nest of tensors whose first axis is the batch:
  the states of a recurrent model or a Transformer's key/value cache.
- `prompt` int `[B, T]` is the buffer: positions where `mask` is True hold
  given tokens and are kept; the others are written, from `index` on, up to
  `T` (the maximum length).
- Generation stops once every row has written `end_token_id`. Positions after
  a row's end token are set to `PAD_ID` (0, the `[PAD]` id of every seqkit
  vocabulary), so a row reads "tokens, end, padding".

Loops are `keras.ops.while_loop`s, so a sampler traces inside a
`tf.function` and runs inside an exported SavedModel.

Which loop is whose. keras_hub's `GreedySampler`, `RandomSampler`,
`TopKSampler` and `TopPSampler` already run the right loop: a compiled
while loop over `next(prompt, cache, index)` that carries any nest of tensors
as the cache (a recurrent model's states work as well as a key/value cache),
keeps masked prompt positions, stops when every row holds a stop token, and
draws from a `keras.random.SeedGenerator` seeded once, so a fixed seed
repeats. seqkit's greedy / random / top-k / top-p samplers are those classes
with `SeqkitCall` in front, adding only what they lack:

- option checks that name the bad value (keras_hub takes a temperature of 0
  or a `p` of 1.5 and fails later with a NaN, or not at all);
- the seqkit call signature (`end_token_id=` instead of `stop_token_ids=`);
- padding after a row's end token: keras_hub keeps writing tokens into rows
  that ended while others still run (its `CausalLM.generate` cuts them
  afterwards); seqkit's samplers return rows that read "tokens, end, padding".

Beam search is seqkit's own (`beam_sampler.py`): keras_hub's `BeamSampler`
has no length penalty, lets a beam that has emitted the end token keep
growing (and keep paying log-probabilities for tokens after its end), and
replaces a forced prompt token after choosing beams by a token it did not
write, so ragged prompts score the wrong tokens.
"""

from keras import ops

PAD_ID = 0


def check_temperature(temperature):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not temperature > 0:
        raise ValueError(f"`temperature` must be a number > 0. Received: temperature={temperature!r}")
    return float(temperature)


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be an int >= 1. Received: {name}={value!r}")
    return value


def check_seed(seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
    return seed


def input_mask(prompt, mask):
    """The boolean mask of given prompt positions (all False when `mask` is None)."""
    if mask is None:
        return ops.zeros_like(prompt, dtype="bool")
    return ops.cast(mask, "bool")


def pad_after_end(tokens, mask, end_token_id):
    """Sets every generated position after a row's first end token to `PAD_ID`.

    Args:
        tokens: int tensor `[..., T]`, a filled prompt buffer.
        mask: bool tensor like `tokens` (True: a given prompt token), or None.
        end_token_id: int or None. With None, `tokens` come back unchanged.

    Returns:
        `tokens` with the tail after each row's first generated end token
        replaced by `PAD_ID`.
    """
    if end_token_id is None:
        return tokens
    mask = input_mask(tokens, mask)
    is_end = ops.logical_and(ops.equal(tokens, end_token_id), ops.logical_not(mask))
    is_end = ops.cast(is_end, "int32")
    seen_before = (ops.cumsum(is_end, axis=-1) - is_end) > 0
    return ops.where(seen_before, ops.zeros_like(tokens), tokens)


class SeqkitCall:
    """Mixin: the seqkit call contract on top of a keras_hub sampler's loop.

    Translates `end_token_id=` into keras_hub's `stop_token_ids=` and pads
    after the end token (see the module docstring).
    """

    def __call__(self, next_fn, prompt, cache=None, index=0, mask=None, end_token_id=None):
        stop = None if end_token_id is None else (end_token_id,)
        tokens = super().__call__(
            next_fn, prompt, cache=cache, index=index, mask=mask, stop_token_ids=stop
        )
        return pad_after_end(tokens, mask, end_token_id)