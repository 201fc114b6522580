"""`RecurrentDecoder`: an RNN decoder over encoder states, with or without attention."""

import keras
from keras import ops
from keras import tree

from seqkit import layers
from seqkit.layers._scan import scan

CELLS = {"rnn": layers.SimpleRNNCell, "gru": layers.GRUCell, "lstm": layers.LSTMCell}
ATTENTION_KINDS = ("none", "additive", "dot", "general")


@keras.saving.register_keras_serializable(package="seqkit")
class RecurrentDecoder(keras.layers.Layer):
    """Target token ids -> next-token logits, one recurrent cell step per token.

    The decoder embeds the previous target token `y_{t-1}`, runs one step of
    its cell and projects to the target vocabulary. What it sees of the
    source depends on `attention`:

    - `"none"`: only the encoder's final state, as the decoder's initial
      state (Sutskever et al. 2014, Cho et al. 2014): the whole source has to
      pass through that one vector -- the bottleneck.
          s_t = cell([E y_{t-1}], s_{t-1});   o_t = s_t
    - `"additive"` (Bahdanau et al. 2015): before the step, the previous
      state attends over all encoder states.
          c_t = attend(s_{t-1}, H);  s_t = cell([E y_{t-1}; c_t], s_{t-1})
          o_t = tanh(W_c [s_t; c_t])
    - `"dot"` / `"general"` (Luong et al. 2015): after the step, the new state
      attends (score `s_tᵀ h` or `s_tᵀ W h`).
          s_t = cell([E y_{t-1}], s_{t-1});  c_t = attend(s_t, H)
          o_t = tanh(W_c [c_t; s_t])
    - `input_feeding=True` (attention kinds only; Luong et al. 2015, 3.3)
      also feeds the previous attentional vector `o_{t-1}` into the step,
      so that past alignment decisions inform the next one.

    Logits are `W_o o_t + b`. Attention never looks at padded source
    positions: `memory_mask` is applied explicitly (not through Keras mask
    propagation), so the incremental `step` masks exactly as the full pass.

    The full teacher-forced pass (`call`) and the incremental `step` run the
    same `_step` function; `call` scans it over time (`seqkit.layers._scan.scan`,
    a loop whose gradient XLA compiles on every backend).

    Args:
        vocabulary_size: int, size of the target vocabulary.
        embedding_dim: int, size of the target embeddings.
        cell: `"rnn"`, `"gru"` or `"lstm"`. Defaults to `"gru"`.
        units: int, size of the cell state; must match the encoder's (its
            final state starts the decoder). Defaults to `128`.
        attention: one of `"none"`, `"additive"`, `"dot"`, `"general"`.
            Defaults to `"additive"`.
        attention_units: int, hidden size of the additive score. Defaults to
            `units`.
        input_feeding: bool. Defaults to `False`.
        dropout: float, dropout on the embeddings and on `o_t` in training.
            Defaults to `0.0`.
        **kwargs: base layer arguments.

    Call arguments:
        target_ids: int `(B, T)`, the decoder inputs (`[START] y_1 .. y_{T-1}`).
        memory: float `(B, S, D)`, the encoder outputs.
        memory_mask: bool `(B, S)`, True at real source positions.
        initial_state: list of the cell's state tensors, e.g. the encoder's
            final states.
        training: bool.

    Returns:
        logits `(B, T, vocabulary_size)`.

    References:
        Sutskever, Vinyals, Le, 2014, https://arxiv.org/abs/1409.3215;
        Cho et al., 2014, https://arxiv.org/abs/1406.1078;
        Bahdanau, Cho, Bengio, 2015, https://arxiv.org/abs/1409.0473;
        Luong, Pham, Manning, 2015, https://arxiv.org/abs/1508.04025
    """

    def __init__(
        self,
        vocabulary_size,
        embedding_dim,
        cell="gru",
        units=128,
        attention="additive",
        attention_units=None,
        input_feeding=False,
        dropout=0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if cell not in CELLS:
            raise ValueError(f"`cell` must be one of {sorted(CELLS)}. Received: cell={cell!r}")
        if attention not in ATTENTION_KINDS:
            raise ValueError(
                f"`attention` must be one of {list(ATTENTION_KINDS)}. Received: attention={attention!r}"
            )
        if input_feeding and attention == "none":
            raise ValueError(
                "`input_feeding` feeds the attentional vector back and needs attention. "
                "Received: input_feeding=True, attention='none'"
            )
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.cell = cell
        self.units = units
        self.attention = attention
        self.attention_units = attention_units if attention_units is not None else units
        self.input_feeding = bool(input_feeding)
        self.dropout = dropout
        self.embedding = keras.layers.Embedding(
            vocabulary_size, embedding_dim, dtype=self.dtype_policy, name="embedding"
        )
        self.recurrent_cell = CELLS[cell](units, dtype=self.dtype_policy, name="cell")
        self.attention_layer = None
        self.combine = None
        if attention == "additive":
            self.attention_layer = layers.AdditiveAttention(
                self.attention_units, dtype=self.dtype_policy, name="attention"
            )
        elif attention in ("dot", "general"):
            self.attention_layer = layers.DotAttention(
                score=attention, dtype=self.dtype_policy, name="attention"
            )
        if attention != "none":
            self.combine = keras.layers.Dense(
                units, activation="tanh", use_bias=False, dtype=self.dtype_policy, name="combine"
            )
        self.dropout_layer = keras.layers.Dropout(dropout, dtype=self.dtype_policy)
        # The logits stay float32 under a mixed policy (softmax and loss in float32).
        self.output_projection = keras.layers.Dense(vocabulary_size, dtype="float32", name="output_projection")

    def build(self, target_ids_shape, memory_shape=None, memory_mask_shape=None,
              initial_state_shape=None):
        batch = target_ids_shape[0]
        self.embedding.build(target_ids_shape)
        cell_input = self.embedding_dim
        if self.attention == "additive":
            cell_input += memory_shape[-1]
        if self.input_feeding:
            cell_input += self.units
        self.recurrent_cell.build((batch, cell_input))
        if self.attention_layer is not None:
            if self.attention == "dot" and memory_shape[-1] != self.units:
                raise ValueError(
                    "attention='dot' needs the encoder outputs to have the decoder's size "
                    f"(units={self.units}); use 'general'. Received: memory_shape={memory_shape}"
                )
            self.attention_layer.build((batch, 1, self.units), memory_shape)
            self.combine.build((batch, self.units + memory_shape[-1]))
        self.output_projection.build((batch, self.units))
        self.built = True

    # ------------------------------------------------------------------ state
    def initial_decoder_state(self, encoder_states):
        """The decoder state nest that starts decoding: `{"cell": [...], "feed": o_0}`.

        Args:
            encoder_states: list of the encoder's final cell states.
        """
        state = {"cell": list(encoder_states)}
        if self.input_feeding:
            state["feed"] = ops.zeros_like(encoder_states[0])
        return state

    def _step(self, embedded, state, memory, memory_mask, training, projected_memory=None):
        """One step from the embedded previous token: `(o_t, new_state, weights or None)`.

        `projected_memory`: the additive attention's `project_key(memory)`,
        when the caller computed it once for all steps (else None).
        """
        cell_states = state["cell"]
        inputs = [embedded]
        attention_mask = ops.expand_dims(memory_mask, 1)  # (B, 1, S)
        weights = context = None
        if self.attention == "additive":
            context, weights = self.attention_layer(
                cell_states[0], memory, attention_mask=attention_mask,
                return_attention_scores=True, projected_key=projected_memory,
            )
            inputs.append(context)
        if self.input_feeding:
            inputs.append(state["feed"])
        inputs = inputs[0] if len(inputs) == 1 else ops.concatenate(inputs, axis=-1)
        output, new_cell_states = self.recurrent_cell(inputs, cell_states, training=training)
        new_cell_states = list(new_cell_states) if isinstance(new_cell_states, (list, tuple)) else [new_cell_states]
        if self.attention in ("dot", "general"):
            context, weights = self.attention_layer(
                output, memory, attention_mask=attention_mask, return_attention_scores=True
            )
            output = self.combine(ops.concatenate([context, output], axis=-1))
        elif self.attention == "additive":
            output = self.combine(ops.concatenate([output, context], axis=-1))
        new_state = {"cell": new_cell_states}
        if self.input_feeding:
            new_state["feed"] = output
        return output, new_state, weights

    # ------------------------------------------------------------------ calls
    def _scan(self, target_ids, memory, memory_mask, initial_state, training):
        memory_mask = ops.cast(memory_mask, "bool")
        state = self.initial_decoder_state(initial_state)
        embedded = self.dropout_layer(self.embedding(target_ids), training=training)
        time_major = ops.transpose(embedded, (1, 0, 2))
        batch = ops.shape(target_ids)[0]
        # The step's output and attention weights ride first in the flat carry,
        # so the scan keeps those (the output alone without attention) at every step.
        first = (
            ops.zeros((batch, self.units), self.compute_dtype),
            ops.zeros((batch, ops.shape(memory)[1]), self.compute_dtype),
        )
        flat_state = tuple(tree.flatten(state))
        # The keys' projection is the same at every step: once here, not T times in the loop.
        projected = self.attention_layer.project_key(memory) if self.attention == "additive" else None

        def scan_step(carry, x):
            previous = tree.pack_sequence_as(state, list(carry[2:]))
            output, new_state, weights = self._step(x, previous, memory, memory_mask, training, projected)
            if weights is None:
                weights = carry[1]
            return (output, weights, *tree.flatten(new_state))

        _, ys = scan(
            scan_step, first + flat_state, time_major, stack=1 if self.attention == "none" else 2
        )
        outputs = ops.transpose(ys[0], (1, 0, 2))
        weights = ops.transpose(ys[1], (1, 0, 2)) if self.attention != "none" else None
        logits = self.output_projection(self.dropout_layer(outputs, training=training))
        return logits, weights

    def call(self, target_ids, memory, memory_mask, initial_state, training=None):
        return self._scan(target_ids, memory, memory_mask, initial_state, training)[0]

    def attention_scores(self, target_ids, memory, memory_mask, initial_state):
        """Teacher-forced attention weights `(B, T, S)` (None for `attention="none"`)."""
        return self._scan(target_ids, memory, memory_mask, initial_state, False)[1]

    def step(self, token_ids, state, memory, memory_mask):
        """Incremental decoding: previous tokens `(B,)` -> `(logits (B, V), new_state, weights)`."""
        embedded = self.embedding(token_ids)
        output, new_state, weights = self._step(
            embedded, state, memory, ops.cast(memory_mask, "bool"), False
        )
        return self.output_projection(output), new_state, weights

    def compute_output_shape(self, target_ids_shape, *args, **kwargs):
        return tuple(target_ids_shape) + (self.vocabulary_size,)

    def compute_output_spec(self, target_ids, *args, **kwargs):
        # The logits are float32 under any dtype policy (the head's), not this layer's compute dtype.
        return keras.KerasTensor(self.compute_output_shape(target_ids.shape), dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "embedding_dim": self.embedding_dim,
                "cell": self.cell,
                "units": self.units,
                "attention": self.attention,
                "attention_units": self.attention_units,
                "input_feeding": self.input_feeding,
                "dropout": self.dropout,
            }
        )
        return config
