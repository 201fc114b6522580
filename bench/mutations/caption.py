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
    Mutation(
        name="validation-heldout-scenes-in-training",
        path="data/captions/generate.py",
        old="        elif is_validation_heldout(scene):",
        new="        elif is_validation_heldout(scene) and rng.random() < 0.7:",
        tests=(
            "tests/data/caption_scenes_test.py::test_validation_compositions_are_held_out_and_disjoint_from_the_tests",
        ),
        description="some scenes with the validation's held-out compositions go to training instead",
    ),
    Mutation(
        name="validation-heldout-takes-test-compositions",
        path="data/captions/generate.py",
        old=(
            '        if is_heldout(scene):\n            split = "heldout"\n'
            '        elif is_validation_heldout(scene):\n            split = "heldout_validation"\n'
        ),
        new=(
            '        if is_validation_heldout(scene):\n            split = "heldout_validation"\n'
            '        elif is_heldout(scene):\n            split = "heldout"\n'
        ),
        tests=(
            "tests/data/caption_scenes_test.py::test_validation_compositions_are_held_out_and_disjoint_from_the_tests",
        ),
        description="a scene with both kinds of held-out composition goes to the validation split, "
        "so the test's compositions are seen in model selection",
    ),
    Mutation(
        name="ink-map-is-luminance",
        path="seqkit/layers/ink_map.py",
        old="        return 1.0 - ops.min(images, axis=-1, keepdims=True)",
        new="        return 1.0 - ops.mean(images, axis=-1, keepdims=True)",
        tests=(
            "tests/layers/ink_map_test.py::test_one_minus_the_smallest_channel",
            "tests/models/captioner_test.py::test_colour_stream_keeps_shape_features_blind_to_colour",
        ),
        description="the colour-blind map is the mean of the channels, which differs between hues",
    ),
    Mutation(
        name="shape-stream-sees-colour",
        path="seqkit/models/image_encoder.py",
        old='        x = InkMap(name="ink")(images) if colour_stream else images',
        new="        x = images",
        tests=("tests/models/captioner_test.py::test_colour_stream_keeps_shape_features_blind_to_colour",),
        description="with colour_stream the convolutions still read the RGB image, so shapes depend on colour",
    ),
    Mutation(
        name="label-smoothing-ignored",
        path="seqkit/tasks/caption/task.py",
        old='        return {"loss": MaskedSequenceLoss(label_smoothing=self.config.train.label_smoothing)}',
        new='        return {"loss": MaskedSequenceLoss()}',
        tests=("tests/tasks/caption_test.py::test_loss_is_label_smoothed_cross_entropy_over_the_words",),
        description="train.label_smoothing is accepted but the caption loss is not smoothed",
    ),
    Mutation(
        name="caption_transformer_attention_one_head",
        path="seqkit/models/transformer_decoder.py",
        old="return x, ops.mean(scores[0], axis=1)",
        new="return x, scores[0][:, 0]",
        tests=("tests/models/captioner_test.py::test_transformer_attention_is_the_last_blocks_cross_attention_over_heads",),
        description="the caption Transformer's attention map is its first head's, not the mean over heads",
    ),
    Mutation(
        name="caption_transformer_attention_of_the_lstm_path",
        path="seqkit/models/captioner.py",
        old="if self.is_transformer:\n            every_region",
        new="if False:\n            every_region",
        tests=("tests/models/captioner_test.py", "tests/tasks/caption_test.py::test_transformer_caption_with_attention_plot"),
        description="attention maps of a Transformer captioner go down the LSTM decoder's path",
    ),
    Mutation(
        name="caption_lstm_keys_projected_twice",
        path="seqkit/models/attention_lstm_decoder.py",
        old="self.attention(h, regions, projected_key=keys, return_attention_scores=True)",
        new="self.attention(h, regions, keys, return_attention_scores=True)",
        tests=("tests/models/captioner_test.py::test_lstm_decoder_projects_each_region_once_with_the_attention_kernel",),
        description="the LSTM decoder's cached keys go through the attention's key kernel again at every word",
    ),
    Mutation(
        name="caption_lstm_keys_not_the_attention_projection",
        path="seqkit/models/attention_lstm_decoder.py",
        old='"keys": self.attention.project_key(regions),',
        new='"keys": self.attention.project_key(regions) * 0.5,',
        tests=("tests/models/captioner_test.py::test_lstm_decoder_projects_each_region_once_with_the_attention_kernel",),
        description="the cached keys differ from the attention layer's own projection of the regions",
    ),
    Mutation(
        name="caption_figure_scene_any_length",
        path="bench/caption_quality.py",
        old="if (hypothesis in references and len(hypothesis.split()) >= 8",
        new="if (hypothesis in references and len(hypothesis.split()) >= 0",
        tests=("tests/bench_caption_quality_test.py",),
        description="the figure scenes of the README are no longer restricted to captions of 8+ words",
    ),
    Mutation(
        name="caption_figure_scene_not_exact",
        path="bench/caption_quality.py",
        old="if (hypothesis in references and len(hypothesis.split()) >= 8",
        new="if (len(hypothesis.split()) >= 8",
        tests=("tests/bench_caption_quality_test.py",),
        description="a figure scene need not be captioned exactly",
    ),
]
