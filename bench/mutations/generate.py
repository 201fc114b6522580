"""Planted bugs for the generate area (samplers, language models, the generate task)."""

from mutate import Mutation

SAMPLERS = ("tests/samplers/sampler_test.py",)

MUTATIONS = [
    Mutation(
        "sampler-ignores-temperature",
        "seqkit/samplers/random_sampler.py",
        "temperature=_sampler.check_temperature(temperature),",
        "temperature=1.0 + 0 * _sampler.check_temperature(temperature),",
        SAMPLERS,
        "random sampling always at temperature 1",
    ),
    Mutation(
        "top-k-outside-k",
        "seqkit/samplers/top_k_sampler.py",
        'k=_sampler.check_positive_int("k", k),',
        'k=_sampler.check_positive_int("k", k) + 1,',
        SAMPLERS,
        "top-k draws among k + 1 tokens",
    ),
    Mutation(
        "beam-keeps-cache-order",
        "seqkit/samplers/beam_sampler.py",
        "cache = tree.map_structure(gather, cache)",
        "cache = cache",
        SAMPLERS,
        "beam search does not reorder the cache with its beams",
    ),
    Mutation(
        "beam-finished-keeps-growing",
        "seqkit/samplers/beam_sampler.py",
        "fixed = ops.logical_or(forced, finished)",
        "fixed = forced",
        SAMPLERS,
        "a finished beam keeps paying for tokens after its end",
    ),
    Mutation(
        "no-pad-after-end",
        "seqkit/samplers/sampler.py",
        "seen_before = (ops.cumsum(is_end, axis=-1) - is_end) > 0",
        "seen_before = ops.zeros_like(is_end) > 0",
        SAMPLERS,
        "rows keep their tokens after the end token",
    ),
]

MODELS = ("tests/models/language_model_test.py",)

MUTATIONS += [
    Mutation(
        "decoder-sees-future",
        "seqkit/layers/transformer_decoder_block.py",
        "h, h, attention_mask=self_mask, use_causal_mask=True, training=training",
        "h, h, attention_mask=self_mask, use_causal_mask=False, training=training",
        MODELS,
        "the Transformer's full pass attends to future tokens",
    ),
    Mutation(
        "rnn-step-drops-state",
        "seqkit/models/recurrent_language_model.py",
        "states.append(tuple(new_states))",
        "states.append(tuple(layer_states))",
        MODELS,
        "the incremental step of the recurrent model does not carry its state",
    ),
    Mutation(
        "transformer-step-wrong-position",
        "seqkit/models/transformer_language_model.py",
        "x = self._embed(tokens, index, False)",
        "x = self._embed(tokens, 0, False)",
        MODELS,
        "the incremental step encodes every token at position 0",
    ),
]

TASK = ("tests/tasks/generate/data_test.py", "tests/tasks/generate/music_test.py")

MUTATIONS += [
    Mutation(
        "documents-without-end",
        "seqkit/tasks/generate/data.py",
        "framed = tf.concat([tf.cast(start, ids.dtype), ids, tf.cast(end, ids.dtype)], axis=1)",
        "framed = tf.concat([tf.cast(start, ids.dtype), ids], axis=1)",
        TASK[:1],
        "documents are not closed by [END], so the model never learns where a tune ends",
    ),
    Mutation(
        "validity-no-pickup",
        "seqkit/tasks/generate/music.py",
        "not (i in (0, last) or bar.boundary_before",
        "not (i == last or bar.boundary_before",
        TASK[1:],
        "a tune's pickup bar counts against its validity",
    ),
    Mutation(
        "validity-accepts-short-bars",
        "seqkit/tasks/generate/music.py",
        "if bar.length < bar.meter and not (",
        "if False and not (",
        TASK[1:],
        "a short bar anywhere in a tune passes the full-bar check",
    ),
    Mutation(
        "validity-ending-not-a-boundary",
        "seqkit/tasks/generate/music.py",
        "or split_at_ending",
        "or False",
        TASK[1:],
        "a bar split around the start of an ending ([1, [2) fails, as a pickup there is not seen",
    ),
    Mutation(
        "validity-ending-halves-unchecked",
        "seqkit/tasks/generate/music.py",
        "id(measures[i]) in opens_ending and lengths[i - 1] + lengths[i] == meters[i]",
        "id(measures[i]) in opens_ending",
        TASK[1:],
        "any short bar next to the start of an ending passes, though the two halves do not make a bar",
    ),
    Mutation(
        "validity-start-repeat-not-a-boundary",
        "seqkit/tasks/generate/music.py",
        "or _section_edge(measures[i].leftBarline)",
        "or False",
        TASK[1:],
        "a short bar just before a start repeat (|:) fails",
    ),
    Mutation(
        "validity-music21-rebars",
        "seqkit/tasks/generate/music.py",
        'mock.patch.object(translate, "reBar", _keep_bars)',
        'mock.patch.object(translate, "reBar", translate.reBar)',
        TASK[1:],
        "music21 cuts a too-long bar into a full and a short one, so a too-long last bar passes",
    ),
    Mutation(
        "validity-ignores-body-meter",
        "seqkit/tasks/generate/music.py",
        "meters[later[0]:] = [length] * (count - later[0])",
        "pass",
        TASK[1:],
        "a meter change in the body is ignored: bars in the new meter fail",
    ),
]
