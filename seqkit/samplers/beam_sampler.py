"""`BeamSampler`: beam search with a length penalty, finished beams and all beams' scores."""

from keras import ops
from keras import tree

from seqkit.samplers import sampler as _sampler

# A log-probability low enough to never win, finite so sums stay finite.
_NEG = -1e9


class BeamSampler:
    """Keeps the `beam_width` best partial sequences at every step.

    Each step extends every beam by every token, scores the candidates and
    keeps the best `beam_width` per batch row. A beam that writes the end
    token is finished: its score and length freeze and it is only extended by
    padding at no cost, so it competes unchanged with the beams still
    growing. Candidates are ranked by

        score = log P(generated tokens) / lp(length),
        lp(length) = ((5 + length) / 6) ** length_penalty

    (Wu et al., 2016), where `length` counts the generated tokens including
    the end token. `length_penalty=0` ranks by the plain log-probability;
    larger values favour longer sequences. Given prompt positions (`mask`
    True) are copied into every beam and cost nothing.

    The cache is any nest of tensors with the batch on axis 0 (a recurrent
    model's states, a key/value cache); it is repeated per beam and reordered
    with the beams.

    Args:
        beam_width: int >= 1. Defaults to `4`.
        length_penalty: float >= 0, the exponent alpha above. Defaults to
            `0.0`.
        return_all_beams: bool. Also return every beam, best first, and its
            score. Defaults to `False`.
        temperature: float > 0, divides the logits. Defaults to `1.0`.

    Call arguments: see `seqkit.samplers.sampler`.

    Returns:
        The best sequence per row, int `[B, T]`; with `return_all_beams`,
        `(best [B, T], beams [B, beam_width, T], scores float32
        [B, beam_width])`, beams sorted by score, best first.

    References:
        Wu et al., "Google's Neural Machine Translation System: Bridging the
        Gap between Human and Machine Translation", 2016 (length penalty).
    """

    def __init__(self, beam_width=4, length_penalty=0.0, return_all_beams=False, temperature=1.0):
        self.beam_width = _sampler.check_positive_int("beam_width", beam_width)
        if (
            isinstance(length_penalty, bool)
            or not isinstance(length_penalty, (int, float))
            or length_penalty < 0
        ):
            raise ValueError(
                f"`length_penalty` must be a number >= 0. Received: length_penalty={length_penalty!r}"
            )
        self.length_penalty = float(length_penalty)
        self.return_all_beams = bool(return_all_beams)
        self.temperature = _sampler.check_temperature(temperature)

    @property
    def variables(self):
        return []

    def _penalty(self, lengths):
        if self.length_penalty == 0:
            return ops.ones_like(lengths, dtype="float32")
        return ops.power((5.0 + ops.cast(lengths, "float32")) / 6.0, self.length_penalty)

    def __call__(self, next_fn, prompt, cache=None, index=0, mask=None, end_token_id=None):
        width = self.beam_width
        batch_size, max_length = ops.shape(prompt)[0], ops.shape(prompt)[1]
        mask = _sampler.input_mask(prompt, mask)
        index = ops.cast(index, "int32")

        def repeat(x):
            return ops.repeat(x, width, axis=0)

        def split_beams(x):
            return ops.reshape(x, (-1, width) + tuple(ops.shape(x)[1:]))

        def join_beams(x):
            return ops.reshape(x, (-1,) + tuple(ops.shape(x)[2:]))

        prompt, mask = repeat(prompt), repeat(mask)
        has_cache = cache is not None
        cache = tree.map_structure(repeat, cache) if has_cache else ()
        # Only the first beam of a row is alive at the start.
        first = ops.convert_to_tensor([0.0] + [_NEG] * (width - 1), "float32")
        log_probs = join_beams(ops.broadcast_to(first[None, :], (batch_size, width)))
        lengths = ops.zeros_like(log_probs, dtype="int32")
        finished = ops.zeros_like(log_probs, dtype="bool")

        def cond(prompt, cache, index, log_probs, lengths, finished):
            if end_token_id is None:
                return ops.convert_to_tensor(True)
            return ops.logical_not(ops.all(finished))

        def body(prompt, cache, index, log_probs, lengths, finished):
            logits, _, cache = next_fn(prompt, cache, index)
            logits = ops.cast(logits, "float32") / self.temperature
            step = ops.log_softmax(logits, axis=-1)
            vocab = ops.shape(step)[-1]
            forced = mask[:, index]
            given = ops.cast(prompt[:, index], "int32")
            # A given prompt token and the padding after a finished beam
            # are the only continuations, at no cost.
            only = ops.where(forced, given, ops.zeros_like(given) + _sampler.PAD_ID)
            only = ops.where(ops.equal(ops.arange(vocab)[None, :], only[:, None]), 0.0, _NEG)
            fixed = ops.logical_or(forced, finished)
            step = ops.where(fixed[:, None], only, step)
            totals = log_probs[:, None] + step
            grown = lengths + ops.cast(ops.logical_not(fixed), "int32")
            scores = totals / self._penalty(grown)[:, None]

            flat_scores = ops.reshape(scores, (-1, width * vocab))
            _, picked = ops.top_k(flat_scores, k=width, sorted=True)
            beam = picked // vocab
            token = join_beams(picked % vocab)

            def gather(x):
                x = split_beams(x)
                at = beam
                for _ in range(len(x.shape) - 2):
                    at = ops.expand_dims(at, -1)
                return join_beams(ops.take_along_axis(x, at, axis=1))

            log_probs = join_beams(
                ops.take_along_axis(ops.reshape(totals, (-1, width * vocab)), picked, axis=1)
            )
            lengths = gather(grown)
            was_finished = gather(finished)
            prompt = gather(prompt)
            if has_cache:
                cache = tree.map_structure(gather, cache)
            token = ops.cast(token, prompt.dtype)
            if end_token_id is not None:
                ended = ops.logical_and(ops.equal(token, end_token_id), ops.logical_not(forced))
                finished = ops.logical_or(was_finished, ended)
            else:
                finished = was_finished
            prompt = ops.slice_update(prompt, [0, index], token[:, None])
            return prompt, cache, index + 1, log_probs, lengths, finished

        prompt, _, _, log_probs, lengths, _ = ops.while_loop(
            cond,
            body,
            (prompt, cache, index, log_probs, lengths, finished),
            maximum_iterations=max_length - index,
        )
        scores = split_beams(log_probs / self._penalty(lengths))
        beams = split_beams(prompt)
        order = ops.argsort(-scores, axis=-1)
        scores = ops.take_along_axis(scores, order, axis=1)
        beams = ops.take_along_axis(beams, order[:, :, None], axis=1)
        best = beams[:, 0]
        if self.return_all_beams:
            return best, beams, scores
        return best

    def get_config(self):
        return {
            "beam_width": self.beam_width,
            "length_penalty": self.length_penalty,
            "return_all_beams": self.return_all_beams,
            "temperature": self.temperature,
        }
