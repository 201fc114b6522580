"""`build_captioner` (image + words -> next-word logits) and `CaptionGenerator` (the decoding step)."""

import keras
from keras import ops

from seqkit.layers.token_dropout import TokenDropout
from seqkit.models.attention_lstm_decoder import AttentionLSTMDecoder
from seqkit.models.image_encoder import build_image_encoder
from seqkit.models.transformer_decoder import TransformerDecoder

DECODER_KINDS = ("lstm_attention", "transformer")


def build_captioner(
    image_size,
    vocabulary_size,
    max_length,
    decoder="lstm_attention",
    encoder="cnn",
    encoder_filters=(16, 32, 64),
    encoder_weights=None,
    colour_stream=False,
    hidden_dim=128,
    embedding_dim=64,
    attention_units=64,
    num_layers=2,
    num_heads=4,
    intermediate_dim=None,
    dropout=0.1,
    token_dropout=0.0,
    seed=None,
):
    """The teacher-forced captioning model.

    Inputs `{"image": float (B, H, W, 3) in [0, 1], "tokens": int (B, T)}` (the
    decoder inputs, `[START] w_1 ...`, 0-padded); output: logits
    `(B, T, vocabulary_size)` for the next word at each position. The encoder and
    decoder are the layers named `"image_encoder"` and `"decoder"`, which
    `CaptionGenerator` drives one word at a time.

    Args:
        image_size: (height, width).
        vocabulary_size: int.
        max_length: int, the longest decoder input (`[START]` + words).
        decoder: `"lstm_attention"` (`AttentionLSTMDecoder`) or `"transformer"`
            (`TransformerDecoder`, pre-norm blocks with learned positions, the
            regions as its memory). Defaults to `"lstm_attention"`.
        encoder: `"cnn"` or `"mobilenet_v3"` (see `build_image_encoder`).
        encoder_filters: channels of the `cnn` encoder.
        encoder_weights: None or a local MobileNetV3Small weights file.
        colour_stream: bool, the `cnn` encoder's separate colour stream (see
            `build_image_encoder`). Defaults to `False`.
        hidden_dim: int, region features and the decoder's size. Defaults to `128`.
        embedding_dim: int, word embeddings of the LSTM decoder (the Transformer
            embeds into `hidden_dim`). Defaults to `64`.
        attention_units: int, the LSTM decoder's attention size. Defaults to `64`.
        num_layers, num_heads, intermediate_dim: the Transformer decoder's.
        dropout: float. Defaults to `0.1`.
        token_dropout: float, share of the decoder's input words replaced by
            `[UNK]` in training (`TokenDropout`), so the next word must come
            from the image more than from the word before. Defaults to `0.0`.
        seed: int or None, seeds the token dropout.
    """
    if decoder not in DECODER_KINDS:
        raise ValueError(f"`decoder` must be one of {DECODER_KINDS}. Received: decoder={decoder!r}")
    height, width = int(image_size[0]), int(image_size[1])
    image_encoder = build_image_encoder(
        (height, width), hidden_dim, kind=encoder, filters=tuple(encoder_filters),
        weights=encoder_weights, dropout=dropout, colour_stream=colour_stream,
    )
    if decoder == "lstm_attention":
        decoder_layer = AttentionLSTMDecoder(
            vocabulary_size, embedding_dim, hidden_dim, attention_units=attention_units,
            dropout=dropout, name="decoder",
        )
    else:
        decoder_layer = TransformerDecoder(
            vocabulary_size, hidden_dim, max_length, num_layers=num_layers, num_heads=num_heads,
            intermediate_dim=intermediate_dim, positions="learned", dropout=dropout, norm_first=True,
            name="decoder",
        )
    images = keras.Input((height, width, 3), name="image")
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    words = tokens
    if token_dropout:
        words = TokenDropout(token_dropout, seed=seed, name="token_dropout")(tokens)
    logits = decoder_layer(words, image_encoder(images))
    return keras.Model({"image": images, "tokens": tokens}, logits, name="captioner")


class CaptionGenerator:
    """Runs a trained captioner one word at a time, for any sampler.

    `next(prompt, cache, index)` follows the samplers' contract: it reads the
    word at `index - 1` of `prompt`, and returns the logits of the word at
    `index`, no hidden states, and the updated cache. The cache is the
    decoder's (LSTM state, or the Transformer's stacked key/value cache) and
    always holds the region features, so a beam sampler that repeats the cache
    per beam repeats them too.

    Args:
        model: a model from `build_captioner` (or loaded from `model.keras`).
        start_id, end_id: int, the tokenizer's `[START]` and `[END]`.
        max_length: int, length of the prompt (`[START]` + words + `[END]`).
    """

    def __init__(self, model, start_id, end_id, max_length):
        self.encoder = model.get_layer("image_encoder")
        self.decoder = model.get_layer("decoder")
        self.start_id = start_id
        self.end_id = end_id
        self.max_length = max_length
        self.is_transformer = isinstance(self.decoder, TransformerDecoder)

    def start(self, images):
        """`(prompt (B, max_length) = [START, 0, ...], cache)` for a batch of images."""
        regions = self.encoder(images, training=False)
        batch = ops.shape(regions)[0]
        prompt = ops.concatenate(
            [ops.full((batch, 1), self.start_id, "int32"), ops.zeros((batch, self.max_length - 1), "int32")],
            axis=1,
        )
        if self.is_transformer:
            cache = {"self_attention": self.decoder.get_initial_cache(batch), "regions": regions}
        else:
            cache = self.decoder.initial_cache(regions)
        return prompt, cache

    def next(self, prompt, cache, index):
        token = ops.take(prompt, index - 1, axis=1)
        if self.is_transformer:
            logits, keys_values = self.decoder.step(token, cache["self_attention"], index - 1, cache["regions"])
            cache = dict(cache, self_attention=keys_values)
        else:
            logits, cache, _ = self.decoder.step(token, cache)
        return logits, None, cache

    def generate(self, images, sampler):
        """Word ids `(B, max_length)` starting with `[START]`, from `sampler`."""
        prompt, cache = self.start(images)
        return sampler(self.next, prompt, cache=cache, index=1, end_token_id=self.end_id)

    def attention(self, images, tokens):
        """Attention weights `(B, T, regions)` of the decoder reading `tokens`.

        The LSTM decoder's additive attention, or the Transformer decoder's
        last-block cross-attention averaged over its heads. Row `t` is what
        the decoder read to predict the word after `tokens[:, t]`; each row
        sums to 1.
        """
        regions = self.encoder(images, training=False)
        if self.is_transformer:
            every_region = ops.ones(ops.shape(regions)[:2], "bool")
            return self.decoder.attention_scores(tokens, regions, every_region)
        _, weights = self.decoder(tokens, regions, return_attention_scores=True)
        return weights

