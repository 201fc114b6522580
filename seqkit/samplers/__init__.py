"""Decoding strategies over `next(prompt, cache, index)`: greedy, beam, random, top-k, top-p.

See `seqkit.samplers.sampler` for the call contract and for which loops are
keras_hub's and which are seqkit's own.
"""

from seqkit.samplers.beam_sampler import BeamSampler
from seqkit.samplers.greedy_sampler import GreedySampler
from seqkit.samplers.prompts import prompt_buffer
from seqkit.samplers.random_sampler import RandomSampler
from seqkit.samplers.registry import SAMPLERS
from seqkit.samplers.registry import get_sampler
from seqkit.samplers.sampler import PAD_ID
from seqkit.samplers.top_k_sampler import TopKSampler
from seqkit.samplers.top_p_sampler import TopPSampler
