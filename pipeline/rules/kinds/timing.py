"""Timing and acoustic rule kinds: silence, overtalk, speech_rate, loudness.

They read turn timestamps and, for loudness, the audio (for split stereo the
turn's own channel). Without timestamps or audio they report nothing: absence
of evidence is not a finding.
"""

from __future__ import annotations

import numpy as np

from pipeline.analysis import Finding
from pipeline.conversation import Turn
from pipeline.rules.loader import RulePack
from pipeline.rules.models import Rule
from pipeline.rules.state import CallState


def _timed(turns: tuple[Turn, ...]) -> list[tuple[int, Turn, float, float]]:
    out = [(i, t, float(t.start), float(t.end)) for i, t in enumerate(turns)
           if t.start is not None and t.end is not None and t.end >= t.start]
    return sorted(out, key=lambda x: x[2])


def check_silence(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """Dead air: nobody speaks for more than ``max_silence_s`` after a borrower turn."""
    limit = float(state.param(rule, "max_silence_s"))
    timed = _timed(state.turns)
    out: list[Finding] = []
    latest_end = -1.0
    for k, (i, t, _s, e) in enumerate(timed):
        latest_end = max(latest_end, e)
        if k + 1 >= len(timed) or t.role not in ("borrower", "third_party"):
            continue
        if e < latest_end:  # someone else is still talking
            continue
        gap = timed[k + 1][2] - e
        if gap > limit:
            out.append(state.finding(
                pack, rule, turn=i, pattern=f"silence > {limit:g} s", method="timing",
                score=gap, start=e, end=timed[k + 1][2],
                message=f"{rule.title}: {gap:.1f} s of silence after the borrower spoke"))
    return out


def check_overtalk(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """Agent starts speaking while the borrower is still talking."""
    grace = float(state.param(rule, "grace_s"))
    min_overlap = float(state.param(rule, "min_overlap_s"))
    max_events = int(state.param(rule, "max_events"))
    max_share = float(state.param(rule, "max_share"))
    timed = _timed(state.turns)
    borrower = [x for x in timed if x[1].role in ("borrower", "third_party")]
    agent = [x for x in timed if state.in_scope(rule, x[1])]
    events: list[tuple[int, float, float]] = []
    for ai, _at, a_s, a_e in agent:
        for _bi, _bt, b_s, b_e in borrower:
            if b_s + grace < a_s < b_e:
                overlap = min(a_e, b_e) - a_s
                if overlap >= min_overlap:
                    events.append((ai, a_s, overlap))
                    break
    if not events:
        return []
    talk = sum(e - s for _, _, s, e in borrower)
    total = sum(o for _, _, o in events)
    share = total / talk if talk > 0 else 0.0
    if len(events) <= max_events and share <= max_share:
        return []
    worst = max(events, key=lambda x: x[2])
    return [state.finding(
        pack, rule, turn=worst[0], pattern=f"overtalk > {max_events} or > {max_share:.0%}",
        method="timing", score=len(events), start=worst[1], end=worst[1] + worst[2],
        message=f"{rule.title}: {len(events)} interruptions, {share:.0%} of borrower talk time")]


def _chars(state: CallState, i: int) -> int:
    return len(state.prepared[i].compact)


def check_speech_rate(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """Characters per minute over ``window_s`` windows of the agent's speech."""
    lo, hi = float(state.param(rule, "min_cpm")), float(state.param(rule, "max_cpm"))
    window = float(state.param(rule, "window_s"))
    min_speech = float(state.param(rule, "min_speech_s"))
    agent = [x for x in _timed(state.turns) if state.in_scope(rule, x[1])]
    fast: tuple[float, int, float] | None = None
    slow: tuple[float, int, float] | None = None
    for k, (i, _t, s, _e) in enumerate(agent):
        speech, chars = 0.0, 0.0
        for _j, _tj, sj, ej in agent[k:]:
            if sj >= s + window:
                break
            dur = ej - sj
            if dur <= 0:
                continue
            kept = min(ej, s + window) - sj
            speech += kept
            chars += _chars(state, _j) * kept / dur
        if speech < min_speech:
            continue
        cpm = chars / speech * 60.0
        if cpm > hi and (fast is None or cpm > fast[0]):
            fast = (cpm, i, s)
        if cpm < lo and (slow is None or cpm < slow[0]):
            slow = (cpm, i, s)
    out: list[Finding] = []
    for found, label in ((fast, "too fast"), (slow, "too slow")):
        if found is not None:
            cpm, i, s = found
            out.append(state.finding(
                pack, rule, turn=i, pattern=f"rate outside {lo:g}-{hi:g} chars/min",
                method="timing", score=cpm, start=s, end=s + window,
                message=f"{rule.title}: {label}, {cpm:.0f} characters per minute"))
    return out


def check_loudness(pack: RulePack, rule: Rule, state: CallState) -> list[Finding]:
    """Agent loudness ``rise_db`` above their own call median for ``min_duration_s``."""
    audio = state.audio
    if audio is None:
        return []
    rise = float(state.param(rule, "rise_db"))
    min_dur = float(state.param(rule, "min_duration_s"))
    frame_s = float(state.param(rule, "frame_s"))
    floor = float(state.param(rule, "floor_db"))
    hop = max(1, int(frame_s * audio.sample_rate))
    per_turn: list[tuple[int, float, np.ndarray]] = []
    for i, t in enumerate(state.turns):
        if not state.in_scope(rule, t) or t.start is None or t.end is None:
            continue
        if audio.channels >= 2 and t.channel is not None and t.channel < audio.channels:
            track = audio.track(t.channel)
        else:
            track = audio.mono()
        a, b = int(t.start * audio.sample_rate), int(t.end * audio.sample_rate)
        seg = np.asarray(track[a:b], dtype=np.float64)
        n = len(seg) // hop
        if n == 0:
            continue
        frames = seg[: n * hop].reshape(n, hop)
        db = 10.0 * np.log10(np.mean(frames * frames, axis=1) + 1e-12)
        per_turn.append((i, float(t.start), db))
    voiced = np.concatenate([d[d > floor] for _, _, d in per_turn]) if per_turn else np.array([])
    if voiced.size == 0:
        return []
    median = float(np.median(voiced))
    need = max(1, round(min_dur / frame_s))
    smooth_n = max(1, round(0.5 / frame_s))
    out: list[Finding] = []
    for i, start, db in per_turn:
        if db.size < need:
            continue
        smooth = np.convolve(db, np.ones(smooth_n) / smooth_n, mode="same")
        loud = smooth > median + rise
        run, best, best_end = 0, 0, 0
        for k, flag in enumerate(loud):
            run = run + 1 if flag else 0
            if run > best:
                best, best_end = run, k
        if best >= need:
            peak = float(np.max(smooth) - median)
            s = start + (best_end - best + 1) * frame_s
            out.append(state.finding(
                pack, rule, turn=i, pattern=f"loudness > median + {rise:g} dB", method="acoustic",
                score=peak, start=s, end=s + best * frame_s,
                message=f"{rule.title}: {peak:.1f} dB above the agent's median "
                        f"for {best * frame_s:.1f} s"))
    return out
