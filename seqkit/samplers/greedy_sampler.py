"""`GreedySampler`: the most likely token at every step (keras_hub's loop)."""

from keras_hub.src.samplers.greedy_sampler import GreedySampler as _HubGreedy

from seqkit.samplers import sampler as _sampler


class GreedySampler(_sampler.SeqkitCall, _HubGreedy):
    """Picks the most likely token at every step.

    Args:
        temperature: float > 0. Accepted for a uniform interface; it does not
            change the argmax. Defaults to `1.0`.
    """

    def __init__(self, temperature=1.0):
        super().__init__(temperature=_sampler.check_temperature(temperature))
