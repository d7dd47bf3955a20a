from pathlib import Path

from click.testing import CliRunner

from pipeline.audio import AudioClip
from pipeline.callmeta import CallMeta
from pipeline.speakers.cli import score_labelled, speakers_group, summarise
from pipeline.speakers.options import SpeakerOptions
from pipeline.transcript import Transcript

from .speaker_fixtures import DIR, reference, transcript


def test_bad_channel_map_is_a_usage_error() -> None:
    res = CliRunner().invoke(speakers_group, ["attribute", str(DIR / "wrong_number.flac"),
                                              "--channels", "0=boss"])
    assert res.exit_code == 2 and "0=agent,1=borrower" in res.output


def test_score_without_audio_records_is_a_usage_error(tmp_path: Path) -> None:
    labels = tmp_path / "l.jsonl"
    labels.write_text('{"id": "x", "kind": "callback", "turns": []}\n')
    res = CliRunner().invoke(speakers_group, ["score", str(labels)])
    assert res.exit_code == 2 and "no labelled recordings" in res.output


def test_score_labelled_with_recorded_transcripts() -> None:
    name = "wrong_number.flac"
    ref = reference(name)
    record = {"id": "wn", "kind": ref["kind"], "audio": name, "channels": ref["channels"],
              "turns": [{"speaker": t["speaker"], "start": t["start"], "end": t["end"]}
                        for t in ref["turns"]]}

    def recorded(clip: AudioClip, meta: CallMeta) -> Transcript:
        return transcript(name)  # Whisper's output for this file, recorded once

    results = score_labelled([record], DIR, recorded, SpeakerOptions(), collar=0.25)
    assert results[0][0] == "wn" and results[0][1] == "stereo"
    assert results[0][2].role_accuracy >= 0.95
    text = summarise(results)
    assert "stereo: 1 recordings" in text and "role accuracy" in text
