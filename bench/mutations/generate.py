"""Planted bugs for the generate area (samplers, language models, the generate task)."""

from mutate import Mutation

SAMPLERS = ("tests/samplers/sampler_test.py",)

MUTATIONS = [
    Mutation(
        "sampler-ignores-temperature",
        "seqkit/samplers/random_sampler.py",
        "temperature=_sampler.check_temperature(temperature),",
        "temperature=1.0 + 0 * _sampler.check_temperature(temperature),",
        SAMPLERS,
        "random sampling always at temperature 1",
    ),
    Mutation(
        "top-k-outside-k",
        "seqkit/samplers/top_k_sampler.py",
        'k=_sampler.check_positive_int("k", k),',
        'k=_sampler.check_positive_int("k", k) + 1,',
        SAMPLERS,
        "top-k draws among k + 1 tokens",
    ),
    Mutation(
        "beam-keeps-cache-order",
        "seqkit/samplers/beam_sampler.py",
        "cache = tree.map_structure(gather, cache)",
        "cache = cache",
        SAMPLERS,
        "beam search does not reorder the cache with its beams",
    ),
    Mutation(
        "beam-finished-keeps-growing",
        "seqkit/samplers/beam_sampler.py",
        "fixed = ops.logical_or(forced, finished)",
        "fixed = forced",
        SAMPLERS,
        "a finished beam keeps paying for tokens after its end",
    ),
    Mutation(
        "no-pad-after-end",
        "seqkit/samplers/sampler.py",
        "seen_before = (ops.cumsum(is_end, axis=-1) - is_end) > 0",
        "seen_before = ops.zeros_like(is_end) > 0",
        SAMPLERS,
        "rows keep their tokens after the end token",
    ),
]
