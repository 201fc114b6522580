"""Planted bugs in the scale-out work (issue 15): strategy, precision, resume."""

from mutate import Mutation

MUTATIONS = [
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
]
