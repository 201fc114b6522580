"""Planted bugs that key-list get_config tests and self-checking weight tests missed (issue 17)."""

from mutate import Mutation

MUTATIONS = [
    Mutation(
        name="dot-attention-config-score",
        path="seqkit/layers/dot_attention.py",
        old='                "score": self.score,',
        new='                "score": "dot",',
        tests=("tests/layers/dot_attention_test.py::test_get_config_is_complete_and_round_trips",),
        description="DotAttention.get_config writes score='dot' whatever the layer uses",
    ),
    Mutation(
        name="position-embedding-config-length",
        path="seqkit/layers/position_embedding.py",
        old='                "sequence_length": self.sequence_length,',
        new='                "sequence_length": 512,',
        tests=("tests/layers/position_embedding_test.py::test_get_config_is_complete_and_round_trips",),
        description="PositionEmbedding.get_config writes a fixed sequence_length",
    ),
    Mutation(
        name="sinusoidal-config-wavelength",
        path="seqkit/layers/sinusoidal_position_encoding.py",
        old='        config.update({"max_wavelength": self.max_wavelength})',
        new='        config.update({"max_wavelength": 10000})',
        tests=("tests/layers/sinusoidal_position_encoding_test.py::test_get_config_is_complete_and_round_trips",),
        description="SinusoidalPositionEncoding.get_config writes the default max_wavelength",
    ),
    Mutation(
        name="decoder-block-config-norm-first",
        path="seqkit/layers/transformer_decoder_block.py",
        old='                "norm_first": self.norm_first,',
        new='                "norm_first": False,',
        tests=("tests/layers/transformer_decoder_block_test.py::test_get_config_is_complete_and_round_trips",),
        description="TransformerDecoderBlock.get_config loses norm_first=True",
    ),
    Mutation(
        name="lstm-cell-weight-order",
        path="seqkit/layers/lstm_cell.py",
        old=(
            "        self.kernel = self.add_weight(\n"
            "            shape=(input_dim, 4 * self.units),\n"
            "            initializer=self.kernel_initializer,\n"
            '            name="kernel",\n'
            "            dtype=self.dtype_policy.variable_dtype,\n"
            "        )\n"
            "        self.recurrent_kernel = self.add_weight(\n"
            "            shape=(self.units, 4 * self.units),\n"
            "            initializer=self.recurrent_initializer,\n"
            '            name="recurrent_kernel",\n'
            "            dtype=self.dtype_policy.variable_dtype,\n"
            "        )\n"
        ),
        new=(
            "        self.recurrent_kernel = self.add_weight(\n"
            "            shape=(self.units, 4 * self.units),\n"
            "            initializer=self.recurrent_initializer,\n"
            '            name="recurrent_kernel",\n'
            "            dtype=self.dtype_policy.variable_dtype,\n"
            "        )\n"
            "        self.kernel = self.add_weight(\n"
            "            shape=(input_dim, 4 * self.units),\n"
            "            initializer=self.kernel_initializer,\n"
            '            name="kernel",\n'
            "            dtype=self.dtype_policy.variable_dtype,\n"
            "        )\n"
        ),
        tests=("tests/layers/lstm_cell_test.py::test_weights_move_both_ways_with_keras_lstm_cell",),
        description="LSTMCell lists its weights in another order than Keras (recurrent kernel first)",
    ),
    Mutation(
        name="mha-shared-initializer",
        path="seqkit/layers/multi_head_attention.py",
        old="initializer=derived(self.kernel_initializer, name),",
        new="initializer=self.kernel_initializer,",
        tests=("tests/layers/initial_weights_test.py",),
        description="MultiHeadAttention hands one initializer to q, k, v: the kernels start equal",
    ),
    Mutation(
        name="additive-shared-initializer",
        path="seqkit/layers/additive_attention.py",
        old='initializer=derived(self.kernel_initializer, "key_kernel"),',
        new='initializer=derived(self.kernel_initializer, "query_kernel"),',
        tests=("tests/layers/initial_weights_test.py",),
        description="AdditiveAttention key kernel starts equal to the query kernel",
    ),
    Mutation(
        name="decoder-block-shared-initializer",
        path="seqkit/layers/transformer_decoder_block.py",
        old=(
            "            dropout=self.dropout,\n"
            "            kernel_initializer=derived(self.kernel_initializer, name),\n"
        ),
        new=(
            "            dropout=self.dropout,\n"
            "            kernel_initializer=self.kernel_initializer,\n"
        ),
        tests=("tests/layers/initial_weights_test.py",),
        description="TransformerDecoderBlock hands one initializer to self- and cross-attention",
    ),
]
