"""Planted bugs for issue 9 (reliability): run names, --overwrite, labels, asset paths, temporaries, signals."""

from mutate import Mutation

RUN_DIR = "tests/run_dir_test.py"
FAULTS = "tests/faults"

MUTATIONS = [
    Mutation(
        "run-name-check-removed", "seqkit/run_dir.py",
        "    problem = path_component_problem(name)\n    if problem is not None:\n        raise ConfigError(",
        "    problem = None\n    if problem is not None:\n        raise ConfigError(",
        (f"{RUN_DIR}::test_unsafe_run_names_are_config_errors_naming_the_field",),
        "any run name is accepted ('..', '.', '/abs', 'a/b')",
    ),
    Mutation(
        "overwrite-marker-check-removed", "seqkit/run_dir.py",
        "        if not self.marker.is_file():",
        "        if False:",
        (f"{RUN_DIR}::test_overwrite_refuses_a_directory_without_the_marker",),
        "--overwrite deletes a directory seqkit did not make",
    ),
    Mutation(
        "overwrite-cwd-check-removed", "seqkit/run_dir.py",
        "        if resolved == cwd or resolved in cwd.parents or resolved == pathlib.Path.home().resolve():",
        "        if False:",
        (f"{RUN_DIR}::test_overwrite_never_removes_the_working_directory_or_a_parent",),
        "--overwrite deletes the working directory or a parent when it carries a marker",
    ),
    Mutation(
        "overwrite-foreign-files-ignored", "seqkit/run_dir.py",
        "        if foreign:",
        "        if False:",
        (f"{RUN_DIR}::test_overwrite_refuses_a_run_holding_a_file_seqkit_did_not_write",),
        "--overwrite deletes a run directory holding a user's file",
    ),
    Mutation(
        "make-claims-any-directory", "seqkit/run_dir.py",
        "        claim = not self.path.exists() or not any(self.path.iterdir())",
        "        claim = True",
        (f"{RUN_DIR}::test_make_does_not_claim_a_directory_that_already_holds_files",),
        "RunDir.make marks a directory of the user's as seqkit's",
    ),
    Mutation(
        "stale-temporaries-of-live-processes-removed", "seqkit/run_dir.py",
        '        if _process_alive(int(match.group("pid"))):',
        "        if False:",
        (f"{RUN_DIR}::test_stale_temporaries_of_dead_processes_are_removed_live_ones_kept",),
        "a concurrent run's temporaries are deleted under it",
    ),
    Mutation(
        "atomic-write-keeps-stale-temporaries", "seqkit/run_dir.py",
        "    remove_stale_temporaries(path.parent, path.name)\n",
        "",
        (f"{RUN_DIR}::test_atomic_write_cleans_its_own_stale_temporaries",),
        "temporaries left by kill -9 are never removed",
    ),
    Mutation(
        "published-after-a-stop-request", "seqkit/run_dir.py",
        "    if _stop_requests:\n        raise KeyboardInterrupt\n    os.replace(temporary, path)",
        "    os.replace(temporary, path)",
        (f"{RUN_DIR}::test_nothing_is_published_after_a_stop_request",),
        "an output is renamed into place after Ctrl-C when a library swallowed the interrupt",
    ),
    Mutation(
        "blank-label-check-removed", "seqkit/data/validate.py",
        "            if label.strip() in MISSING_VALUES:",
        "            if False:",
        ("tests/data/validate_test.py::test_missing_label_names_file_line_and_column",),
        "a blank or NaN label becomes a class",
    ),
    Mutation(
        "labels-saved-stripped", "seqkit/data/labels.py",
        "    labels = [str(label) for label in labels]\n    write_text(",
        "    labels = [str(label).strip() for label in labels]\n    write_text(",
        ("tests/data/labels_test.py::test_saved_labels_round_trip_whatever_they_hold",),
        "labels do not round-trip exactly through labels.json",
    ),
    Mutation(
        "asset-path-check-removed", "seqkit/tokenizers/registry.py",
        "    problem = path_component_problem(name)\n    if problem is not None:\n        raise DataError(",
        "    problem = None\n    if problem is not None:\n        raise DataError(",
        ("tests/tokenizers/tokenizer_contract_test.py::test_asset_paths_outside_the_directory_are_refused",),
        "tokenizer.json's vocabulary_file may name '../../x' or an absolute path",
    ),
    Mutation(
        "asset-link-check-removed", "seqkit/tokenizers/registry.py",
        "    if os.path.dirname(os.path.realpath(path)) != os.path.realpath(directory):",
        "    if False:",
        ("tests/tokenizers/tokenizer_contract_test.py::test_an_asset_linked_outside_the_directory_is_refused",),
        "an asset that is a link to a file outside the run is read",
    ),
    Mutation(
        "vocabulary-error-quotes-the-file", "seqkit/tokenizers/vocabulary.py",
        'f"on lines 1-{NUM_RESERVED}; line {line} is not {RESERVED_TOKENS[line - 1]}",',
        'f"on lines 1-{NUM_RESERVED}; line {line} is not {RESERVED_TOKENS[line - 1]}: {tokens[:2]}",',
        ("tests/tokenizers/tokenizer_contract_test.py::test_a_foreign_vocabulary_file_is_not_quoted",),
        "the error echoes the first lines of a foreign file",
    ),
    Mutation(
        "ptb-contractions-not-split", "seqkit/tokenizers/word_tokenizer.py",
        '    (r"(?i)(\\w)(n\'t)\\b", r"\\1 \\2"),\n',
        "",
        ("tests/tokenizers/word_tokenizer_test.py::test_ptb_split_gives_raw_and_ptb_text_the_same_ids",),
        "raw \"isn't\" no longer meets PTB \"is n't\"",
    ),
    Mutation(
        "ptb-punctuation-not-split", "seqkit/tokenizers/word_tokenizer.py",
        '    (r"([^\\s.,!?;:])([.,!?;:]+)(\\s|$)", r"\\1 \\2\\3"),\n',
        "",
        ("tests/tokenizers/word_tokenizer_test.py::test_ptb_split_gives_raw_and_ptb_text_the_same_ids",),
        "raw \"film.\" no longer meets PTB \"film .\"",
    ),
    Mutation(
        "tensorflow-noise-kept", "seqkit/cli/tf_setup.py",
        "    return bool(_NOISE.match(line))",
        "    return False",
        (f"{FAULTS}/run_names_test.py::test_a_dot_dot_run_name_with_overwrite_deletes_nothing",),
        "TensorFlow's start-up lines come before a one-line error",
    ),
    Mutation(
        "sigterm-not-handled", "seqkit/cli/common.py",
        "    for signum in (signal.SIGINT, signal.SIGTERM):",
        "    for signum in (signal.SIGINT,):",
        (f"{FAULTS}/signals_test.py::test_export_stops_on_signals_without_a_version",),
        "SIGTERM kills seqkit without cleaning its temporaries or saying so",
    ),
    Mutation(
        "disk-full-traceback", "seqkit/scoring/local.py",
        "        if error.errno not in _FULL:",
        "        if True:",
        (f"{FAULTS}/disk_full_test.py::test_score_into_a_full_disk_stops_with_one_line",),
        "a full disk during score is a traceback",
    ),
    Mutation(
        "export-keeps-stale-versions", "seqkit/export.py",
        '    remove_stale_temporaries(out_dir, "export")',
        "    pass",
        (f"{FAULTS}/signals_test.py::test_export_stops_on_signals_without_a_version",),
        "a version half-written by a killed export stays forever",
    ),
]

# Phase 2 (after the application-layer refactor).
MUTATIONS += [
    Mutation(
        "non-finite-config-accepted", "seqkit/config/build.py",
        "    if _non_finite(value):",
        "    if False:",
        ("tests/config_test.py::test_non_finite_numbers_are_refused_in_every_field",),
        "train.learning_rate=.inf (or any NaN/inf) is accepted",
    ),
    Mutation(
        "non-finite-loss-trains-on", "seqkit/training/callbacks.py",
        "            if value is not None and not math.isfinite(float(value)):",
        "            if False:",
        ("tests/training/backup_test.py::test_a_non_finite_loss_stops_training_naming_epoch_and_step",),
        "a NaN loss trains on and saves a NaN model",
    ),
    Mutation(
        "resume-no-fallback", "seqkit/training/backup.py",
        "    for weights, metadata, previous in states:",
        "    for weights, metadata, previous in states[:1]:",
        ("tests/training/backup_test.py::test_a_corrupt_latest_state_falls_back_to_the_previous",),
        "--resume on a corrupt last checkpoint does not fall back to the previous one",
    ),
    Mutation(
        "resume-without-checkpoint-silent", "seqkit/training/backup.py",
        "    if not any(weights.is_file() for weights, _, _ in states):",
        "    if False:",
        ("tests/training/backup_test.py::test_no_checkpoint_is_refused_with_a_message",),
        "--resume without checkpoints is not told apart from corrupt ones",
    ),
    Mutation(
        "delimiter-unchecked", "seqkit/tasks/text/data_config.py",
        "        if self.delimiter is not None and (len(self.delimiter) != 1 or self.delimiter in '\\r\\n\"'):",
        "        if False:",
        ("tests/config_test.py::test_a_delimiter_is_one_character_and_text_and_label_columns_differ",),
        "data.delimiter=ab reaches the CSV reader (a traceback)",
    ),
    Mutation(
        "huge-cell-stops-the-job", "seqkit/scoring/records.py",
        '                if "field larger than field limit" not in str(error):',
        "                if True:",
        (f"{FAULTS}/bad_input_test.py::test_a_huge_cell_with_skip_is_a_rejected_row",),
        "a cell over 131,072 characters stops score even with --on-error skip",
    ),
    Mutation(
        "score-keeps-stale-temporaries", "seqkit/scoring/local.py",
        "            run_dir.remove_stale_temporaries(path.parent, path.name)",
        "            pass",
        (f"{FAULTS}/signals_test.py::test_score_after_sigkill_removes_the_stale_temporary",),
        "a scored CSV half-written by a killed score stays forever",
    ),
    Mutation(
        "refit-trains-all-epochs", "seqkit/runner.py",
        "        \"train\", dataclasses.replace(plain.train, epochs=best, early_stopping_patience=None)",
        "        \"train\", dataclasses.replace(plain.train, early_stopping_patience=None)",
        ("tests/bench_sst2_test.py::test_fit_recipe_refits_on_every_row_for_the_selected_epochs",),
        "train.refit ignores the epochs the held-out rows picked",
    ),
    Mutation(
        "resume-keeps-the-backups-learning-rate", "seqkit/training/callbacks.py",
        "        callbacks.append(ResumedLearningRate(train.learning_rate))  # after the restore above",
        "        pass",
        ("tests/runner_test.py::test_resume_trains_with_a_changed_learning_rate",),
        "--resume --set train.learning_rate=... trains on with the interrupted run's rate",
    ),
]
