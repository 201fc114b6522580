"""`transformer_encoder`: a stack of `TransformerEncoderBlock`s."""

from seqkit import layers


def transformer_encoder(x, mask, num_layers, num_heads, intermediate_dim, dropout=0.0,
                        norm_first=False, attention_window=None):
    """Runs `num_layers` encoder blocks, named `transformer_<index>`, over `x`.

    Args:
        x: float tensor [batch, time, features] (positions already added).
        mask: bool tensor [batch, time] or None (padding mask).
        num_layers / num_heads / intermediate_dim / dropout / norm_first /
            attention_window: `seqkit.layers.TransformerEncoderBlock`'s.

    Returns:
        float tensor [batch, time, features].
    """
    for index in range(num_layers):
        x = layers.TransformerEncoderBlock(
            num_heads=num_heads,
            intermediate_dim=intermediate_dim,
            dropout=dropout,
            norm_first=norm_first,
            attention_window=attention_window,
            name=f"transformer_{index}",
        )(x, padding_mask=mask)
    return x
