"""Tokenizers: strings to int32 ids (and back) in TensorFlow graph ops.

Every vocabulary starts with `RESERVED_TOKENS`: `[PAD]`=0, `[UNK]`=1,
`[START]`=2, `[END]`=3, `[MASK]`=4.
"""

from seqkit.tokenizers.byte_tokenizer import ByteTokenizer
from seqkit.tokenizers.char_tokenizer import CharTokenizer
from seqkit.tokenizers.registry import TOKENIZERS
from seqkit.tokenizers.registry import get_tokenizer
from seqkit.tokenizers.registry import load_tokenizer
from seqkit.tokenizers.sentencepiece_tokenizer import SentencePieceTokenizer
from seqkit.tokenizers.tokenizer import Tokenizer
from seqkit.tokenizers.vocabulary import END_ID
from seqkit.tokenizers.vocabulary import MASK_ID
from seqkit.tokenizers.vocabulary import PAD_ID
from seqkit.tokenizers.vocabulary import RESERVED_TOKENS
from seqkit.tokenizers.vocabulary import START_ID
from seqkit.tokenizers.vocabulary import UNK_ID
from seqkit.tokenizers.vocabulary import build_vocabulary
from seqkit.tokenizers.vocabulary import load_vocabulary
from seqkit.tokenizers.vocabulary import save_vocabulary
from seqkit.tokenizers.word_tokenizer import WordTokenizer
from seqkit.tokenizers.wordpiece_tokenizer import WordPieceTokenizer

__all__ = [
    "ByteTokenizer",
    "CharTokenizer",
    "END_ID",
    "MASK_ID",
    "PAD_ID",
    "RESERVED_TOKENS",
    "START_ID",
    "SentencePieceTokenizer",
    "TOKENIZERS",
    "Tokenizer",
    "UNK_ID",
    "WordPieceTokenizer",
    "WordTokenizer",
    "build_vocabulary",
    "get_tokenizer",
    "load_tokenizer",
    "load_vocabulary",
    "save_vocabulary",
]
