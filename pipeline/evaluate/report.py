"""Evaluation report as a JSON-ready dict and as a readable table.

JSON keys: overall, per_id, script, risks, cer, pii, speakers, unknown_ids,
errors, calls. Undefined rates are null.
"""

from __future__ import annotations

from typing import Any

from pipeline.evaluate.metrics import Counts, EditCount, Macro
from pipeline.evaluate.scoring import EvaluationReport, Issue


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _counts(c: Counts) -> dict[str, Any]:
    return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": _r(c.precision),
            "recall": _r(c.recall), "f1": _r(c.f1)}


def _macro(m: Macro) -> dict[str, float | None]:
    return {"precision": _r(m.precision), "recall": _r(m.recall), "f1": _r(m.f1)}


def _edits(e: EditCount) -> dict[str, Any]:
    return {"cer": _r(e.cer), "edits": e.edits, "ref_chars": e.ref_chars,
            "hyp_chars": e.hyp_chars}


def _issue(i: Issue) -> dict[str, Any]:
    return {"kind": i.kind, "id": i.id, "turn": i.turn, "quote": i.quote, "detail": i.detail}


def report_to_dict(report: EvaluationReport) -> dict[str, Any]:
    scored = [c for c in report.calls if c.error is None or c.error.startswith("[text_fallback]")]
    cer = report.cer
    overall = {
        "mode": report.mode,
        "calls": len(report.calls),
        "calls_scored": len(scored),
        "calls_failed": len(report.calls) - len(scored),
        "ids_filter": list(report.ids_filter),
        "micro": _counts(report.micro),
        "macro": _macro(report.macro),
        "by_section": {s: {"micro": _counts(c), "macro": _macro(m)}
                       for s, (c, m) in report.section_counts().items()},
        "localisation": _r(report.localisation),
        "polarity_accuracy": _r(report.risks.polarity_accuracy),
        "slot_exact_rate": _r(report.risks.slot_exact_rate),
        "script_accuracy": _r(report.script_accuracy),
        "answer_accuracy": _r(report.answer_accuracy),
        "pii_precision": _r(report.pii_precision),
        "pii_recall": _r(report.pii_recall),
        "cer": _r(cer.overall.cer) if cer else None,
        "cer_numbers_as_digits": _r(cer.overall_digits.cer) if cer else None,
        "cer_raw_transcript": _r(cer.overall_transcript.cer) if cer else None,
        "speakers": {k: _r(v) for k, v in report.speaker_means().items()},
    }
    per_id = [
        {"id": s.id, "section": s.section, **_counts(s.counts), "calls": s.calls,
         "located": s.located, "localisable": s.localisable, "localisation": _r(s.localisation),
         "call_level": s.call_level, "absent_total": s.absent_total,
         "absent_fired": s.absent_fired}
        for s in report.per_id
    ]
    script = {
        "accuracy": _r(report.script_accuracy),
        "answer_accuracy": _r(report.answer_accuracy),
        "items": [{"id": s.id, "asked_n": s.asked_n, "asked_correct": s.asked_correct,
                   "asked_accuracy": _r(s.asked_accuracy), "answer_n": s.answer_n,
                   "answer_correct": s.answer_correct, "answer_accuracy": _r(s.answer_accuracy)}
                  for s in report.script],
    }
    risks = {
        "matched": report.risks.matched,
        "polarity_accuracy": _r(report.risks.polarity_accuracy),
        "slot_exact_rate": _r(report.risks.slot_exact_rate),
        "per_id": [{"id": r.id, "labelled": r.labelled, "matched": r.matched,
                    "polarity_correct": r.polarity_correct, "slots_n": r.slots_n,
                    "slots_exact": r.slots_exact} for r in report.risks.per_id],
        "polarity_confusion": [{"labelled": e, "predicted": p, "n": n}
                               for e, p, n in report.risks.polarity_confusion],
        "slots": [{"slot": s, "n": n, "exact": x, "rate": _r(x / n if n else None)}
                  for s, n, x in report.risks.slots],
    }
    cer_dict = None if cer is None else {
        "overall": _edits(cer.overall),
        "numbers_as_digits": _edits(cer.overall_digits),
        "raw_transcript": _edits(cer.overall_transcript),
        "by_kind": {k: _edits(v) for k, v in cer.by_kind().items()},
        "by_role": {k: _edits(v) for k, v in cer.by_role},
        "by_channel": {str(k): _edits(v) for k, v in cer.by_channel},
        "calls": [{"call_id": c.call_id, "kind": c.kind, **_edits(c.count),
                   "cer_numbers_as_digits": _r(c.count_digits.cer),
                   "cer_raw_transcript": _r(c.count_transcript.cer)} for c in cer.calls],
        "turns": [{"call_id": t.call_id, "kind": t.kind, "turn": t.turn, "role": t.role,
                   "channel": t.channel, "start": t.start, "end": t.end,
                   "chars_per_minute": _r(t.chars_per_minute), "reference": t.reference,
                   "hypothesis": t.hypothesis, **_edits(t.count)} for t in cer.turns],
    }
    pii = None if not report.labelled_pii else {
        "precision": _r(report.pii_precision),
        "recall": _r(report.pii_recall),
        "per_id": [{"id": p.id, "labelled": p.labelled, "predicted": p.predicted,
                    "matched": p.matched, "valid_agree": p.valid_agree,
                    "precision": _r(p.precision), "recall": _r(p.recall)} for p in report.pii],
    }
    return {
        "overall": overall,
        "per_id": per_id,
        "script": script,
        "risks": risks,
        "cer": cer_dict,
        "pii": pii,
        "speakers": {"mean": overall["speakers"],
                     "by_kind": {kind: {k: _r(v) for k, v in row.items()}
                                 for kind, row in report.speaker_by_kind().items()},
                     "calls": {cid: {k: _r(v) for k, v in scores}
                               for cid, scores in report.speakers}},
        "unknown_ids": list(report.unknown_ids),
        "errors": [{"call_id": c.call_id, "error": c.error} for c in report.errors],
        "calls": [{"call_id": c.call_id, "kind": c.kind, "mode": c.mode, "error": c.error,
                   "issues": [_issue(i) for i in c.issues]} for c in report.calls],
    }


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{value * 100:5.1f}"


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(report: EvaluationReport, *, max_issues: int = 200) -> str:
    """Plain-text summary: per-ID rows, section and overall scores, then where it fails."""
    d = report_to_dict(report)
    o = d["overall"]
    lines = [f"Evaluation ({o['mode']} mode): {o['calls']} calls, {o['calls_scored']} scored, "
             f"{o['calls_failed']} failed"]
    head = f"{'ID':<22} {'calls':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'P%':>5} {'R%':>5} " \
           f"{'F1%':>5} {'loc%':>5} {'hard-neg fired':>14}"
    lines += ["", head, "-" * len(head)]
    for s in report.per_id:
        c = s.counts
        hard = f"{s.absent_fired}/{s.absent_total}" if s.absent_total else ""
        lines.append(f"{s.id:<22} {s.calls:>5} {c.tp:>4} {c.fp:>4} {c.fn:>4} "
                     f"{_pct(c.precision)} {_pct(c.recall)} {_pct(c.f1)} "
                     f"{_pct(s.localisation)} {hard:>14}")
    lines.append("-" * len(head))
    for name, (c, m) in report.section_counts().items():
        lines.append(f"{'section ' + name:<22} {'':>5} {c.tp:>4} {c.fp:>4} {c.fn:>4} "
                     f"{_pct(c.precision)} {_pct(c.recall)} {_pct(c.f1)}   "
                     f"(macro P {_pct(m.precision)} R {_pct(m.recall)} F1 {_pct(m.f1)})")
    mc, mm = report.micro, report.macro
    lines.append(f"{'overall micro':<22} {'':>5} {mc.tp:>4} {mc.fp:>4} {mc.fn:>4} "
                 f"{_pct(mc.precision)} {_pct(mc.recall)} {_pct(mc.f1)} "
                 f"{_pct(report.localisation)}")
    lines.append(f"{'overall macro':<22} {'':>5} {'':>4} {'':>4} {'':>4} "
                 f"{_pct(mm.precision)} {_pct(mm.recall)} {_pct(mm.f1)}")
    lines += ["", "Headline rates (%):"]
    for key in ("localisation", "script_accuracy", "answer_accuracy", "polarity_accuracy",
                "slot_exact_rate", "pii_precision", "pii_recall", "cer",
                "cer_numbers_as_digits", "cer_raw_transcript"):
        lines.append(f"  {key:<24} {_pct(o[key])}")
    for key, value in o["speakers"].items():
        lines.append(f"  speakers.{key:<15} {value}")
    by_kind = report.speaker_by_kind()
    if by_kind:
        lines += ["", f"{'speakers (speech-time weighted)':<32} {'calls':>5} {'speech s':>9} "
                  f"{'DER%':>6} {'miss%':>6} {'FA%':>6} {'conf%':>6} {'role%':>6}"]
        for kind, row in by_kind.items():
            lines.append(f"{kind:<32} {int(row['calls']):>5} {row['speech_s']:>9.0f} "
                         f"{_pct(row['der']):>6} {_pct(row['missed']):>6} "
                         f"{_pct(row['false_alarm']):>6} {_pct(row['confusion']):>6} "
                         f"{_pct(row['role_accuracy']):>6}")
        lines.append(f"{'anchor: pyannote 3.1, Mandarin 2-party':<32} {'':>5} {'':>9} "
                     f"{'~22':>6}   (published DER; not measured here)")
    if report.script:
        lines += ["", f"{'script item':<10} {'asked ok':>9} {'answer ok':>10}"]
        for si in report.script:
            lines.append(f"{si.id:<10} {si.asked_correct:>4}/{si.asked_n:<4} "
                         f"{si.answer_correct:>4}/{si.answer_n:<5}")
    if report.risks.per_id:
        lines += ["", f"{'risk (any polarity)':<22} {'labelled':>8} {'matched':>8} "
                      f"{'polarity ok':>11} {'slots ok':>9}"]
        for r in report.risks.per_id:
            lines.append(f"{r.id:<22} {r.labelled:>8} {r.matched:>8} {r.polarity_correct:>11} "
                         f"{r.slots_exact:>4}/{r.slots_n:<4}")
    if report.labelled_pii:
        lines += ["", f"{'PII entity':<16} {'labelled':>8} {'predicted':>9} {'matched':>8} "
                      f"{'P%':>5} {'R%':>5}"]
        for p in report.pii:
            lines.append(f"{p.id:<16} {p.labelled:>8} {p.predicted:>9} {p.matched:>8} "
                         f"{_pct(p.precision)} {_pct(p.recall)}")
    if d["cer"]:
        lines += ["", "CER (%) by kind / role / channel:"]
        for group in ("by_kind", "by_role", "by_channel"):
            parts = [f"{k} {_pct(v['cer']).strip()} ({v['ref_chars']} chars)"
                     for k, v in d["cer"][group].items()]
            lines.append(f"  {group:<11} " + "; ".join(parts))
    if report.unknown_ids:
        lines += ["", "Unknown IDs in labels (not scored): " + ", ".join(report.unknown_ids)]
    if report.errors:
        lines += ["", "Errors:"]
        lines += [f"  {c.call_id}: {c.error}" for c in report.errors]
    issues = [(c.call_id, i) for c in report.calls for i in c.issues]
    if issues:
        lines += ["", f"Where it fails ({len(issues)} issues):"]
        for call_id, i in issues[:max_issues]:
            turn = "-" if i.turn is None else str(i.turn)
            detail = f"  [{i.detail}]" if i.detail else ""
            lines.append(f"  {call_id:<10} {i.kind:<15} {i.id:<20} t{turn:<3} "
                         f"{_short(i.quote)}{detail}")
        if len(issues) > max_issues:
            lines.append(f"  … {len(issues) - max_issues} more in the JSON report")
    return "\n".join(lines)
