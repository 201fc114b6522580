"""`seqkit export`: a trained run as a versioned SavedModel for TF Serving."""

import click

from seqkit.cli.common import handle_errors
from seqkit.cli.generate import decoding_options
from seqkit.cli.generate import task_with_decoding


@click.command(name="export")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=str),
    help="The model's directory; the export goes into its next integer version, <out>/<N>/.",
)
@decoding_options
@handle_errors
def command(run_dir, out_dir, **decoding):
    """Export RUN_DIR as a SavedModel that takes raw strings.

    For runs that generate text, the decoding flags fix the strategy inside
    the SavedModel (default: the recipe's `decoding` section); seqkit.json
    records the settings used.

    \b
    Examples:
      seqkit export runs/sentiment --out serving/sentiment
      seqkit export runs/music --out serving/music --strategy top_p --top-p 0.9 --max-length 600
    """
    import dataclasses

    from seqkit import export
    from seqkit import runner

    run = runner.load_run(run_dir)
    task = task_with_decoding(run, decoding)
    run = dataclasses.replace(run, task=task, config=task.config)
    version_dir = runner.export(run, out_dir)
    meta = export.read_metadata(version_dir)
    click.echo(f"Exported {run_dir} -> {version_dir}")
    for line in describe_export(meta, version_dir):
        click.echo(line)


def describe_export(meta, version_dir):
    """Lines telling what the export takes and returns and what it needs to run."""
    import os

    signature = meta.get("signature", {})
    lines = [f"signature '{signature.get('key', 'serving_default')}':"]
    for kind in ("inputs", "outputs"):
        specs = signature.get(kind, {})
        described = ", ".join(
            f"{name} {spec['dtype']} {_shape(spec['shape'])}" for name, spec in sorted(specs.items())
        )
        lines.append(f"  {kind + ':':9s}{described}")
    custom = meta.get("custom_ops", {})
    if custom.get("tensorflow_text") or custom.get("unknown"):
        needed = custom.get("tensorflow_text", []) + custom.get("unknown", [])
        lines.append(
            f"ops: {len(meta.get('ops', []))} op types; needs ops outside stock TensorFlow: "
            f"{', '.join(needed)} (load tensorflow_text first; TF Serving needs a build with them)"
        )
    else:
        lines.append(
            f"ops: {len(meta.get('ops', []))} op types, all in stock TensorFlow "
            "(no tensorflow-text needed; stock TF Serving runs it)"
        )
    base = os.path.abspath(os.path.dirname(str(version_dir)))
    name = (meta.get("config") or {}).get("export", {}).get("name") or os.path.basename(base)
    lines.append(
        f"serve: tensorflow_model_server --rest_api_port=8501 --model_name={name} "
        f"--model_base_path={base}"
    )
    return lines


def _shape(dims):
    if dims is None:
        return "[unknown rank]"
    return "[" + ", ".join("None" if d is None else str(d) for d in dims) + "]"
