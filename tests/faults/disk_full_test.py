"""A full disk (RLIMIT_FSIZE) during score and export: one line, exit 1, nothing half-written."""

LIMIT = 32 * 1024  # bytes: the scored CSV and the SavedModel are larger


def _reviews(tmp_path, rows=3000):
    path = tmp_path / "reviews.csv"
    path.write_text("sentence\n" + "".join(f"the film was good {i}\n" for i in range(rows)))
    return path


def test_score_into_a_full_disk_stops_with_one_line(tmp_path, cli, trained):
    work = tmp_path / "work"
    work.mkdir()
    reviews = _reviews(tmp_path)
    result = cli.run(
        ["score", trained[1], reviews, "--out", "scored.csv"], cwd=work, preexec_fn=cli.file_size_limit(LIMIT)
    )
    cli.assert_one_line_error(result, 1, "Error: cannot write scored.csv: File too large; nothing was written")
    assert sorted(p.name for p in work.iterdir()) == []  # no output, no temporary


def test_export_into_a_full_disk_stops_with_one_line(tmp_path, cli, trained):
    work = tmp_path / "work"
    work.mkdir()
    result = cli.run(["export", trained[0], "--out", "serving"], cwd=work, preexec_fn=cli.file_size_limit(LIMIT))
    cli.assert_one_line_error(result, 1, "Error: cannot write the export under serving: File too large")
    assert [p.name for p in (work / "serving").iterdir()] == []
