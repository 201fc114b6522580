import json
import os
import subprocess
import sys
import textwrap

import pytest
import sentencepiece as spm
import tensorflow as tf

from seqkit.errors import DataError
from seqkit.tokenizers import RESERVED_TOKENS
from seqkit.tokenizers import SentencePieceTokenizer
from seqkit.tokenizers import load_tokenizer

pytestmark = pytest.mark.tf_only

CORPUS = [
    "the cat sat on the mat",
    "the cats were sitting on mats",
    "a dog sat on a log",
    "¿Dónde está el gato? ¡Allí!",
    "猫が座った 日本語のテキスト",
    "emoji 😀 and 👍🏽 too",
] * 5
SMALL = [
    "",
    "   ",
    "the cat sat",
    "  the   cats\twere \n sitting  ",
    "¿Dónde está el gato? 猫が座った 😀👍🏽",
    "dog " * 5000,
]


@pytest.fixture(scope="module")
def unigram():
    return SentencePieceTokenizer().adapt(CORPUS, max_size=120)


def decoded(tensor):
    return [s.decode("utf-8") for s in tensor.numpy().tolist()]


def test_reserved_tokens_have_seqkit_ids_and_never_match_text(unigram):
    assert unigram.vocabulary[:5] == list(RESERVED_TOKENS)
    assert (unigram.pad_id, unigram.unk_id, unigram.start_id, unigram.end_id) == (0, 1, 2, 3)
    assert unigram.mask_id == unigram.token_to_id("[MASK]") == 4
    processor = spm.SentencePieceProcessor(model_proto=unigram.proto)
    assert [processor.pad_id(), processor.unk_id(), processor.bos_id(), processor.eos_id()] == [
        0, 1, 2, 3,
    ]
    # A literal "[MASK]" (or "[PAD]") in the data is text, not a reserved id.
    ids = unigram("[MASK] [PAD] the cat").numpy().tolist()
    assert not set(ids) & {0, 2, 3, 4}
    assert unigram.vocabulary_size == len(unigram.vocabulary) <= 120


def test_graph_op_ids_equal_the_sentencepiece_library(unigram, sst2_lines):
    tok = SentencePieceTokenizer().adapt(sst2_lines, max_size=500)
    processor = spm.SentencePieceProcessor(model_proto=tok.proto)
    probe = sst2_lines[:100] + SMALL
    assert tok(tf.constant(probe)).to_list() == processor.encode(probe)


def test_adapt_is_deterministic_and_bpe_is_an_option(sst2_lines):
    dataset = tf.data.Dataset.from_tensor_slices(sst2_lines)
    first = SentencePieceTokenizer().adapt(sst2_lines, max_size=300)
    again = SentencePieceTokenizer().adapt(dataset.batch(7), max_size=300)
    assert first.proto == again.proto and first.vocabulary_size == 300
    bpe = SentencePieceTokenizer(algorithm="bpe").adapt(sst2_lines, max_size=300)
    assert bpe.proto == SentencePieceTokenizer(algorithm="bpe").adapt(dataset, max_size=300).proto
    assert bpe.vocabulary[:5] == list(RESERVED_TOKENS) and bpe.vocabulary != first.vocabulary
    strings = tf.constant(sst2_lines[:50])
    assert decoded(bpe.detokenize(bpe(strings))) == decoded(bpe.normalize(strings))


def test_round_trip_on_real_text(sst2_lines, spanish_lines, abc_lines):
    for lines in (sst2_lines, spanish_lines, abc_lines):
        tok = SentencePieceTokenizer().adapt(lines, max_size=400)
        strings = tf.constant(lines)
        ids = tok(strings)
        assert 1 not in ids.flat_values.numpy().tolist()
        # Subwords: fewer pieces than characters, more than words.
        words = sum(len(line.split()) for line in lines)
        assert words < ids.flat_values.shape[0] < sum(len(line) for line in lines)
        normalized = decoded(tok.normalize(strings))
        assert decoded(tok.detokenize(ids)) == normalized
        # normalize is SentencePiece's own text: decode(encode(x)) in the library.
        processor = spm.SentencePieceProcessor(model_proto=tok.proto)
        assert processor.decode(processor.encode(lines)) == normalized


def test_small_strings_direct_map_and_batch(unigram):
    strings = tf.constant(SMALL)
    direct = unigram(strings)
    dataset = tf.data.Dataset.from_tensor_slices(SMALL)
    mapped = [ids.numpy().tolist() for ids in dataset.map(unigram)]
    batched = [row for ids in dataset.batch(4).map(unigram) for row in ids.to_list()]
    assert direct.to_list() == mapped == batched
    assert direct.to_list()[:2] == [[], []]
    restored = decoded(unigram.detokenize(direct))
    assert restored[:4] == ["", "", "the cat sat", "the cats were sitting"]
    assert restored[5] == ("dog " * 5000).strip()
    # 👍🏽 was in the corpus; nothing here is unknown, so the round trip is exact.
    assert restored == decoded(unigram.normalize(strings))
    assert decoded(unigram.detokenize(direct.to_tensor())) == restored


def test_unknown_characters_and_byte_fallback():
    tok = SentencePieceTokenizer().adapt(CORPUS, max_size=120)
    ids = tok("cat 🦜 Ω").numpy().tolist()
    assert ids.count(1) == 2
    assert tok.detokenize(ids).numpy().decode() == "cat [UNK] [UNK]"
    fallback = SentencePieceTokenizer(byte_fallback=True).adapt(CORPUS, max_size=400)
    assert "<0x00>" in fallback.vocabulary and "<0xFF>" in fallback.vocabulary
    text = "cat 🦜 Ω 한국어 \u0301"
    ids = fallback(text)
    assert 1 not in ids.numpy().tolist()
    assert fallback.detokenize(ids).numpy().decode() == fallback.normalize(text).numpy().decode()
    with pytest.raises(ValueError, match="Vocabulary size is smaller than required_chars"):
        SentencePieceTokenizer(byte_fallback=True).adapt(CORPUS, max_size=200)


def test_lowercase_and_normalization_options():
    lower = SentencePieceTokenizer(lowercase=True).adapt(CORPUS, max_size=120)
    assert lower("The CAT").numpy().tolist() == lower("the cat").numpy().tolist()
    assert lower.detokenize(lower("The CAT")).numpy().decode() == "the cat"
    nfkc = SentencePieceTokenizer().adapt(["ＡＢＣ abc"], max_size=20)
    assert nfkc.normalize("ＡＢＣ").numpy().decode() == "ABC"
    identity = SentencePieceTokenizer(normalization="identity").adapt(["ＡＢＣ abc"], max_size=20)
    assert identity.normalize("ＡＢＣ").numpy().decode() == "ＡＢＣ"
    assert identity.detokenize(identity("ＡＢＣ")).numpy().decode() == "ＡＢＣ"
    with pytest.raises(ValueError, match="normalization='identity'"):
        SentencePieceTokenizer(lowercase=True, normalization="identity")


def test_save_and_load(unigram, tmp_path):
    unigram.save(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["sentencepiece.model", "tokenizer.json"]
    loaded = load_tokenizer(tmp_path)
    assert isinstance(loaded, SentencePieceTokenizer)
    assert loaded.proto == unigram.proto and loaded.options == unigram.options
    assert loaded(tf.constant(SMALL)).to_list() == unigram(tf.constant(SMALL)).to_list()
    assert SentencePieceTokenizer(str(tmp_path / "sentencepiece.model")).proto == unigram.proto


def test_corrupt_or_mismatched_files_raise_data_error(unigram, tmp_path):
    unigram.save(tmp_path)
    model = tmp_path / "sentencepiece.model"
    config_path = tmp_path / "tokenizer.json"
    proto = model.read_bytes()
    model.write_bytes(proto[: len(proto) // 2])
    with pytest.raises(DataError, match=r"sentencepiece\.model: not a usable SentencePiece model"):
        load_tokenizer(tmp_path)
    model.write_bytes(b"")
    with pytest.raises(DataError, match=r"sentencepiece\.model.*reserved tokens"):
        load_tokenizer(tmp_path)
    model.write_bytes(proto)
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["options"]["algorithm"] = "bpe"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(DataError, match=r"sentencepiece\.model.*algorithm 'unigram'"):
        load_tokenizer(tmp_path)
    config["options"]["algorithm"] = "unigram"
    config["vocabulary_size"] = 7
    config_path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(DataError, match=r"sentencepiece\.model: vocabulary has"):
        load_tokenizer(tmp_path)
    model.unlink()
    with pytest.raises(DataError, match=r"sentencepiece\.model: cannot read"):
        load_tokenizer(tmp_path)


def test_bad_arguments(unigram):
    with pytest.raises(ValueError, match="algorithm='word'"):
        SentencePieceTokenizer(algorithm="word")
    with pytest.raises(ValueError, match="normalization='nfc'"):
        SentencePieceTokenizer(normalization="nfc")
    with pytest.raises(ValueError, match="character_coverage=0"):
        SentencePieceTokenizer(character_coverage=0)
    with pytest.raises(ValueError, match="min_frequency=2"):
        SentencePieceTokenizer().adapt(CORPUS, min_frequency=2)
    with pytest.raises(ValueError, match="max_size=3"):
        SentencePieceTokenizer().adapt(CORPUS, max_size=3)
    with pytest.raises(ValueError, match="no non-empty text"):
        SentencePieceTokenizer().adapt(["", ""])
    with pytest.raises(ValueError, match="no vocabulary yet"):
        SentencePieceTokenizer()("text")
    with pytest.raises(ValueError, match="comes with its model"):
        unigram.set_vocabulary(unigram.vocabulary)
    with pytest.raises(TypeError, match="bytes"):
        SentencePieceTokenizer(proto=bytearray(unigram.proto))
    with pytest.raises(ValueError, match="byte_fallback"):
        SentencePieceTokenizer(proto=unigram.proto, byte_fallback=True)


def test_model_with_other_special_ids_is_refused(tmp_path):
    # sentencepiece's defaults: <unk>=0, <s>=1, </s>=2.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS), model_prefix=str(tmp_path / "plain"),
        vocab_size=50, minloglevel=2, num_threads=1,
    )
    with pytest.raises(DataError, match=r"plain\.model.*reserved tokens.*first 5 pieces are not") as e:
        SentencePieceTokenizer(str(tmp_path / "plain.model"))
    assert "<unk>" not in str(e.value)  # the file's contents are not quoted


LOADER = textwrap.dedent(
    """
    import json, sys
    import tensorflow as tf
    try:
        tf.saved_model.load(sys.argv[1])
        without = "loaded"
    except Exception as error:
        without = str(error)
    import tensorflow_text
    module = tf.saved_model.load(sys.argv[1])
    ids = module.tokenize(tf.constant(json.loads(sys.argv[2]))).numpy().tolist()
    assert "seqkit" not in sys.modules
    print("RESULT" + json.dumps({"without": without, "ids": ids}))
    """
)


def test_serving_ops_are_what_a_fresh_process_needs(unigram, tmp_path):
    assert unigram.tensorflow_text_ops == ["SentencepieceOp", "SentencepieceTokenizeOp"]
    assert "Placeholder" in unigram.serving_ops
    module = tf.Module()
    module.tokenizer = unigram
    module.tokenize = tf.function(
        lambda strings: unigram(strings).to_tensor(),
        input_signature=[tf.TensorSpec([None], tf.string)],
    )
    path = str(tmp_path / "model")
    tf.saved_model.save(module, path)
    # The model travels inside saved_model.pb (an op attribute), not as an asset.
    assert not os.listdir(os.path.join(path, "assets"))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH="")
    completed = subprocess.run(
        [sys.executable, "-c", LOADER, path, json.dumps(SMALL)],
        capture_output=True, text=True, env=env, cwd="/", timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = [l for l in completed.stdout.splitlines() if l.startswith("RESULT")][-1]
    result = json.loads(line[len("RESULT"):])
    # Without tensorflow_text the load fails on one of the listed ops (which
    # one it meets first depends on the order of functions in the file).
    assert result["without"].startswith("Op type not registered 'Sentencepiece")
    assert result["without"].split("'")[1] in unigram.tensorflow_text_ops
    assert result["ids"] == unigram(tf.constant(SMALL)).to_tensor().numpy().tolist()
