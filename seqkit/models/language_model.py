"""`LanguageModel`: what seqkit's language models share -- the incremental step and generation.

A language model maps token ids `[B, T]` to next-token logits `[B, T, V]`
(the full-sequence call used in training) and also runs incrementally:
`step(tokens [B, n], cache, index)` reads the tokens at positions
`index .. index + n - 1` given a cache that summarises the positions before
`index`, and returns their logits, hidden states and the updated cache. A
recurrent model's cache is its layers' states; a Transformer's is its
blocks' key/value caches. So each generated token costs one step, not a pass
over the whole prefix.

`next(prompt, cache, index)` is that step in the samplers' contract
(`seqkit.samplers`): it reads the token at `index - 1` and returns the logits
of position `index`. `generate` puts prompts into a buffer and runs a
sampler over `next`; it is plain `keras.ops`, so it traces inside a
`tf.function` and runs inside a SavedModel.
"""

import keras
from keras import ops

from seqkit.samplers import prompt_buffer


def check_positive_ints(**values):
    """Raises ValueError naming the first value that is not an int >= 1."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")


class LanguageModel(keras.Model):
    """Base class: subclasses implement `call`, `step` and `get_initial_cache`."""

    def build(self, input_shape=None):
        # Builds every sublayer with a one-token pass (subclasses create them
        # in __init__), so a model loaded from its config gets its weights.
        self.call(ops.zeros((1, 1), "int32"))
        self.built = True

    def step(self, tokens, cache, index):
        """Reads `tokens [B, n]` at positions `index..`: `(logits [B, n, V], hidden [B, n, d], cache)`."""
        raise NotImplementedError

    def get_initial_cache(self, batch_size, max_length):
        """The cache before any token has been read."""
        raise NotImplementedError

    def next(self, prompt, cache, index):
        """The samplers' `next_fn`: logits `[B, V]` of position `index`, from the token at `index - 1`."""
        start = ops.cast(index, "int32") - 1
        tokens = ops.slice(prompt, [0, start], [ops.shape(prompt)[0], 1])
        logits, hidden, cache = self.step(tokens, cache, start)
        return logits[:, 0], hidden[:, 0], cache

    def recompute_next(self, prompt, cache, index):
        """`next` without a cache: runs the whole prefix `prompt[:, :index]` again (the slow peer)."""
        logits = self(prompt[:, : ops.cast(index, "int32")], training=False)
        return logits[:, -1], None, cache

    def generate(self, prompt, lengths, sampler, max_length, end_token_id=None, use_cache=True):
        """Continues each prompt up to `max_length` tokens (prompt included).

        Args:
            prompt: int `[B, P]`, prompts padded with 0; each starts with the
                start token, so "from the start" is a prompt of length 1.
            lengths: int `[B]`, each prompt's length (>= 1).
            sampler: a `seqkit.samplers` sampler.
            max_length: int >= 1, the buffer length.
            end_token_id: int or None. Rows stop (and are padded) after it.
            use_cache: bool. False recomputes the whole prefix at every step
                (`recompute_next`; for tests and benchmarks). Defaults to
                `True`.

        Returns:
            The sampler's result: int `[B, max_length]` (beam search with
            `return_all_beams`: `(best, beams, scores)`).
        """
        buffer, mask, _ = prompt_buffer(prompt, lengths, max_length)
        # Prompt tokens are read one step each, forced by the mask (a
        # recurrent model could not read them any faster).
        if not use_cache:
            return sampler(self.recompute_next, buffer, index=1, mask=mask, end_token_id=end_token_id)
        cache = self.get_initial_cache(ops.shape(buffer)[0], max_length)
        return sampler(self.next, buffer, cache=cache, index=1, mask=mask, end_token_id=end_token_id)
