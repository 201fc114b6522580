"""Input pipeline throughput against the rate a BiLSTM training step consumes.

Two seqkit.data pipelines on the shared data:

- classification, SST-2 train, exactly as `seqkit fit pipelines/sst2_bilstm.yaml`
  feeds its model: the classify task's own `split_training_data` (read the
  TSV, hold out 5%) and `make_dataset` (shuffle rows, tokenize length-sorted
  windows of 32 batches of 128, pad, prefetch), timed over two epochs; nothing
  is cached, so each epoch reads and tokenizes the file;
- translation, Tatoeba spa.txt: read_parallel_text -> tokenize both sides ->
  teacher forcing -> bucket by length -> batch 64 -> prefetch.

Each pipeline's examples/s and tokens/s (non-padding ids) is printed next to
the examples/s that a BiLSTM training step consumes on batches from the same
pipeline, measured in the same run: for SST-2 the recipe's own model as
`seqkit fit` compiles it, for translation an embedding 128 + Bidirectional
LSTM 128 + dense over the target vocabulary. The target is a ratio >= 10: training is then
never input-bound.

    python3 bench/pipeline.py            # full epochs (a few minutes)
    python3 bench/pipeline.py --quick    # a slice of each file
"""

import argparse
import os
import pathlib
import re
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
BATCH = 64
BOUNDARIES = [8, 16, 32, 64, 128]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a slice of each file, fewer steps")
    parser.add_argument(
        "--layers", choices=["auto", "seqkit", "keras"], default="auto",
        help="recurrent layers of the consumer model (auto: seqkit.layers if it imports)",
    )
    args = parser.parse_args()
    sst2 = SHARED / "sentiment" / "sst2_train.tsv"
    spa = SHARED / "translation" / "spa-eng" / "spa.txt"
    if not sst2.is_file() or not spa.is_file():
        print(f"skipped: the shared data sets are not present under {SHARED}")
        return 0
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    limit = 20_000 if args.quick else None
    steps = 8 if args.quick else 25
    layers = _recurrent_layers(args.layers)
    print(f"device: {_device(tf)}; consumer layers: {layers[0]}")
    print(f"mode: {'quick (first 20,000 lines of each file)' if args.quick else 'full epochs'}")
    results = [
        *_classification(tf, sst2, limit, steps, layers),
        _translation(tf, spa, limit, steps, layers),
    ]
    print()
    print(f"{'pipeline':<30}{'examples/s':>12}{'tokens/s':>12}{'train ex/s':>12}{'ratio':>8}  target >= 10x  [consumer]")
    for name, ex_s, tok_s, train_s, used in results:
        ratio = ex_s / train_s
        verdict = "ok" if ratio >= 10 else "BELOW TARGET"
        print(f"{name:<30}{ex_s:>12,.0f}{tok_s:>12,.0f}{train_s:>12,.0f}{ratio:>7.1f}x  {verdict}  [{used}]")
    return 0


def _recurrent_layers(choice):
    import keras

    if choice in ("auto", "seqkit"):
        try:
            from seqkit.layers import LSTM
            from seqkit.layers import Bidirectional

            return "seqkit.layers (LSTM, Bidirectional)", LSTM, Bidirectional
        except Exception as e:  # noqa: BLE001 - any import failure means "use keras"
            if choice == "seqkit":
                raise
            print(f"seqkit.layers unavailable ({type(e).__name__}: {e}); using keras.layers")
    return "keras.layers (LSTM, Bidirectional)", keras.layers.LSTM, keras.layers.Bidirectional


def _device(tf):
    gpus = tf.config.list_physical_devices("GPU")
    return f"{len(gpus)} GPU(s)" if gpus else f"CPU ({os.cpu_count()} cores visible)"


def _word_tokenizer(texts, max_size):
    from seqkit.tokenizers import get_tokenizer

    return get_tokenizer("word").adapt(texts, max_size=max_size)


def _measure_pipeline(tf, dataset, count_tokens):
    """One full pass; returns (examples, tokens, seconds)."""
    start = time.perf_counter()
    examples = tokens = 0
    for batch in dataset:
        examples += int(tf.shape(tf.nest.flatten(batch)[-1])[0])
        tokens += int(count_tokens(batch))
    return examples, tokens, time.perf_counter() - start


def _measure_training(model, batches):
    """Examples/s of `model.train_on_batch` over `batches` (shapes traced first)."""
    _warm_up(model, batches)
    start = time.perf_counter()
    examples = 0
    for x, y in batches:
        model.train_on_batch(x, y)
        examples += int(y.shape[0])
    return examples / (time.perf_counter() - start)


def _warm_up(model, batches):
    """One step per distinct batch shape, so that tracing is not timed."""
    seen = set()
    for x, y in batches:
        shape = tuple(tuple(t.shape) for t in _flat(x))
        if shape not in seen:
            model.train_on_batch(x, y)
            seen.add(shape)


def _flat(x):
    return list(x.values()) if isinstance(x, dict) else [x]


def _consumer(vocabulary_size, outputs, layers, sequence_output, batches):
    """The BiLSTM consumer model; falls back to keras.layers if seqkit's fail on `batches`."""
    import keras

    name, lstm_cls, bidirectional_cls = layers
    model = _bilstm(vocabulary_size, outputs, lstm_cls, bidirectional_cls, sequence_output)
    if lstm_cls is keras.layers.LSTM:
        return name, model
    try:
        _warm_up(model, batches)
        return name, model
    except Exception as e:  # noqa: BLE001 - report and measure the peer instead
        lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(e).splitlines()]
        lines = [line for line in lines if line and not line.startswith("Exception encountered")]
        print(f"  seqkit.layers failed in a training step ({type(e).__name__}: {lines[0] if lines else ''});")
        print("  falling back to keras.layers for the consumer")
        fallback = _bilstm(
            vocabulary_size, outputs, keras.layers.LSTM, keras.layers.Bidirectional, sequence_output
        )
        return "keras.layers (LSTM, Bidirectional) [fallback]", fallback


def _bilstm(vocabulary_size, outputs, lstm_cls, bidirectional_cls, sequence_output):
    import keras

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocabulary_size, 128, mask_zero=True)(inputs)
    x = bidirectional_cls(lstm_cls(128, return_sequences=sequence_output))(x)
    x = keras.layers.Dense(outputs)(x)
    model = keras.Model(inputs, x)
    model.compile(
        optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    return model


def _classification(tf, path, limit, steps, layers):
    """SST-2 through the classify task's own data path, as `seqkit fit` runs it."""
    from seqkit.config import load_config
    from seqkit.tasks import get_task
    from seqkit.training import make_optimizer

    print("\n[classification] SST-2 train, pipelines/sst2_bilstm.yaml")
    config = load_config([ROOT / "pipelines" / "sst2_bilstm.yaml"], data_overrides={"train": str(path)})
    task = get_task(config)
    t = time.perf_counter()
    labels = task.validate_data({"train": str(path)})
    print(f"  validate_data: labels {labels} ({time.perf_counter() - t:.1f} s, up front, not timed below)")
    train_rows, _ = task.read_training_data()
    if limit is not None:
        train_rows = train_rows.take(limit)
    t = time.perf_counter()
    preprocessing = task.build_assets(train_rows, labels)
    tokenizer = preprocessing.tokenizer
    print(
        f"  tokenizer: {config.tokenizer.kind}, {tokenizer.vocabulary_size:,} ids "
        f"(adapt {time.perf_counter() - t:.1f} s, not timed below)"
    )
    # The training batches of `seqkit fit`: read the file, drop the held-out
    # rows, shuffle, tokenize and sort windows of rows, pad, prefetch. Nothing
    # is cached: every epoch reads and tokenizes the file again.
    ds = task.make_dataset(train_rows, preprocessing, training=True).dataset
    count_tokens = lambda b: tf.math.count_nonzero(b[0])  # noqa: E731
    epochs = [_measure_pipeline(tf, ds, count_tokens) for _ in range(2)]
    for index, (examples, tokens, seconds) in enumerate(epochs, start=1):
        print(f"  pipeline, epoch {index}: {examples:,} examples, {tokens:,} tokens in {seconds:.2f} s")
    # Two consumers on batches from the pipeline above: the recipe's own model
    # (embedding 128, seqkit Bidirectional LSTM 128 over every step, max
    # pooling, softmax) compiled as `seqkit fit` compiles it, and the lighter
    # BiLSTM that keeps only the last state (the translation consumer's
    # shape). The faster consumer is the stricter test of the pipeline.
    batches = list(ds.take(steps))
    model = task.build_model(preprocessing)
    model.compile(optimizer=make_optimizer(config.train), **task.compile_args(preprocessing))
    consumers = [("recipe model", _measure_training(model, batches))]
    sparse = [(x, tf.argmax(y, axis=-1)) for x, y in batches]
    used, light = _consumer(tokenizer.vocabulary_size, 2, layers, False, sparse)
    consumers.append(("last-state BiLSTM", _measure_training(light, sparse)))
    for name, rate in consumers:
        print(f"  BiLSTM train step, {name}: {rate:,.0f} examples/s over {len(batches)} batches")
    return [
        (f"classification, epoch {index}", examples / seconds, tokens / seconds, rate, name)
        for index, (examples, tokens, seconds) in enumerate(epochs, start=1)
        for name, rate in consumers
    ]


def _translation(tf, path, limit, steps, layers):
    from seqkit import data

    print("\n[translation] Tatoeba spa-eng")
    pairs = data.read_parallel_text(path)
    t = time.perf_counter()
    source_tok = _word_tokenizer(pairs.map(lambda r: r["source"]).batch(1024), max_size=15_000)
    target_tok = _word_tokenizer(pairs.map(lambda r: r["target"]).batch(1024), max_size=15_000)
    print(
        f"  tokenizers: word, {source_tok.vocabulary_size:,} / {target_tok.vocabulary_size:,} ids "
        f"(adapt {time.perf_counter() - t:.1f} s, not timed below)"
    )
    cap = BOUNDARIES[-1] - 1

    def pipeline():
        ds = data.read_parallel_text(path, validate=False)
        if limit is not None:
            ds = ds.take(limit)
        return (
            ds.apply(data.shuffle(seed=1, buffer_size=10_000))
            .apply(data.teacher_forcing(source_tok, target_tok, max_source_length=cap, max_target_length=cap))
            .apply(data.bucket_by_length(BOUNDARIES, [BATCH] * (len(BOUNDARIES) + 1), pad_to_bucket_boundary=True))
            .apply(data.prefetch())
        )

    def count(batch):
        inputs, target = batch
        return tf.math.count_nonzero(inputs["encoder_inputs"]) + tf.math.count_nonzero(target)

    t = time.perf_counter()
    data.read_parallel_text(path)  # the up-front validation pass, timed on its own
    print(f"  validation pass: {time.perf_counter() - t:.2f} s")
    examples, tokens, seconds = _measure_pipeline(tf, pipeline(), count)
    print(f"  pipeline: {examples:,} pairs, {tokens:,} source+target tokens in {seconds:.2f} s")
    # The consumer: a BiLSTM over the decoder inputs predicting the shifted
    # targets (embedding 128 + Bidirectional LSTM 128 + dense over the target
    # vocabulary), on batches taken from the pipeline above.
    batches = [(inputs["decoder_inputs"], target) for inputs, target in pipeline().take(steps)]
    vocab = target_tok.vocabulary_size
    used, model = _consumer(vocab, vocab, layers, True, batches)
    train = _measure_training(model, batches)
    print(f"  BiLSTM train step ({used}): {train:,.0f} examples/s over {len(batches)} batches")
    return "translation", examples / seconds, tokens / seconds, train, used


if __name__ == "__main__":
    sys.exit(main())
