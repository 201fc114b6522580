"""Planted bugs in the scale-out work (issue 15): strategy, precision, resume."""

from mutate import Mutation

MUTATIONS = [
    Mutation(
        name="scan-loop-unbounded",
        path="seqkit/layers/_scan.py",
        old="        maximum_iterations=steps,\n",
        new="",
        tests=("tests/layers/scan_test.py::test_gradients_equal_keras_scan_and_compile_under_xla_for_any_length",
               "tests/training/jit_compile_test.py::test_the_cli_trains_a_recurrent_language_model_with_jit_compile"),
        description="seqkit's scan on TensorFlow loses its iteration bound (Keras' ops.scan), so XLA cannot "
                    "compile the gradient of a model looping over time and --jit-compile fails at the first step",
    ),
    Mutation(
        name="scan-keeps-the-wrong-carry",
        path="seqkit/layers/_scan.py",
        old="tf.TensorArray(c.dtype, size=steps, element_shape=c.shape) for c in init[:stack]",
        new="tf.TensorArray(c.dtype, size=steps, element_shape=c.shape) for c in init[-stack:]",
        tests=("tests/layers/scan_test.py::test_values_equal_keras_scan",),
        description="the TensorFlow scan stacks the last carry entries instead of the leading ones",
    ),
    Mutation(
        name="attention-projections-by-tensordot",
        path="seqkit/layers/additive_attention.py",
        old='        q = ops.einsum("btd,du->btu", query, self.query_kernel)  # (B, T, units)\n'
            '        k = ops.einsum("bsd,du->bsu", key, self.key_kernel)  # (B, S, units)\n',
        new="        q = ops.matmul(query, self.query_kernel)\n        k = ops.matmul(key, self.key_kernel)\n",
        tests=("tests/training/jit_compile_test.py::test_a_recurrent_task_model_trains_under_jit_compile_like_without",),
        description="additive attention projects query and keys with 3-D ops.matmuls (tf.tensordot on TF, the "
                    "old code), whose transposes XLA cannot compile in the decoder loop's gradient",
    ),
    Mutation(
        name="replica-slices-of-a-fixed-size",
        path="seqkit/training/trainer.py",
        old="    start = replica * rows // replicas\n    end = (replica + 1) * rows // replicas\n",
        new="    per = rows // replicas + 1\n    start = tf.minimum(replica * per, rows)\n"
            "    end = tf.minimum(start + per, rows)\n",
        tests=("tests/scale/strategy_test.py::test_a_short_last_batch_leaves_no_replica_empty",),
        description="a global batch is cut into fixed-size slices, so a short last batch leaves a replica "
                    "empty (caption's oneDNN convolutions then fail on replica 1)",
    ),
    Mutation(
        name="tf-config-duplicate-address-accepted",
        path="seqkit/training/strategy.py",
        old="            if address in seen:",
        new="            if False:",
        tests=("tests/scale/strategy_test.py::test_tf_config_checks",),
        description="a TF_CONFIG naming the same host:port twice is accepted",
    ),
    Mutation(
        name="half-precision-head-accepted",
        path="seqkit/training/trainer.py",
        old="        if low:",
        new="        if False:",
        tests=("tests/training/precision_test.py::test_a_half_precision_output_is_refused",),
        description="under a mixed policy a model whose softmax runs in bfloat16 is trained",
    ),
    Mutation(
        name="resume-drops-optimizer-state",
        path="seqkit/training/trainer.py",
        old="        if backup is not None and not model.optimizer.built:",
        new="        if False:",
        tests=("tests/scale/resume_test.py::test_resume_after_kill_9_mid_epoch_equals_an_uninterrupted_run",),
        description="the backup loads before the optimizer is built, so Adam's moments restart at 0",
    ),
    Mutation(
        name="resume-restarts-the-epoch",
        path="seqkit/training/trainer.py",
        old="            model.fit(train_data.from_step(step, repeat=True),",
        new="            model.fit(train_data.from_step(epoch * steps_per_epoch, repeat=True),",
        tests=("tests/scale/resume_test.py::test_resume_after_kill_9_mid_epoch_equals_an_uninterrupted_run",),
        description="a mid-epoch resume replays the epoch's first batches instead of skipping them",
    ),
    Mutation(
        name="multi-worker-every-worker-writes-the-run",
        path="seqkit/runner.py",
        old="        run_dir if run_dir is not None else default_run_dir(config), strategy_lib.is_chief(strategy)",
        new="        run_dir if run_dir is not None else default_run_dir(config), True",
        tests=("tests/scale/strategy_test.py::test_two_workers_on_loopback_only_the_chief_writes",),
        description="under multi-worker the non-chief worker writes its own run directory too",
    ),
    Mutation(
        name="translate-logits-bfloat16",
        path="seqkit/models/recurrent_decoder.py",
        old='keras.layers.Dense(vocabulary_size, dtype="float32", name="output_projection")',
        new='keras.layers.Dense(vocabulary_size, dtype=self.dtype_policy, name="output_projection")',
        tests=("tests/training/precision_test.py::test_every_task_head_stays_float32_under_mixed",),
        description="the seq2seq RNN decoder's logits compute in bfloat16 under --precision mixed",
    ),
    Mutation(
        name="caption-logits-declared-bfloat16",
        path="seqkit/models/attention_lstm_decoder.py",
        old='self.compute_output_shape(tokens.shape, regions.shape), dtype="float32")',
        new="self.compute_output_shape(tokens.shape, regions.shape), dtype=self.compute_dtype)",
        tests=("tests/training/precision_test.py::test_every_task_head_stays_float32_under_mixed",),
        description="the LSTM caption decoder declares its logits in its compute dtype, so the Trainer refuses it",
    ),
    Mutation(
        name="language-model-logits-bfloat16",
        path="seqkit/models/transformer_language_model.py",
        old='keras.layers.Dense(vocabulary_size, dtype="float32", name="logits")',
        new='keras.layers.Dense(vocabulary_size, name="logits")',
        tests=("tests/training/precision_test.py::test_every_head_architecture_outputs_float32_under_mixed",),
        description="the Transformer language model's logits follow the mixed policy (a subclassed model)",
    ),
    Mutation(
        name="forecast-unstandardizes-in-bfloat16",
        path="seqkit/models/forecasting.py",
        old='invert=True, axis=2, dtype="float32", name="unstandardize")',
        new='invert=True, axis=2, name="unstandardize")',
        tests=("tests/training/precision_test.py::test_every_task_head_stays_float32_under_mixed",),
        description="the forecaster maps forecasts back to original units in bfloat16",
    ),
]
