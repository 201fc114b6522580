"""Smoke tests of bench/sst2.py's pieces: TSV reading, the TF-IDF baseline, the table."""

import importlib.util
import json
import pathlib

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[1] / "bench" / "sst2.py"


@pytest.fixture(scope="module")
def sst2():
    spec = importlib.util.spec_from_file_location("bench_sst2", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tiny_corpus():
    good = ["good", "great", "fine", "superb", "lovely"]
    bad = ["bad", "awful", "dull", "boring", "weak"]
    texts, labels = [], []
    for i in range(30):
        texts.append(f"the film was {good[i % 5]} and {good[(i + 2) % 5]}")
        labels.append(1)
        texts.append(f"the film was {bad[i % 5]} and {bad[(i + 3) % 5]}")
        labels.append(0)
    return texts, labels


def test_read_tsv_strips_the_trailing_space_and_parses_labels(sst2, tmp_path):
    path = tmp_path / "tiny.tsv"
    path.write_text('sentence\tlabel\nit \'s a "charming" film \t1\nnot good \t0\n', encoding="utf-8")
    texts, labels = sst2.read_tsv(path)
    assert texts == ['it \'s a "charming" film', "not good"]
    assert labels == [1, 0]


def test_read_tsv_rejects_a_wrong_header_and_a_short_row(sst2, tmp_path):
    bad_header = tmp_path / "header.tsv"
    bad_header.write_text("text\tlabel\nfine\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sentence<TAB>label"):
        sst2.read_tsv(bad_header)
    short = tmp_path / "short.tsv"
    short.write_text("sentence\tlabel\nfine\t1\nno label here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        sst2.read_tsv(short)


def test_baseline_picks_c_on_held_out_train_and_scores_eval(sst2):
    pytest.importorskip("sklearn")
    texts, labels = _tiny_corpus()
    eval_texts = ["a superb and lovely film", "a dull and boring film", "great", "awful"]
    eval_labels = [1, 0, 1, 0]
    result = sst2.tfidf_baseline(texts, labels, eval_texts, eval_labels, cs=(0.01, 10.0), held_out=0.2)
    assert set(result["held_out_by_c"]) == {0.01, 10.0}
    assert result["C"] in (0.01, 10.0)
    assert result["held_out_accuracy"] == result["held_out_by_c"][result["C"]]
    # Separable by single words: the chosen model gets every evaluation text right.
    assert result["accuracy"] == 1.0
    assert result["seconds"] >= 0


def test_baseline_needs_a_c(sst2):
    pytest.importorskip("sklearn")
    texts, labels = _tiny_corpus()
    with pytest.raises(ValueError, match="cs="):
        sst2.tfidf_baseline(texts, labels, texts, labels, cs=())


def test_table_reports_delta_and_target(sst2):
    baseline = {"C": 32.0, "accuracy": 0.82, "held_out_accuracy": 0.9, "seconds": 12.0}
    results = {
        "bilstm": {"accuracy": 0.8417, "held_out_accuracy": 0.935, "best_epoch": 2, "epochs": 4,
                   "seconds": 300.0, "params": 1000},
        "transformer": {"accuracy": 0.8165, "held_out_accuracy": 0.91, "best_epoch": 4, "epochs": 4,
                        "seconds": 200.0, "params": 2000},
    }
    lines = sst2.format_table(baseline, results).splitlines()
    assert len(lines) == 5
    assert "tfidf+logreg (C=32)" in lines[2] and "0.8200" in lines[2] and "0.9000" in lines[2]
    bilstm = [cell.strip() for cell in lines[3].strip("|").split("|")]
    assert bilstm[1:] == ["0.8417", "0.9350", "2/4", "300.0", "+0.0217", "yes"]
    transformer = [cell.strip() for cell in lines[4].strip("|").split("|")]
    assert transformer[5:] == ["-0.0035", "no"]
    no_base = sst2.format_table(None, {"bilstm": results["bilstm"]}).splitlines()
    assert [cell.strip() for cell in no_base[2].strip("|").split("|")][5:] == ["n/a", "yes"]


def test_recipes_select_on_held_out_train_and_score_dev_as_test(sst2):
    from seqkit.config import load_config

    for name, recipe in sst2.RECIPES.items():
        config = load_config([str(recipe)], (), {"train": "train.tsv", "test": "dev.tsv"})
        assert config.data.validation is None, name  # dev never picks the checkpoint
        assert 0 < config.data.validation_split < 1, name
        assert config.data.test.endswith("dev.tsv"), name
        assert config.tokenizer.punctuation == "keep", name
        assert config.train.length_window > 0, name


def test_fit_recipe_refuses_dev_as_validation(sst2, tmp_path, monkeypatch):
    import dataclasses

    from seqkit import config as config_lib

    dev = tmp_path / "dev.tsv"
    dev.write_text("sentence\tlabel\nfine\t1\nbad\t0\n", encoding="utf-8")
    real = config_lib.load_config

    def with_dev_as_validation(*args, **kwargs):
        loaded = real(*args, **kwargs)
        return loaded.replace_section("data", dataclasses.replace(loaded.data, validation=str(dev)))

    monkeypatch.setattr(config_lib, "load_config", with_dev_as_validation)
    with pytest.raises(ValueError, match="dev would pick"):
        sst2.fit_recipe(sst2.RECIPES["bilstm"], dev, dev, tmp_path / "run")


def test_real_sst2_files_read_with_glue_counts(sst2, shared_data):
    texts, labels = sst2.read_tsv(shared_data / "sentiment" / "sst2_dev.tsv")
    assert len(texts) == 872
    assert (labels.count(1), labels.count(0)) == (444, 428)
    assert all(t == t.strip() and t for t in texts)


def test_bench_skips_cleanly_without_the_shared_data(sst2, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sst2, "DATA_DIR", tmp_path / "missing")
    assert sst2.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sst2 bench skipped:") and "sst2_train.tsv" in out


@pytest.mark.large
def test_fit_recipe_refits_on_every_row_for_the_selected_epochs(sst2, tmp_path):
    from seqkit.config import load_config

    texts, labels = _tiny_corpus()
    train = tmp_path / "train.tsv"
    # Distinct rows: a training row equal to a held-out row is one of its phrases.
    sst2._write_subsample([f"review {i} : {t}" for i, t in enumerate(texts * 2)], labels * 2, train)
    dev = tmp_path / "dev.tsv"
    sst2._write_subsample(texts[:10], labels[:10], dev)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "task: classify\nname: tiny\n"
        "data: {text_column: sentence, label_column: label, validation_split: 0.25,\n"
        "       validation_min_words: 3, exclude_held_out_phrases: true}\n"
        "tokenizer: {max_length: 8, punctuation: keep}\n"
        "model: {encoder: gru, embedding_dim: 8, units: 4, dropout: 0.0}\n"
        "train: {epochs: 3, batch_size: 16, learning_rate: 0.05, monitor: val_accuracy,\n"
        "        early_stopping_patience: 1, lr_schedule: cosine, ema_momentum: 0.5}\n"
    )
    result = sst2.fit_recipe(recipe, train, dev, tmp_path / "run", verbose=0)
    assert result["refit"] and 1 <= result["best_epoch"] <= result["epochs"] <= 3
    # seqkit's train.refit: the run directory holds the refit, the selection run sits beside it.
    refit = load_config([tmp_path / "run" / "config.yaml"])
    assert refit.data.validation_split == 0 and not refit.data.exclude_held_out_phrases
    assert refit.train.epochs == result["best_epoch"] and refit.train.early_stopping_patience is None
    assert refit.train.lr_schedule == "cosine" and refit.train.ema_momentum == 0.5 and not refit.train.refit
    selection = load_config([tmp_path / "run-selection" / "config.yaml"])
    assert selection.data.validation_split == 0.25 and selection.train.epochs == 3
    history = (tmp_path / "run" / "history.csv").read_text().splitlines()
    assert len(history) == 1 + result["best_epoch"]
    selection_history = (tmp_path / "run-selection" / "history.csv").read_text().splitlines()
    assert len(selection_history) == 1 + result["epochs"]
    picked = json.loads((tmp_path / "run" / "metrics.json").read_text())["refit"]
    assert picked["best_epoch"] == result["best_epoch"] and picked["monitor"] == "val_accuracy"
    assert 0.0 <= result["accuracy"] <= 1.0 and 0.0 <= result["select_accuracy"] <= 1.0
    plain = sst2.fit_recipe(recipe, train, dev, tmp_path / "plain", verbose=0, refit=False)
    assert not plain["refit"] and not (tmp_path / "plain-selection").exists()


def test_over_seeds_reports_means_and_the_dev_spread(sst2):
    per_seed = {
        42: {"accuracy": 0.82, "held_out_accuracy": 0.88, "best_epoch": 8, "epochs": 8,
             "seconds": 100.0, "params": 10, "refit": True},
        1: {"accuracy": 0.80, "held_out_accuracy": 0.87, "best_epoch": 5, "epochs": 8,
            "seconds": 110.0, "params": 10, "refit": True},
    }
    row = sst2.over_seeds(per_seed)
    assert row["accuracy"] == pytest.approx(0.81)
    assert row["accuracy_sd"] == pytest.approx(0.01414, abs=1e-5)
    assert row["held_out_accuracy"] == pytest.approx(0.875)
    assert row["seconds"] == 210.0 and row["seeds"] == [42, 1] and row["best_epoch"] == 8
    assert row["per_seed"] == {42: (0.82, 0.88), 1: (0.80, 0.87)}
    cells = [c.strip() for c in sst2.format_table(None, {"transformer": row}).splitlines()[2].strip("|").split("|")]
    assert cells[1] == "0.8100 ± 0.0141 (2 seeds)" and cells[-1] == "no"
    single = sst2.over_seeds({42: per_seed[42]})
    assert single["accuracy_sd"] == 0.0
    with pytest.raises(ValueError, match="at least one seed"):
        sst2.over_seeds({})


def test_seeds_option_parses_a_comma_list(sst2):
    assert sst2._seed_list("42,1,2") == [42, 1, 2]
    import argparse

    for bad in ("42,x", "1,1"):
        with pytest.raises(argparse.ArgumentTypeError):
            sst2._seed_list(bad)
