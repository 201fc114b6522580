"""Generate serving: prompt strings -> generated strings, the decoding loop in the graph."""

import tensorflow as tf

from seqkit.serving import ServingOutput
from seqkit.serving import ServingSpec
from seqkit.tasks.text.serving import text_input

PROMPT = "prompt"


def serving_spec(prompt_column):
    """`serve(prompt)` -> `text` (column `generated`)."""
    return ServingSpec(
        inputs=(text_input(prompt_column, name=PROMPT),),
        outputs=(ServingOutput("text", kind="text", column="generated"),),
    )


def prompt_ids(tokenizer, prompts, max_length):
    """Raw prompt strings [B] -> (`[START] prompt` ids int32 [B, P] padded, lengths [B]).

    A prompt keeps its first `max_length - 1` tokens (room for the start
    token); "" is the start token alone.
    """
    ids = tf.cast(tokenizer.tokenize(prompts), tf.int32)[:, : max_length - 1]
    start = tf.fill([tf.shape(prompts)[0], 1], tf.constant(tokenizer.start_id, tf.int32))
    ids = tf.concat([start, ids], axis=1)
    return ids.to_tensor(default_value=tokenizer.pad_id), tf.cast(ids.row_lengths(), tf.int32)


def texts_of_ids(tokenizer, tokens):
    """Generated ids [B, T] -> strings (the tokenizer drops the start, end and padding ids)."""
    return tokenizer.detokenize(tokens)


def generate_ids(model, tokenizer, prompts, sampler, max_length):
    """Prompt strings -> the sampler's best token ids [B, max_length] (start token first)."""
    ids, lengths = prompt_ids(tokenizer, prompts, max_length)
    tokens = model.generate(ids, lengths, sampler, max_length, end_token_id=tokenizer.end_id)
    return tokens[0] if isinstance(tokens, tuple) else tokens


class GenerateServing(tf.Module):
    """A `tf.Module` whose `serve(prompt)` continues prompts in one graph.

    `serve` takes `tf.string [N]` (signature name "prompt"; "" starts from
    nothing) and returns `{"text": tf.string [N]}`: each prompt followed by
    its continuation, up to the end token or `max_length` tokens. The
    tokenizer, the model, the sampler's while loop (and its seed state) are
    all in the graph; the decoding settings are fixed when it is built.
    """

    def __init__(self, tokenizer, model, sampler, max_length):
        super().__init__(name="generate_serving")
        self.tokenizer = tokenizer
        self.model = model
        self.sampler = sampler
        # The random samplers' seed state: a variable the graph advances.
        self.sampler_state = list(sampler.variables)
        self.max_length = int(max_length)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name=PROMPT)])
    def serve(self, prompt):
        tokens = generate_ids(self.model, self.tokenizer, prompt, self.sampler, self.max_length)
        return {"text": texts_of_ids(self.tokenizer, tokens)}
