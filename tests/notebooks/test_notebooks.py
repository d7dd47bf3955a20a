"""The evaluation notebooks run top to bottom (nbclient) and are stored without outputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.analysis import CallAnalysis
from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.evaluate.labels import parse_lines
from pipeline.evaluate.report import report_to_dict
from pipeline.evaluate.scoring import CallRun, score_runs
from pipeline.transcript import Segment, Transcript

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SAMPLE_LABELS = REPO / "sample_audio" / "conversations.jsonl"


def _execute(name: str, timeout: int) -> str:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO)}}).execute()
    texts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            texts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


@pytest.mark.parametrize("name", ["transcription_eval.ipynb", "rule_calibration.ipynb"])
def test_stored_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def _cached_audio_report(path: Path) -> None:
    [record] = parse_lines([json.dumps({
        "id": "cb-cached", "kind": "callback", "channels": {"0": "agent", "1": "borrower"},
        "turns": [{"speaker": "agent", "text": "您好，我是李娜。", "start": 0.0, "end": 2.0},
                  {"speaker": "borrower", "text": "车卖了。", "start": 2.5, "end": 4.0}],
    }, ensure_ascii=False)], "cached")
    transcript = Transcript((Segment(0, 0.1, 1.9, "您好我是李那", "您好我是李那"),
                             Segment(1, 2.6, 3.9, "车卖了", "车卖了")), 4.0, "zh", "t", "t")
    hyp = Conversation(CallMeta("cb-cached"), (
        Turn(0, "ch0", "agent", 0.1, 1.9, "您好我是李那", "您好我是李那", channel=0),
        Turn(1, "ch1", "borrower", 2.6, 3.9, "车卖了", "车卖了", channel=1)))
    report = score_runs([CallRun(record, "audio", CallAnalysis(), hyp, transcript)],
                        mode="audio")
    path.write_text(json.dumps(report_to_dict(report), ensure_ascii=False), encoding="utf-8")


def test_transcription_notebook_reads_a_cached_report(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "eval.json"
    _cached_audio_report(cache)
    monkeypatch.setenv("CALLQA_EVAL_JSON", str(cache))
    out = _execute("transcription_eval.ipynb", timeout=120)
    assert f"cached report {cache}" in out
    assert "CER 0.1111" in out  # 李娜 -> 李那: 1 edit in 9 characters
    assert "李那" in out  # the worst segment is shown with its hypothesis


@pytest.mark.slow
def test_transcription_notebook_transcribes_short_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLQA_EVAL_JSON", raising=False)
    # the committed sample corpus; the notebook picks its two shortest recordings
    monkeypatch.setenv("CALLQA_EVAL_LABELS", str(SAMPLE_LABELS))
    monkeypatch.setenv("CALLQA_EVAL_MAX_FILES", "2")
    out = _execute("transcription_eval.ipynb", timeout=300)
    assert "transcribed 2 shortest files" in out
    cer = re.search(r"CER (\d+\.\d+)", out)
    # the two shortest sample calls are 8 kHz synthetic phone audio at about 0.3 CER
    # with the base model; a broken pipeline (wrong channel, no t2s) lands near 1.0
    assert cer is not None and float(cer.group(1)) < 0.5


def test_rule_calibration_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_EVAL_LABELS", str(SAMPLE_LABELS))
    out = _execute("rule_calibration.ipynb", timeout=300)
    assert "overall micro" in out
    assert "CN-3P-01" in out  # labelled in the sample corpus: a row whatever the rules found
    assert "threshold" in out
