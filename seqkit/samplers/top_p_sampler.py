"""`TopPSampler`: nucleus sampling, draws among the smallest set of mass >= `p` (keras_hub's loop)."""

from keras_hub.src.samplers.top_p_sampler import TopPSampler as _HubTopP

from seqkit.samplers import sampler as _sampler


class TopPSampler(_sampler.SeqkitCall, _HubTopP):
    """Nucleus sampling: samples among the fewest most likely tokens whose mass reaches `p`.

    Args:
        p: float in (0, 1]. Defaults to `0.9`.
        k: int or None. Looks only at the `k` most likely tokens first (a
            speed cut-off). Defaults to `None`.
        temperature: float > 0. Defaults to `1.0`.
        seed: int or None. Defaults to `None`.

    References:
        Holtzman et al., "The Curious Case of Neural Text Degeneration",
        ICLR 2020.
    """

    def __init__(self, p=0.9, k=None, temperature=1.0, seed=None):
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p <= 1:
            raise ValueError(f"`p` (top_p) must be in (0, 1]. Received: p={p!r}")
        if k is not None:
            _sampler.check_positive_int("k", k)
        super().__init__(
            p=float(p),
            k=k,
            temperature=_sampler.check_temperature(temperature),
            seed=_sampler.check_seed(seed),
        )
