"""`seqkit score`: batch-score a CSV with a run directory or an exported SavedModel,
here (`--runner local`) or as an Apache Beam pipeline over CSV shards (`--runner beam`)."""

import click

from seqkit.cli.common import handle_errors


@click.command(name="score")
@click.argument("source", type=click.Path(exists=True, path_type=str))
@click.argument("input_path", metavar="INPUT.csv", type=click.Path(path_type=str))
@click.option(
    "--out", "output_path", required=True, type=click.Path(dir_okay=False, path_type=str),
    help="The scored CSV: every input column plus the prediction columns. With --runner beam, "
         "a prefix: OUT-SSSSS-of-NNNNN.csv shards and OUT.manifest.json.",
)
@click.option(
    "--runner", "runner_name", type=click.Choice(["local", "beam"]), default="local", show_default=True,
    help="local: stream INPUT.csv on this machine. beam: an Apache Beam pipeline over every file "
         "INPUT matches as a glob (SOURCE must be an export); DirectRunner with 2 worker processes "
         "unless --beam-option says otherwise.",
)
@click.option(
    "--beam-option", "beam_options", multiple=True, metavar="KEY=VALUE",
    help="A Beam pipeline option for --runner beam, e.g. runner=FlinkRunner, "
         "flink_master=host:8081, direct_num_workers=4. Repeatable.",
)
@click.option(
    "--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
    help="On a bad row (wrong field count, invalid UTF-8, an empty input, a field longer than "
         "131,072 characters), stop (fail) or write it to the reject file and go on (skip).",
)
@click.option(
    "--reject-file", "reject_path", type=click.Path(dir_okay=False, path_type=str), default=None,
    help="Where --on-error skip writes bad rows. Defaults to OUT.rejects.csv.",
)
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=512, show_default=True,
    help="Rows per model call.",
)
@click.option(
    "--chunk-size", type=click.IntRange(min=1), default=10_000, show_default=True,
    help="Rows read and written at a time (bounds memory).",
)
@click.option(
    "--text-column", default=None, metavar="NAME",
    help="The column holding the text, for a model with one input. Defaults to the column "
         "the model was trained on.",
)
@click.option(
    "--column", "columns", multiple=True, metavar="INPUT=COLUMN",
    help="Read the serving input INPUT from CSV column COLUMN (seqkit.json lists the inputs). "
         "Repeatable.",
)
@handle_errors
def command(source, input_path, output_path, runner_name, beam_options, on_error, reject_path, batch_size,
            chunk_size, text_column, columns):
    """Score INPUT.csv with SOURCE: a run directory or a `seqkit export` directory.

    \b
    Examples:
      seqkit score serving/sentiment reviews.csv --out scored.csv
      seqkit score runs/sentiment reviews.csv --out scored.csv --on-error skip
      seqkit score serving/sentiment reviews.csv --out scored.csv --text-column review
      seqkit score --runner beam serving/sentiment 'shards/part-*.csv' --out scored/part
    """
    import os

    from seqkit import runner

    _check_runner_options(runner_name, beam_options, reject_path)
    if runner_name == "beam":
        from seqkit.cli import tf_setup

        # Beam's worker processes log their start-up and TensorFlow's to this stderr.
        with tf_setup.filtered_stderr(noise=_beam_noise):
            result = runner.score_beam(
                source, input_path, output_path, on_error=on_error, batch_size=batch_size,
                text_column=text_column, columns=_parse_columns(columns),
                beam_options=_parse_pairs(beam_options, "--beam-option", "KEY=VALUE"),
            )
        _echo_beam(result)
        return
    total = os.path.getsize(input_path) if os.path.isfile(input_path) else 0
    with click.progressbar(length=max(total, 1), label="scoring", file=click.get_text_stream("stderr")) as bar:
        done = [0]

        def progress(report):
            bar.update(report.bytes_read - done[0])
            done[0] = report.bytes_read

        result = runner.score(
            source,
            input_path,
            output_path,
            on_error=on_error,
            reject_path=reject_path,
            batch_size=batch_size,
            chunk_size=chunk_size,
            progress=progress,
            text_column=text_column,
            columns=_parse_columns(columns),
        )
    click.echo(
        f"Scored {result.rows} rows in {result.seconds:.1f}s "
        f"({_rate(result.rows_per_second)} rows/s; model loaded in {result.load_seconds:.1f}s) "
        f"-> {result.output_path}"
    )
    for note in result.notes:
        click.echo(note, err=True)
    if result.reject_path is not None:
        click.echo(f"Rejected {result.rejected} rows -> {result.reject_path}")


def _parse_columns(values):
    return _parse_pairs(values, "--column", "INPUT=COLUMN")


def _parse_pairs(values, option, form):
    result = {}
    for value in values:
        name, sep, column = value.partition("=")
        if not sep or not name or not column:
            raise click.BadParameter(f"expected {form}. Received: {value!r}", param_hint=option)
        result[name.strip()] = column.strip()
    return result


def _check_runner_options(runner_name, beam_options, reject_path):
    if runner_name != "beam" and beam_options:
        raise click.UsageError("--beam-option needs --runner beam")
    if runner_name == "beam" and reject_path is not None:
        raise click.UsageError("--reject-file is for --runner local; the beam runner writes OUT.rejects-*.csv")
    ctx = click.get_current_context()
    if runner_name == "beam" and ctx.get_parameter_source("chunk_size") != click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--chunk-size is for --runner local; the beam runner batches rows itself")


def _beam_noise(line):
    """Python logging lines of Beam's workers (LEVEL:logger:...) and TensorFlow's start-up lines."""
    from seqkit.cli import tf_setup

    return tf_setup.is_noise(line) or line.startswith(("DEBUG:", "INFO:", "WARNING:"))


def _rate(rows_per_second):
    """A rate for people: "1,234", "12", or "0.43" (a slow model on a few rows is not "0")."""
    return f"{rows_per_second:,.0f}" if rows_per_second >= 10 else f"{rows_per_second:.2g}"


def _echo_beam(result):
    click.echo(
        f"Scored {result.rows} rows from {len(result.inputs)} files in {result.seconds:.1f}s "
        f"({_rate(result.rows_per_second)} rows/s, Beam {result.options.get('runner', 'DirectRunner')}) "
        f"-> {len(result.shards)} shards, manifest {result.manifest_path}"
    )
    if result.reject_shards:
        click.echo(f"Rejected {result.rejected} rows -> {', '.join(str(p) for p in result.reject_shards)}")
