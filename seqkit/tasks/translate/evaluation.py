"""Evaluation of a translation run: decode the sources, score against the references."""

import numpy as np
import tensorflow as tf

from seqkit.metrics.sequence import sequence_report

DECODE_BATCH = 64
EXAMPLES = 10


def translate_texts(module, texts, batch_size=DECODE_BATCH):
    """Runs `module.serve` (a `TranslationServing`) over Python strings in batches."""
    translations = []
    for start in range(0, len(texts), batch_size):
        result = module.serve(tf.constant(texts[start:start + batch_size]))
        translations += [t.decode("utf-8") for t in result["translation"].numpy()]
    return translations


def read_pairs(dataset):
    sources, references = [], []
    for rows in dataset.batch(4096).as_numpy_iterator():
        sources += [s.decode("utf-8") for s in rows["source"]]
        references += [t.decode("utf-8") for t in rows["target"]]
    return sources, references


def reference_text(tokenizer, references):
    """The references as the target tokenizer normalizes them (detokenize(tokenize(x)))."""
    if not references:
        return []
    ids = tokenizer.tokenize(tf.constant(references))
    return [t.decode("utf-8") for t in tokenizer.detokenize(ids).numpy()]


def report(run, batches, module, title="validation"):
    """sacreBLEU, chrF, exact match, BLEU by source length and example rows, plus the
    teacher-forced loss and token accuracy over `batches`.

    BLEU, chrF and exact match are computed twice: against the raw
    references (`bleu`, ...) and against the references as the target
    tokenizer normalizes them (`normalized`: a word tokenizer lower-cases
    and spaces punctuation, so its outputs can never equal the raw text; for
    SentencePiece the two agree up to Unicode normalization).
    """
    sources, references = read_pairs(batches.pairs)
    hypotheses = translate_texts(module, sources)
    result = sequence_report(sources, hypotheses, references)
    normalized = reference_text(run.assets.target_tokenizer, references)
    normal = sequence_report(sources, hypotheses, normalized)
    result["normalized"] = {k: normal[k] for k in ("bleu", "chrf", "exact_match")}
    result.update(teacher_forced_metrics(run.model, batches.dataset))
    result["title"] = title
    result["examples"] = [
        {"source": s, "reference": r, "translation": h}
        for s, r, h in list(zip(sources, references, hypotheses))[:EXAMPLES]
    ]
    return result


def teacher_forced_metrics(model, dataset):
    """Token-weighted loss (no label smoothing) and token accuracy over `dataset`.

    Computed here rather than with `model.evaluate`: a model loaded from a
    run directory is not compiled.
    """
    from seqkit.training.sequence_loss import MaskedSequenceLoss
    from seqkit.training.sequence_loss import MaskedTokenAccuracy

    loss_fn, accuracy = MaskedSequenceLoss(), MaskedTokenAccuracy()
    total, tokens = 0.0, 0.0
    for inputs, targets in dataset:
        logits = model(inputs, training=False)
        count = float(np.sum(targets.numpy() != 0))
        total += float(loss_fn(targets, logits)) * count
        tokens += count
        accuracy.update_state(targets, logits)
    return {"loss": total / max(tokens, 1.0), "token_accuracy": float(accuracy.result())}


def summarize(report):
    normal = report.get("normalized", {})
    return (
        f"BLEU {report['bleu']:.2f}  chrF {report['chrf']:.2f}  exact match "
        f"{report['exact_match']:.4f}  (normalized references: BLEU {normal.get('bleu', 0):.2f}, "
        f"exact {normal.get('exact_match', 0):.4f})  {report['count']} pairs"
    )


def format_report(report):
    lines = [summarize(report), "", "BLEU by source length (words):"]
    for row in report["bleu_by_length"]:
        bleu = "-" if row["bleu"] is None else f"{row['bleu']:.2f}"
        lines.append(f"  {row['bucket']:>6}  {row['count']:6d} pairs  BLEU {bleu}")
    lines += ["", report["bleu_signature"], report["chrf_signature"], "", "examples:"]
    for example in report["examples"]:
        lines += [f"  source:      {example['source']}",
                  f"  reference:   {example['reference']}",
                  f"  translation: {example['translation']}", ""]
    return "\n".join(lines).rstrip()


def source_tokens(tokenizer, text, max_length):
    ids = tokenizer.tokenize(tf.constant([text]))[:, :max_length]
    ids = np.asarray(ids.flat_values.numpy(), dtype="int32")
    return ids, [tokenizer.id_to_token(int(i)) for i in ids]
