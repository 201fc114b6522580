"""Tatoeba English -> Spanish: train one seq2seq model for a time budget, report sacreBLEU / chrF.

The split is `seqkit.data.unseen_split` with a fixed seed: 2,000 test pairs
whose English side occurs nowhere else in the file (so never in training),
2,000 validation pairs, the rest for training. Both sides use a SentencePiece
(unigram, 8,000 pieces) tokenizer trained on the training part, so the
output detokenizes to cased, punctuated Spanish and BLEU is computed against
the raw references (sacreBLEU 13a, `seqkit.metrics.sequence`).

Decoding runs through `TranslationServing.serve`, the same tf.function the
export saves (beam search, width and length penalty from the flags).

    nice -n 10 python3 bench/translate_quality.py --model transformer --minutes 15 \\
        --out runs/tatoeba_quality

Writes `<out>/<model>/report.json` (metrics, BLEU by source-length bucket,
training time and steps) and attention heat maps `<out>/<model>/attention_<i>.png`.

SIGTERM (or SIGINT) ends training early, after the current step: the model is
then evaluated and reported as usual, with the CPU time it actually had
(`stopped_early: true`). That lets a long run live at `nice -n 19` on idle
cycles and still report when the machine is needed back.
"""

import argparse
import json
import os
import pathlib
import signal
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "translation" / "spa-eng" / "spa.txt"

MODELS = {
    "rnn_none": dict(architecture="rnn", cell="gru", attention="none", units=256,
                     embedding_dim=128, dropout=0.1),
    "rnn_attention": dict(architecture="rnn", cell="gru", attention="additive", units=256,
                          embedding_dim=128, dropout=0.1),
    "transformer": dict(architecture="transformer", units=128, num_layers=3, num_heads=4,
                        intermediate_dim=512, dropout=0.1, positions="sinusoidal"),
}



def encode(pairs, source_tokenizer, target_tokenizer, max_length):
    import tensorflow as tf

    source = source_tokenizer.tokenize(tf.constant([p[0] for p in pairs]))
    target = target_tokenizer.tokenize(tf.constant([p[1] for p in pairs]))
    source = [row[:max_length] for row in source.numpy()]
    target = [row[: max_length - 1] for row in target.numpy()]
    return source, target


def batches(source, target, batch_size, rng):
    """Length-sorted batches (with noise), in random order: `(inputs, targets)` numpy."""
    lengths = np.array([len(t) for t in target]) + rng.uniform(0, 2, len(target))
    order = np.argsort(lengths)
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    for chunk in chunks:
        # Lengths rounded up to a multiple of 8: few distinct shapes, few retraces.
        s_len = -(-max(len(source[i]) for i in chunk) // 8) * 8
        t_len = -(-(max(len(target[i]) for i in chunk) + 1) // 8) * 8
        enc = np.zeros((len(chunk), max(s_len, 1)), "int32")
        dec_in = np.zeros((len(chunk), t_len), "int32")
        dec_out = np.zeros((len(chunk), t_len), "int32")
        for row, i in enumerate(chunk):
            enc[row, : len(source[i])] = source[i]
            dec_in[row, 0] = 2
            dec_in[row, 1 : len(target[i]) + 1] = target[i]
            dec_out[row, : len(target[i])] = target[i]
            dec_out[row, len(target[i])] = 3
        yield {"encoder_inputs": enc, "decoder_inputs": dec_in}, dec_out


def draw_maps(args, model, test, hypotheses, source_tokenizer, target_tokenizer, spec, out):
    """attention_<n>.png for test sentences of 5-9 words (with one of --map-words, if given)."""
    import tensorflow as tf

    from seqkit.models.seq2seq import Seq2SeqDecoding
    from seqkit.tasks.translate.attention_map import plot_attention

    if spec.get("attention") == "none":
        return
    sources = [p[0] for p in test]
    decoding = Seq2SeqDecoding(model, max_target_length=args.max_length)
    words = {w.strip().lower() for w in args.map_words.split(",") if w.strip()}
    picks = [i for i, s in enumerate(sources) if 5 <= len(s.split()) <= 9
             and (not words or words & {w.strip(".,!?").lower() for w in s.split()})]
    for n, i in enumerate(picks[: args.map_count]):
        ids = source_tokenizer.tokenize(tf.constant([sources[i]]))[:, : args.max_length]
        out_ids = target_tokenizer.tokenize(tf.constant([hypotheses[i]]))[:, : args.max_length - 1]
        dec_in = tf.concat([[[2]], tf.cast(out_ids.to_tensor(), tf.int32)], axis=1)
        weights = decoding.attention_scores(ids.to_tensor(), dec_in)
        src_tokens = [source_tokenizer.id_to_token(int(t)) for t in ids.flat_values.numpy()]
        tgt_tokens = [target_tokenizer.id_to_token(int(t)) for t in out_ids.flat_values.numpy()]
        plot_attention(np.asarray(weights)[0], src_tokens, tgt_tokens + ["[END]"],
                       out / f"attention_{n}.png", title=f"{args.model}: {sources[i]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--minutes", type=float, default=15.0,
                        help="training budget in CPU minutes of this process (all threads): on a "
                        "shared machine wall-clock budgets would give the models unequal compute")
    parser.add_argument("--data", default=str(DATA), help="spa.txt (default: ../shared beside the repo)")
    parser.add_argument("--out", default="runs/tatoeba_quality")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--max-length", type=int, default=32)
    parser.add_argument("--vocabulary-size", type=int, default=8000)
    parser.add_argument("--beam-width", type=int, default=4)
    parser.add_argument("--length-penalty", type=float, default=0.6)
    parser.add_argument("--test-limit", type=int, default=2000)
    parser.add_argument("--map-words", default="",
                        help="comma-separated English words: the attention maps take test sentences "
                        "that contain one of them (e.g. adjectives, to see Spanish put them after "
                        "the noun); default: the first test sentences of 5-9 words")
    parser.add_argument("--map-count", type=int, default=4, help="attention maps to draw")
    parser.add_argument("--maps-only", action="store_true",
                        help="no training: load <out>/<model>/model.weights.h5 and hypotheses.txt "
                        "of an earlier run with the same options, and draw the attention maps")
    args = parser.parse_args(argv)

    import keras
    import tensorflow as tf

    from seqkit.data.parallel_text import complete_pairs
    from seqkit.data.unseen_split import unseen_split
    from seqkit.metrics.sequence import sequence_report
    from seqkit.models.seq2seq import seq2seq_model
    from seqkit.training.sequence_loss import MaskedSequenceLoss
    from seqkit.training.sequence_loss import MaskedTokenAccuracy
    from seqkit.tasks.translate.serving import TranslationServing
    from seqkit.tokenizers import get_tokenizer

    out = pathlib.Path(args.out) / args.model
    out.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    train, validation, test = unseen_split(complete_pairs(args.data), 2000, 2000, seed=args.seed)
    test = test[: args.test_limit]
    source_tokenizer = get_tokenizer("sentencepiece").adapt(
        [p[0] for p in train], max_size=args.vocabulary_size
    )
    target_tokenizer = get_tokenizer("sentencepiece").adapt(
        [p[1] for p in train], max_size=args.vocabulary_size
    )

    spec = dict(MODELS[args.model])
    model = seq2seq_model(
        source_tokenizer.vocabulary_size, target_tokenizer.vocabulary_size,
        max_source_length=args.max_length, max_target_length=args.max_length, **spec,
    )
    if args.maps_only:
        model.load_weights(str(out / "model.weights.h5"))  # a functional model: built already
        hypotheses = (out / "hypotheses.txt").read_text(encoding="utf-8").split("\n")[: len(test)]
        draw_maps(args, model, test, hypotheses, source_tokenizer, target_tokenizer, spec, out)
        return 0

    # Only training needs the encoded pairs (115k) and the optimizer: --maps-only stops above.
    source, target = encode(train, source_tokenizer, target_tokenizer, args.max_length)
    val_source, val_target = encode(validation, source_tokenizer, target_tokenizer, args.max_length)
    steps_per_epoch = -(-len(source) // args.batch_size)
    if spec["architecture"] == "transformer":
        from seqkit.training.schedules import WarmupDecay

        learning_rate = WarmupDecay(1e-3, total_steps=20 * steps_per_epoch, warmup_steps=1000)
        smoothing = 0.1
    else:
        learning_rate, smoothing = 2e-3, 0.0
    model.compile(
        keras.optimizers.Adam(learning_rate, clipnorm=1.0),
        MaskedSequenceLoss(label_smoothing=smoothing),
        metrics=[MaskedTokenAccuracy()],
    )

    start, cpu_start = time.monotonic(), time.process_time()
    budget = args.minutes * 60

    def spent():
        return time.process_time() - cpu_start

    stop = []

    def request_stop(signum, frame):
        stop.append(signum)
        print(f"signal {signum}: stopping after this step", flush=True)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    steps, epochs, history = 0, 0, []
    while spent() < budget and not stop:
        for inputs, targets in batches(source, target, args.batch_size, rng):
            logs = model.train_on_batch(inputs, targets, return_dict=True)
            steps += 1
            if steps % 200 == 0:
                print(f"step {steps} {time.monotonic() - start:.0f}s wall {spent():.0f}s cpu "
                      f"loss {logs['loss']:.3f}", flush=True)
            if spent() >= budget or stop:
                break
        else:
            epochs += 1
        val = [model.test_on_batch(i, t, return_dict=True)
               for i, t in batches(val_source, val_target, 256, rng)]
        history.append({
            "steps": steps, "seconds": time.monotonic() - start, "cpu_seconds": spent(),
            "val_loss": float(np.mean([v["loss"] for v in val])),
            "val_token_accuracy": float(np.mean([v["token_accuracy"] for v in val])),
        })
        print(json.dumps(history[-1]), flush=True)
    train_seconds, train_cpu_seconds = time.monotonic() - start, spent()

    serving = TranslationServing(
        model, source_tokenizer, target_tokenizer, args.max_length, args.max_length,
        beam_width=args.beam_width, length_penalty=args.length_penalty,
    )
    start = time.monotonic()
    hypotheses = []
    for i in range(0, len(test), 100):
        result = serving.serve(tf.constant([p[0] for p in test[i:i + 100]]))
        hypotheses += [t.decode("utf-8") for t in result["translation"].numpy()]
    decode_seconds = time.monotonic() - start
    sources = [p[0] for p in test]
    references = [p[1] for p in test]
    report = sequence_report(sources, hypotheses, references, boundaries=(5, 10, 15))
    report.update(
        model=args.model, spec=spec, train_pairs=len(train), test_pairs=len(test),
        train_seconds=round(train_seconds, 1), train_cpu_seconds=round(train_cpu_seconds, 1),
        steps=steps, full_epochs=epochs, stopped_early=bool(stop), budget_minutes=args.minutes,
        decode_seconds=round(decode_seconds, 1), beam_width=args.beam_width,
        length_penalty=args.length_penalty, history=history,
        examples=[{"source": s, "reference": r, "translation": h}
                  for s, r, h in list(zip(sources, references, hypotheses))[:20]],
    )
    (out / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    (out / "hypotheses.txt").write_text("\n".join(hypotheses) + "\n")  # for paired comparisons
    model.save_weights(str(out / "model.weights.h5"))
    print(json.dumps({k: report[k] for k in ("model", "bleu", "chrf", "exact_match",
                                             "train_seconds", "train_cpu_seconds", "steps",
                                             "bleu_by_length")}))

    draw_maps(args, model, test, hypotheses, source_tokenizer, target_tokenizer, spec, out)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.exit(main())
