"""Generation speed: the key/value cache vs recomputing the prefix, and seqkit vs keras_hub's GPT-2.

One run, side by side, each decoder generating 512 tokens from a one-token
prompt with the greedy sampler (no end token, so every run writes all 512):

- seqkit's `TransformerLanguageModel` with its key/value cache (each token one
  step through `MultiHeadAttention`'s cache) against the same model
  recomputing the whole prefix at every step (`generate(use_cache=False)`);
- seqkit's `RecurrentLanguageModel` (LSTM) carrying its state, against it
  rerunning the prefix;
- keras_hub's `GPT2CausalLM` built from a config (no weights) of the same
  size, generating with keras_hub's greedy sampler and its own cache.

All run as one `tf.function` each (traced once before timing, XLA off for
all, so the comparison is like for like); the median of `--repeats` timed
runs is reported as tokens per second, with the ratios the issue sets
targets for (cache >= 5x recompute; seqkit not slower than keras_hub).

    flock /tmp/seqkit-bench.lock python3 bench/generate.py
"""

import argparse
import statistics
import time

import numpy as np


def _time(fn, repeats):
    fn()  # trace
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=512)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--vocabulary", type=int, default=1000)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    import keras
    import keras_hub
    import tensorflow as tf

    from seqkit.models import RecurrentLanguageModel
    from seqkit.models import TransformerLanguageModel
    from seqkit.samplers import get_sampler

    keras.utils.set_random_seed(0)
    n, batch = args.length, args.batch
    prompt = np.zeros((batch, 1), "int32") + 2
    lengths = np.ones((batch,), "int32")
    generated = batch * (n - 1)

    transformer = TransformerLanguageModel(
        args.vocabulary, max_length=n, num_layers=args.layers, num_heads=args.heads,
        model_dim=args.dim, intermediate_dim=4 * args.dim,
    )
    lstm = RecurrentLanguageModel(args.vocabulary, cell="lstm", units=args.dim * 2, embedding_dim=args.dim)

    def seqkit_runner(model, use_cache):
        sampler = get_sampler("greedy")

        @tf.function
        def run():
            return model.generate(prompt, lengths, sampler, n, use_cache=use_cache)

        return run

    backbone = keras_hub.models.GPT2Backbone(
        vocabulary_size=args.vocabulary, num_layers=args.layers, num_heads=args.heads,
        hidden_dim=args.dim, intermediate_dim=4 * args.dim, max_sequence_length=n,
    )
    gpt2 = keras_hub.models.GPT2CausalLM(backbone=backbone, preprocessor=None)
    gpt2.compile(sampler="greedy")
    gpt2.jit_compile = False
    gpt2_inputs = {
        "token_ids": np.pad(prompt, [[0, 0], [0, n - 1]]),
        "padding_mask": np.pad(np.ones_like(prompt, bool), [[0, 0], [0, n - 1]]),
    }

    def gpt2_run():
        return gpt2.generate(gpt2_inputs, stop_token_ids=None)

    rows = []
    for name, fn in [
        ("seqkit transformer, kv cache", seqkit_runner(transformer, True)),
        ("seqkit transformer, recompute prefix", seqkit_runner(transformer, False)),
        ("keras_hub GPT2CausalLM, its cache", gpt2_run),
        ("seqkit lstm, carried state", seqkit_runner(lstm, True)),
        ("seqkit lstm, recompute prefix", seqkit_runner(lstm, False)),
    ]:
        seconds = _time(fn, args.repeats)
        rows.append((name, seconds, generated / seconds))
    # Same layers, widths and vocabulary; GPT-2 ties its output projection to
    # the token embedding, seqkit's model has its own (vocabulary x dim more).
    print(f"generating {n - 1} tokens x batch {batch}, greedy, median of {args.repeats} "
          f"(parameters: seqkit transformer {transformer.count_params():,}, "
          f"keras_hub GPT-2 {gpt2.count_params():,}: tied output embedding)")
    print(f"| decoder | seconds | tokens/s |\n|---|---|---|")
    for name, seconds, rate in rows:
        print(f"| {name} | {seconds:.3f} | {rate:.0f} |")
    rate = {name: r for name, _, r in rows}
    print(f"\ncache / recompute (transformer): {rate['seqkit transformer, kv cache'] / rate['seqkit transformer, recompute prefix']:.2f}x (target >= 5)")
    print(f"state / recompute (lstm): {rate['seqkit lstm, carried state'] / rate['seqkit lstm, recompute prefix']:.2f}x")
    print(f"seqkit / keras_hub GPT-2: {rate['seqkit transformer, kv cache'] / rate['keras_hub GPT2CausalLM, its cache']:.2f}x (target >= 1)")


if __name__ == "__main__":
    main()
