"""Attention maps of a trained translation run for one source sentence."""

import numpy as np
import tensorflow as tf

from seqkit.models.seq2seq import Seq2SeqDecoding
from seqkit.models.seq2seq import START_ID
from seqkit.tasks.translate.attention_map import plot_attention


def attention_weights(run, text, translation):
    """Teacher-forced attention of `run`'s model over `text` while it writes `translation`.

    Returns:
        `(weights (T + 1, S) or None, source tokens, output tokens + "[END]")`;
        None when the model has no attention (`model.decoder.attention: none`).
    """
    config = run.config
    source_tokenizer, target_tokenizer = run.assets.source_tokenizer, run.assets.target_tokenizer
    source = source_tokenizer.tokenize(tf.constant([text]))[:, : config.source_tokenizer.max_length]
    target = target_tokenizer.tokenize(tf.constant([translation]))
    target = target[:, : config.target_tokenizer.max_length - 1]
    source_ids = np.asarray(source.flat_values.numpy(), "int32")
    target_ids = np.asarray(target.flat_values.numpy(), "int32")
    source_tokens = [source_tokenizer.id_to_token(int(i)) for i in source_ids]
    target_tokens = [target_tokenizer.id_to_token(int(i)) for i in target_ids] + ["[END]"]
    decoding = Seq2SeqDecoding(run.model)
    decoder_inputs = np.concatenate([[START_ID], target_ids]).astype("int32")[None]
    weights = decoding.attention_scores(np.maximum(source_ids, 0)[None] if len(source_ids)
                                        else np.zeros((1, 1), "int32"), decoder_inputs)
    if weights is None:
        return None, source_tokens, target_tokens
    return np.asarray(weights)[0], source_tokens, target_tokens


def attention_plot(run, text, path, translation=None, beam_width=None):
    """Translates `text` (unless `translation` is given) and writes its attention map.

    Returns:
        the path written, or None when the model has no attention.
    """
    if translation is None:
        translation = run.task.translate(run, [text], beam_width=beam_width)[0]["translation"]
    weights, source_tokens, target_tokens = attention_weights(run, text, translation)
    if weights is None:
        return None
    return plot_attention(weights, source_tokens, target_tokens, path,
                          title=f"{text}\n-> {translation}")
