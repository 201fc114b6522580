"""Classify serving: raw strings -> label, probabilities and class names, in-graph."""

import tensorflow as tf

from seqkit.model_function import model_function
from seqkit.serving import ServingOutput
from seqkit.serving import ServingSpec
from seqkit.tasks.text.serving import text_input
from seqkit.tasks.text.serving import text_signature
from seqkit.tasks.text.serving import tokenize_padded


def serving_spec(text_column):
    """`serve(text)` -> label (column `predicted_label`), probabilities (a
    `prob_<class>` column per class, named by `class_names`)."""
    return ServingSpec(
        inputs=(text_input(text_column),),
        outputs=(
            ServingOutput("label", kind="text", column="predicted_label"),
            ServingOutput("probabilities", kind="scores", column="prob_{name}", names="class_names"),
            ServingOutput("class_names", kind="names"),
        ),
    )


class ClassifierServing(tf.Module):
    """A `tf.Module` whose `serve(text)` runs raw strings to class probabilities in-graph.

    `serve` takes `tf.string [N]` (signature name "text") and returns
    {"label": tf.string [N], "probabilities": tf.float32 [N, C],
    "class_names": tf.string [N, C]}. Tokenization keeps the first
    `max_length` tokens and pads to the longest row, as in training.
    """

    def __init__(self, tokenizer, model, labels, max_length):
        super().__init__(name="classifier_serving")
        # Tracked attributes: tf.saved_model.save captures the tokenizer's
        # tables and assets and the model's variables through them.
        self.tokenizer = tokenizer
        self.model = model_function(model)  # a JAX-backend model through jax2tf
        self.class_names = tf.Variable(list(labels), dtype=tf.string, trainable=False, name="class_names")
        self.max_length = int(max_length)

    @tf.function(input_signature=text_signature())
    def serve(self, text):
        dense = tokenize_padded(self.tokenizer, text, self.max_length)
        probabilities = tf.cast(self.model(dense, training=False), tf.float32)
        index = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
        batch = tf.shape(text)[0]
        class_names = tf.convert_to_tensor(self.class_names)
        return {
            "label": tf.gather(class_names, index),
            "probabilities": probabilities,
            "class_names": tf.tile(class_names[None, :], [batch, 1]),
        }
