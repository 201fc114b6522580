"""The caption task's in-graph captioning: image bytes -> words, for export and prediction."""

import tensorflow as tf

from seqkit.data.images import decode_batch
from seqkit.models.captioner import CaptionGenerator
from seqkit.samplers import get_sampler
from seqkit.serving import ServingInput
from seqkit.serving import ServingOutput
from seqkit.serving import ServingSpec


def serving_spec(image_column):
    """`serve(image)`: the bytes of the file named in `image_column` -> `predicted_caption`."""
    return ServingSpec(
        inputs=(ServingInput("image", dtype="string", shape=(None,), column=image_column, read="file", content="image"),),
        outputs=(ServingOutput("caption", kind="text", column="predicted_caption"),),
    )


def make_sampler(beam_width, length_penalty=0.0):
    """Greedy search for `beam_width` 1, else beam search (`seqkit.samplers`)."""
    if beam_width == 1:
        return get_sampler("greedy")
    return get_sampler("beam", beam_width=beam_width, length_penalty=length_penalty)


def ids_to_text(tokenizer, ids):
    """`[START] w_1 .. [END] ...` id rows -> strings, cut at the first `[END]`."""
    ids = ids[:, 1:]
    before_end = tf.equal(tf.cumsum(tf.cast(tf.equal(ids, tokenizer.end_id), tf.int32), axis=1), 0)
    ids = tf.where(before_end, ids, tf.zeros_like(ids))
    return tokenizer.detokenize(ids)


class CaptionServing(tf.Module):
    """`serve(image: tf.string [N] encoded images) -> {"caption": tf.string [N]}`, all in the graph.

    Decoding and resizing (`decode_batch`, the training pipeline's function),
    the encoder, the word-by-word loop of `sampler` and detokenization run as
    TF ops, so the SavedModel needs no Python.

    Args:
        model: a `build_captioner` model.
        tokenizer: the run's tokenizer (tracked, its tables saved with the module).
        image_size: (height, width).
        max_length: int, prompt length (`[START]` + words + `[END]`).
        sampler: a callable with the samplers' contract.
    """

    def __init__(self, model, tokenizer, image_size, max_length, sampler):
        super().__init__(name="caption_serving")
        self.model = model
        self.tokenizer = tokenizer
        self.image_size = tuple(int(x) for x in image_size)
        self.sampler = sampler
        self.generator = CaptionGenerator(model, tokenizer.start_id, tokenizer.end_id, max_length)

    def caption_ids(self, images):
        """Float images `(N, H, W, 3)` -> word ids `(N, max_length)`."""
        return self.generator.generate(images, self.sampler)

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)])
    def caption_images(self, images):
        return {"caption": ids_to_text(self.tokenizer, self.caption_ids(images))}

    def preprocess(self, image_bytes):
        """Bytes `[N]` -> images `(N, H, W, 3)`: the training pipeline's `decode_and_resize`."""
        return decode_batch(image_bytes, self.image_size)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="image")])
    def serve(self, image):
        images = self.preprocess(image)
        return {"caption": ids_to_text(self.tokenizer, self.caption_ids(images))}
