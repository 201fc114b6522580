"""`unseen_split`: train / validation / test where no test source occurs in training."""

import random


def unseen_split(pairs, test_size, validation_size, seed, key=None):
    """Splits rows so that no test row's key (e.g. its source sentence) occurs in training.

    Rows are shuffled with `random.Random(seed)`. Test rows are drawn from the
    front of the shuffled list; a candidate whose key occurs more than once in
    the data is moved to the training part instead, so a test sentence is
    never one the model trained on (Tatoeba repeats an English sentence with
    several Spanish translations) and each test key appears once. Validation rows come
    next; the rest is training. Validation is not filtered: it only guides
    training.

    Args:
        pairs: list of rows (e.g. `(source, target)` tuples).
        test_size: int, test rows wanted (fewer when the data cannot give
            them).
        validation_size: int.
        seed: int.
        key: function row -> hashable; defaults to the row's first element.

    Returns:
        `(train, validation, test)` lists; together they hold every row once.

    >>> rows = [("a", 1), ("a", 2), ("b", 3), ("c", 4), ("d", 5)]
    >>> train, validation, test = unseen_split(rows, 2, 1, seed=0)
    >>> sorted(r[0] for r in test), len(train) + len(validation) + len(test)
    (['b', 'd'], 5)
    """
    key = key if key is not None else (lambda row: row[0])
    rows = list(pairs)
    random.Random(seed).shuffle(rows)
    counts = {}
    for row in rows:
        counts[key(row)] = counts.get(key(row), 0) + 1
    test, moved, rest = [], [], []
    for position, row in enumerate(rows):
        if len(test) >= test_size:
            rest.extend(rows[position:])
            break
        # A key seen more than once has a twin elsewhere: never a test row.
        (test if counts[key(row)] == 1 else moved).append(row)
    validation = rest[:validation_size]
    train = moved + rest[validation_size:]
    return train, validation, test
