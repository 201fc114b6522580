"""Caption metrics: corpus BLEU-1..4 (sacreBLEU, every reference) and exact match."""

from sacrebleu.metrics import BLEU


def caption_metrics(hypotheses, references):
    """Scores generated captions against all references of each image.

    Args:
        hypotheses: list of str, one caption per image.
        references: list of lists of str, the references of each image (any
            number per image).

    Returns:
        dict: `bleu_1` .. `bleu_4` (sacreBLEU corpus BLEU with n-grams up to n,
        on a 0-1 scale, captions split on whitespace, no lower-casing beyond
        the tokenizer's) and `exact_match` (the fraction of images whose caption
        equals one of its references), and `images`.
    """
    if len(hypotheses) != len(references):
        raise ValueError(
            f"one hypothesis per image. Received: {len(hypotheses)} hypotheses, {len(references)} references"
        )
    width = max(len(r) for r in references)
    streams = [[r[i] if i < len(r) else None for r in references] for i in range(width)]
    metrics = {}
    for n in (1, 2, 3, 4):
        bleu = BLEU(max_ngram_order=n, tokenize="none", effective_order=False)
        metrics[f"bleu_{n}"] = bleu.corpus_score(list(hypotheses), streams).score / 100.0
    normal = [" ".join(h.split()) for h in hypotheses]
    matches = sum(h in {" ".join(x.split()) for x in r} for h, r in zip(normal, references))
    metrics["exact_match"] = matches / len(hypotheses)
    metrics["images"] = len(hypotheses)
    return metrics
