"""The classifier: embedding -> encoder (`seqkit.models`) -> pooling -> softmax head."""

import keras

from seqkit import layers
from seqkit import models


def _encode(model_config, x, mask):
    """[B, T, D] embedded tokens -> [B, F], by the configured encoder and pooling."""
    encoder = model_config.encoder
    pooling = model_config.pooling
    if encoder.kind == "transformer":
        x = models.transformer_encoder(
            x, mask, encoder.num_layers, encoder.num_heads, encoder.intermediate_dim,
            dropout=encoder.dropout, norm_first=encoder.norm_first,
            attention_window=encoder.attention_window,
        )
    else:
        x = models.recurrent_encoder(
            x, mask, encoder.kind, encoder.units, num_layers=encoder.num_layers,
            recurrent_dropout=encoder.recurrent_dropout, return_sequences=pooling != "last",
        )
        if pooling == "last":
            return x  # the final state
    return layers.SequencePooling(pooling, name="pooling")(x, mask=mask)


def build_classifier(config, vocabulary_size, unknown_id, num_classes):
    """The Keras classifier of `config.model`: int32 ids [B, T] (0 = padding) ->
    class probabilities [B, C].

    The softmax head runs in float32 whatever the dtype policy, so mixed
    precision never rounds the probabilities.
    """
    model_config = config.model
    encoder = model_config.encoder
    token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    ids = token_ids
    if model_config.token_dropout:
        ids = layers.TokenDropout(model_config.token_dropout, unknown_id=unknown_id, name="token_dropout")(ids)
    transformer = encoder.kind == "transformer"
    x = models.text_embedding(
        ids, vocabulary_size, model_config.embedding_dim,
        positional=encoder.positional if transformer else None,
        max_length=config.tokenizer.max_length,
        position_kernel_size=encoder.position_kernel_size if transformer else 3,
    )
    mask = keras.ops.not_equal(token_ids, 0)
    if model_config.dropout:
        x = keras.layers.Dropout(model_config.dropout, name="embedding_dropout")(x)
    x = _encode(model_config, x, mask)
    if model_config.dropout:
        x = keras.layers.Dropout(model_config.dropout, name="dropout")(x)
    probabilities = keras.layers.Dense(
        num_classes, activation="softmax", dtype="float32", name="probabilities"
    )(x)
    return keras.Model(token_ids, probabilities, name=f"classify_{encoder.kind}")
