"""`recurrent_encoder`: a stack of recurrent layers (uni- or bidirectional)."""

from seqkit import layers

RECURRENT_KINDS = ("rnn", "lstm", "gru", "bilstm")


def _layer(kind, units, name, index, **options):
    if kind == "rnn":
        return layers.SimpleRNN(units, name=name, **options)
    if kind == "gru":
        return layers.GRU(units, name=name, **options)
    if kind == "lstm":
        return layers.LSTM(units, name=name, **options)
    if kind == "bilstm":
        return layers.Bidirectional(layers.LSTM(units, name=f"lstm_{index}", **options), name=name)
    raise ValueError(f"kind must be one of {RECURRENT_KINDS}. Received: kind={kind!r}")


def recurrent_encoder(x, mask, kind, units, num_layers=1, recurrent_dropout=0.0,
                      return_sequences=True, return_state=False):
    """Runs `num_layers` recurrent layers of `kind` over `x`.

    Layers are named `<kind>_<index>` (a stack of several is
    `<kind>_stack`); every layer but the last returns sequences.

    Args:
        x: float tensor [batch, time, features].
        mask: bool tensor [batch, time] or None.
        kind: "rnn", "lstm", "gru" or "bilstm" (an LSTM each way, concatenated).
        units: int, units per layer (per direction for bilstm).
        num_layers: int. Defaults to 1.
        recurrent_dropout: float, variational dropout of h_{t-1}.
        return_sequences: bool, the last layer returns every step
            ([batch, time, F]) instead of the last one ([batch, F]).
        return_state: bool, also return the last layer's final states.

    Returns:
        The last layer's output; with `return_state`, `[output, *states]`.
    """
    stack = []
    for index in range(num_layers):
        last = index == num_layers - 1
        options = dict(
            return_sequences=return_sequences or not last, recurrent_dropout=recurrent_dropout
        )
        if last and return_state:
            options["return_state"] = True
        stack.append(_layer(kind, units, f"{kind}_{index}", index, **options))
    encoder = stack[0] if len(stack) == 1 else layers.StackedRecurrent(stack, name=f"{kind}_stack")
    return encoder(x, mask=mask)
