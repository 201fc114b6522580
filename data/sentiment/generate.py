"""Writes seqkit's default sentiment data set: `train.csv` and `test.csv` beside this file.

The sentences are templated movie-review fragments labelled `positive` or
`negative`. Besides plain statements ("the plot was gripping") they hold the
cases a bag-of-words model cannot get right and an order-aware model can:

- negation: "the film was not good" (negative), "the film was never boring"
  (positive), "the acting was not bad at all" (positive);
- contrast: "the plot was dull but the acting was superb" takes the polarity of
  the clause after "but"; "although the cast was great, the film was boring"
  that of the main clause. Swapping the clauses keeps the bag of words and flips
  the label.

The output is deterministic for a seed. Test sentences that also occur in the
training file are dropped, so test accuracy measures generalisation to new
combinations.

Usage:
    python3 data/sentiment/generate.py [--train 6000] [--test 1000] [--seed 13]
"""

import argparse
import csv
import os
import pathlib
import random
import tempfile

HERE = pathlib.Path(__file__).resolve().parent

SUBJECTS = [
    "the film", "this movie", "the acting", "the plot", "the story", "the ending",
    "the soundtrack", "the script", "the cast", "the dialogue", "the pacing",
    "the direction", "the cinematography", "the lead performance", "this picture",
    "the sequel", "the humour", "the final act",
]
VERBS = ["was", "is", "felt", "seemed"]
INTENSIFIERS = ["", "", "", "very", "really", "truly", "quite", "extremely", "so"]
POSITIVE = [
    "good", "great", "wonderful", "brilliant", "moving", "charming", "funny",
    "delightful", "excellent", "enjoyable", "beautiful", "gripping", "superb",
    "clever", "fresh", "memorable",
]
NEGATIVE = [
    "bad", "boring", "dull", "awful", "terrible", "weak", "predictable", "tedious",
    "clumsy", "forgettable", "painful", "messy", "bland", "silly", "flat", "slow",
]
# Negators that flip the polarity of the adjective that follows them.
NEGATORS = ["not", "never", "hardly", "not at all", "far from"]
OPENERS = ["", "", "", "honestly ", "overall ", "i thought ", "to be fair "]


def _clause(rng, polarity, negate):
    """One "<subject> <verb> [negator] [intensifier] <adjective>" clause and its polarity."""
    subject = rng.choice(SUBJECTS)
    verb = rng.choice(VERBS)
    # A negated clause uses an adjective of the opposite polarity.
    adjective_polarity = polarity if not negate else (not polarity)
    adjective = rng.choice(POSITIVE if adjective_polarity else NEGATIVE)
    if not negate:
        intensifier = rng.choice(INTENSIFIERS)
        words = [subject, verb, intensifier, adjective]
    else:
        negator = rng.choice(NEGATORS)
        if negator == "not at all":
            words = [subject, verb, "not", adjective, "at all"]
        else:
            words = [subject, verb, negator, adjective]
    return " ".join(w for w in words if w)


def make_example(rng):
    """Returns (sentence, label) with label "positive" or "negative"."""
    polarity = rng.random() < 0.5
    kind = rng.random()
    if kind < 0.25:  # plain statement
        text = _clause(rng, polarity, negate=False)
    elif kind < 0.5:  # negated statement
        text = _clause(rng, polarity, negate=True)
    elif kind < 0.8:  # "A but B": B decides
        first = _clause(rng, not polarity, negate=rng.random() < 0.3)
        second = _clause(rng, polarity, negate=rng.random() < 0.3)
        text = f"{first} but {second}"
    else:  # "although A, B": B decides
        first = _clause(rng, not polarity, negate=rng.random() < 0.3)
        second = _clause(rng, polarity, negate=rng.random() < 0.3)
        text = f"although {first}, {second}"
    text = rng.choice(OPENERS) + text
    return text, "positive" if polarity else "negative"


def _write_csv(path, rows):
    # Written to a temporary file first, then renamed into place.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["sentence", "label"])
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def generate(num_train, num_test, seed):
    rng = random.Random(seed)
    train = [make_example(rng) for _ in range(num_train)]
    seen = {text for text, _ in train}
    test = []
    while len(test) < num_test:
        text, label = make_example(rng)
        if text not in seen:
            seen.add(text)
            test.append((text, label))
    return train, test


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=6000, help="training rows")
    parser.add_argument("--test", type=int, default=1000, help="test rows")
    parser.add_argument("--seed", type=int, default=13, help="random seed")
    parser.add_argument("--out", type=pathlib.Path, default=HERE, help="output directory")
    args = parser.parse_args()
    train, test = generate(args.train, args.test, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    _write_csv(args.out / "train.csv", train)
    _write_csv(args.out / "test.csv", test)
    print(f"wrote {len(train)} training and {len(test)} test rows to {args.out}")


if __name__ == "__main__":
    main()
