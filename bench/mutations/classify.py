"""Planted bugs in the classify task's wiring (issue 17): model, evaluation, config."""

from mutate import Mutation

CLASSIFY_TEST = "tests/tasks/classify_test.py"

MUTATIONS = [
    Mutation(
        name="recurrent-pooling-ignored",
        path="seqkit/tasks/classify/model.py",
        old=(
            '            recurrent_dropout=encoder.recurrent_dropout, return_sequences=pooling != "last",\n'
            "        )\n"
            '        if pooling == "last":'
        ),
        new=(
            "            recurrent_dropout=encoder.recurrent_dropout, return_sequences=False,\n"
            "        )\n"
            "        if True:"
        ),
        tests=(f"{CLASSIFY_TEST}::test_the_model_is_the_encoder_and_pooling_asked_for",),
        description="recurrent encoders ignore model.pooling (always the last state)",
    ),
    Mutation(
        name="bilstm-one-direction",
        path="seqkit/models/recurrent_encoder.py",
        old='        return layers.Bidirectional(layers.LSTM(units, name=f"lstm_{index}", **options), name=name)',
        new="        return layers.LSTM(units, name=name, **options)",
        tests=(f"{CLASSIFY_TEST}::test_the_model_is_the_encoder_and_pooling_asked_for",),
        description="encoder: bilstm builds a one-directional LSTM",
    ),
    Mutation(
        name="gru-builds-lstm",
        path="seqkit/models/recurrent_encoder.py",
        old="        return layers.GRU(units, name=name, **options)",
        new="        return layers.LSTM(units, name=name, **options)",
        tests=(f"{CLASSIFY_TEST}::test_the_model_is_the_encoder_and_pooling_asked_for",),
        description="encoder: gru builds an LSTM",
    ),
    Mutation(
        name="evaluation-training-true",
        path="seqkit/tasks/classify/evaluation.py",
        old="        probabilities.append(np.asarray(model(ids, training=False)))",
        new="        probabilities.append(np.asarray(model(ids, training=True)))",
        tests=(f"{CLASSIFY_TEST}::test_evaluation_equals_a_numpy_computation_on_the_same_rows",),
        description="evaluation runs the model with training=True (dropout on)",
    ),
    Mutation(
        name="evaluation-drops-last-batch",
        path="seqkit/tasks/classify/evaluation.py",
        old="    for ids, one_hot in dataset:",
        new="    for ids, one_hot in list(dataset)[:-1]:",
        tests=(f"{CLASSIFY_TEST}::test_evaluation_equals_a_numpy_computation_on_the_same_rows",),
        description="evaluation skips the last (short) batch",
    ),
    Mutation(
        name="token-dropout-at-inference",
        path="seqkit/tasks/classify/model.py",
        old='        ids = layers.TokenDropout(model_config.token_dropout, unknown_id=unknown_id, name="token_dropout")(ids)',
        new=(
            '        ids = layers.TokenDropout(model_config.token_dropout, unknown_id=unknown_id, name="token_dropout")'
            "(ids, training=True)"
        ),
        tests=(f"{CLASSIFY_TEST}::test_token_dropout_is_in_the_model_and_inert_at_inference",),
        description="the classifier's TokenDropout is active at inference",
    ),
    Mutation(
        name="token-dropout-layer-ignores-training",
        path="seqkit/layers/token_dropout.py",
        old="        if not training or not self.rate:",
        new="        if not self.rate:",
        tests=(f"{CLASSIFY_TEST}::test_token_dropout_is_in_the_model_and_inert_at_inference",),
        description="TokenDropout replaces tokens whatever `training` says",
    ),
    Mutation(
        name="config-section-lost",
        path="seqkit/config/loader.py",
        old="        if key in sections:\n            return sections[key]",
        new='        if key in sections and key != "model":\n            return sections[key]',
        tests=("tests/config_test.py::test_config_is_frozen",),
        description="config.model is not an attribute (the frozen test accepted any exception)",
    ),
    Mutation(
        name="shared-data-skips-under-ci",
        path="tests/conftest.py",
        old='    if environ.get("CI", "").strip().lower() in ("1", "true", "yes"):',
        new="    if False:",
        tests=("tests/conftest_test.py",),
        description="under CI=true a missing ../shared/data skips instead of failing",
    ),
]
