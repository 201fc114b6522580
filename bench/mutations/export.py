"""Planted bugs in the classify serving module, exercised through export, scoring and the CLI."""

from mutate import Mutation

MUTATIONS = [
    Mutation(
        name="serving-lowercases-input",
        path="seqkit/tasks/classify/serving.py",
        old="        dense = tokenize_padded(self.tokenizer, text, self.max_length)",
        new="        dense = tokenize_padded(self.tokenizer, tf.strings.lower(text), self.max_length)",
        tests=("tests/export_test.py::test_fresh_process_matches_in_memory_model",
               "tests/scoring_test.py::test_scores_every_row_and_keeps_input_columns",
               "tests/cli/score_test.py::test_score_writes_output_and_reports_rows_per_second"),
        description="the serving module lower-cases text the run's tokenizer keeps cased",
    ),
    Mutation(
        name="serving-pads-with-unknown",
        path="seqkit/tasks/text/serving.py",
        old='    return pad_ids(tokenizer.tokenize(text), max_length, int(getattr(tokenizer, "pad_id", 0)))',
        new="    return pad_ids(tokenizer.tokenize(text), max_length, 1)",
        tests=("tests/export_test.py::test_fresh_process_matches_in_memory_model",),
        description="serving pads short rows with [UNK] instead of [PAD]",
    ),
    Mutation(
        name="serving-ignores-max-length",
        path="seqkit/tasks/classify/serving.py",
        old="        self.max_length = int(max_length)",
        new="        self.max_length = 10**6",
        tests=("tests/export_test.py::test_fresh_process_matches_in_memory_model",),
        description="serving keeps every token instead of the first max_length",
    ),
]
