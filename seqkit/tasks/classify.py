"""`ClassifyTask`: text classification, many-to-one (tokens -> one label).

Config sections and their defaults live here (`ClassifyDataConfig`,
`TokenizerConfig`, `ClassifyModelConfig`, `ClassifyTrainConfig`). The model is
built from seqkit's layers: an embedding with masking from the padding id, an
encoder from `ENCODERS` (rnn, lstm, gru, bilstm, transformer), a pooling of the
real time steps, dropout and a softmax over the classes. Labels are strings;
their sorted names are the class order and are saved as `assets/labels.json`.
"""

import dataclasses
import pathlib
from typing import ClassVar

import numpy as np

from seqkit import config as config_lib
from seqkit.errors import ConfigError
from seqkit.errors import DataError
from seqkit.errors import RunDirError
from seqkit.tasks.base import Preprocessing
from seqkit.tasks.base import Task

LABELS_FILE = "labels.json"
LEGACY_LABELS_FILE = "labels.txt"  # one per line: runs trained before labels.json


# --------------------------------------------------------------------------
# Config sections (the task's defaults)


@dataclasses.dataclass(frozen=True)
class ClassifyDataConfig:
    """Where the examples come from.

    Fields:
        train / validation / test: CSV or TSV paths (None: absent). Without a
            validation file, `validation_split` of the training rows, drawn
            with `split_seed`, are held out.
        text_column / label_column: column names in the header.
        delimiter: None picks tab for .tsv and comma otherwise.
        validation_min_words: int; 0 (the default) keeps every held-out row.
            Above 0, only held-out rows of at least this many
            whitespace-separated words are kept for validation (the shorter
            ones stay out of training too, so the training rows do not
            change). For training files of phrases whose evaluation data are
            full sentences (SST-2), this makes the set that picks the best
            epoch look like the evaluation data. Only with
            `validation_split`; a `validation` file is used whole.
        exclude_held_out_phrases: bool. True drops every training row that
            is a phrase of a held-out row: the same words in the same order,
            a contiguous run of its words (whitespace-separated, compared
            exactly). Phrase-level data sets such as SST-2 hold a labelled row
            for each phrase of a sentence, so a held-out sentence otherwise
            has its parts in training and held-out accuracy overstates
            accuracy on new sentences. Defaults to False. Only with
            `validation_split`.
        probes: sentences `seqkit fit` predicts at the end, as a quick look.
    """

    train: str | None = None
    validation: str | None = None
    test: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    delimiter: str | None = None
    validation_split: float = 0.1
    split_seed: int = 42
    validation_min_words: int = 0
    exclude_held_out_phrases: bool = False
    probes: tuple[str, ...] = ()

    SECTION: ClassVar[str] = "data"
    PATHS: ClassVar[tuple] = ("train", "validation", "test")

    def __post_init__(self):
        config_lib.fraction(self, "validation_split")
        config_lib.non_negative(self, "validation_min_words")


def _tokenizer_kinds():
    from seqkit.tokenizers import TOKENIZERS

    return tuple(TOKENIZERS)


@dataclasses.dataclass(frozen=True)
class TokenizerConfig:
    """How text becomes token ids.

    Fields:
        kind: "word", "char", "byte", "wordpiece" or "sentencepiece"
            (`seqkit.tokenizers`).
        vocabulary_size: the most entries in the vocabulary, reserved tokens
            included (ignored by byte).
        min_frequency: tokens seen fewer times in the training text map to [UNK]
            (must be 1 for sentencepiece, which has no count threshold).
        max_length: longer inputs keep their first `max_length` tokens, in
            training and in the exported model alike.
        lowercase: fold case before splitting (word, wordpiece, char,
            sentencepiece).
        punctuation: "split" (each punctuation mark is a token), "strip"
            (dropped) or "keep" (left attached: split on whitespace only, right
            for text that is already tokenized, such as SST-2's "does n't").
            Word and wordpiece only.
        ptb_split: split contractions and end-of-word punctuation off words
            the Penn Treebank way before `punctuation` applies, so raw text
            ("isn't", "it's", "film.") reads as PTB-tokenised text ("is n't",
            "it 's", "film ."), in training and in the export alike. Word only.
    """

    kind: str = "word"
    vocabulary_size: int = 20000
    min_frequency: int = 1
    max_length: int = 64
    lowercase: bool = True
    punctuation: str = "split"
    ptb_split: bool = False

    SECTION: ClassVar[str] = "tokenizer"
    CHOICES: ClassVar[dict] = {
        "kind": _tokenizer_kinds,
        "punctuation": lambda: ("split", "strip", "keep"),
    }

    def __post_init__(self):
        config_lib.positive(self, "vocabulary_size", "min_frequency", "max_length")


def _encoder_names():
    return tuple(ENCODERS)


@dataclasses.dataclass(frozen=True)
class ClassifyModelConfig:
    """The network.

    Fields:
        embedding_dim: size of the token embedding.
        encoder: one of `ENCODERS`: "rnn", "lstm", "gru", "bilstm", "transformer".
        num_layers: stacked recurrent layers or Transformer blocks.
        units: recurrent units (per direction for bilstm).
        pooling: "last" (final state / last real token), "mean" or "max" over
            the real time steps.
        dropout: after the embedding and before the classifier (and inside
            Transformer blocks).
        recurrent_dropout: variational dropout of h_{t-1} inside the
            recurrent cells (rnn, lstm, gru, bilstm), one mask per sequence.
        token_dropout: share of real tokens replaced by [UNK] in training
            (word dropout, `seqkit.layers.TokenDropout`); 0 disables it.
        num_heads / intermediate_dim / positional / norm_first: Transformer
            settings; positional is "learned" (a trained vector per index),
            "sinusoidal" (fixed) or "conv" (relative: a depthwise convolution
            over `position_kernel_size` neighbouring tokens,
            `seqkit.layers.ConvPositionEncoding`).
        position_kernel_size: odd int, the tokens the "conv" encoding sees.
        attention_window: int or None: each token attends only to tokens at
            most this many steps away (sliding-window attention); None (the
            default) attends to all.
    """

    embedding_dim: int = 64
    encoder: str = "bilstm"
    num_layers: int = 1
    units: int = 64
    pooling: str = "last"
    dropout: float = 0.1
    recurrent_dropout: float = 0.0
    token_dropout: float = 0.0
    num_heads: int = 4
    intermediate_dim: int = 128
    positional: str = "learned"
    position_kernel_size: int = 3
    norm_first: bool = False
    attention_window: int | None = None

    SECTION: ClassVar[str] = "model"
    CHOICES: ClassVar[dict] = {
        "encoder": _encoder_names,
        "pooling": lambda: ("last", "mean", "max"),
        "positional": lambda: ("learned", "sinusoidal", "conv"),
    }

    def __post_init__(self):
        config_lib.positive(self, "embedding_dim", "num_layers", "units", "num_heads", "intermediate_dim")
        if self.position_kernel_size < 1 or self.position_kernel_size % 2 == 0:
            raise ConfigError(
                "model.position_kernel_size must be an odd int >= 1. Received: "
                f"position_kernel_size={self.position_kernel_size!r}"
            )
        if self.attention_window is not None:
            config_lib.non_negative(self, "attention_window")
        config_lib.fraction(self, "dropout")
        config_lib.fraction(self, "recurrent_dropout")
        config_lib.fraction(self, "token_dropout")


@dataclasses.dataclass(frozen=True)
class ClassifyTrainConfig(config_lib.TrainConfig):
    """`TrainConfig` plus label smoothing and length-sorted training batches.

    Fields:
        label_smoothing: float in [0, 1); 0 disables it.
        length_window: int, batches per sorting window for training: each
            window of `batch_size * length_window` shuffled rows is sorted by
            length and cut into batches padded to their own longest row, and
            the batches are shuffled (`seqkit.data.length_sorted_batches`).
            Far less padding when lengths vary; the number of batches is
            unchanged. 0 (the default) turns it off: batches are padded to
            their longest row in shuffled order. Evaluation never sorts.
    """

    label_smoothing: float = 0.0
    length_window: int = 0

    def __post_init__(self):
        super().__post_init__()
        config_lib.fraction(self, "label_smoothing")
        config_lib.non_negative(self, "length_window")


# --------------------------------------------------------------------------
# Data and tokenizer access (seqkit.data / seqkit.tokenizers)


def _make_tokenizer(tok_config):
    from seqkit.tokenizers import get_tokenizer

    options = {}
    if tok_config.kind in ("word", "wordpiece", "char", "sentencepiece"):
        options["lowercase"] = tok_config.lowercase
    if tok_config.kind in ("word", "wordpiece"):
        options["punctuation"] = tok_config.punctuation
    if tok_config.ptb_split:
        options["ptb_split"] = True
    return get_tokenizer(tok_config.kind, **options)


# --------------------------------------------------------------------------
# Models


def _recurrent_encoder(kind):
    def build(model_config, x, mask):
        from seqkit import layers

        last = model_config.pooling == "last"
        stack = []
        for index in range(model_config.num_layers):
            sequences = index < model_config.num_layers - 1 or not last
            name = f"{kind}_{index}"
            options = dict(return_sequences=sequences, recurrent_dropout=model_config.recurrent_dropout)
            if kind == "rnn":
                layer = layers.SimpleRNN(model_config.units, name=name, **options)
            elif kind == "gru":
                layer = layers.GRU(model_config.units, name=name, **options)
            elif kind == "lstm":
                layer = layers.LSTM(model_config.units, name=name, **options)
            else:  # bilstm
                layer = layers.Bidirectional(
                    layers.LSTM(model_config.units, name=f"lstm_{index}", **options), name=name
                )
            stack.append(layer)
        encoder = stack[0] if len(stack) == 1 else layers.StackedRecurrent(stack, name=f"{kind}_stack")
        x = encoder(x, mask=mask)
        if last:
            return x
        from seqkit.tasks.pooling import SequencePooling

        return SequencePooling(model_config.pooling, name="pooling")(x, mask=mask)

    return build


def _transformer_encoder(model_config, x, mask):
    from seqkit import layers

    if not hasattr(layers, "TransformerEncoderBlock"):
        raise ConfigError(
            "model.encoder 'transformer' needs seqkit.layers.TransformerEncoderBlock, "
            "which this installation lacks. Pick another encoder, e.g. --set model.encoder=bilstm"
        )
    for index in range(model_config.num_layers):
        x = layers.TransformerEncoderBlock(
            num_heads=model_config.num_heads,
            intermediate_dim=model_config.intermediate_dim,
            dropout=model_config.dropout,
            norm_first=model_config.norm_first,
            attention_window=model_config.attention_window,
            name=f"transformer_{index}",
        )(x, padding_mask=mask)
    from seqkit.tasks.pooling import SequencePooling

    return SequencePooling(model_config.pooling, name="pooling")(x, mask=mask)


# encoder name -> builder(model_config, embedded [B, T, D], mask [B, T]) -> [B, F]
ENCODERS = {
    "rnn": _recurrent_encoder("rnn"),
    "lstm": _recurrent_encoder("lstm"),
    "gru": _recurrent_encoder("gru"),
    "bilstm": _recurrent_encoder("bilstm"),
    "transformer": _transformer_encoder,
}


def _embed(config, token_ids, vocabulary_size):
    import keras

    model_config = config.model
    if model_config.encoder != "transformer":
        return keras.layers.Embedding(
            vocabulary_size, model_config.embedding_dim, mask_zero=True, name="embedding"
        )(token_ids)
    from seqkit import layers

    if model_config.positional == "learned":
        return layers.TokenAndPositionEmbedding(
            vocabulary_size,
            config.tokenizer.max_length,
            model_config.embedding_dim,
            mask_zero=True,
            name="embedding",
        )(token_ids)
    x = keras.layers.Embedding(
        vocabulary_size, model_config.embedding_dim, mask_zero=True, name="embedding"
    )(token_ids)
    # The encoding layer returns the encoding alone; the tokens carry it added.
    if model_config.positional == "conv":
        positions = layers.ConvPositionEncoding(model_config.position_kernel_size, name="positions")(x)
    else:
        positions = layers.SinusoidalPositionEncoding(name="positions")(x)
    return keras.layers.Add(name="add_positions")([x, positions])


# --------------------------------------------------------------------------
# Serving


def make_serving_module(tokenizer, model, labels, max_length, pad_id=0):
    """A `tf.Module` whose `serve(text)` runs raw strings to class probabilities in-graph.

    `serve` takes `tf.string [N]` (signature name "text") and returns
    {"label": tf.string [N], "probabilities": tf.float32 [N, C],
    "class_names": tf.string [N, C]}. Tokenization keeps the first
    `max_length` tokens and pads with `pad_id` to the longest row, as in
    training.
    """
    import tensorflow as tf

    class ClassifierServing(tf.Module):
        def __init__(self):
            super().__init__(name="classifier_serving")
            # Tracked attributes: tf.saved_model.save captures the tokenizer's
            # tables and assets and the model's variables through them.
            self.tokenizer = tokenizer
            self.model = model
            self.class_names = tf.Variable(list(labels), dtype=tf.string, trainable=False, name="class_names")
            self.max_length = int(max_length)
            self.pad_id = int(pad_id)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
        def serve(self, text):
            ids = self.tokenizer.tokenize(text)
            dense = _pad_ids(ids, self.max_length, self.pad_id)
            probabilities = tf.cast(self.model(dense, training=False), tf.float32)
            index = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
            batch = tf.shape(text)[0]
            class_names = tf.convert_to_tensor(self.class_names)
            return {
                "label": tf.gather(class_names, index),
                "probabilities": probabilities,
                "class_names": tf.tile(class_names[None, :], [batch, 1]),
            }

    return ClassifierServing()


def _pad_ids(ids, max_length, pad_id):
    """Ragged [B, (T)] ids -> dense int32 [B, max(1, min(T_max, max_length))]."""
    import tensorflow as tf

    if not isinstance(ids, tf.RaggedTensor):
        ids = tf.RaggedTensor.from_tensor(ids, padding=pad_id)
    ids = tf.cast(ids[:, :max_length], tf.int32)
    dense = ids.to_tensor(default_value=pad_id)
    width = tf.maximum(tf.shape(dense)[1], 1)
    return tf.pad(dense, [[0, 0], [0, width - tf.shape(dense)[1]]], constant_values=pad_id)


# --------------------------------------------------------------------------
# The task


class ClassifyTask(Task):
    """Text classification: a CSV of (text, label) rows -> a label per text."""

    name = "classify"
    sections = {
        "data": ClassifyDataConfig,
        "tokenizer": TokenizerConfig,
        "model": ClassifyModelConfig,
        "train": ClassifyTrainConfig,
        "export": config_lib.ExportConfig,
    }

    @classmethod
    def check_config(cls, config):
        held_out = config.data.validation is None and config.data.validation_split > 0
        for key in ("validation_min_words", "exclude_held_out_phrases"):
            if getattr(config.data, key) and not held_out:
                raise ConfigError(
                    f"data.{key} works on the rows held out of the training file "
                    "(data.validation_split > 0, no data.validation file). Received: "
                    f"{key}={getattr(config.data, key)}, validation={config.data.validation!r}, "
                    f"validation_split={config.data.validation_split}"
                )
        if config.model.encoder == "transformer" and config.model.embedding_dim % config.model.num_heads:
            raise ConfigError(
                "model.embedding_dim must be divisible by model.num_heads for the transformer "
                f"encoder. Received: embedding_dim={config.model.embedding_dim}, "
                f"num_heads={config.model.num_heads}"
            )
        if config.tokenizer.ptb_split and config.tokenizer.kind != "word":
            raise ConfigError(
                "tokenizer.ptb_split works with the word tokenizer only. Received: "
                f"kind={config.tokenizer.kind!r}; set tokenizer.ptb_split=false or tokenizer.kind=word"
            )
        if config.tokenizer.kind == "sentencepiece" and config.tokenizer.min_frequency != 1:
            raise ConfigError(
                "tokenizer.min_frequency has no meaning for the sentencepiece tokenizer (it keeps "
                f"pieces by likelihood, not by count). Received: min_frequency="
                f"{config.tokenizer.min_frequency}; add --set tokenizer.min_frequency=1"
            )

    # ---- data

    def _columns(self, config):
        return [config.data.text_column, config.data.label_column]

    def data_splits(self, config):
        """{split: path} of the files the config names."""
        return {
            split: getattr(config.data, split)
            for split in ClassifyDataConfig.PATHS
            if getattr(config.data, split) is not None
        }

    def validate_data(self, config, splits, labels=None):
        """Checks columns (and, when `labels` are given, every label) of each file.

        Returns the sorted label names of the training file when `labels` is
        None and "train" is among `splits` (read once, here).
        """
        from seqkit.data import validate_csv

        if labels is None and "train" not in splits:
            raise ConfigError("no training data: set data.train in the config or pass --data train=PATH")
        for split, path in splits.items():
            if not pathlib.Path(path).is_file():
                raise DataError(
                    f"{split} file not found. Fix data.{split} in the config or pass --data {split}=PATH",
                    path=path,
                )
        delimiter = config.data.delimiter
        label_column = config.data.label_column
        if labels is None:
            stats = validate_csv(
                splits["train"], self._columns(config), label_column=label_column, delimiter=delimiter
            )
            labels = sorted(stats.label_counts)
            if len(labels) < 2:
                raise DataError(
                    f"the training data holds {len(labels)} distinct label(s) {labels}; "
                    "a classifier needs at least 2",
                    path=splits["train"],
                    column=label_column,
                )
        for split, path in splits.items():
            validate_csv(
                path, self._columns(config), label_column=label_column,
                known_labels=labels, delimiter=delimiter,
            )
        return labels

    def read_split(self, config, path):
        from seqkit.data import read_csv

        return read_csv(path, self._columns(config), delimiter=config.data.delimiter)

    def split_training_data(self, config):
        train = self.read_split(config, config.data.train)
        if config.data.validation is not None:
            return train, self.read_split(config, config.data.validation)
        if config.data.validation_split == 0:
            return train, None
        train, held_out = _split_fraction(train, config.data.validation_split, config.data.split_seed)
        if config.data.validation_min_words:
            held_out = held_out.apply(
                _min_words(config.data.text_column, config.data.validation_min_words)
            )
        if config.data.exclude_held_out_phrases:
            train = train.apply(_drop_phrases_of(held_out, config.data.text_column))
        return train, held_out

    # ---- preprocessing

    def prepare(self, config, train_dataset, labels):
        tokenizer = _make_tokenizer(config.tokenizer)
        text = config.data.text_column
        tokenizer.adapt(
            train_dataset.map(lambda row: row[text]),
            max_size=config.tokenizer.vocabulary_size,
            min_frequency=config.tokenizer.min_frequency,
        )
        return Preprocessing(tokenizer=tokenizer, labels=list(labels))

    def save_assets(self, preprocessing, assets_dir):
        assets_dir = pathlib.Path(assets_dir)
        assets_dir.mkdir(parents=True, exist_ok=True)
        preprocessing.tokenizer.save(str(assets_dir))
        from seqkit import data

        data.save_labels(assets_dir / LABELS_FILE, preprocessing.labels)

    def load_assets(self, config, assets_dir):
        assets_dir = pathlib.Path(assets_dir)
        labels_path = assets_dir / LABELS_FILE
        if not labels_path.is_file() and (assets_dir / LEGACY_LABELS_FILE).is_file():
            labels = (assets_dir / LEGACY_LABELS_FILE).read_text(encoding="utf-8").splitlines()
        elif not labels_path.is_file():
            raise RunDirError(
                f"{labels_path} is missing: the run directory is incomplete. "
                "Train it again with `seqkit fit ... --overwrite`"
            )
        else:
            from seqkit import data

            try:
                labels = data.load_labels(labels_path)
            except DataError as error:
                raise RunDirError(f"{error}. Train the run again with `seqkit fit ... --overwrite`") from None
        try:
            from seqkit.tokenizers import load_tokenizer

            tokenizer = load_tokenizer(str(assets_dir))
        except Exception as error:  # any failure to read the assets means a corrupt run
            raise RunDirError(
                f"cannot load the tokenizer from {assets_dir} ({type(error).__name__}: {error}). "
                "The run directory is corrupt; train it again with `seqkit fit ... --overwrite`"
            ) from error
        return Preprocessing(tokenizer=tokenizer, labels=labels)

    def make_dataset(self, config, examples, preprocessing, training):
        """Rows -> batches of (token ids [B, T] int32 padded with 0, one-hot labels [B, C]).

        Tokenization keeps the first `tokenizer.max_length` tokens, as the
        serving function does. Rows are tokenized a window at a time
        (`seqkit.data.batch_and_map`), never one by one. Training shuffles
        the rows; with `train.length_window` set, training batches come from
        length-sorted windows (see `ClassifyTrainConfig`). Evaluation keeps
        the file's order.
        """
        import tensorflow as tf

        from seqkit import data

        num_classes = len(preprocessing.labels)
        to_ids = data.many_to_one_fn(
            preprocessing.tokenizer,
            data.make_label_lookup(preprocessing.labels),
            text_key=config.data.text_column,
            label_key=config.data.label_column,
            max_length=config.tokenizer.max_length,
        )

        def fn(rows):
            ids, labels = to_ids(rows)
            return ids, tf.one_hot(labels, num_classes)

        train = config.train
        dataset = examples
        if training:
            dataset = dataset.apply(data.shuffle(train.seed, buffer_size=train.shuffle_buffer))
        if training and train.length_window:
            batching = data.batch_and_map(
                fn, train.batch_size, window_batches=train.length_window,
                sort_by_length=True, seed=train.seed,
            )
        else:
            batching = data.batch_and_map(fn, train.batch_size)
        return dataset.apply(batching).apply(data.prefetch())

    # ---- model

    def build_model(self, config, preprocessing):
        import keras

        token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        vocabulary_size = int(preprocessing.tokenizer.vocabulary_size)
        ids = token_ids
        if config.model.token_dropout:
            from seqkit.layers import TokenDropout

            ids = TokenDropout(
                config.model.token_dropout,
                unknown_id=int(preprocessing.tokenizer.unk_id),
                name="token_dropout",
            )(token_ids)
        x = _embed(config, ids, vocabulary_size)
        mask = keras.ops.not_equal(token_ids, 0)
        if config.model.dropout:
            x = keras.layers.Dropout(config.model.dropout, name="embedding_dropout")(x)
        x = ENCODERS[config.model.encoder](config.model, x, mask)
        if config.model.dropout:
            x = keras.layers.Dropout(config.model.dropout, name="dropout")(x)
        probabilities = keras.layers.Dense(
            len(preprocessing.labels), activation="softmax", name="probabilities"
        )(x)
        return keras.Model(token_ids, probabilities, name=f"classify_{config.model.encoder}")

    def compile_args(self, config, preprocessing):
        import keras

        return {
            "loss": keras.losses.CategoricalCrossentropy(label_smoothing=config.train.label_smoothing),
            "metrics": [keras.metrics.CategoricalAccuracy(name="accuracy")],
        }

    # ---- evaluation and prediction

    def evaluate(self, run, path, plots_dir=None, title=None):
        self.validate_data(run.config, {"evaluation": path}, labels=run.labels)
        preprocessing = Preprocessing(tokenizer=run.tokenizer, labels=run.labels)
        dataset = self.make_dataset(run.config, self.read_split(run.config, path), preprocessing, training=False)
        return self._report(run, dataset, plots_dir, title or pathlib.Path(path).name, path=str(path))

    def evaluate_dataset(self, run, dataset, plots_dir=None, title="validation"):
        """Like `evaluate`, over an already-batched dataset of (ids, one-hot labels)."""
        return self._report(run, dataset, plots_dir, title)

    def _report(self, run, dataset, plots_dir, title, path=None):
        from seqkit import metrics
        from seqkit import plots

        probabilities, truth = [], []
        for ids, one_hot in dataset:
            probabilities.append(np.asarray(run.model(ids, training=False)))
            truth.append(np.argmax(one_hot.numpy(), axis=-1))
        num_classes = len(run.labels)
        probabilities = np.concatenate(probabilities) if probabilities else np.zeros((0, num_classes))
        truth = np.concatenate(truth) if truth else np.zeros((0,), np.int64)
        report = metrics.classification_report(truth, probabilities, run.labels)
        if len(truth):
            picked = np.clip(probabilities[np.arange(len(truth)), truth], 1e-7, 1.0)
            report["loss"] = float(-np.mean(np.log(picked)))
        if path is not None:
            report = {"path": path, **report}
        if plots_dir is not None:
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in title)
            plots.plot_confusion_matrix(
                report["confusion_matrix"], run.labels,
                pathlib.Path(plots_dir) / f"confusion_{safe}.png",
                title=f"confusion matrix: {title}",
            )
        return report

    def predict(self, run, inputs):
        """Returns [{"text", "label", "probabilities": {class: p}}] for raw strings."""
        import tensorflow as tf

        texts = [str(t) for t in inputs]
        if not texts:
            return []
        module = self.serving_module(run)  # held: `serve` keeps only a weak reference to it
        outputs = module.serve(tf.constant(texts))
        probabilities = outputs["probabilities"].numpy()
        labels = [v.decode("utf-8") for v in outputs["label"].numpy()]
        return [
            {
                "text": text,
                "label": label,
                "probabilities": {name: float(p) for name, p in zip(run.labels, row)},
            }
            for text, label, row in zip(texts, labels, probabilities)
        ]

    def serving_module(self, run):
        return make_serving_module(
            run.tokenizer, run.model, run.labels, run.config.tokenizer.max_length,
            pad_id=int(getattr(run.tokenizer, "pad_id", 0)),
        )

    def input_columns(self, config):
        return [config.data.text_column]

    def format_predictions(self, outputs, class_names=None):
        """{"predicted_label": str [N], "prob_<class>": float [N] per class}."""
        probabilities = np.asarray(outputs["probabilities"])
        if class_names is None:
            names = np.asarray(outputs["class_names"])
            if names.shape[0] == 0:
                raise ValueError("format_predictions needs class_names for an empty batch")
            class_names = [_text(n) for n in names[0]]
        columns = {"predicted_label": np.array([_text(v) for v in np.asarray(outputs["label"])], dtype=object)}
        for i, name in enumerate(class_names):
            columns[f"prob_{name}"] = probabilities[:, i].astype(np.float32)
        return columns


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _min_words(text_key, min_words):
    """A `.apply` step keeping rows whose `text_key` has >= `min_words` whitespace-separated words."""
    import tensorflow as tf

    from seqkit.data import filter_batched

    def long_enough(rows):
        words = tf.strings.split(tf.strings.strip(rows[text_key]))
        return words.row_lengths() >= min_words

    return filter_batched(long_enough)


def _drop_phrases_of(held_out, text_key):
    """A `.apply` step dropping rows whose text is a contiguous word run of a `held_out` row.

    Reads `held_out` once (it is the small part) and looks each row up in a
    hash table of every word span of every held-out text.
    """
    import tensorflow as tf

    spans = set()
    for row in held_out.as_numpy_iterator():
        words = row[text_key].decode("utf-8").split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                spans.add(" ".join(words[start:end]))
    if not spans:
        return lambda dataset: dataset
    keys = tf.constant(sorted(spans))
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(keys, tf.ones_like(keys, dtype=tf.int64)), default_value=0
    )

    from seqkit.data import filter_batched

    def keep(rows):
        words = tf.strings.split(tf.strings.strip(rows[text_key]))
        return table.lookup(tf.strings.reduce_join(words, axis=-1, separator=" ")) == 0

    return filter_batched(keep)


def _split_fraction(dataset, fraction, seed):
    """Deterministic (train, held-out) split of `dataset` (`seqkit.data.split`)."""
    from seqkit.data import split

    train, held_out = split(dataset, [1.0 - fraction, fraction], seed)
    return train, held_out
