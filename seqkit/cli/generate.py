"""`seqkit generate`: texts (ABC tunes, sentences) from a trained language model."""

import click

from seqkit.cli.common import handle_errors


def decoding_options(command):
    """The decoding flags `generate` and `export` share (None: the recipe's value)."""
    options = [
        click.option("--strategy", type=click.Choice(["greedy", "beam", "random", "top_k", "top_p"]),
                     help="Decoding strategy. Defaults to the recipe's decoding.strategy."),
        click.option("--temperature", type=float, help="Divides the logits (> 0)."),
        click.option("--top-k", "top_k", type=int, help="top_k: sample among the k most likely tokens."),
        click.option("--top-p", "top_p", type=float, help="top_p: sample in the nucleus of mass p, (0, 1]."),
        click.option("--beam-width", "beam_width", type=int, help="beam: beams kept."),
        click.option("--length-penalty", "length_penalty", type=float, help="beam: GNMT length penalty alpha."),
        click.option("--seed", type=int, help="Seed of the random strategies."),
        click.option("--max-length", "max_length", type=int, help="Tokens per text, prompt included."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


DECODING_FLAGS = ("strategy", "temperature", "top_k", "top_p", "beam_width", "length_penalty", "seed", "max_length")


def task_with_decoding(run, flags):
    """The run's task with the decoding flags applied; ConfigError for a task that does not generate."""
    from seqkit.errors import ConfigError

    given = {k: v for k, v in flags.items() if v is not None}
    if not hasattr(run.task, "with_decoding"):
        if given:
            raise ConfigError(
                f"--{next(iter(given)).replace('_', '-')} applies to runs that generate text; "
                f"{run.path} is a '{run.config.task}' run"
            )
        return run.task
    return run.task.with_decoding(**given)


@click.command(name="generate")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--prompt", default="", show_default=True, help="Text to continue (\"\": from the start).")
@click.option("--num", default=1, show_default=True, type=click.IntRange(min=1), help="How many texts.")
@decoding_options
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Also write the texts to this file.")
@click.option("--midi", "midi_dir", type=click.Path(file_okay=False),
              help="Write each tune as DIR/tune_<i>.mid (ABC runs; needs music21).")
@handle_errors
def command(run_dir, prompt, num, out_path, midi_dir, **flags):
    """Generate texts with a trained language model (task: generate).

    \b
    Examples:
      seqkit generate runs/music --prompt "X:1" --num 5 --strategy top_p --top-p 0.9 --temperature 0.8 --seed 7 --out tunes.abc
      seqkit generate runs/music --num 5 --midi midi/
      seqkit generate runs/next_word --prompt "i would like to" --strategy beam --beam-width 5 --num 3
    """
    from seqkit import runner
    from seqkit.errors import ConfigError

    run = runner.load_run(run_dir)
    if run.config.task != "generate":
        raise ConfigError(f"seqkit generate needs a run of task 'generate'; {run_dir} is a '{run.config.task}' run")
    task = task_with_decoding(run, flags)
    if midi_dir is not None:
        from seqkit.tasks.generate.music import require_music21

        require_music21("--midi")
    samples = task.sample(run, prompt, num)
    texts = [s["text"] for s in samples]
    separator = "\n\n" if task.config.tokenizer.kind == "char" else "\n"
    for sample in samples:
        if sample["score"] is not None:
            click.echo(f"# score {sample['score']:.4f}")
        click.echo(sample["text"] + ("\n" if separator == "\n\n" else ""))
    if out_path is not None:
        from seqkit.run_dir import write_text

        write_text(out_path, separator.join(texts) + "\n")
    if midi_dir is not None:
        from seqkit.tasks.generate.music import write_midi_files

        written = write_midi_files(texts, midi_dir)
        click.echo(f"MIDI: {written} of {len(texts)} tunes written to {midi_dir}", err=True)
