import pytest

from seqkit.errors import DataError
from seqkit.tokenizers import RESERVED_TOKENS
from seqkit.tokenizers import build_vocabulary
from seqkit.tokenizers import load_vocabulary
from seqkit.tokenizers import save_vocabulary


def test_reserved_tokens_have_fixed_ids():
    assert RESERVED_TOKENS == ("[PAD]", "[UNK]", "[START]", "[END]", "[MASK]")


def test_order_is_frequency_then_token():
    counts = {"b": 3, "a": 3, "c": 5, "d": 1}
    assert build_vocabulary(counts) == list(RESERVED_TOKENS) + ["c", "a", "b", "d"]


def test_max_size_counts_reserved_tokens():
    counts = {"b": 3, "a": 3, "c": 5, "d": 1}
    assert build_vocabulary(counts, max_size=7) == list(RESERVED_TOKENS) + ["c", "a"]
    assert build_vocabulary(counts, max_size=5) == list(RESERVED_TOKENS)


def test_min_frequency_drops_rare_tokens():
    counts = {"b": 3, "a": 2, "c": 5, "d": 1}
    assert build_vocabulary(counts, min_frequency=3) == list(RESERVED_TOKENS) + ["c", "b"]


def test_reserved_and_empty_tokens_in_counts_are_not_repeated():
    vocab = build_vocabulary({"[UNK]": 10, "": 4, "x": 1})
    assert vocab == list(RESERVED_TOKENS) + ["x"]


@pytest.mark.parametrize("kwargs", [{"max_size": 4}, {"max_size": 5.5}, {"min_frequency": 0}])
def test_bad_arguments_name_the_value(kwargs):
    with pytest.raises(ValueError, match=list(kwargs)[0]):
        build_vocabulary({"a": 1}, **kwargs)


def test_save_and_load_round_trip(tmp_path):
    tokens = list(RESERVED_TOKENS) + ["señor", "日本", "😀", "a\u2028b", "tab\there", "x\r"]
    path = tmp_path / "vocab.txt"
    save_vocabulary(path, tokens)
    assert load_vocabulary(path) == tokens
    # Plain text: one token per line.
    assert path.read_bytes().decode("utf-8").split("\n")[5] == "señor"
    assert not list(tmp_path.glob(".tmp-*"))


def test_save_refuses_a_newline_token(tmp_path):
    with pytest.raises(ValueError, match="newline"):
        save_vocabulary(tmp_path / "v.txt", list(RESERVED_TOKENS) + ["a\nb"])


def test_save_refuses_a_vocabulary_without_reserved_tokens(tmp_path):
    with pytest.raises(ValueError, match="reserved"):
        save_vocabulary(tmp_path / "v.txt", ["a", "b"])


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("\n".join(RESERVED_TOKENS) + "\na\n\nb", 7, "empty line"),
        ("\n".join(RESERVED_TOKENS) + "\na\nb\na", 8, "duplicate"),
    ],
)
def test_load_errors_name_file_and_line(tmp_path, content, line, message):
    path = tmp_path / "vocab.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        load_vocabulary(path)
    assert info.value.line == line
    assert info.value.path == str(path)


def test_load_rejects_missing_reserved_tokens_and_bad_utf8(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb", encoding="utf-8")
    with pytest.raises(DataError, match="reserved"):
        load_vocabulary(path)
    path.write_bytes(("\n".join(RESERVED_TOKENS) + "\nok\n").encode() + b"\xff\n")
    with pytest.raises(DataError, match="UTF-8") as info:
        load_vocabulary(path)
    assert info.value.line == 7
    with pytest.raises(DataError, match="cannot read"):
        load_vocabulary(tmp_path / "missing.txt")
