"""`TopKSampler`: draws among the `k` most likely tokens (keras_hub's loop)."""

from keras_hub.src.samplers.top_k_sampler import TopKSampler as _HubTopK

from seqkit.samplers import sampler as _sampler


class TopKSampler(_sampler.SeqkitCall, _HubTopK):
    """Samples among the `k` most likely tokens, in proportion to their probabilities.

    Args:
        k: int >= 1, at most the vocabulary size. Defaults to `5`.
        temperature: float > 0. Defaults to `1.0`.
        seed: int or None. Defaults to `None`.
    """

    def __init__(self, k=5, temperature=1.0, seed=None):
        super().__init__(
            k=_sampler.check_positive_int("k", k),
            temperature=_sampler.check_temperature(temperature),
            seed=_sampler.check_seed(seed),
        )
