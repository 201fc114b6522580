"""Planted bugs in the application layer (issue 10): config, task contract, scoring core."""

from mutate import Mutation

MUTATIONS = [
    Mutation(
        name="monitor-accepts-anything",
        path="seqkit/tasks/base.py",
        old="        if monitor not in valid:",
        new="        if False:",
        tests=("tests/config_test.py::test_monitor_must_be_a_metric_the_task_reports",),
        description="train.monitor is not checked against the task's metrics (val_bogus accepted)",
    ),
    Mutation(
        name="flat-encoder-keys-dropped",
        path="seqkit/tasks/classify/config.py",
        old="            encoder[key] = value  # a flat key beside a nested encoder is a --set override",
        new="            pass",
        tests=("tests/config_test.py::test_the_flat_model_spelling_of_older_recipes_is_translated",
               "tests/config_test.py::test_a_flat_set_override_reaches_a_nested_encoder"),
        description="the flat model spelling loses its encoder keys instead of translating them",
    ),
    Mutation(
        name="kind-short-form-not-merged",
        path="seqkit/config/sources.py",
        old='            result[key] = {"kind": result[key]}',
        new="            pass",
        tests=("tests/config_test.py::test_set_overrides_parse_yaml_scalars",),
        description="--set model.encoder=KIND then --set model.encoder.x=... forgets the kind",
    ),
    Mutation(
        name="group-carry-dropped",
        path="seqkit/scoring/local.py",
        old="        self.carry = [] if final or not groups else groups.pop()[1]",
        new="        self.carry = []",
        tests=("tests/scoring/spec_scoring_test.py::test_per_group_windows_across_chunks",),
        description="per-group scoring scores a group split by a chunk boundary as two short groups",
    ),
    Mutation(
        name="scores-columns-shifted",
        path="seqkit/scoring/core.py",
        old="                columns[item.column.format(name=name)] = values[:, index]",
        new="                columns[item.column.format(name=name)] = values[:, -1 - index]",
        tests=("tests/scoring/spec_scoring_test.py", "tests/scoring_test.py"),
        description="score columns are written under the wrong class names",
    ),
    Mutation(
        name="no-cardinality-from-steps",
        path="seqkit/tasks/classify/data.py",
        old="    return Batches(dataset=dataset, steps=steps_for(count, train.batch_size), examples=count)",
        new="    return Batches(dataset=dataset, steps=steps_for(count, train.batch_size) + 1, examples=count)",
        tests=("tests/tasks/classify_test.py::test_dataset_batches_are_padded_ids_and_one_hot_labels",),
        description="the classify task reports one batch per epoch too many",
    ),
]
