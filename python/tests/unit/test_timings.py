from __future__ import annotations

import json

from member_segmentation.timings import TIMINGS_FILE_ENV, timed


def test_a_timed_phase_appends_one_json_line_when_the_hook_is_set(tmp_path, monkeypatch):
    timings_file = tmp_path / "timings.jsonl"
    monkeypatch.setenv(TIMINGS_FILE_ENV, str(timings_file))

    with timed("segment_centroids", "fit"):
        pass
    with timed("member_segments", "assign"):
        pass

    records = [json.loads(line) for line in timings_file.read_text().splitlines()]
    assert [(record["model"], record["phase"]) for record in records] == [
        ("segment_centroids", "fit"),
        ("member_segments", "assign"),
    ]
    assert all(record["seconds"] >= 0 for record in records)


def test_timing_writes_nothing_without_the_hook(tmp_path, monkeypatch):
    monkeypatch.delenv(TIMINGS_FILE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)

    with timed("segment_centroids", "fit"):
        pass

    assert list(tmp_path.iterdir()) == []
