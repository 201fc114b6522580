"""The serving spec: what a task's exported model takes and returns, as data.

A task declares it (`Task.serving_spec()`); `seqkit export` records it in
`assets.extra/seqkit.json` under "serving", and `seqkit score` maps CSV
columns to the signature's inputs and the outputs to CSV columns from it
alone, for a run directory and a SavedModel alike.

Inputs (`ServingInput`): the signature input `name`, its `dtype` ("string",
"float32", "int32", ...) and `shape` (batch dimension first, None for any
size), the CSV `column` it comes from, and how that column is `read`:
"text" (the cell as a string), "file" (the bytes of the file the cell names,
relative to the CSV's directory) or "number" (the cell as a float). A "file"
input with `content="image"` must hold an image that decodes: a corrupt file
is a bad row, like a missing one. An input with `columns` reads several
CSV columns, stacked on its last axis (a forecaster's window of rows x
columns); `column` is then the first of them.

Outputs (`ServingOutput`): the signature output `name` and its `kind`, which
says how it becomes CSV columns:

==========  ==============================================================
"text"      a string per example -> one column `column`
"number"    a number per example -> one column `column`
"numbers"   a vector per example -> `column.format(index=i)` per position
"scores"    a vector per example -> `column.format(name=n)` per name, the
            names read from the first row of the output `names`
"tokens"    strings per example -> one column, joined by spaces
"names"     not written (it names the positions of a "scores" output)
"array"     not written by the generic scorer: the task writes it
            (`score_history`, e.g. a forecast's rows per future step)
==========  ==============================================================

Grouping (`group_by`): None scores each CSV row as one example. A column
name makes consecutive rows with the same value of that column one example
(a forecaster reads a window of rows per series): each input becomes the
vector of its column over the group's last `window` rows (shape
[groups, window]), and each group gives one output row holding the group
key and the output columns. A group shorter than `window` is a bad row.
"""

import dataclasses

READ_KINDS = ("text", "file", "number")
# What a "file" input must hold, checked per row before scoring: None (anything) or
# "image" (a PNG, JPEG, GIF or BMP that decodes; `seqkit.data.images.check_image_file`).
CONTENT_KINDS = (None, "image")
OUTPUT_KINDS = ("text", "number", "numbers", "scores", "tokens", "names", "array")


@dataclasses.dataclass(frozen=True)
class ServingInput:
    """One input of the serving signature and the CSV column that feeds it."""

    name: str
    dtype: str = "string"
    shape: tuple = (None,)
    column: str = "text"
    read: str = "text"
    content: str | None = None
    columns: tuple | None = None

    def __post_init__(self):
        if self.read not in READ_KINDS:
            raise ValueError(f"read must be one of {READ_KINDS}. Received: read={self.read!r}")
        if self.content not in CONTENT_KINDS:
            raise ValueError(f"content must be one of {CONTENT_KINDS}. Received: content={self.content!r}")


@dataclasses.dataclass(frozen=True)
class ServingOutput:
    """One output of the serving signature and how it is written to CSV."""

    name: str
    kind: str = "text"
    column: str | None = None
    names: str | None = None

    def __post_init__(self):
        if self.kind not in OUTPUT_KINDS:
            raise ValueError(f"kind must be one of {OUTPUT_KINDS}. Received: kind={self.kind!r}")
        if self.kind == "scores" and self.names is None:
            raise ValueError(f"a 'scores' output names the output holding its names. Received: {self!r}")


@dataclasses.dataclass(frozen=True)
class ServingSpec:
    """Inputs, outputs and grouping of a task's serving signature."""

    inputs: tuple
    outputs: tuple
    group_by: str | None = None
    window: int | None = None

    def to_dict(self):
        return {
            "inputs": [dataclasses.asdict(i) for i in self.inputs],
            "outputs": [dataclasses.asdict(o) for o in self.outputs],
            "group_by": self.group_by,
            "window": self.window,
        }

    @classmethod
    def from_dict(cls, data):
        inputs = tuple(
            ServingInput(**{**item, "shape": tuple(item.get("shape") or (None,)),
                            "columns": tuple(item["columns"]) if item.get("columns") else None})
            for item in data["inputs"]
        )
        outputs = tuple(ServingOutput(**item) for item in data["outputs"])
        return cls(inputs=inputs, outputs=outputs, group_by=data.get("group_by"), window=data.get("window"))

    @property
    def columns(self):
        """The CSV columns scoring reads, in input order."""
        return [c for i in self.inputs for c in (i.columns or (i.column,))]

    def with_columns(self, mapping):
        """A copy reading other CSV columns: `mapping` is {input name: column}."""
        unknown = sorted(set(mapping) - {i.name for i in self.inputs})
        if unknown:
            names = ", ".join(i.name for i in self.inputs)
            raise ValueError(f"no serving input {unknown[0]!r}; the inputs are {names}")
        inputs = tuple(dataclasses.replace(i, column=mapping.get(i.name, i.column)) for i in self.inputs)
        return dataclasses.replace(self, inputs=inputs)
