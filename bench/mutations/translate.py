"""Planted bugs of the translate area: each must be caught by the tests named."""

from mutate import Mutation

SEQ2SEQ_TEST = "tests/models/seq2seq_test.py"

MUTATIONS = [
    Mutation(
        name="translate_decoder_sees_future",
        path="seqkit/layers/transformer_decoder_block.py",
        old="h, h, attention_mask=self_mask, use_causal_mask=True, training=training",
        new="h, h, attention_mask=self_mask, use_causal_mask=False, training=training",
        tests=(f"{SEQ2SEQ_TEST}::test_decoder_never_sees_future_tokens",),
        description="the Transformer decoder's self-attention drops its causal mask "
        "(teacher-forced positions see the tokens they must predict)",
    ),
    Mutation(
        name="translate_rnn_attention_ignores_padding",
        path="seqkit/models/recurrent_decoder.py",
        old="attention_mask = ops.expand_dims(memory_mask, 1)  # (B, 1, S)",
        new="attention_mask = None",
        tests=(f"{SEQ2SEQ_TEST}::test_source_padding_never_leaks",),
        description="the RNN decoder's attention ignores the source padding mask",
    ),
    Mutation(
        name="translate_transformer_cross_attention_ignores_padding",
        path="seqkit/models/transformer_decoder.py",
        old="x = block(x, memory, encoder_padding_mask=memory_mask, training=training)",
        new="x = block(x, memory, training=training)",
        tests=(f"{SEQ2SEQ_TEST}::test_source_padding_never_leaks",),
        description="the Transformer decoder's cross-attention (full pass) ignores the "
        "source padding mask",
    ),
    Mutation(
        name="translate_teacher_forcing_off_by_one",
        path="seqkit/data/shapes.py",
        old="decoder_targets = tf.concat([target, end], axis=1)",
        new="decoder_targets = tf.concat([start, target], axis=1)",
        tests=("tests/data/shapes_test.py",),
        description="the decoder targets are not shifted: the decoder learns to copy its input",
    ),
    Mutation(
        "translate_scan_keys_without_bias", "seqkit/models/recurrent_decoder.py",
        'projected = self.attention_layer.project_key(memory) if self.attention == "additive" else None',
        'projected = ops.einsum("bsd,du->bsu", memory, self.attention_layer.key_kernel) '
        'if self.attention == "additive" else None',
        ("tests/models/seq2seq_test.py::test_cached_decoding_equals_full_pass",),
        "the teacher-forced pass projects the keys once by hand and forgets the score's bias b",
    ),
    Mutation(
        "translate_projected_key_without_bias", "seqkit/layers/additive_attention.py",
        "            k = ops.add(k, self.bias)\n        return k",
        "            pass\n        return k",
        ("tests/layers/additive_attention_test.py::test_a_key_projected_once_gives_the_same_attention",),
        "the once-projected keys lack the score's bias b",
    ),
]
