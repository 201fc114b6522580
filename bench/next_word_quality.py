"""Next-word prediction on real text: LSTM and Transformer language models against a
smoothed trigram baseline, perplexity on the same held-out sentences.

The English side of ../shared/data/translation/spa-eng/spa.txt, each sentence once,
a seeded subset (`--sentences`), goes through `pipelines/next_word.yaml` (word
tokenizer, 10% of the sentences held out by the task's split) once with
`model.decoder=lstm` and once with `model.decoder=transformer`. The baseline is an
interpolated Kneser-Ney trigram model (absolute discount 0.75) over the same token
ids ([START] sentence [END], the same vocabulary and [UNK]s), scored on exactly the
targets the neural models are scored on: the held-out windows, each token predicted
from the tokens before it in its window.

    flock /tmp/seqkit-bench.lock python3 bench/next_word_quality.py --sentences 20000
"""

import argparse
import collections
import math
import pathlib
import random
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPA_ENG = ROOT.parent / "shared" / "data" / "translation" / "spa-eng" / "spa.txt"


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


def english_subset(source, count, seed, path):
    seen, sentences = set(), []
    for line in pathlib.Path(source).read_text(encoding="utf-8").splitlines():
        english = line.split("\t")[0].strip()
        if english and english not in seen:
            seen.add(english)
            sentences.append(english)
    random.Random(seed).shuffle(sentences)
    sentences = sentences[:count]
    path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return len(seen), len(sentences)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--spa-eng", default=str(SPA_ENG), help="spa.txt (English<TAB>Spanish lines)")
    args = parser.parse_args(argv)
    if not pathlib.Path(args.spa_eng).is_file():
        sys.exit(f"{args.spa_eng} is not present (../shared/data beside this checkout)")

    import numpy as np

    from seqkit import runner
    from seqkit.config import load_config
    from seqkit.tasks.generate import data as data_lib

    work = pathlib.Path(tempfile.mkdtemp(prefix="seqkit-next-word-"))
    unique, used = english_subset(args.spa_eng, args.sentences, args.seed, work / "english.txt")
    print(f"spa-eng English side: {unique} distinct sentences, {used} used (seed {args.seed})")
    reports = {}
    run = None
    for kind in ("lstm", "transformer"):
        config = load_config(
            [ROOT / "pipelines" / "next_word.yaml"],
            overrides=[f"model.decoder={kind}", f"train.epochs={args.epochs}", "decoding.num_samples=2",
                       "data.probes=[]"],
            data_overrides={"train": str(work / "english.txt")},
        )
        result = runner.fit(config, run_dir=work / kind, verbose=0)
        reports[kind] = result.metrics["validation"]
        run = result.run
    # The trigram baseline on the same ids and the same held-out windows.
    task, tokenizer = run.task, run.assets
    train_docs, held_docs = task.read_training_data()
    stream = data_lib.token_stream(data_lib.texts_of(train_docs), tokenizer).tolist()
    model = KneserNeyTrigram(stream, int(tokenizer.vocabulary_size))
    batches = data_lib.make_batches(run.config, held_docs, tokenizer, training=False)
    nll, count = 0.0, 0
    for x, y in batches.dataset.unbatch().as_numpy_iterator():
        for t in range(len(y)):
            a = int(x[t - 1]) if t > 0 else None
            nll -= math.log(model.prob(a, int(x[t]), int(y[t])))
            count += 1
    reports["trigram (interpolated Kneser-Ney)"] = {"tokens": count, "cross_entropy": nll / count,
                                                  "perplexity": math.exp(nll / count)}
    print(f"\nheld-out tokens: {reports['lstm']['tokens']} (vocabulary {tokenizer.vocabulary_size})")
    print("| model | perplexity | cross-entropy | top-1 | top-5 |\n|---|---|---|---|---|")
    for name, r in reports.items():
        top = f"{r['top1_accuracy']:.4f} | {r['top5_accuracy']:.4f}" if "top1_accuracy" in r else "- | -"
        print(f"| {name} | {r['perplexity']:.2f} | {r['cross_entropy']:.4f} | {top} |")
    assert np.isfinite(reports["trigram (interpolated Kneser-Ney)"]["perplexity"])


if __name__ == "__main__":
    main()
