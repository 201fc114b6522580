"""Model-ready shapes: many-to-one (tokens, label) and encoder-decoder teacher forcing."""

import tensorflow as tf

from seqkit.data.batching import map_batched


def to_many_to_one(
    tokenizer,
    label_lookup,
    text_key="text",
    label_key="label",
    max_length=None,
    chunk_size=256,
):
    """Maps `{text, label}` dicts to `(token ids, label id)` pairs for classification.

    Tokenization runs on chunks of `chunk_size` strings (much faster than one
    call per string) and keeps the order.

    Args:
        tokenizer: callable, rank-1 `tf.string` -> `tf.RaggedTensor` of ids
            (a `seqkit.tokenizers.Tokenizer`).
        label_lookup: `tf.lookup` table from label strings to ids (see
            `make_label_lookup`), or None when the label column already holds
            integers (numeric dtype or decimal strings).
        text_key: str. Defaults to `"text"`.
        label_key: str. Defaults to `"label"`.
        max_length: int or None. Keep at most this many tokens (the first
            ones).
        chunk_size: int. Strings per tokenizer call. Defaults to `256`.

    Returns:
        A `dataset -> dataset` function giving `(ids int32 [length], label
        int32 [])`. Unknown labels come out as -1 (check them up front with
        `validate_csv`).
    """
    fn = many_to_one_fn(tokenizer, label_lookup, text_key, label_key, max_length)
    return map_batched(fn, chunk_size)


def many_to_one_fn(tokenizer, label_lookup, text_key="text", label_key="label", max_length=None):
    """The vectorized function behind `to_many_to_one`, for a batch of rows.

    Use it with `batch_and_map` to go from rows to padded batches without a
    function call per row:

        rows.apply(batch_and_map(many_to_one_fn(tok, labels), 64))

    Args: as `to_many_to_one`.

    Returns:
        A callable mapping `{text_key: tf.string [N], label_key: [N]}` to
        `(ids tf.RaggedTensor int32 [N, (T)], labels int32 [N])`.
    """
    _check_length(max_length=max_length)

    def fn(batch):
        ids = _as_ragged(tokenizer(batch[text_key]))
        if max_length is not None:
            ids = ids[:, :max_length]
        labels = batch[label_key]
        if label_lookup is not None:
            labels = label_lookup.lookup(labels)
        elif labels.dtype == tf.string:
            labels = tf.strings.to_number(labels, tf.int32)
        return ids, tf.cast(labels, tf.int32)

    return fn


def teacher_forcing(
    source_tokenizer,
    target_tokenizer,
    source_key="source",
    target_key="target",
    max_source_length=None,
    max_target_length=None,
    chunk_size=256,
):
    """Maps `{source, target}` pairs to encoder-decoder inputs with teacher forcing.

    With target tokens `t1 .. tn`, the decoder input is `[START] t1 .. tn` and
    the decoder target is `t1 .. tn [END]`: at step i the decoder sees the
    true previous token and predicts the next one. The source is tokenized
    without markers.

    Args:
        source_tokenizer: callable, rank-1 `tf.string` -> ragged ids.
        target_tokenizer: the same for the target side; its `start_id` and
            `end_id` are used.
        source_key: str. Defaults to `"source"`.
        target_key: str. Defaults to `"target"`.
        max_source_length: int or None. Truncate source ids.
        max_target_length: int or None. Length cap of the decoder input and
            target (the target tokens are cut to `max_target_length - 1`
            before the markers are added).
        chunk_size: int. Pairs per tokenizer call. Defaults to `256`.

    Returns:
        A `dataset -> dataset` function giving
        `({"encoder_inputs": ids, "decoder_inputs": ids}, target_ids)`, all
        int32 rank-1.
    """
    fn = teacher_forcing_fn(
        source_tokenizer, target_tokenizer, source_key, target_key, max_source_length,
        max_target_length,
    )
    return map_batched(fn, chunk_size)


def teacher_forcing_fn(source_tokenizer, target_tokenizer, source_key="source",
                       target_key="target", max_source_length=None, max_target_length=None):
    """The vectorized function behind `teacher_forcing`, for a batch of pairs.

    Use it with `batch_and_map` to go from pairs to padded batches without a
    function call per pair:

        pairs.apply(batch_and_map(teacher_forcing_fn(src_tok, tgt_tok), 64))

    Args: as `teacher_forcing`.

    Returns:
        A callable mapping `{source_key: tf.string [N], target_key: tf.string [N]}`
        to `({"encoder_inputs", "decoder_inputs"}, decoder_targets)`, ragged
        int32 `[N, (T)]`.
    """
    _check_length(max_source_length=max_source_length, max_target_length=max_target_length)
    if max_target_length is not None and max_target_length < 2:
        raise ValueError(f"`max_target_length` must be >= 2. Received: {max_target_length}")
    start_id = int(target_tokenizer.start_id)
    end_id = int(target_tokenizer.end_id)

    def fn(batch):
        source = _as_ragged(source_tokenizer(batch[source_key]))
        target = _as_ragged(target_tokenizer(batch[target_key]))
        if max_source_length is not None:
            source = source[:, :max_source_length]
        if max_target_length is not None:
            target = target[:, : max_target_length - 1]
        rows = target.nrows()
        start = tf.fill([rows, 1], tf.constant(start_id, tf.int32))
        end = tf.fill([rows, 1], tf.constant(end_id, tf.int32))
        decoder_inputs = tf.concat([start, target], axis=1)
        decoder_targets = tf.concat([target, end], axis=1)
        return {"encoder_inputs": source, "decoder_inputs": decoder_inputs}, decoder_targets

    return fn


def _as_ragged(ids):
    if not isinstance(ids, tf.RaggedTensor):
        ids = tf.RaggedTensor.from_tensor(ids, padding=0)
    return tf.cast(ids, tf.int32)


def _check_length(**values):
    for name, value in values.items():
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f"`{name}` must be a positive int or None. Received: {name}={value!r}")
