"""Translation throughput: exported SavedModel vs in-memory, seqkit vs keras_hub training.

Two ratios, each against a peer measured in the same run, interleaved:

1. Sentences per second translated with beam search (width 4) by the
   exported SavedModel (`tf.saved_model.load`, serving_default) against the
   same `TranslationServing` module in memory. Both run the same graph, so
   the ratio should be near 1; it shows what loading and the signature cost.
2. Training tokens per second (target tokens, teacher forcing) of seqkit's
   Transformer encoder-decoder against one built from keras_hub's
   `TransformerEncoder` / `TransformerDecoder` of the same size (same d,
   heads, feed-forward size, layers, vocabulary), on the same batches.

The models are untrained (random weights), which does not change the work:
decoding always runs to `--max-length` (an untrained model rarely emits
[END]); the samplers stop early only when every row has ended.

    flock /tmp/seqkit-bench.lock nice -n 10 python3 bench/translate.py [--repeats 5]
"""

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def date_pairs(count, seed):
    sys.path.insert(0, str(ROOT / "data" / "translation"))
    import random

    import generate

    return [(s, t) for s, t, _ in generate.make_pairs(random.Random(seed), count)]


def median_rate(fn, amount, repeats):
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        rates.append(amount / (time.perf_counter() - start))
    return statistics.median(rates)


def keras_hub_transformer(source_vocab, target_vocab, d, layers, heads, ffn, max_length):
    import keras
    import keras_hub

    source = keras.Input((None,), dtype="int32", name="encoder_inputs")
    target = keras.Input((None,), dtype="int32", name="decoder_inputs")
    x = keras_hub.layers.TokenAndPositionEmbedding(source_vocab, max_length, d, mask_zero=True)(source)
    for _ in range(layers):
        x = keras_hub.layers.TransformerEncoder(ffn, heads, dropout=0.1)(x)
    y = keras_hub.layers.TokenAndPositionEmbedding(target_vocab, max_length, d, mask_zero=True)(target)
    for _ in range(layers):
        y = keras_hub.layers.TransformerDecoder(ffn, heads, dropout=0.1)(y, x)
    logits = keras.layers.Dense(target_vocab)(y)
    return keras.Model({"encoder_inputs": source, "decoder_inputs": target}, logits)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=64)
    parser.add_argument("--beam-width", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=12)
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ffn", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)

    import keras
    import tensorflow as tf

    from seqkit.models.seq2seq import seq2seq_model
    from seqkit.training.sequence_loss import MaskedSequenceLoss
    from seqkit.tasks.translate.serving import TranslationServing
    from seqkit.tokenizers import get_tokenizer

    keras.utils.set_random_seed(0)
    pairs = date_pairs(max(args.sentences, args.batch_size), seed=3)
    source_tokenizer = get_tokenizer("word").adapt([s for s, _ in pairs])
    target_tokenizer = get_tokenizer("char", lowercase=False).adapt([t for _, t in pairs])
    size = dict(units=args.units, num_layers=args.layers, num_heads=args.heads,
                intermediate_dim=args.ffn)

    # ---- 1. export vs in-memory, beam search
    model = seq2seq_model(source_tokenizer.vocabulary_size, target_tokenizer.vocabulary_size,
                          architecture="transformer", max_source_length=32,
                          max_target_length=args.max_length, **size)
    module = TranslationServing(model, source_tokenizer, target_tokenizer, 32, args.max_length,
                                beam_width=args.beam_width, length_penalty=0.6)
    texts = tf.constant([s for s, _ in pairs[: args.sentences]])
    with tempfile.TemporaryDirectory() as directory:
        tf.saved_model.save(module, directory, signatures={"serving_default": module.serve})
        serve = tf.saved_model.load(directory).signatures["serving_default"]
        memory_out = module.serve(texts)["translation"].numpy()
        export_out = serve(text=texts)["translation"].numpy()
        same = bool((memory_out == export_out).all())
        rates = {"in-memory": [], "SavedModel": []}
        for _ in range(args.repeats):  # interleaved
            rates["in-memory"].append(median_rate(lambda: module.serve(texts), args.sentences, 1))
            rates["SavedModel"].append(median_rate(lambda: serve(text=texts), args.sentences, 1))
    memory_rate = statistics.median(rates["in-memory"])
    export_rate = statistics.median(rates["SavedModel"])
    print(f"beam {args.beam_width}, {args.sentences} sentences, max length {args.max_length}, "
          f"outputs identical: {same}")
    print(f"  in-memory   {memory_rate:8.1f} sentences/s")
    print(f"  SavedModel  {export_rate:8.1f} sentences/s   ratio SavedModel / in-memory "
          f"{export_rate / memory_rate:.2f}")

    # ---- 2. training tokens/s, seqkit vs keras_hub
    rng = np.random.default_rng(0)
    batch, source_len, target_len = args.batch_size, 12, args.max_length
    source_vocab, target_vocab = source_tokenizer.vocabulary_size, target_tokenizer.vocabulary_size
    inputs = {
        "encoder_inputs": rng.integers(5, source_vocab, (batch, source_len)).astype("int32"),
        "decoder_inputs": rng.integers(5, target_vocab, (batch, target_len)).astype("int32"),
    }
    targets = rng.integers(5, target_vocab, (batch, target_len)).astype("int32")
    tokens = batch * target_len
    seqkit_model = seq2seq_model(source_vocab, target_vocab, architecture="transformer",
                                 positions="learned", dropout=0.1, max_source_length=32,
                                 max_target_length=32, **size)
    hub_model = keras_hub_transformer(source_vocab, target_vocab, args.units, args.layers,
                                      args.heads, args.ffn, 32)
    for m in (seqkit_model, hub_model):
        m.compile(keras.optimizers.Adam(1e-3), MaskedSequenceLoss())
        m.train_on_batch(inputs, targets)  # trace
    params = {name: m.count_params() for name, m in (("seqkit", seqkit_model), ("keras_hub", hub_model))}
    train_rates = {"seqkit": [], "keras_hub": []}
    steps = 5
    for _ in range(args.repeats):
        for name, m in (("seqkit", seqkit_model), ("keras_hub", hub_model)):
            def run(m=m):
                for _ in range(steps):
                    m.train_on_batch(inputs, targets)
            train_rates[name].append(median_rate(run, tokens * steps, 1))
    seqkit_rate = statistics.median(train_rates["seqkit"])
    hub_rate = statistics.median(train_rates["keras_hub"])
    print(f"training, d={args.units}, {args.layers}+{args.layers} layers, {args.heads} heads, "
          f"ffn {args.ffn}, batch {batch} x {target_len} target tokens "
          f"(parameters: seqkit {params['seqkit']:,}, keras_hub {params['keras_hub']:,})")
    print(f"  keras_hub   {hub_rate:10.0f} tokens/s")
    print(f"  seqkit      {seqkit_rate:10.0f} tokens/s   ratio seqkit / keras_hub "
          f"{seqkit_rate / hub_rate:.2f}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.exit(main())
