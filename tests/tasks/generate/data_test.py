"""Documents -> windows with [END] at document boundaries; held-out documents by seed."""

import numpy as np
import pytest

from seqkit.config import load_config
from seqkit.errors import DataError
from seqkit.tasks.generate import data as data_lib
from seqkit.tasks.text.tokenizer import build_tokenizer

TUNES = [
    "X:1\nT:One\nN:a note\nM:4/4\nL:1/8\nK:D\nABcd efga|]",
    "X:2\nT:Two\nZ:someone\nM:3/4\nL:1/8\nK:G\nGABc de|]",
    "X:3\nT:Three\nM:6/8\nL:1/8\nK:A\nABc def|]",
]


def _config(tmp_path, text, **data):
    path = tmp_path / "tunes.abc"
    path.write_text(text)
    options = ", ".join(f"{k}: {v}" for k, v in {"train": "tunes.abc", **data}.items())
    (tmp_path / "recipe.yaml").write_text(
        f"task: generate\ndata: {{{options}}}\ntokenizer: {{kind: char, lowercase: false}}\n"
        "train: {batch_size: 2}\n"
    )
    return load_config([tmp_path / "recipe.yaml"])


def test_abc_tunes_are_cut_at_x_lines_and_headers_filtered(tmp_path):
    config = _config(tmp_path, "\n\n".join(TUNES) + "\n", abc_fields="[X, T, M, L, K]", validation_split=0.0)
    texts = data_lib.read_file_documents(config.data, config.data.train)
    assert len(texts) == 3
    assert texts[0] == "X:1\nT:One\nM:4/4\nL:1/8\nK:D\nABcd efga|]"
    assert "Z:" not in texts[1]


def test_every_document_is_framed_by_start_and_end_in_the_stream(tmp_path):
    config = _config(tmp_path, "\n\n".join(TUNES) + "\n", validation_split=0.0)
    texts = data_lib.read_file_documents(config.data, config.data.train)
    tokenizer = build_tokenizer(config.tokenizer, data_lib.documents_dataset(texts).map(lambda r: r["text"]))
    stream = data_lib.token_stream(texts, tokenizer)
    starts = np.flatnonzero(stream == tokenizer.start_id)
    ends = np.flatnonzero(stream == tokenizer.end_id)
    lengths = [len(t) for t in texts]
    assert starts.tolist() == [0, lengths[0] + 2, lengths[0] + lengths[1] + 4]
    assert ends.tolist() == [s + n + 1 for s, n in zip(starts, lengths)]
    assert tokenizer.detokenize(stream[1 : lengths[0] + 1]).numpy().decode() == texts[0]


def test_windows_predict_the_next_token_and_cover_the_stream(tmp_path):
    config = _config(tmp_path, "\n\n".join(TUNES) + "\n", validation_split=0.0, sequence_length=7)
    texts = data_lib.read_file_documents(config.data, config.data.train)
    tokenizer = build_tokenizer(config.tokenizer, data_lib.documents_dataset(texts).map(lambda r: r["text"]))
    stream = data_lib.token_stream(texts, tokenizer)
    batches = data_lib.make_batches(config, data_lib.documents_dataset(texts), tokenizer, training=False)
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in batches.dataset])
    x, y = np.concatenate(xs), np.concatenate(ys)
    assert len(x) == (stream.size - 8) // 7 + 1 == batches.examples
    assert batches.steps == len(xs)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    np.testing.assert_array_equal(np.concatenate([x[:, :1], y], axis=1)[0], stream[:8])
    np.testing.assert_array_equal(x[1], stream[7:14])


def test_documents_are_held_out_whole_and_the_same_for_a_seed(tmp_path):
    lines = [f"sentence number {i} is here" for i in range(200)]
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(lines) + "\n")
    (tmp_path / "recipe.yaml").write_text(
        "task: generate\ndata: {train: texts.txt, validation_split: 0.2, split_seed: 5}\n"
    )
    config = load_config([tmp_path / "recipe.yaml"])
    train, held = data_lib.training_documents(config.data)
    train, held = data_lib.texts_of(train), data_lib.texts_of(held)
    assert sorted(train + held) == sorted(lines) and not set(train) & set(held)
    assert 20 < len(held) < 60
    again = data_lib.texts_of(data_lib.training_documents(config.data)[1])
    assert again == held


def test_a_corpus_shorter_than_one_window_is_a_data_error(tmp_path):
    config = _config(tmp_path, TUNES[0] + "\n", validation_split=0.0, sequence_length=500)
    texts = data_lib.read_file_documents(config.data, config.data.train)
    tokenizer = build_tokenizer(config.tokenizer, data_lib.documents_dataset(texts).map(lambda r: r["text"]))
    with pytest.raises(DataError, match="fewer than one window"):
        data_lib.make_batches(config, data_lib.documents_dataset(texts), tokenizer, training=True)
