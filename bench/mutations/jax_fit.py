"""Planted bugs in `seqkit fit` / export under KERAS_BACKEND=jax (issue 15)."""

from mutate import Mutation

SESSION = "tests/scale/jax_fit_test.py::test_export_in_a_fresh_tensorflow_process_equals_the_jax_model"

MUTATIONS = [
    Mutation(
        name="jax-model-not-converted-for-serving",
        path="seqkit/tasks/classify/serving.py",
        old="        self.model = model_function(model)",
        new="        self.model = model",
        tests=(SESSION,),
        description="the classify serving module calls a JAX-backend model on TF tensors (no jax2tf)",
    ),
    Mutation(
        name="xla-call-module-not-stock",
        path="seqkit/export.py",
        old="    return hasattr(tf.raw_ops, op) or hasattr(gen_xla_ops, op)",
        new="    return hasattr(tf.raw_ops, op)",
        tests=("tests/export_test.py::test_classify_custom_ops_flags_tensorflow_text",),
        description="a jax2tf export's XlaCallModule is reported as an op stock TensorFlow lacks",
    ),
    Mutation(
        name="tf-distribute-strategy-accepted-on-jax",
        path="seqkit/training/backend.py",
        old='    if backend != "tensorflow" and strategy != "default":',
        new="    if False:",
        tests=("tests/scale/jax_fit_test.py::test_strategies_other_than_default_are_tensorflow_only",),
        description="--strategy mirrored under KERAS_BACKEND=jax trains on one device as if mirrored",
    ),
    Mutation(
        name="task-backend-not-checked",
        path="seqkit/tasks/base.py",
        old="        if backend not in cls.backends:",
        new="        if False:",
        tests=("tests/scale/jax_fit_test.py::test_each_task_runs_on_tensorflow_and_names_itself_where_it_is_refused",),
        description="a task written for TensorFlow trains under jax and fails with a traceback at evaluation",
    ),
    Mutation(
        name="fit-skips-the-backend-check",
        path="seqkit/runner.py",
        old="    check_backend(type(get_task(config)), train_config.strategy)  # before anything starts\n",
        new="",
        tests=("tests/scale/jax_fit_test.py::test_what_jax_cannot_do_is_refused_in_one_line",),
        description="seqkit fit under jax trains a refused task or strategy instead of exiting 2 up front",
    ),
    Mutation(
        name="run-of-refused-task-loaded-on-jax",
        path="seqkit/run.py",
        old="    task.check_backend()  # the model loads on the Keras backend this process runs\n",
        new="",
        tests=("tests/scale/jax_fit_test.py::test_a_run_of_a_refused_task_is_not_loaded_under_jax",),
        description="evaluate / predict / export of a TensorFlow-only task's run under jax fails later with a traceback",
    ),
    Mutation(
        name="rounded-width-past-max-length",
        path="seqkit/data/batching.py",
        old="        target = tf.maximum(width, tf.minimum((width + multiple - 1) // multiple * multiple, limit))",
        new="        target = (width + multiple - 1) // multiple * multiple",
        tests=("tests/data/batching_test.py::test_round_up_width_pads_inputs_to_a_multiple_within_the_limit",),
        description="under JAX a batch is padded past tokenizer.max_length (a learned position table is that long)",
    ),
]
