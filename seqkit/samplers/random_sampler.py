"""`RandomSampler`: draws from `softmax(logits / temperature)` (keras_hub's loop)."""

from keras_hub.src.samplers.random_sampler import RandomSampler as _HubRandom

from seqkit.samplers import sampler as _sampler


class RandomSampler(_sampler.SeqkitCall, _HubRandom):
    """Samples from the whole distribution `softmax(logits / temperature)`.

    Args:
        temperature: float > 0. Below 1 sharpens, above 1 flattens; towards 0
            it becomes greedy. Defaults to `1.0`.
        seed: int or None. The same seed gives the same draws. Defaults to
            `None`.
    """

    def __init__(self, temperature=1.0, seed=None):
        super().__init__(
            temperature=_sampler.check_temperature(temperature),
            seed=_sampler.check_seed(seed),
        )
