"""Encoder-decoder models: the teacher-forced training graph and incremental decoding.

`seq2seq_model(...)` builds a functional `keras.Model`
`{"encoder_inputs": (B, S), "decoder_inputs": (B, T)} -> logits (B, T, V)` from seqkit's
layers, with named layers:

- `architecture="rnn"`: `source_embedding` -> `encoder` (a `Recurrent` cell
  returning its sequence and final states) -> `decoder`
  (`RecurrentDecoder`, started from the encoder's final states, attending
  to the encoder sequence unless `attention="none"`).
- `architecture="transformer"`: `source_embedding` (scaled by sqrt(d)) +
  `source_positions` -> `encoder_block_<i>` -> `decoder`
  (`TransformerDecoder`).

The source padding mask (`source != [PAD]`) is computed once and passed
explicitly to every attention over the source.

`Seq2SeqDecoding(model)` takes such a model (built or loaded from
`model.keras`) and gives what inference needs, over the same weights:
`encode(source)` -> the decoding cache, `next(prompt, cache, index)` in the
samplers' contract (`seqkit.samplers`), `translate(source, sampler, ...)` and
`attention_scores(source, target_in)` for attention maps.

The cache is a dict whose every tensor has the batch on axis 0, so a beam
search can repeat and reorder it: `memory` (B, S, D), `memory_mask` (B, S)
and `state` (the recurrent decoder's state nest, or the Transformer's stacked
key/value cache).
"""

import keras
from keras import ops

from seqkit import layers
from seqkit.models.recurrent_decoder import CELLS
from seqkit.models.recurrent_decoder import RecurrentDecoder
from seqkit.models.transformer_decoder import TransformerDecoder

ARCHITECTURES = ("rnn", "transformer")
START_ID, END_ID, PAD_ID = 2, 3, 0


def _rnn_encoder(source, source_vocabulary_size, embedding_dim, cell, units, dropout):
    x = keras.layers.Embedding(
        source_vocabulary_size, embedding_dim, mask_zero=True, name="source_embedding"
    )(source)
    if dropout:
        x = keras.layers.Dropout(dropout, name="source_dropout")(x)
    outputs = layers.Recurrent(
        CELLS[cell](units), return_sequences=True, return_state=True, name="encoder"
    )(x)
    return outputs[0], list(outputs[1:])


def _transformer_encoder(source, mask, source_vocabulary_size, hidden_dim, max_length,
                         num_layers, num_heads, intermediate_dim, positions, dropout,
                         norm_first):
    x = keras.layers.Embedding(source_vocabulary_size, hidden_dim, name="source_embedding")(source)
    x = x * float(hidden_dim) ** 0.5
    if positions == "learned":
        position_layer = layers.PositionEmbedding(max_length, name="source_positions")
    else:
        position_layer = layers.SinusoidalPositionEncoding(name="source_positions")
    x = x + position_layer(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="source_dropout")(x)
    for i in range(num_layers):
        x = layers.TransformerEncoderBlock(
            num_heads, intermediate_dim, dropout=dropout, norm_first=norm_first,
            name=f"encoder_block_{i}",
        )(x, padding_mask=mask)
    if norm_first:
        x = keras.layers.LayerNormalization(epsilon=1e-5, name="encoder_final_norm")(x)
    return x


def seq2seq_model(
    source_vocabulary_size,
    target_vocabulary_size,
    architecture="rnn",
    embedding_dim=64,
    units=128,
    cell="gru",
    attention="additive",
    input_feeding=False,
    num_layers=2,
    num_heads=4,
    intermediate_dim=None,
    max_source_length=64,
    max_target_length=64,
    positions="sinusoidal",
    norm_first=False,
    dropout=0.0,
    name="seq2seq",
):
    """Builds the teacher-forced encoder-decoder (see the module docstring).

    Args:
        source_vocabulary_size, target_vocabulary_size: int.
        architecture: `"rnn"` or `"transformer"`.
        embedding_dim: int, embedding size (rnn). The Transformer uses
            `units` as its model dimension d for embeddings and blocks.
        units: int, recurrent state size (rnn) or d (transformer).
        cell, attention, input_feeding: see `RecurrentDecoder` (rnn).
        num_layers, num_heads, intermediate_dim, positions, norm_first:
            Transformer encoder and decoder (each has `num_layers` blocks).
        max_source_length, max_target_length: the longest sequences
            (learned positions; the decoder's cache length).
        dropout: float.

    Returns:
        A `keras.Model` with inputs `encoder_inputs` (source ids) and `decoder_inputs`
        (`[START]` + target ids, from `seqkit.data.teacher_forcing`).
    """
    if architecture not in ARCHITECTURES:
        raise ValueError(
            f"`architecture` must be one of {list(ARCHITECTURES)}. Received: architecture={architecture!r}"
        )
    source = keras.Input((None,), dtype="int32", name="encoder_inputs")
    target_in = keras.Input((None,), dtype="int32", name="decoder_inputs")
    mask = ops.not_equal(source, PAD_ID)
    if architecture == "rnn":
        memory, states = _rnn_encoder(
            source, source_vocabulary_size, embedding_dim, cell, units, dropout
        )
        decoder = RecurrentDecoder(
            target_vocabulary_size, embedding_dim, cell=cell, units=units, attention=attention,
            input_feeding=input_feeding, dropout=dropout, name="decoder",
        )
        logits = decoder(target_in, memory, mask, states)
    else:
        intermediate_dim = intermediate_dim if intermediate_dim is not None else 4 * units
        memory = _transformer_encoder(
            source, mask, source_vocabulary_size, units, max_source_length, num_layers,
            num_heads, intermediate_dim, positions, dropout, norm_first,
        )
        decoder = TransformerDecoder(
            target_vocabulary_size, units, max_target_length, num_layers=num_layers,
            num_heads=num_heads, intermediate_dim=intermediate_dim, positions=positions,
            dropout=dropout, norm_first=norm_first, name="decoder",
        )
        logits = decoder(target_in, memory, mask)
    return keras.Model({"encoder_inputs": source, "decoder_inputs": target_in}, logits, name=name)


class Seq2SeqDecoding:
    """Inference over a model from `seq2seq_model`: encode once, then decode step by step.

    Args:
        model: the `keras.Model` (built, trained or loaded).
        max_target_length: int, the longest output (tokens, `[END]` included).
            Defaults to the Transformer decoder's `max_length`, else `64`.
    """

    def __init__(self, model, max_target_length=None):
        self.model = model
        self.decoder = model.get_layer("decoder")
        self.recurrent = isinstance(self.decoder, RecurrentDecoder)
        source = model.input["encoder_inputs"]
        if self.recurrent:
            encoder_outputs = model.get_layer("encoder").output
            outputs = {"memory": encoder_outputs[0], "states": list(encoder_outputs[1:])}
        else:
            blocks = [l for l in model.layers if l.name.startswith("encoder_block_")]
            last = "encoder_final_norm" if _has_layer(model, "encoder_final_norm") else blocks[-1].name
            outputs = {"memory": model.get_layer(last).output}
        self.encoder = keras.Model(source, outputs, name="encoder_model")
        if max_target_length is None:
            max_target_length = 64 if self.recurrent else self.decoder.max_length
        self.max_target_length = max_target_length

    def encode(self, source):
        """Source ids `(B, S)` -> the decoding cache (see the module docstring)."""
        source = ops.convert_to_tensor(source, "int32")
        outputs = self.encoder(source)
        # A fresh tensor: the cache carries the mask explicitly, not as a Keras mask.
        memory = ops.add(outputs["memory"], 0.0)
        memory_mask = ops.not_equal(source, PAD_ID)
        if self.recurrent:
            state = self.decoder.initial_decoder_state(outputs["states"])
        else:
            state = self.decoder.get_initial_cache(ops.shape(source)[0])
        return {"memory": memory, "memory_mask": memory_mask, "state": state}

    def next(self, prompt, cache, index):
        """The samplers' `next_fn`: logits of position `index` from the token at `index - 1`."""
        position = index - 1
        token_ids = ops.take(prompt, position, axis=1)
        if self.recurrent:
            logits, state, _ = self.decoder.step(
                token_ids, cache["state"], cache["memory"], cache["memory_mask"]
            )
        else:
            logits, state = self.decoder.step(
                token_ids, cache["state"], position, cache["memory"], cache["memory_mask"]
            )
        return logits, None, {**cache, "state": state}

    def translate(self, source, sampler, max_length=None):
        """Decodes target ids for source ids `(B, S)` with `sampler`.

        Args:
            source: int `(B, S)`.
            sampler: a `seqkit.samplers` sampler (any callable with its
                contract).
            max_length: int, output tokens at most (`[END]` included).
                Defaults to `max_target_length`.

        Returns:
            int `(B, max_length)`: the generated tokens (without `[START]`),
            `[END]` then padding once a row ended.
        """
        max_length = self.max_target_length if max_length is None else max_length
        source = ops.convert_to_tensor(source, "int32")
        batch = ops.shape(source)[0]
        prompt = ops.concatenate(
            [ops.full((batch, 1), START_ID, "int32"), ops.zeros((batch, max_length), "int32")],
            axis=1,
        )
        mask = ops.concatenate(
            [ops.ones((batch, 1), "bool"), ops.zeros((batch, max_length), "bool")], axis=1
        )
        cache = self.encode(source)
        tokens = sampler(self.next, prompt, cache=cache, index=1, mask=mask, end_token_id=END_ID)
        return tokens[:, 1:]

    def attention_scores(self, source, target_in):
        """Teacher-forced attention weights `(B, T, S)` over the source (None without attention).

        For the Transformer: the last decoder block's cross-attention,
        averaged over heads.
        """
        source = ops.convert_to_tensor(source, "int32")
        target_in = ops.convert_to_tensor(target_in, "int32")
        outputs = self.encoder(source)
        memory = ops.add(outputs["memory"], 0.0)
        mask = ops.not_equal(source, PAD_ID)
        if self.recurrent:
            return self.decoder.attention_scores(target_in, memory, mask, outputs["states"])
        return self.decoder.attention_scores(target_in, memory, mask)


def _has_layer(model, name):
    return any(layer.name == name for layer in model.layers)
