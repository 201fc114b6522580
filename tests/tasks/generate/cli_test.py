"""The generate task through the CLI on a tiny tune book: fit, generate, evaluate, export, bad input."""

import json

import pytest
from click.testing import CliRunner

from seqkit.cli import main
from seqkit.export import read_metadata

pytestmark = [pytest.mark.large, pytest.mark.tf_only]

TUNE = "X:{n}\nT:Tune {n}\nM:4/4\nL:1/8\nK:D\nABcd efga|bagf edcB|ABcd efga|bagf e2d2|]"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("generate_cli")
    (root / "tunes.abc").write_text("\n\n".join(TUNE.format(n=n) for n in range(1, 13)) + "\n")
    (root / "music.yaml").write_text(
        "task: generate\n"
        "data: {train: tunes.abc, sequence_length: 20, validation_split: 0.25}\n"
        "tokenizer: {kind: char, lowercase: false}\n"
        "model: {decoder: {kind: gru, units: 16, embedding_dim: 8}}\n"
        "train: {epochs: 2, batch_size: 8, learning_rate: 0.01}\n"
        "decoding: {strategy: greedy, max_length: 60, num_samples: 3, evaluate_strategies: [greedy, top_p],"
        " validity: true}\n"
    )
    outcome = CliRunner().invoke(main, ["fit", str(root / "music.yaml"), "--run-dir", str(root / "run")])
    assert outcome.exit_code == 0, outcome.output
    return root / "run"


def test_generate_writes_the_texts_and_midi_files(run_dir, tmp_path):
    pytest.importorskip("music21")
    out = tmp_path / "tunes.abc"
    outcome = CliRunner().invoke(
        main,
        ["generate", str(run_dir), "--prompt", "X:1\nT:", "--num", "2", "--strategy", "top_p", "--top-p", "0.9",
         "--temperature", "0.8", "--seed", "7", "--out", str(out), "--midi", str(tmp_path / "midi")],
    )
    assert outcome.exit_code == 0, outcome.output
    texts = out.read_text().strip().split("\n\n")
    assert len(texts) == 2 and all(t.startswith("X:1\nT:") for t in texts)
    again = CliRunner().invoke(
        main, ["generate", str(run_dir), "--prompt", "X:1\nT:", "--num", "2", "--strategy", "top_p",
               "--top-p", "0.9", "--temperature", "0.8", "--seed", "7"],
    )
    assert again.output.strip() in outcome.output  # the same seed gives the same tunes
    assert (tmp_path / "midi").is_dir()


def test_evaluate_reports_bits_per_char_validity_samples_and_the_loss_curve(run_dir):
    outcome = CliRunner().invoke(main, ["evaluate", str(run_dir)])
    assert outcome.exit_code == 0, outcome.output
    report = json.loads((run_dir / "metrics.json").read_text())["test"]
    assert report["bits_per_char"] == pytest.approx(report["cross_entropy"] / 0.6931471805599453)
    assert report["perplexity"] > 1
    assert set(report["validity"]) == {"greedy", "top_p"}
    assert 0 <= report["validity"]["top_p"]["valid"] <= 1 and report["validity"]["top_p"]["tunes"] == 3
    samples = (run_dir / "samples" / "test_top_p.txt").read_text()
    assert len(samples.strip().split("\n\n")) >= 1
    assert (run_dir / "plots" / "loss_curve.png").stat().st_size > 0


def test_export_fixes_the_decoding_flags_in_the_metadata(run_dir, tmp_path):
    outcome = CliRunner().invoke(
        main, ["export", str(run_dir), "--out", str(tmp_path / "serving"), "--strategy", "top_p",
               "--top-p", "0.5", "--max-length", "40"],
    )
    assert outcome.exit_code == 0, outcome.output
    meta = read_metadata(tmp_path / "serving" / "1")
    assert meta["decoding"]["strategy"] == "top_p" and meta["decoding"]["top_p"] == 0.5
    assert meta["decoding"]["max_length"] == 40 and meta["config"]["decoding"]["top_p"] == 0.5


@pytest.mark.parametrize(
    "flags,message",
    [
        (["--strategy", "nucleus"], "nucleus"),
        (["--strategy", "top_p", "--top-p", "1.5"], "p=1.5"),
        (["--strategy", "top_k", "--top-k", "0"], "k=0"),
        (["--temperature", "0"], "temperature=0"),
        (["--max-length", "0"], "max_length=0"),
    ],
)
def test_bad_decoding_options_exit_2_and_write_nothing(run_dir, tmp_path, flags, message):
    out = tmp_path / "out.abc"
    outcome = CliRunner().invoke(main, ["generate", str(run_dir), "--out", str(out), *flags])
    assert outcome.exit_code == 2, outcome.output
    assert message in outcome.output and "Traceback" not in outcome.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_prompt_with_unknown_characters_warns_and_still_generates(run_dir):
    with pytest.warns(UserWarning, match="lacks"):
        outcome = CliRunner().invoke(main, ["generate", str(run_dir), "--prompt", "X:1\nT:Ω"])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.startswith("X:1\nT:\ufffd")


def test_a_missing_music21_is_a_one_line_error(run_dir, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_music21(name, *args, **kwargs):
        if name == "music21":
            raise ImportError("No module named 'music21'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_music21)
    outcome = CliRunner().invoke(main, ["generate", str(run_dir), "--midi", str(tmp_path / "midi")])
    assert outcome.exit_code == 2 and "music21" in outcome.output
    assert not (tmp_path / "midi").exists()
