"""Writes the fixed Tatoeba English -> Spanish split for `pipelines/tatoeba_en_es.yaml`.

Reads `spa.txt` (source<TAB>target<TAB>attribution lines), drops pairs with
an empty side, and splits with `seqkit.data.unseen_split` (seed 1234): 2,000
test pairs whose English side occurs nowhere else in the file (so never in
training), 2,000 validation pairs, the rest for training. Writes
`train.txt`, `validation.txt`, `test.txt` as `source<TAB>target` lines.

Usage:
    python3 data/translation/split_tatoeba.py [--data ../shared/data/translation/spa-eng/spa.txt]
        [--out data/tatoeba] [--seed 1234]
"""

import argparse
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from seqkit.data.parallel_text import complete_pairs  # noqa: E402
from seqkit.data.unseen_split import unseen_split  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "translation" / "spa-eng" / "spa.txt"



def write_pairs(path, pairs):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        for source, target in pairs:
            f.write(f"{source}\t{target}\n")
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--out", default=str(ROOT / "data" / "tatoeba"))
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--test", type=int, default=2000)
    parser.add_argument("--validation", type=int, default=2000)
    args = parser.parse_args(argv)
    train, validation, test = unseen_split(complete_pairs(args.data), args.test, args.validation,
                                           seed=args.seed)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, pairs in (("train", train), ("validation", validation), ("test", test)):
        write_pairs(out / f"{name}.txt", pairs)
    print(f"wrote {len(train)} train, {len(validation)} validation, {len(test)} test pairs to {out}")


if __name__ == "__main__":
    main()
