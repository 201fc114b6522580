"""The translation serving module: source strings in, translations out, all in-graph."""

import tensorflow as tf

from seqkit.models.seq2seq import Seq2SeqDecoding
from seqkit.samplers import get_sampler


def decoding_sampler(beam_width, length_penalty):
    """Greedy for `beam_width == 1` (the same output, a cheaper loop), beam search otherwise."""
    if beam_width == 1:
        return get_sampler("greedy")
    return get_sampler("beam", beam_width=beam_width, length_penalty=length_penalty)


def source_ids(tokenizer, text, max_length):
    """Tokenizes a batch of strings -> `(ids int32 [B, max(1, S)], lengths int32 [B])`.

    Sources longer than `max_length` tokens are cut to their first
    `max_length`; `lengths` are the lengths before the cut. A padding column
    is kept even when every source is empty, so the encoder always sees at
    least one (masked) step.
    """
    ids = tokenizer.tokenize(text)
    if not isinstance(ids, tf.RaggedTensor):
        ids = tf.RaggedTensor.from_tensor(ids, padding=0)
    lengths = tf.cast(ids.row_lengths(), tf.int32)
    dense = tf.cast(ids[:, :max_length], tf.int32).to_tensor(default_value=0)
    width = tf.maximum(tf.shape(dense)[1], 1)
    dense = tf.pad(dense, [[0, 0], [0, width - tf.shape(dense)[1]]])
    return dense, lengths


def target_text(tokenizer, ids):
    """Generated ids `[B, T]` (`[END]` then padding) -> strings; `[END]` dropped."""
    ids = tf.where(tf.equal(ids, tokenizer.end_id), tf.zeros_like(ids), ids)
    return tokenizer.detokenize(ids)


class TranslationServing(tf.Module):
    """`serve(text: tf.string [N]) -> {"translation": tf.string [N], "source_tokens": int32 [N]}`.

    Tokenization of the source, encoding, the decoding loop (greedy or beam
    search with a fixed width and length penalty) and detokenization all run
    as TF ops, so the SavedModel needs no Python. An empty source gives an
    empty translation; a source longer than `max_source_length` tokens is
    cut to its first `max_source_length` (`source_tokens` reports the length
    before the cut, so callers can warn).

    Args:
        model: the trained `seq2seq_model`.
        source_tokenizer, target_tokenizer: `seqkit.tokenizers.Tokenizer`s.
        max_source_length: int.
        max_target_length: int, generated tokens at most (`[END]` included).
        beam_width: int >= 1.
        length_penalty: float >= 0.
    """

    def __init__(self, model, source_tokenizer, target_tokenizer, max_source_length,
                 max_target_length, beam_width=4, length_penalty=0.6):
        super().__init__(name="translation_serving")
        # Tracked attributes: tf.saved_model.save captures the tokenizers'
        # tables and the model's variables through them.
        self.model = model
        self.source_tokenizer = source_tokenizer
        self.target_tokenizer = target_tokenizer
        self.max_source_length = int(max_source_length)
        self.max_target_length = int(max_target_length)
        self.beam_width = int(beam_width)
        self.length_penalty = float(length_penalty)
        self._decoding = Seq2SeqDecoding(model, max_target_length=self.max_target_length)
        self._sampler = decoding_sampler(self.beam_width, self.length_penalty)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
    def serve(self, text):
        ids, lengths = source_ids(self.source_tokenizer, text, self.max_source_length)
        tokens = self._decoding.translate(ids, self._sampler)
        translation = target_text(self.target_tokenizer, tokens)
        translation = tf.where(lengths > 0, translation, tf.zeros_like(translation))
        return {"translation": translation, "source_tokens": lengths}
