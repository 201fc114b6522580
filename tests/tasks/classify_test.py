"""ClassifyTask: data validation, datasets, models per encoder, serving module."""

import json
import types

import keras
import numpy as np
import pytest

from seqkit import layers
from seqkit.config import load_config
from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.scoring.core import output_columns
from seqkit.tasks.classify import ENCODERS
from seqkit.tasks.classify import ClassifyTask

TRAIN = """text,label
the film was good,pos
the film was bad,neg
"a long, slow and boring film",neg
what a delight,pos
it was fine i guess,meh
"""


@pytest.fixture
def files(tmp_path):
    train = tmp_path / "train.csv"
    train.write_text(TRAIN)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "task: classify\n"
        "data: {train: train.csv, validation_split: 0.0}\n"
        "tokenizer: {max_length: 8, min_frequency: 1}\n"
        "model: {embedding_dim: 8, units: 4, num_heads: 2, intermediate_dim: 8, dropout: 0.0}\n"
        "train: {batch_size: 2}\n"
    )
    return tmp_path, train, recipe


def prepared(recipe, *overrides):
    config = load_config([recipe], overrides)
    task = ClassifyTask(config)
    labels = task.validate_data(task.data_files())
    train, _ = task.read_training_data()
    return config, task, task.build_assets(train, labels)


def test_validate_returns_sorted_labels(files):
    _, _, recipe = files
    config = load_config([recipe])
    task = ClassifyTask(config)
    assert task.validate_data(task.data_files()) == ["meh", "neg", "pos"]


def test_missing_column_names_file_and_column(files):
    tmp_path, _, recipe = files
    config = load_config([recipe], ["data.text_column=review"])
    task = ClassifyTask(config)
    with pytest.raises(DataError) as info:
        task.validate_data(task.data_files())
    assert info.value.column == "review"
    assert "train.csv" in str(info.value)


def test_unseen_label_names_file_line_and_column(files):
    tmp_path, _, recipe = files
    test = tmp_path / "test.csv"
    test.write_text("text,label\nok film,pos\nodd film,surprised\n")
    config = load_config([recipe], data_overrides={"test": str(test)})
    task = ClassifyTask(config)
    with pytest.raises(DataError) as info:
        task.validate_data(task.data_files())
    assert info.value.line == 3
    assert info.value.column == "label"
    assert info.value.path == str(test)
    assert "surprised" in str(info.value)


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_dataset_batches_are_padded_ids_and_one_hot_labels(files, pooling):
    _, _, recipe = files
    # Every encoder pads a batch to its longest row (4 tokens here).
    width = 4
    config, task, pre = prepared(recipe, f"model.pooling={pooling}")
    train, _ = task.read_training_data()
    batches = task.make_dataset(train, pre, training=False)
    assert (batches.steps, batches.examples) == (3, 5)  # ceil(5 rows / batch_size 2)
    ids, labels = next(iter(batches.dataset))
    assert ids.dtype.name == "int32"
    assert ids.shape == (2, width)
    expected = pre.tokenizer.tokenize(np.array(["the film was good"]))[0].numpy()
    np.testing.assert_array_equal(ids[0, : len(expected)].numpy(), expected)
    assert (ids[0, len(expected):].numpy() == 0).all()
    # "pos" is class 2 of ["meh", "neg", "pos"]; "neg" class 1.
    np.testing.assert_array_equal(labels.numpy(), [[0, 0, 1], [0, 1, 0]])


@pytest.mark.parametrize("encoder", sorted(ENCODERS))
@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_each_encoder_builds_and_ignores_padding(files, encoder, pooling):
    _, _, recipe = files
    config, task, pre = prepared(recipe, f"model.encoder={encoder}", f"model.pooling={pooling}")
    model = task.build_model(pre)
    short = np.array([[5, 6, 7, 0], [8, 0, 0, 0]], dtype="int32")
    longer = np.pad(short, [[0, 0], [0, 4]])  # more padding, same real tokens
    a = np.asarray(model(short))
    b = np.asarray(model(longer))
    assert a.shape == (2, 3)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.parametrize("encoder,pooling", [("lstm", "last"), ("gru", "max"), ("transformer", "mean")])
def test_serving_module_matches_model_and_formats_columns(files, encoder, pooling):
    _, _, recipe = files
    config, task, pre = prepared(recipe, f"model.encoder={encoder}", f"model.pooling={pooling}")
    model = task.build_model(pre)
    run = types.SimpleNamespace(config=config, model=model, assets=pre)
    module = task.serving_module(run)
    texts = ["the film was good", "", "what a long delight of a film it was indeed really"]
    outputs = module.serve(np.array(texts))
    ids = pre.tokenizer.tokenize(np.array(texts))[:, :8].to_tensor(shape=[3, 8])
    expected = np.asarray(model(ids))
    np.testing.assert_allclose(outputs["probabilities"].numpy(), expected, atol=1e-6)
    names = np.array(pre.labels)
    assert [v.decode() for v in outputs["label"].numpy()] == list(names[expected.argmax(axis=1)])
    assert outputs["class_names"].numpy().tolist() == [[b"meh", b"neg", b"pos"]] * 3

    spec = task.serving_spec(pre)
    columns = output_columns(spec, {k: v.numpy() for k, v in outputs.items()})
    assert list(columns) == ["predicted_label", "prob_meh", "prob_neg", "prob_pos"]
    np.testing.assert_allclose(columns["prob_neg"], expected[:, 1], atol=1e-6)
    assert spec.columns == ["text"]
    assert [i.name for i in spec.inputs] == ["text"]
    assert task.export_metadata(pre) == {"labels": ["meh", "neg", "pos"]}

    rows = task.predict(run, texts[:1])
    assert rows[0]["label"] == columns["predicted_label"][0]
    assert rows[0]["probabilities"]["pos"] == pytest.approx(expected[0, 2], abs=1e-6)


def test_assets_round_trip(files, tmp_path):
    _, _, recipe = files
    config, task, pre = prepared(recipe)
    task.save_assets(pre, tmp_path / "assets")
    assert json.loads((tmp_path / "assets" / "labels.json").read_text()) == ["meh", "neg", "pos"]
    loaded = task.load_assets(tmp_path / "assets")
    assert loaded.labels == pre.labels
    assert loaded.tokenizer.vocabulary == pre.tokenizer.vocabulary


@pytest.mark.parametrize("positional", ["learned", "sinusoidal", "conv"])
def test_transformer_output_depends_on_the_tokens(files, positional):
    # Regression: sinusoidal positions once replaced the token embeddings, so
    # every sequence of a given length got the same prediction.
    _, _, recipe = files
    config, task, pre = prepared(
        recipe, "model.encoder=transformer", f"model.positional={positional}", "model.pooling=mean"
    )
    model = task.build_model(pre)
    a = np.asarray(model(np.array([[5, 6, 7, 0]], dtype="int32")))
    b = np.asarray(model(np.array([[8, 9, 10, 0]], dtype="int32")))
    assert np.abs(a - b).max() > 1e-4
    longer = np.asarray(model(np.array([[5, 6, 7, 0, 0, 0]], dtype="int32")))
    np.testing.assert_allclose(a, longer, atol=1e-5)


def test_attention_window_reaches_every_block(files):
    _, _, recipe = files
    config, task, pre = prepared(
        recipe, "model.encoder=transformer", "model.num_layers=2", "model.attention_window=1"
    )
    model = task.build_model(pre)
    assert [model.get_layer(f"transformer_{i}").attention_window for i in range(2)] == [1, 1]
    # One block with window 1: step 0's output never sees step 3.
    block = model.get_layer("transformer_0")
    x = np.random.default_rng(0).normal(size=(1, 4, 8)).astype("float32")
    y = x.copy()
    y[0, 3] += 3.0
    np.testing.assert_allclose(np.asarray(block(x))[0, 0], np.asarray(block(y))[0, 0], atol=1e-5)


@pytest.mark.parametrize(
    "override,message",
    [("model.encoder.position_kernel_size=2", "position_kernel_size"),
     ("model.encoder.attention_window=-1", "attention_window")],
)
def test_bad_transformer_settings_are_config_errors(files, override, message):
    _, _, recipe = files
    with pytest.raises(ConfigError, match=message):
        load_config([recipe], ["model.encoder=transformer", override])


@pytest.mark.parametrize("punctuation,expected", [("split", 3), ("keep", 2)])
def test_tokenizer_punctuation_setting_reaches_the_tokenizer(files, punctuation, expected):
    _, _, recipe = files
    config, task, pre = prepared(recipe, f"tokenizer.punctuation={punctuation}")
    ids = pre.tokenizer.tokenize(np.array(["good, film"]))
    assert ids.row_lengths().numpy().tolist() == [expected]


def test_sentencepiece_tokenizer_from_the_recipe(files, tmp_path):
    _, _, recipe = files
    config, task, pre = prepared(recipe, "tokenizer.kind=sentencepiece")
    assert pre.tokenizer.kind == "sentencepiece"
    upper, lower = pre.tokenizer.tokenize(np.array(["THE FILM WAS GOOD", "the film was good"]))
    np.testing.assert_array_equal(upper.numpy(), lower.numpy())  # tokenizer.lowercase reaches it
    train, _ = task.read_training_data()
    ids, _ = next(iter(task.make_dataset(train, pre, training=False).dataset))
    assert ids.dtype.name == "int32" and ids.shape[0] == 2
    task.save_assets(pre, tmp_path / "assets")
    loaded = task.load_assets(tmp_path / "assets")
    np.testing.assert_array_equal(loaded.tokenizer.tokenize(np.array(["what a film"]))[0].numpy(),
                                  pre.tokenizer.tokenize(np.array(["what a film"]))[0].numpy())


def test_sentencepiece_with_a_count_threshold_is_a_config_error(files):
    _, _, recipe = files
    with pytest.raises(ConfigError, match="min_frequency=1"):
        load_config([recipe], ["tokenizer.kind=sentencepiece", "tokenizer.min_frequency=2"])


def _split_recipe(tmp_path, rows, validation_split, split_seed):
    """Writes `rows` as train.csv and a recipe holding part of it out."""
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "task: classify\n"
        f"data: {{train: train.csv, validation_split: {validation_split}, split_seed: {split_seed}}}\n"
    )
    return recipe


def _texts(dataset):
    return [row["text"].decode() for row in dataset.as_numpy_iterator()]


def test_validation_min_words_keeps_long_held_out_rows_and_leaves_training_alone(tmp_path):
    rows = ["text,label"] + [f"{' '.join(['w'] * (1 + i % 6))} {i},pos" for i in range(120)]
    recipe = _split_recipe(tmp_path, rows, validation_split=0.3, split_seed=3)
    all_train, all_held = map(_texts, ClassifyTask(load_config([recipe])).read_training_data())
    train, held = map(
        _texts, ClassifyTask(load_config([recipe], ["data.validation_min_words=5"])).read_training_data()
    )
    assert train == all_train  # the training rows do not change
    # Held-out rows of 5+ words ("w w w w 7" has 5), nothing else.
    assert held == [t for t in all_held if len(t.split()) >= 5]
    assert 0 < len(held) < len(all_held)


def test_exclude_held_out_phrases_drops_word_runs_of_held_out_rows(tmp_path):
    sentences = [f"s{i} the plot is thin but charming" for i in range(40)]
    phrases = ["the plot is thin", "but charming", "plot", "thin but", "charming but", "the  plot"]
    rows = ["text,label"] + [f"{t},pos" for t in sentences + phrases]
    recipe = _split_recipe(tmp_path, rows, validation_split=0.2, split_seed=1)
    plain_train, plain_held = map(_texts, ClassifyTask(load_config([recipe])).read_training_data())
    held_sentences = [t for t in plain_held if t.startswith("s")]
    assert held_sentences, "the split seed must hold out at least one sentence"
    train, held = map(_texts, ClassifyTask(
        load_config([recipe], ["data.exclude_held_out_phrases=true"])
    ).read_training_data())
    assert held == plain_held
    # Every contiguous run of a held-out sentence's words leaves training
    # (whitespace runs compare as one space); "charming but" is no run of one.
    dropped = {"the plot is thin", "but charming", "plot", "thin but", "the  plot"}
    assert train == [t for t in plain_train if t not in dropped]
    assert "charming but" in train


@pytest.mark.parametrize("encoder", ["rnn", "lstm", "gru", "bilstm"])
def test_recurrent_dropout_reaches_every_recurrent_cell(files, encoder):
    _, _, recipe = files
    config, task, pre = prepared(recipe, f"model.encoder={encoder}", "model.recurrent_dropout=0.25",
                                 "model.num_layers=2")
    model = task.build_model(pre)
    cells = [layer.cell for layer in model._flatten_layers() if hasattr(layer, "cell")]
    assert cells and all(cell.recurrent_dropout == 0.25 for cell in cells)
    with pytest.raises(ConfigError, match="recurrent_dropout"):
        load_config([recipe], ["model.recurrent_dropout=1.0"])


def test_token_dropout_is_in_the_model_and_inert_at_inference(files):
    _, _, recipe = files
    keras.utils.set_random_seed(0)  # the layer's draws (unseeded in the model) come from here
    config, task, pre = prepared(recipe, "model.token_dropout=0.3", "model.encoder=gru")
    model = task.build_model(pre)
    layer = model.get_layer("token_dropout")
    assert layer.rate == 0.3 and layer.unknown_id == pre.tokenizer.unk_id
    # The same model without the layer (it holds no weights) and the same weights.
    _, plain_task, _ = prepared(recipe, "model.encoder=gru")
    plain = plain_task.build_model(pre)
    plain.set_weights(model.get_weights())
    # 64 real tokens: in training about a third become [UNK] (none staying
    # is 0.7**64 ~ 1e-10), at inference none does.
    ids = np.arange(5, 5 + 64, dtype="int32").reshape(8, 8) % pre.tokenizer.vocabulary_size
    ids = np.maximum(ids, 5)
    dropped = np.asarray(layer(ids, training=True))
    assert 5 <= (dropped == pre.tokenizer.unk_id).sum() <= 40
    np.testing.assert_array_equal(np.asarray(layer(ids)), ids)
    np.testing.assert_allclose(np.asarray(model(ids)), np.asarray(plain(ids)), rtol=0, atol=1e-7)
    np.testing.assert_allclose(model.predict(ids, verbose=0), plain.predict(ids, verbose=0), rtol=0, atol=1e-7)
    with pytest.raises(ConfigError, match="token_dropout"):
        load_config([recipe], ["model.token_dropout=1.5"])


IDS = np.array([[5, 6, 7, 8, 0, 0], [9, 5, 0, 0, 0, 0]], dtype="int32")
LENGTHS = [4, 2]
RECURRENT_LAYERS = {"rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


def _expected_pooling(sequence, pooling, encoder, units):
    """NumPy pooling of the encoder's per-step outputs over the real steps of IDS."""
    rows = []
    for row, length in zip(sequence, LENGTHS):
        real = row[:length]
        if pooling == "mean":
            rows.append(real.mean(axis=0))
        elif pooling == "max":
            rows.append(real.max(axis=0))
        elif encoder == "bilstm":
            # The forward LSTM's last step and the backward LSTM's final
            # state, which it reaches at the first step.
            rows.append(np.concatenate([real[-1, :units], real[0, units:]]))
        else:
            rows.append(real[-1])
    return np.stack(rows)


@pytest.mark.parametrize("encoder", sorted(ENCODERS))
def test_the_model_is_the_encoder_and_pooling_asked_for(files, encoder):
    _, _, recipe = files
    units = 4  # the recipe's model.units (per direction for bilstm)
    models = {}
    for pooling in ("mean", "max", "last"):
        _, task, pre = prepared(recipe, f"model.encoder={encoder}", f"model.pooling={pooling}")
        models[pooling] = task.build_model(pre)
    weights = models["mean"].get_weights()
    for model in models.values():
        model.set_weights(weights)  # pooling adds no weights: the same network three ways

    reference = models["mean"]
    if encoder == "transformer":
        encoder_layer = reference.get_layer("transformer_0")
        assert isinstance(encoder_layer, layers.TransformerEncoderBlock)
        width = 8  # embedding_dim
    elif encoder == "bilstm":
        encoder_layer = reference.get_layer("bilstm_0")
        assert isinstance(encoder_layer, layers.Bidirectional)
        assert isinstance(encoder_layer.forward_layer, layers.LSTM)
        assert isinstance(encoder_layer.backward_layer, layers.LSTM)
        assert encoder_layer.backward_layer.go_backwards and not encoder_layer.forward_layer.go_backwards
        width = 2 * units
    else:
        encoder_layer = reference.get_layer(f"{encoder}_0")
        assert type(encoder_layer) is RECURRENT_LAYERS[encoder]
        width = units
    # The encoder's per-step outputs, from the mean-pooling model.
    sequence = np.asarray(keras.Model(reference.input, encoder_layer.output)(IDS))
    assert sequence.shape == (2, 6, width)

    features = {}
    for pooling, model in models.items():
        if encoder != "transformer" and pooling == "last":
            assert "pooling" not in [layer.name for layer in model.layers]  # the final state itself
        else:
            assert model.get_layer("pooling").mode == pooling
        head_input = keras.Model(model.input, model.get_layer("probabilities").input)
        features[pooling] = np.asarray(head_input(IDS))
        expected = _expected_pooling(sequence, pooling, encoder, units)
        np.testing.assert_allclose(features[pooling], expected, rtol=0, atol=1e-5, err_msg=pooling)
    # The hand-made input tells the three poolings apart.
    for a, b in [("mean", "max"), ("mean", "last"), ("max", "last")]:
        assert np.abs(features[a] - features[b]).max() > 1e-3, (a, b)


def test_evaluation_equals_a_numpy_computation_on_the_same_rows(files):
    _, _, recipe = files
    keras.utils.set_random_seed(1)
    # Heavy dropout: a model run with training=True would give other probabilities.
    config, task, pre = prepared(recipe, "model.encoder=gru", "model.pooling=mean", "model.dropout=0.5")
    model = task.build_model(pre)
    # Larger weights than the initializers give, so the classes are far apart.
    model.set_weights([w * 4.0 for w in model.get_weights()])
    train, _ = task.read_training_data()
    batches = task.make_dataset(train, pre, training=False)
    run = types.SimpleNamespace(config=config, model=model, assets=pre)
    report = task.evaluate(run, batches)

    ids = pre.tokenizer.tokenize(np.array(["the film was good", "the film was bad", "a long, slow and boring film",
                                           "what a delight", "it was fine i guess"])).to_tensor()
    truth = np.array([2, 1, 1, 2, 0])  # pos, neg, neg, pos, meh of ["meh", "neg", "pos"]
    probabilities = model.predict(ids, verbose=0)
    assert report["examples"] == 5
    assert report["accuracy"] == pytest.approx(np.mean(probabilities.argmax(axis=1) == truth), abs=1e-9)
    loss = -np.mean(np.log(probabilities[np.arange(5), truth]))
    assert report["loss"] == pytest.approx(loss, abs=1e-5)
    model.compile(**task.compile_args(pre))
    keras_loss, keras_accuracy = model.evaluate(batches.dataset, verbose=0)
    assert report["loss"] == pytest.approx(keras_loss, abs=1e-5)
    assert report["accuracy"] == pytest.approx(keras_accuracy, abs=1e-6)


def test_tokenizer_settings_reach_the_tokenizer_and_survive_the_assets(files, tmp_path):
    _, _, recipe = files
    config, task, pre = prepared(recipe, "tokenizer.lowercase=false", "tokenizer.punctuation=keep")
    tokenizer = pre.tokenizer
    assert tokenizer.options == {"lowercase": False, "punctuation": "keep", "ptb_split": False}
    text = "The FILM was good, A long, slow film"
    expected = [tokenizer.token_to_id(word) for word in text.split()]  # case and commas kept
    assert expected[:4] == [1, 1, tokenizer.token_to_id("was"), 1]  # "The", "FILM", "good," unknown
    assert expected[5] == tokenizer.token_to_id("long,") != 1
    assert tokenizer.tokenize(np.array([text]))[0].numpy().tolist() == expected
    task.save_assets(pre, tmp_path / "assets")
    loaded = task.load_assets(tmp_path / "assets").tokenizer
    assert loaded.options == {"lowercase": False, "punctuation": "keep", "ptb_split": False}
    assert loaded.tokenize(np.array([text]))[0].numpy().tolist() == expected
