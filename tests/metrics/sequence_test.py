"""seqkit.metrics.sequence against sacrebleu itself and against BLEU computed by hand."""

import math
import random

import pytest
import sacrebleu

from seqkit.metrics import sequence


def _corpus(seed, size=40):
    rng = random.Random(seed)
    words = "the a cat dog sat on mat big small red el la gato perro rojo , .".split()
    references, hypotheses, sources = [], [], []
    for _ in range(size):
        ref = [rng.choice(words) for _ in range(rng.randint(1, 14))]
        hyp = [w if rng.random() < 0.7 else rng.choice(words) for w in ref]
        if rng.random() < 0.3:
            hyp = hyp[: rng.randint(0, len(hyp))]
        references.append(" ".join(ref))
        hypotheses.append(" ".join(hyp))
        sources.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))))
    return sources, hypotheses, references


def test_bleu_by_hand():
    # Clipped n-gram precisions 5/6, 3/5, 2/4, 1/3; equal lengths so BP = 1.
    score, signature = sequence.corpus_bleu(["the cat sat on the mat"], ["the cat sat on a mat"])
    expected = 100 * math.exp(sum(map(math.log, (5 / 6, 3 / 5, 2 / 4, 1 / 3))) / 4)
    assert score == pytest.approx(expected, abs=1e-9)
    assert "tok:13a" in signature


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bleu_and_chrf_equal_sacrebleu(seed):
    _, hyps, refs = _corpus(seed)
    assert sequence.corpus_bleu(hyps, refs)[0] == sacrebleu.corpus_bleu(hyps, [refs]).score
    assert sequence.corpus_chrf(hyps, refs)[0] == sacrebleu.corpus_chrf(hyps, [refs]).score
    assert sequence.corpus_bleu(hyps, refs, tokenize="char")[0] == (
        sacrebleu.corpus_bleu(hyps, [refs], tokenize="char").score
    )


def test_exact_match_ignores_spacing_only():
    hyps = ["2005-03-21", " el gato  negro ", "el gato", ""]
    refs = ["2005-03-21", "el gato negro", "El gato", ""]
    assert sequence.exact_match(hyps, refs) == 0.75
    assert sequence.exact_match([], []) == 0.0


def test_bleu_by_length_buckets_equal_sacrebleu_on_each_subset():
    sources, hyps, refs = _corpus(3, size=60)
    rows = sequence.bleu_by_length(sources, hyps, refs, boundaries=(5, 10))
    assert [row["bucket"] for row in rows] == ["1-5", "6-10", "11+"]
    assert sum(row["count"] for row in rows) == 60
    for row, (low, high) in zip(rows, [(1, 5), (6, 10), (11, 10**6)]):
        keep = [i for i, s in enumerate(sources) if low <= len(s.split()) <= high]
        assert row["count"] == len(keep)
        expected = sacrebleu.corpus_bleu([hyps[i] for i in keep], [[refs[i] for i in keep]])
        assert row["bleu"] == expected.score


def test_empty_bucket_has_no_score():
    rows = sequence.bleu_by_length(["a b"], ["w x y z"], ["w x y z"], boundaries=(5,))
    assert [(r["bucket"], r["count"]) for r in rows] == [("1-5", 1), ("6+", 0)]
    assert rows[0]["bleu"] == pytest.approx(100.0)
    assert rows[1]["bleu"] is None


def test_report_and_bad_arguments():
    sources, hyps, refs = _corpus(4, size=10)
    report = sequence.sequence_report(sources, hyps, refs)
    assert report["bleu"] == sacrebleu.corpus_bleu(hyps, [refs]).score
    assert report["chrf"] == sacrebleu.corpus_chrf(hyps, [refs]).score
    assert report["count"] == 10
    with pytest.raises(ValueError, match="same length"):
        sequence.corpus_bleu(["a"], [])
    with pytest.raises(ValueError, match="increasing"):
        sequence.bleu_by_length(["a"], ["a"], ["a"], boundaries=(5, 3))
