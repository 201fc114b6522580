"""Writes seqkit's default translation data: `train.tsv` and `test.tsv` beside this file.

The "translation" turns spelled-out English dates into ISO 8601 dates:

    the twenty first of march , two thousand and five   ->   2005-03-21
    march the twenty first , nineteen eighty four       ->   1984-03-21
    december the third , nineteen oh seven              ->   1907-12-03

Every source has exactly one correct answer, so exact match near 100 % shows the
machinery (tokenizers, teacher forcing, decoding, export) is right. The task
has what makes attention useful on real text:

- variable-length inputs (4 to 10 words) in five phrasings;
- reordering: the year comes last in the source and first in the target, and
  the day and month swap places depending on the phrasing;
- one-to-many and many-to-one alignments: "twenty first" -> "21",
  "nineteen" -> "19", "two thousand and" -> "20".

Years run from 1900 to 2099 and are read the ways people say them ("nineteen
oh five", "two thousand and twelve", "twenty twelve"); only valid calendar
dates are produced. The output is deterministic for a seed. A test pair whose
date or source sentence also occurs in the training file is dropped, so test
exact match measures generalisation to unseen dates.

Files are tab-separated with a header `source<TAB>target`.

Usage:
    python3 data/translation/generate.py [--train 8000] [--test 1000] [--seed 7]
"""

import argparse
import calendar
import os
import pathlib
import random
import tempfile

HERE = pathlib.Path(__file__).resolve().parent

MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
]
UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = [
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
    "seventeen", "eighteen", "nineteen",
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
UNIT_ORDINALS = [
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
]
TEEN_ORDINALS = [
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
]
TENS_ORDINALS = {2: "twentieth", 3: "thirtieth"}


def cardinal(n):
    """1..99 in words: 21 -> "twenty one"."""
    if n < 10:
        return UNITS[n]
    if n < 20:
        return TEENS[n - 10]
    tens, units = divmod(n, 10)
    return TENS[tens] + (" " + UNITS[units] if units else "")


def ordinal(n):
    """1..31 in words: 21 -> "twenty first"."""
    if n < 10:
        return UNIT_ORDINALS[n]
    if n < 20:
        return TEEN_ORDINALS[n - 10]
    tens, units = divmod(n, 10)
    if not units:
        return TENS_ORDINALS[tens]
    return TENS[tens] + " " + UNIT_ORDINALS[units]


def spoken_year(rng, year):
    """A year the ways people say it: 1907 -> "nineteen oh seven"; 2012 -> "twenty twelve"."""
    century, rest = divmod(year, 100)
    if century == 19:
        if rest == 0:
            return "nineteen hundred"
        if rest < 10:
            return "nineteen oh " + UNITS[rest]
        return "nineteen " + cardinal(rest)
    # 2000..2099
    if rest == 0:
        return "two thousand"
    choices = ["two thousand and " + cardinal(rest), "two thousand " + cardinal(rest)]
    if rest >= 10:
        choices.append("twenty " + cardinal(rest))
    return rng.choice(choices)


def spoken_date(rng, year, month, day):
    """One of five phrasings of a date, lower-case words."""
    m, d, y = MONTHS[month - 1], ordinal(day), spoken_year(rng, year)
    forms = [
        f"the {d} of {m} {y}",
        f"the {d} of {m} , {y}",
        f"{m} the {d} , {y}",
        f"{m} {d} {y}",
        f"{d} {m} {y}",
    ]
    return rng.choice(forms)


def random_date(rng):
    year = rng.randint(1900, 2099)
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    return year, month, day


def make_pairs(rng, count, exclude_dates=(), exclude_sources=()):
    pairs, seen = [], set()
    while len(pairs) < count:
        date = random_date(rng)
        source = spoken_date(rng, *date)
        if date in exclude_dates or source in exclude_sources or source in seen:
            continue
        seen.add(source)
        pairs.append((source, "%04d-%02d-%02d" % date, date))
    return pairs


def write_tsv(path, pairs):
    """Writes `source<TAB>target` rows under a header, atomically."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write("source\ttarget\n")
        for source, target, _ in pairs:
            f.write(f"{source}\t{target}\n")
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=8000)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    train = make_pairs(rng, args.train)
    test = make_pairs(
        rng,
        args.test,
        exclude_dates={date for _, _, date in train},
        exclude_sources={source for source, _, _ in train},
    )
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_tsv(out / "train.tsv", train)
    write_tsv(out / "test.tsv", test)
    print(f"wrote {len(train)} training and {len(test)} test pairs to {out}")


if __name__ == "__main__":
    main()
