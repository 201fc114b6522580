"""`get_sampler(strategy, **options)`: a sampler by name (an explicit dict)."""

from seqkit.samplers.beam_sampler import BeamSampler
from seqkit.samplers.greedy_sampler import GreedySampler
from seqkit.samplers.random_sampler import RandomSampler
from seqkit.samplers.top_k_sampler import TopKSampler
from seqkit.samplers.top_p_sampler import TopPSampler

# strategy -> (class, {option name: the class's argument})
SAMPLERS = {
    "greedy": (GreedySampler, {"temperature": "temperature", "seed": None}),
    "beam": (
        BeamSampler,
        {
            "beam_width": "beam_width",
            "length_penalty": "length_penalty",
            "return_all_beams": "return_all_beams",
            "temperature": "temperature",
            "seed": None,
        },
    ),
    "random": (RandomSampler, {"temperature": "temperature", "seed": "seed"}),
    "top_k": (TopKSampler, {"k": "k", "temperature": "temperature", "seed": "seed"}),
    "top_p": (TopPSampler, {"p": "p", "k": "k", "temperature": "temperature", "seed": "seed"}),
}

OPTIONS = ("temperature", "k", "p", "beam_width", "length_penalty", "return_all_beams", "seed")


def get_sampler(strategy, **options):
    """Builds the sampler for `strategy`.

    Options left at None take the sampler's default. `temperature` and
    `seed` are accepted by every strategy (greedy and beam search are
    deterministic and ignore the seed); an option that belongs to another
    strategy (say `k` with `"beam"`) is an error rather than silently unused.

    Args:
        strategy: str. One of `"greedy"`, `"beam"`, `"random"`, `"top_k"`,
            `"top_p"`.
        **options: `temperature` (float > 0), `k` (int >= 1, top_k and
            top_p), `p` (float in (0, 1], top_p), `beam_width` (int >= 1),
            `length_penalty` (float >= 0), `return_all_beams` (bool), `seed`
            (int).

    Returns:
        A sampler (see `seqkit.samplers.sampler` for the call contract).

    Raises:
        ValueError: unknown strategy or option, or an option out of range,
            naming the value.

    >>> get_sampler("top_p", p=0.9, temperature=0.8, seed=7).p
    0.9
    """
    if strategy not in SAMPLERS:
        raise ValueError(
            f"Unknown decoding strategy {strategy!r}; expected one of {sorted(SAMPLERS)}. "
            f"Received: strategy={strategy!r}"
        )
    cls, accepted = SAMPLERS[strategy]
    arguments = {}
    for name, value in options.items():
        if name not in OPTIONS:
            raise ValueError(f"Unknown sampler option {name!r}; expected one of {list(OPTIONS)}.")
        if value is None:
            continue
        if name not in accepted:
            raise ValueError(
                f"Option {name!r} does not apply to strategy {strategy!r} (it takes "
                f"{sorted(accepted)}). Received: {name}={value!r}"
            )
        if accepted[name] is not None:
            arguments[accepted[name]] = value
    return cls(**arguments)
