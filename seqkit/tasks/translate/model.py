"""The translate task's model: `seq2seq_model` from the config's model section."""

from seqkit.models.seq2seq import seq2seq_model


def build_translator(config, source_vocabulary_size, target_vocabulary_size):
    """The teacher-forced encoder-decoder the config describes."""
    model = config.model
    encoder = model.encoder
    options = dict(
        source_vocabulary_size=source_vocabulary_size,
        target_vocabulary_size=target_vocabulary_size,
        units=encoder.units,
        dropout=model.dropout,
        max_source_length=config.source_tokenizer.max_length,
        max_target_length=config.target_tokenizer.max_length,
        name="translator",
    )
    if encoder.kind == "transformer":
        return seq2seq_model(
            architecture="transformer", num_layers=encoder.num_layers,
            num_heads=encoder.num_heads, intermediate_dim=encoder.intermediate_dim,
            positions=encoder.positional, norm_first=encoder.norm_first, **options,
        )
    return seq2seq_model(
        architecture="rnn", cell=encoder.kind, embedding_dim=model.embedding_dim,
        attention=model.decoder.attention, input_feeding=model.decoder.input_feeding, **options,
    )
