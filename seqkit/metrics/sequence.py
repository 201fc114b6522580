"""Metrics of generated text against references: sacreBLEU, chrF, exact match.

BLEU and chrF are computed by sacrebleu itself (Post, 2018, "A Call for
Clarity in Reporting BLEU Scores"), so the figures are the standard ones and
carry sacrebleu's signature (tokenizer, smoothing, version) for the report.
One reference per hypothesis. Inputs are lists of Python strings.
"""

import sacrebleu

DEFAULT_LENGTH_BUCKETS = (5, 10, 15, 20)


def _check_lengths(hypotheses, references):
    if len(hypotheses) != len(references):
        raise ValueError(
            "hypotheses and references must have the same length. Received: "
            f"{len(hypotheses)} hypotheses, {len(references)} references"
        )


def corpus_bleu(hypotheses, references, tokenize="13a"):
    """Corpus sacreBLEU (0-100) of `hypotheses` against one reference each.

    Args:
        hypotheses: list of str.
        references: list of str, aligned with `hypotheses`.
        tokenize: sacrebleu's tokenizer name. Defaults to `"13a"` (WMT's).

    Returns:
        `(score, signature)`: float and sacrebleu's signature string.
    """
    _check_lengths(hypotheses, references)
    metric = sacrebleu.BLEU(tokenize=tokenize)
    score = metric.corpus_score(list(hypotheses), [list(references)])
    return score.score, str(metric.get_signature())


def corpus_chrf(hypotheses, references):
    """Corpus chrF (character n-gram F-score, 0-100), sacrebleu's defaults.

    Returns:
        `(score, signature)`.
    """
    _check_lengths(hypotheses, references)
    metric = sacrebleu.CHRF()
    score = metric.corpus_score(list(hypotheses), [list(references)])
    return score.score, str(metric.get_signature())


def exact_match(hypotheses, references):
    """Fraction (0-1) of hypotheses equal to their reference after stripping
    surrounding whitespace and collapsing runs of spaces; 0.0 for no pairs."""
    _check_lengths(hypotheses, references)
    if not hypotheses:
        return 0.0
    same = sum(" ".join(h.split()) == " ".join(r.split()) for h, r in zip(hypotheses, references))
    return same / len(hypotheses)


def length_bucket_names(boundaries):
    """(5, 10) -> ["1-5", "6-10", "11+"]: inclusive word-count ranges."""
    names, low = [], 1
    for high in boundaries:
        names.append(f"{low}-{high}")
        low = high + 1
    names.append(f"{low}+")
    return names


def bleu_by_length(sources, hypotheses, references, boundaries=DEFAULT_LENGTH_BUCKETS,
                   tokenize="13a"):
    """Corpus BLEU within buckets of source length (whitespace-separated words).

    Args:
        sources: list of str, the inputs the hypotheses translate.
        hypotheses, references: lists of str aligned with `sources`.
        boundaries: increasing ints; bucket i holds sources of
            `boundaries[i-1] + 1 .. boundaries[i]` words, the last one the rest.
        tokenize: sacrebleu's tokenizer name.

    Returns:
        list of `{"bucket": "6-10", "count": n, "bleu": float or None}` in
        bucket order; `bleu` is None for an empty bucket.
    """
    _check_lengths(hypotheses, references)
    _check_lengths(sources, references)
    boundaries = list(boundaries)
    if boundaries != sorted(set(boundaries)) or (boundaries and boundaries[0] < 1):
        raise ValueError(
            f"boundaries must be increasing positive ints. Received: boundaries={boundaries}"
        )
    names = length_bucket_names(boundaries)
    grouped = [([], []) for _ in names]
    for source, hypothesis, reference in zip(sources, hypotheses, references):
        length = len(source.split())
        index = sum(length > b for b in boundaries)
        grouped[index][0].append(hypothesis)
        grouped[index][1].append(reference)
    rows = []
    for name, (hyps, refs) in zip(names, grouped):
        bleu = corpus_bleu(hyps, refs, tokenize)[0] if hyps else None
        rows.append({"bucket": name, "count": len(hyps), "bleu": bleu})
    return rows


def sequence_report(sources, hypotheses, references, boundaries=DEFAULT_LENGTH_BUCKETS,
                    tokenize="13a"):
    """All of the above in one JSON-able dict: bleu, chrf, exact_match,
    bleu_by_length and the sacrebleu signatures."""
    bleu, bleu_signature = corpus_bleu(hypotheses, references, tokenize)
    chrf, chrf_signature = corpus_chrf(hypotheses, references)
    return {
        "bleu": bleu,
        "chrf": chrf,
        "exact_match": exact_match(hypotheses, references),
        "count": len(hypotheses),
        "bleu_by_length": bleu_by_length(sources, hypotheses, references, boundaries, tokenize),
        "bleu_signature": bleu_signature,
        "chrf_signature": chrf_signature,
    }
