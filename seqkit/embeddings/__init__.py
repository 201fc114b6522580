"""Token representations: one-hot, learned and pretrained embeddings (keras.ops only)."""

from seqkit.embeddings.learned_embedding import learned_embedding
from seqkit.embeddings.one_hot import OneHot
from seqkit.embeddings.pretrained_embedding import Coverage
from seqkit.embeddings.pretrained_embedding import load_pretrained_embedding

__all__ = ["Coverage", "OneHot", "learned_embedding", "load_pretrained_embedding"]
