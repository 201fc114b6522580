"""The contract every tokenizer keeps: same ids directly, in ds.map, after ds.batch."""

import inspect
import json

import pytest
import tensorflow as tf

from seqkit.errors import DataError
from seqkit.tokenizers import TOKENIZERS
from seqkit.tokenizers import Tokenizer
from seqkit.tokenizers import get_tokenizer
from seqkit.tokenizers import load_tokenizer

pytestmark = pytest.mark.tf_only

KINDS = ["word", "char", "byte", "wordpiece", "sentencepiece"]
TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "",
    "¿Dónde está la biblioteca? ¡Allí!",
    "emoji 😀👍🏽 and 日本語 mixed scripts",
    "X:1\nT:The Kesh\nK:G\n|:GAG GAB|",
    "unseen zebra words qqq",
]


def make(kind):
    return get_tokenizer(kind).adapt(TEXTS[:5], max_size=120)


@pytest.fixture(scope="module")
def tokenizers():
    return {kind: make(kind) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_direct_map_and_batch_give_the_same_ids(tokenizers, kind):
    tok = tokenizers[kind]
    direct = tok(tf.constant(TEXTS)).to_list()
    scalar = [tok(tf.constant(t)).numpy().tolist() for t in TEXTS]
    dataset = tf.data.Dataset.from_tensor_slices(TEXTS)
    mapped = [ids.numpy().tolist() for ids in dataset.map(tok)]
    batched = []
    for ids in dataset.batch(4).map(tok):
        batched.extend(ids.to_list())
    assert direct == scalar == mapped == batched
    assert any(row for row in direct) and direct[1] == []


@pytest.mark.parametrize("kind", KINDS)
def test_inside_a_tf_function(tokenizers, kind):
    tok = tokenizers[kind]

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def tokenize(strings):
        return tok(strings).to_tensor()

    expected = tok(tf.constant(TEXTS)).to_tensor().numpy()
    assert (tokenize(tf.constant(TEXTS)).numpy() == expected).all()


@pytest.mark.parametrize("kind", KINDS)
def test_reserved_ids_and_properties(tokenizers, kind):
    tok = tokenizers[kind]
    assert isinstance(tok, Tokenizer) and isinstance(tok, tf.Module)
    assert (tok.pad_id, tok.unk_id, tok.start_id, tok.end_id) == (0, 1, 2, 3)
    assert tok.vocabulary[:5] == ["[PAD]", "[UNK]", "[START]", "[END]", "[MASK]"]
    assert tok.vocabulary_size == len(tok.vocabulary)
    for token_id in (0, 4, tok.vocabulary_size - 1):
        assert tok.token_to_id(tok.id_to_token(token_id)) == token_id
    assert tok.token_to_id("no such token anywhere") == tok.unk_id


@pytest.mark.parametrize("kind", KINDS)
def test_detokenize_ignores_padding(tokenizers, kind):
    tok = tokenizers[kind]
    ragged = tok(tf.constant(TEXTS[:4]))
    padded = ragged.to_tensor(default_value=tok.pad_id)
    assert tok.detokenize(padded).numpy().tolist() == tok.detokenize(ragged).numpy().tolist()


@pytest.mark.parametrize("kind", KINDS)
def test_save_and_load_identically(tokenizers, kind, tmp_path):
    tok = tokenizers[kind]
    tok.save(tmp_path)
    config = json.loads((tmp_path / "tokenizer.json").read_text(encoding="utf-8"))
    # Saved options: the constructor's defaults, every argument but the asset and the name.
    parameters = list(inspect.signature(type(tok).__init__).parameters.values())[2:]
    defaults = {p.name: p.default for p in parameters if p.name != "name"}
    assert config["kind"] == kind and config["options"] == defaults
    if kind == "sentencepiece":
        assert config["model_file"] == "sentencepiece.model"
        assert (tmp_path / "sentencepiece.model").read_bytes() == tok.proto
        assert not (tmp_path / "vocab.txt").exists()
    else:
        lines = (tmp_path / "vocab.txt").read_text(encoding="utf-8").split("\n")
        assert len(lines) == tok.vocabulary_size
    loaded = load_tokenizer(tmp_path)
    assert type(loaded) is type(tok)
    assert loaded.vocabulary == tok.vocabulary and loaded.options == defaults
    assert loaded(tf.constant(TEXTS)).to_list() == tok(tf.constant(TEXTS)).to_list()


# Options other than each kind's defaults, and text on which they matter.
NON_DEFAULT_OPTIONS = {
    "word": {"lowercase": False, "punctuation": "keep"},
    "char": {"lowercase": True},
    "byte": {},
    "wordpiece": {"lowercase": False, "punctuation": "strip"},
    "sentencepiece": {"lowercase": True},
}
MIXED = [
    "The Quick brown FOX, jumps over the lazy dog.",
    "¿Dónde ESTÁ la biblioteca? ¡Allí!",
    "quick QUICK Quick fox. FOX, fox!",
]


@pytest.mark.parametrize("kind", KINDS)
def test_non_default_options_survive_save_and_load(kind, tmp_path):
    options = NON_DEFAULT_OPTIONS[kind]
    tok = get_tokenizer(kind, **options).adapt(TEXTS[:5] + MIXED, max_size=200)
    expected = tok(tf.constant(MIXED)).to_list()
    if options:
        # The options change the ids of this text, so reloading them matters.
        defaults = get_tokenizer(kind).adapt(TEXTS[:5] + MIXED, max_size=200)
        assert defaults(tf.constant(MIXED)).to_list() != expected
    tok.save(tmp_path)
    config = json.loads((tmp_path / "tokenizer.json").read_text(encoding="utf-8"))
    assert {key: config["options"][key] for key in options} == options
    loaded = load_tokenizer(tmp_path)
    assert type(loaded) is type(tok)
    assert {key: loaded.options[key] for key in options} == options
    assert loaded.vocabulary == tok.vocabulary
    assert loaded(tf.constant(MIXED)).to_list() == expected
    assert loaded(tf.constant(TEXTS)).to_list() == tok(tf.constant(TEXTS)).to_list()


@pytest.mark.parametrize("kind", KINDS)
def test_serving_ops_are_listed(tokenizers, kind):
    ops = tokenizers[kind].serving_ops
    assert "Placeholder" in ops and ops == sorted(ops)
    text_ops = tokenizers[kind].tensorflow_text_ops
    if kind == "wordpiece":
        assert text_ops == ["FastWordpieceTokenizeWithOffsets"]
    elif kind == "sentencepiece":
        assert text_ops == ["SentencepieceOp", "SentencepieceTokenizeOp"]
    else:
        assert text_ops == []


def test_get_tokenizer_lists_valid_kinds():
    assert sorted(TOKENIZERS) == sorted(KINDS)
    tok = get_tokenizer("word", lowercase=False, punctuation="keep")
    assert tok.options == {"lowercase": False, "punctuation": "keep", "ptb_split": False}
    with pytest.raises(
        ValueError, match=r"'bpe'.*\['byte', 'char', 'sentencepiece', 'word', 'wordpiece'\]"
    ):
        get_tokenizer("bpe")


def test_load_tokenizer_errors_name_the_file(tmp_path):
    with pytest.raises(DataError, match="tokenizer.json"):
        load_tokenizer(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="not valid JSON"):
        load_tokenizer(tmp_path)
    (tmp_path / "tokenizer.json").write_text('{"kind": "bpe"}', encoding="utf-8")
    with pytest.raises(DataError, match="unknown tokenizer kind 'bpe'"):
        load_tokenizer(tmp_path)
    (tmp_path / "tokenizer.json").write_text('{"kind": "word"}', encoding="utf-8")
    with pytest.raises(DataError, match="vocab.txt"):
        load_tokenizer(tmp_path)
    (tmp_path / "tokenizer.json").write_text('{"kind": "sentencepiece"}', encoding="utf-8")
    with pytest.raises(DataError, match="sentencepiece.model: cannot read"):
        load_tokenizer(tmp_path)


SECRET = "[PAD]\n[UNK]\n[START]\n[END]\n[MASK]\ntop-secret-line\n"


@pytest.mark.parametrize(
    "kind, key, value",
    [
        ("word", "vocabulary_file", "../../../../outside.txt"),
        ("word", "vocabulary_file", "/etc/passwd"),
        ("word", "vocabulary_file", ".."),
        ("word", "vocabulary_file", "sub/vocab.txt"),
        ("word", "vocabulary_file", ""),
        ("word", "vocabulary_file", 7),
        ("sentencepiece", "model_file", "../outside.txt"),
    ],
)
def test_asset_paths_outside_the_directory_are_refused(tmp_path, kind, key, value):
    (tmp_path / "outside.txt").write_text(SECRET, encoding="utf-8")
    assets = tmp_path / "run" / "assets"
    assets.mkdir(parents=True)
    (assets / "tokenizer.json").write_text(json.dumps({"kind": kind, key: value}), encoding="utf-8")
    with pytest.raises(DataError, match=rf"tokenizer.json: '{key}' must ") as e:
        load_tokenizer(assets)
    assert "top-secret" not in str(e.value) and "[MASK]" not in str(e.value)


def test_an_asset_linked_outside_the_directory_is_refused(tmp_path):
    (tmp_path / "outside.txt").write_text(SECRET, encoding="utf-8")
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "vocab.txt").symlink_to(tmp_path / "outside.txt")
    (assets / "tokenizer.json").write_text('{"kind": "word"}', encoding="utf-8")
    with pytest.raises(DataError, match="a link to a file outside") as e:
        load_tokenizer(assets)
    assert "top-secret" not in str(e.value)


def test_a_foreign_vocabulary_file_is_not_quoted(tmp_path):
    (tmp_path / "vocab.txt").write_text("alpha-secret:x:0:0\nbeta-secret:x:1:1\n", encoding="utf-8")
    (tmp_path / "tokenizer.json").write_text('{"kind": "word"}', encoding="utf-8")
    with pytest.raises(DataError, match=r"vocab.txt: a vocabulary must start .* line 1 is not \[PAD\]") as e:
        load_tokenizer(tmp_path)
    assert "secret" not in str(e.value)
