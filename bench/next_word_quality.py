"""Next-word prediction on real text: LSTM and Transformer language models against a
smoothed trigram baseline, perplexity on the same held-out test sentences.

The English side of ../shared/data/translation/spa-eng/spa.txt, each sentence once,
a seeded subset (`--sentences`, drawn with `--seed`). 10% of that subset is the test
file (`data.test`); the task holds out 10% of the rest as its validation split
(`data.validation_split`, by sentence), which alone picks the best epoch (early
stopping) and the settings below; the test sentences are only scored. Each model
goes through `pipelines/next_word.yaml` (word tokenizer) with
`model.decoder=lstm` / `transformer` plus the `--lstm-set` / `--transformer-set`
overrides, once per `--train-seeds` seed (`train.seed`: weights, shuffling,
dropout). The baseline is an interpolated Kneser-Ney trigram model over the same
token ids ([START] sentence [END], the same vocabulary and [UNK]s), its discount
picked on the validation split, scored on exactly the targets the neural models
are scored on: the test windows, each token predicted from the tokens before it in
its window.

    python3 bench/next_word_quality.py --sentences 20000 --train-seeds 1 2 3 \
        --transformer-set train.learning_rate=0.001 ...
"""

import argparse
import collections
import math
import pathlib
import random
import statistics
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPA_ENG = ROOT.parent / "shared" / "data" / "translation" / "spa-eng" / "spa.txt"
DISCOUNTS = (0.5, 0.6, 0.7, 0.8, 0.9)


class KneserNeyTrigram:
    """Interpolated Kneser-Ney trigram model over integer tokens (Chen & Goodman, 1998)."""

    def __init__(self, stream, vocabulary_size, discount=0.75):
        self.d = discount
        self.v = vocabulary_size
        self.tri = collections.Counter(zip(stream, stream[1:], stream[2:]))
        self.bi = collections.Counter(zip(stream, stream[1:]))
        self.tri_context = collections.Counter()
        self.tri_types = collections.Counter()
        for (a, b, _), n in self.tri.items():
            self.tri_context[(a, b)] += n
            self.tri_types[(a, b)] += 1
        # Continuation counts: in how many distinct contexts a word (pair) follows.
        self.cont_bi = collections.Counter((b, c) for (_, b, c) in self.tri)
        self.cont_bi_context = collections.Counter()
        self.cont_bi_types = collections.Counter()
        for (b, c) in self.cont_bi:
            self.cont_bi_context[b] += self.cont_bi[(b, c)]
            self.cont_bi_types[b] += 1
        self.cont_uni = collections.Counter(c for (_, c) in self.bi)
        self.bigram_types = len(self.bi)

    def unigram(self, c):
        return (self.cont_uni[c] + 1) / (self.bigram_types + self.v)  # add-one on continuations

    def bigram(self, b, c):
        total = self.cont_bi_context[b]
        if total == 0:
            return self.unigram(c)
        high = max(self.cont_bi[(b, c)] - self.d, 0) / total
        return high + self.d * self.cont_bi_types[b] / total * self.unigram(c)

    def prob(self, a, b, c):
        if a is None:
            return self.bigram(b, c)
        total = self.tri_context[(a, b)]
        if total == 0:
            return self.bigram(b, c)
        high = max(self.tri[(a, b, c)] - self.d, 0) / total
        return high + self.d * self.tri_types[(a, b)] / total * self.bigram(b, c)


def english_subset(source, count, seed, work):
    """Writes `count` distinct English sentences (seeded) as train.txt (90%) and test.txt (10%)."""
    seen, sentences = set(), []
    for line in pathlib.Path(source).read_text(encoding="utf-8").splitlines():
        english = line.split("\t")[0].strip()
        if english and english not in seen:
            seen.add(english)
            sentences.append(english)
    random.Random(seed).shuffle(sentences)
    sentences = sentences[:count]
    test = len(sentences) // 10
    (work / "test.txt").write_text("\n".join(sentences[:test]) + "\n", encoding="utf-8")
    (work / "train.txt").write_text("\n".join(sentences[test:]) + "\n", encoding="utf-8")
    return len(seen), len(sentences), test


def trigram_cross_entropy(model, batches):
    """Mean -log p of every target of `batches` (windows) under `model`, and the count."""
    nll, count = 0.0, 0
    for x, y in batches.dataset.unbatch().as_numpy_iterator():
        for t in range(len(y)):
            a = int(x[t - 1]) if t > 0 else None
            nll -= math.log(model.prob(a, int(x[t]), int(y[t])))
            count += 1
    return nll / count, count


def trigram_report(run, test_path):
    """The Kneser-Ney trigram on the run's training documents, discount picked on its validation split."""
    from seqkit.tasks.generate import data as data_lib

    task, tokenizer = run.task, run.assets
    train_docs, validation_docs = task.read_training_data()
    stream = data_lib.token_stream(data_lib.texts_of(train_docs), tokenizer).tolist()
    validation = data_lib.make_batches(run.config, validation_docs, tokenizer, training=False)
    scores = {}
    for discount in DISCOUNTS:
        model = KneserNeyTrigram(stream, int(tokenizer.vocabulary_size), discount)
        scores[discount] = (trigram_cross_entropy(model, validation)[0], model)
    discount = min(scores, key=lambda d: scores[d][0])
    test = data_lib.make_batches(run.config, task.read_file(str(test_path)), tokenizer, training=False)
    test_ce, count = trigram_cross_entropy(scores[discount][1], test)
    return {"discount": discount, "validation": math.exp(scores[discount][0]), "test": math.exp(test_ce),
            "tokens": count}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1, help="seeds the sentence subset and its test part")
    parser.add_argument("--train-seeds", type=int, nargs="+", default=[42], help="train.seed of each run")
    parser.add_argument("--models", nargs="+", default=["lstm", "transformer"])
    parser.add_argument("--lstm-set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--transformer-set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--spa-eng", default=str(SPA_ENG), help="spa.txt (English<TAB>Spanish lines)")
    args = parser.parse_args(argv)
    if not pathlib.Path(args.spa_eng).is_file():
        sys.exit(f"{args.spa_eng} is not present (../shared/data beside this checkout)")

    from seqkit import runner
    from seqkit.config import load_config

    work = pathlib.Path(tempfile.mkdtemp(prefix="seqkit-next-word-"))
    unique, used, test = english_subset(args.spa_eng, args.sentences, args.seed, work)
    print(f"spa-eng English side: {unique} distinct sentences, {used} used (seed {args.seed}), {test} of them "
          f"the test file; 10% of the rest the validation split", flush=True)
    rows, run = [], None
    for kind in args.models:
        extra = args.lstm_set if kind == "lstm" else args.transformer_set
        print(f"{kind}: {' '.join(extra) or '(the recipe)'}", flush=True)
        for seed in args.train_seeds:
            config = load_config(
                [ROOT / "pipelines" / "next_word.yaml"],
                overrides=[f"model.decoder={kind}", f"train.epochs={args.epochs}", f"train.seed={seed}",
                           "decoding.num_samples=2", "data.probes=[]", *extra],
                data_overrides={"train": str(work / "train.txt"), "test": str(work / "test.txt")},
            )
            result = runner.fit(config, run_dir=work / f"{kind}-{seed}", verbose=0)
            m = result.metrics
            rows.append((kind, seed, result.epochs, m["validation"]["perplexity"], m["test"]["perplexity"],
                         m["test"]["top1_accuracy"], m["test"]["top5_accuracy"]))
            print(f"  seed {seed}: {result.epochs} epochs, validation {rows[-1][3]:.2f}, test {rows[-1][4]:.2f}",
                  flush=True)
            run = result.run
    baseline = trigram_report(run, work / "test.txt")
    print(f"\ntest tokens: {baseline['tokens']} (vocabulary {run.assets.vocabulary_size})")
    print("| model | train seed | epochs | validation perplexity | test perplexity | test top-1 | test top-5 |")
    print("|---|---|---|---|---|---|---|")
    for kind, seed, epochs, val, tst, top1, top5 in rows:
        print(f"| {kind} | {seed} | {epochs} | {val:.2f} | {tst:.2f} | {top1:.4f} | {top5:.4f} |")
    print(f"| trigram (interpolated Kneser-Ney, discount {baseline['discount']}) | - | - | "
          f"{baseline['validation']:.2f} | {baseline['test']:.2f} | - | - |")
    for kind in args.models:
        tests = [r[4] for r in rows if r[0] == kind]
        spread = f" +- {statistics.stdev(tests):.2f} (sd of {len(tests)} seeds)" if len(tests) > 1 else ""
        print(f"{kind}: test perplexity {statistics.mean(tests):.2f}{spread}; trigram {baseline['test']:.2f}")


if __name__ == "__main__":
    main()
