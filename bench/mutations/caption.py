"""Planted bugs in image captioning (issue 14): scenes, image pipeline, attention, decoders, scoring."""

from mutate import Mutation

MUTATIONS = [
    Mutation(
        name="serving-skips-resize",
        path="seqkit/tasks/caption/serving.py",
        old="        return decode_batch(image_bytes, self.image_size)",
        new=(
            "        return tf.map_fn(lambda b: tf.image.convert_image_dtype(tf.io.decode_image(b, channels=3, "
            "expand_animations=False), tf.float32), image_bytes, "
            "fn_output_signature=tf.TensorSpec([None, None, 3], tf.float32))"
        ),
        tests=("tests/data/images_test.py::test_serving_preprocessing_equals_training_pipeline",),
        description="the serving graph decodes images but does not resize them as training does",
    ),
    Mutation(
        name="attention-not-normalised",
        path="seqkit/layers/additive_attention.py",
        old="        weights = masked_softmax(scores, mask)",
        new="        weights = ops.exp(scores)",
        tests=("tests/models/captioner_test.py::test_attention_weights_over_regions_sum_to_one",),
        description="additive attention weights the regions by exp(score) with no softmax normalisation",
    ),
    Mutation(
        name="caption-decoder-sees-the-future",
        path="seqkit/layers/transformer_decoder_block.py",
        old="                    h, h, attention_mask=self_mask, use_causal_mask=True, training=training\n",
        new="                    h, h, attention_mask=self_mask, use_causal_mask=False, training=training\n",
        tests=("tests/models/captioner_test.py::test_cached_step_equals_full_pass",),
        description="teacher-forced Transformer decoding attends to later words",
    ),
    Mutation(
        name="lstm-decoder-reads-the-next-word",
        path="seqkit/models/attention_lstm_decoder.py",
        old="        logits = self._logits(h, context, embedded, training)\n        if return_attention_scores:",
        new=(
            "        logits = self._logits(h, context, ops.roll(embedded, -1, axis=1), training)\n"
            "        if return_attention_scores:"
        ),
        tests=("tests/models/captioner_test.py::test_cached_step_equals_full_pass",),
        description="the LSTM decoder's output layer is fed the word it should predict",
    ),
    Mutation(
        name="step-reads-the-wrong-word",
        path="seqkit/models/captioner.py",
        old="        token = ops.take(prompt, index - 1, axis=1)",
        new="        token = ops.take(prompt, ops.maximum(index - 2, 0), axis=1)",
        tests=("tests/models/captioner_test.py::test_cached_step_equals_full_pass",),
        description="generation feeds the word before the previous one",
    ),
    Mutation(
        name="heldout-scenes-in-training",
        path="data/captions/generate.py",
        old="        if is_heldout(scene):",
        new="        if is_heldout(scene) and rng.random() < 0.5:",
        tests=("tests/data/caption_scenes_test.py::test_heldout_compositions_never_in_training",),
        description="half the scenes with held-out compositions leak into the training split",
    ),
    Mutation(
        name="scoring-skips-image-check",
        path="seqkit/scoring/core.py",
        old='            if item.read == "file" and item.content == "image":',
        new='            if False:',
        tests=("tests/tasks/caption_test.py::test_score_reports_unreadable_images_by_row",),
        description="a text file or a truncated image in the scored CSV is not reported by row",
    ),
    Mutation(
        name="empty-caption-accepted",
        path="seqkit/data/image_captions.py",
        old="            if not text:",
        new="            if False:",
        tests=("tests/data/images_test.py::test_bad_rows_are_named",),
        description="a row with an empty caption trains on [START] [END]",
    ),
]
