"""Cached read access to the store for the dashboard pages.

Every loader takes the store URL first (so tests and several stores never share
a cache entry) and a frozen ``Filters`` value; Streamlit hashes both into the
cache key. Counting and grouping happen in SQL so the overview stays fast with
100,000 calls; pandas only joins the few aggregated rows for display.

A finding's review status is its latest review row (reviews are an append-only
log keyed by the finding's stable key): confirm / appeal_rejected -> confirmed,
dismiss / appeal_upheld -> dismissed, uncertain -> uncertain, appeal ->
appealed, no review -> pending.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd
import streamlit as st
import yaml
from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement as SqlColumn

from pipeline.settings import load_settings
from pipeline.store.schema import (
    AuditLogRow,
    BorrowerCaseRow,
    CallRow,
    FindingRow,
    PlaylistItemRow,
    PlaylistRow,
    ReviewRow,
    RiskSignalRow,
    ScriptItemRow,
    SegmentRow,
    SpeakerRoleRow,
)
from pipeline.store.session import open_store

TTL: Final = 60  # seconds; actions clear the affected loaders at once anyway
FAILING_SEVERITIES: Final = ("critical", "major")
REVIEW_STATUSES: Final = ("pending", "confirmed", "dismissed", "uncertain", "appealed")
CASE_STATUSES: Final = ("new", "contacted", "escalated", "closed")
FLAGGED_POLARITIES: Final = ("asserted", "reported")
RISK_LEVEL_RANK: Final = {"critical": 4, "high": 3, "medium": 2, "low": 1}

GroupBy = Literal["agent_id", "team"]
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the view to; empty tuples mean 'all'."""

    date_from: date | None = None
    date_to: date | None = None  # inclusive
    kinds: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilterOptions:
    kinds: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    first_call: date | None = None
    last_call: date | None = None


@dataclass(frozen=True)
class Kpis:
    calls: int
    failed_processing: int
    failing_calls: int
    findings: int
    pending_reviews: int
    high_risk_calls: int

    @property
    def pass_rate(self) -> float | None:
        return None if self.calls == 0 else (self.calls - self.failing_calls) / self.calls


@dataclass(frozen=True)
class RuleInfo:
    rule_id: str
    pack: str
    pack_version: str
    name: str
    severity: str
    clause: str
    enabled: bool
    source: str  # file it came from


@dataclass(frozen=True)
class RuleCatalogue:
    rules: tuple[RuleInfo, ...] = ()
    problems: tuple[str, ...] = field(default=())  # packs that could not be read


# ---------------------------------------------------------------- store access

def store_url() -> str:
    return load_settings().database_url


@st.cache_resource(show_spinner=False)
def get_factory(url: str) -> sessionmaker[Session]:
    """One engine per URL for the whole server process."""
    return open_store(url)


def _engine(url: str) -> Engine:
    bind = get_factory(url).kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def _frame(url: str, stmt: AnySelect) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


# ---------------------------------------------------------------- SQL helpers

def _latest_review() -> Any:
    """Subquery: the id of the newest review per finding key."""
    return (
        select(ReviewRow.target_key.label("key"), func.max(ReviewRow.id).label("rid"))
        .where(ReviewRow.target_type == "finding")
        .group_by(ReviewRow.target_key)
        .subquery("latest")
    )


def _status_expr(action: Any) -> ColumnElement[str]:
    return case(
        (action.in_(("confirm", "appeal_rejected")), literal("confirmed")),
        (action.in_(("dismiss", "appeal_upheld")), literal("dismissed")),
        (action == "uncertain", literal("uncertain")),
        (action == "appeal", literal("appealed")),
        else_=literal("pending"),
    )


def _call_conditions(f: Filters) -> list[SqlColumn[bool]]:
    conds: list[SqlColumn[bool]] = [CallRow.status == "done"]
    if f.date_from is not None:
        conds.append(CallRow.started_at >= datetime.combine(f.date_from, time.min))
    if f.date_to is not None:
        conds.append(CallRow.started_at < datetime.combine(f.date_to + timedelta(days=1),
                                                           time.min))
    if f.kinds:
        conds.append(CallRow.kind.in_(f.kinds))
    if f.agents:
        conds.append(CallRow.agent_id.in_(f.agents))
    if f.teams:
        conds.append(CallRow.team.in_(f.teams))
    return conds


def _keys_with_status(*statuses: str) -> AnySelect:
    """Finding keys whose latest review maps to one of ``statuses`` (not 'pending').

    Reviews are few next to findings, so an IN (subquery) on them is far cheaper
    than joining every finding to its latest review.
    """
    latest = _latest_review()
    review = ReviewRow.__table__.alias("rs")
    return (select(review.c.target_key).join(latest, latest.c.rid == review.c.id)
            .where(_status_expr(review.c.action).in_(statuses)))


def _reviewed_keys() -> AnySelect:
    return select(ReviewRow.target_key).where(ReviewRow.target_type == "finding")


def _status_condition(statuses: tuple[str, ...]) -> SqlColumn[bool]:
    parts: list[SqlColumn[bool]] = []
    if "pending" in statuses:
        parts.append(FindingRow.key.not_in(_reviewed_keys()))
    others = tuple(s for s in statuses if s != "pending")
    if others:
        parts.append(FindingRow.key.in_(_keys_with_status(*others)))
    return or_(*parts)


def _finding_conditions(f: Filters, apply_severity: bool = True,
                        apply_status: bool = True) -> list[SqlColumn[bool]]:
    conds: list[SqlColumn[bool]] = []
    if f.rules:
        conds.append(FindingRow.rule_id.in_(f.rules))
    if apply_severity and f.severities:
        conds.append(FindingRow.severity.in_(f.severities))
    if apply_status and f.statuses:
        conds.append(_status_condition(f.statuses))
    return conds


def _failing_conditions(f: Filters) -> list[SqlColumn[bool]]:
    """Findings that make a call fail: critical/major and not dismissed by a person."""
    conds: list[SqlColumn[bool]] = [FindingRow.severity.in_(FAILING_SEVERITIES),
             FindingRow.key.not_in(_keys_with_status("dismissed"))]
    if f.rules:
        conds.append(FindingRow.rule_id.in_(f.rules))
    return conds


def _findings_joined(f: Filters, *cols: Any, apply_severity: bool = True,
                     apply_status: bool = True) -> AnySelect:
    """SELECT cols FROM findings JOIN calls, with every filter applied."""
    return (select(*cols).select_from(FindingRow)
            .join(CallRow, CallRow.id == FindingRow.call_pk)
            .where(*_call_conditions(f),
                   *_finding_conditions(f, apply_severity, apply_status)))


@st.cache_data(ttl=TTL, show_spinner=False)
def load_call_cube(url: str, f: Filters) -> pd.DataFrame:
    """Calls aggregated by (week, agent_id, team) in one pass over the calls table.

    Columns: week, agent_id, team, calls, failing_calls, findings, high_risk.
    A few thousand rows at most (weeks x agents); the overview's KPIs, weekly
    trend and agent/team charts are sums over it, so the store is scanned once.
    Correlated subqueries on findings.call_pk (indexed) decide per call whether
    it fails and how many findings it has.
    """
    failing = select(FindingRow.id).where(FindingRow.call_pk == CallRow.id,
                                          *_failing_conditions(f)).exists()
    n_findings = (select(func.count()).select_from(FindingRow)
                  .where(FindingRow.call_pk == CallRow.id, *_finding_conditions(f))
                  .correlate(CallRow).scalar_subquery())
    per_call = (select(_week_start(url, CallRow.started_at).label("week"),
                       CallRow.agent_id, CallRow.team,
                       case((failing, 1), else_=0).label("failing"),
                       n_findings.label("findings"),
                       case((CallRow.risk_level.in_(("high", "critical")), 1), else_=0)
                       .label("high_risk"))
                .where(*_call_conditions(f)).subquery("per_call"))
    keys = (per_call.c.week, per_call.c.agent_id, per_call.c.team)
    return _frame(url, select(*keys, func.count().label("calls"),
                              func.sum(per_call.c.failing).label("failing_calls"),
                              func.sum(per_call.c.findings).label("findings"),
                              func.sum(per_call.c.high_risk).label("high_risk"))
                  .group_by(*keys))


def _week_start(url: str, col: Any) -> Any:
    dialect = _engine(url).dialect.name
    if dialect == "sqlite":
        # 'weekday 0' moves to the coming Sunday (or stays on one); -6 days is its Monday.
        return func.date(col, "weekday 0", "-6 days")
    return func.date_trunc("week", col)


# ---------------------------------------------------------------- overview

@st.cache_data(ttl=300, show_spinner=False)
def load_filter_options(url: str) -> FilterOptions:
    with _engine(url).connect() as conn:
        def distinct_values(col: Any) -> tuple[str, ...]:
            rows = conn.execute(select(col).distinct().where(col.is_not(None)).order_by(col))
            return tuple(str(r[0]) for r in rows)

        first, last = conn.execute(
            select(func.min(CallRow.started_at), func.max(CallRow.started_at))).one()
        return FilterOptions(
            kinds=distinct_values(CallRow.kind),
            agents=distinct_values(CallRow.agent_id),
            teams=distinct_values(CallRow.team),
            rules=distinct_values(FindingRow.rule_id),
            first_call=_as_date(first),
            last_call=_as_date(last),
        )


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


@st.cache_data(ttl=TTL, show_spinner=False)
def load_kpis(url: str, f: Filters) -> Kpis:
    cube = load_call_cube(url, f)
    with _engine(url).connect() as conn:
        failed = conn.scalar(select(func.count()).select_from(CallRow)
                             .where(CallRow.status == "failed")) or 0
        pending = 0
        if not f.statuses or "pending" in f.statuses:
            pending = conn.scalar(_findings_joined(f, func.count(), apply_status=False)
                                  .where(FindingRow.key.not_in(_reviewed_keys()))) or 0
    return Kpis(calls=int(cube["calls"].sum()), failed_processing=int(failed),
                failing_calls=int(cube["failing_calls"].sum()),
                findings=int(cube["findings"].sum()), pending_reviews=int(pending),
                high_risk_calls=int(cube["high_risk"].sum()))


@st.cache_data(ttl=TTL, show_spinner=False)
def load_findings_by_rule(url: str, f: Filters) -> pd.DataFrame:
    """Columns: rule_id, severity, findings."""
    stmt = _findings_joined(f, FindingRow.rule_id, FindingRow.severity,
                            func.count().label("findings"))
    stmt = stmt.group_by(FindingRow.rule_id, FindingRow.severity).order_by(FindingRow.rule_id)
    return _frame(url, stmt)


def _grouped(url: str, f: Filters, by: str) -> pd.DataFrame:
    cube = load_call_cube(url, f)
    cols = ["calls", "failing_calls", "findings"]
    out = cube[cube[by].notna()].groupby(by, as_index=False)[cols].sum()
    out[cols] = out[cols].astype(int)
    out["pass_rate"] = (out["calls"] - out["failing_calls"]) / out["calls"]
    return out


@st.cache_data(ttl=TTL, show_spinner=False)
def load_weekly(url: str, f: Filters) -> pd.DataFrame:
    """Columns: week, calls, failing_calls, findings, pass_rate."""
    out = _grouped(url, f, "week")
    out["week"] = pd.to_datetime(out["week"])
    return out.sort_values("week").reset_index(drop=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_by_group(url: str, f: Filters, by: GroupBy, limit: int = 500) -> pd.DataFrame:
    """Per agent or team. Columns: <by>, calls, failing_calls, findings, pass_rate."""
    out = _grouped(url, f, by)
    out = out.sort_values(["failing_calls", "calls"], ascending=[False, False])
    return out.head(limit).reset_index(drop=True)


def _status_counts(url: str, f: Filters) -> pd.DataFrame:
    """Per rule: findings and how many are in each review status.

    Counts decided findings from the (small) reviews side and derives pending
    as the rest, instead of joining every finding to its latest review.
    """
    totals = _frame(url, _findings_joined(f, FindingRow.rule_id,
                                          func.count().label("findings"), apply_status=False)
                    .group_by(FindingRow.rule_id))
    latest = _latest_review()
    review = ReviewRow.__table__.alias("rv")
    status = _status_expr(review.c.action)
    decided = _frame(url, select(FindingRow.rule_id, status.label("status"),
                                 func.count().label("n"))
                     .select_from(review).join(latest, latest.c.rid == review.c.id)
                     .join(FindingRow, FindingRow.key == review.c.target_key)
                     .join(CallRow, CallRow.id == FindingRow.call_pk)
                     .where(*_call_conditions(f),
                            *_finding_conditions(f, apply_status=False))
                     .group_by(FindingRow.rule_id, status))
    wide = decided.pivot_table(index="rule_id", columns="status", values="n", aggfunc="sum",
                               fill_value=0) if not decided.empty else pd.DataFrame()
    out = totals.set_index("rule_id").join(wide, how="left")
    for s in REVIEW_STATUSES[1:]:
        out[s] = out[s].fillna(0).astype(int) if s in out.columns else 0
    out["pending"] = out["findings"] - out[list(REVIEW_STATUSES[1:])].sum(axis=1)
    return out.reset_index()[["rule_id", "findings", *REVIEW_STATUSES]]


@st.cache_data(ttl=TTL, show_spinner=False)
def load_agreement(url: str, f: Filters) -> pd.DataFrame:
    """Machine-vs-auditor agreement per rule.

    Columns: rule_id, findings, pending, confirmed, dismissed, uncertain, appealed,
    precision (= confirmed / (confirmed + dismissed), None before any decision).
    """
    out = _status_counts(url, f).sort_values("rule_id").reset_index(drop=True)
    decided = out["confirmed"] + out["dismissed"]
    out["precision"] = (out["confirmed"] / decided).where(decided > 0)
    return out


# ---------------------------------------------------------------- calls

@st.cache_data(ttl=TTL, show_spinner=False)
def load_calls(url: str, f: Filters, search: str = "", limit: int = 200) -> pd.DataFrame:
    """Recent calls matching the filters. Columns: call_id, started_at, kind, agent_id,
    team, borrower_id, duration, risk_level, risk_score, findings, failing."""
    n_findings = (select(func.count()).where(FindingRow.call_pk == CallRow.id)
                  .correlate(CallRow).scalar_subquery())
    n_failing = (select(func.count()).where(FindingRow.call_pk == CallRow.id,
                                            FindingRow.severity.in_(FAILING_SEVERITIES))
                 .correlate(CallRow).scalar_subquery())
    stmt = select(CallRow.call_id, CallRow.started_at, CallRow.kind, CallRow.agent_id,
                  CallRow.team, CallRow.borrower_id, CallRow.duration, CallRow.risk_level,
                  CallRow.risk_score, n_findings.label("findings"),
                  n_failing.label("failing")).where(*_call_conditions(f))
    if search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(CallRow.call_id.like(like), CallRow.borrower_id.like(like),
                              CallRow.agent_id.like(like)))
    if f.rules or f.severities:
        sub = select(FindingRow.call_pk)
        if f.rules:
            sub = sub.where(FindingRow.rule_id.in_(f.rules))
        if f.severities:
            sub = sub.where(FindingRow.severity.in_(f.severities))
        stmt = stmt.where(CallRow.id.in_(sub))
    stmt = stmt.order_by(CallRow.started_at.desc().nulls_last(), CallRow.id.desc()).limit(limit)
    return _frame(url, stmt)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_call(url: str, call_id: str) -> dict[str, Any] | None:
    """Header of one call as a plain dict, or None if unknown."""
    with _engine(url).connect() as conn:
        row = conn.execute(select(CallRow.__table__).where(CallRow.call_id == call_id)).first()
    return None if row is None else dict(row._mapping)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_segments(url: str, call_pk: int, include_raw: bool = False) -> pd.DataFrame:
    """Turns of a call. ``raw_text`` is selected only when the caller's role may see
    raw personal data, so a page cannot leak it by mistake."""
    cols: list[Any] = [SegmentRow.turn_index, SegmentRow.speaker, SegmentRow.role,
                       SegmentRow.start, SegmentRow.end, SegmentRow.text,
                       SegmentRow.confidence]
    if include_raw:
        cols.append(SegmentRow.raw_text)
    stmt = select(*cols).where(SegmentRow.call_pk == call_pk).order_by(SegmentRow.turn_index)
    return _frame(url, stmt)


def _finding_columns(status: Any, review: Any) -> list[Any]:
    return [FindingRow.key, FindingRow.rule_id, FindingRow.rule_version, FindingRow.pack,
            FindingRow.pack_version, FindingRow.severity, FindingRow.clause, FindingRow.message,
            FindingRow.speaker, FindingRow.role, FindingRow.turn_index, FindingRow.start,
            FindingRow.end, FindingRow.quote, FindingRow.pattern, FindingRow.method,
            FindingRow.score, FindingRow.uncertain, status.label("status"),
            review.c.username.label("reviewed_by"), review.c.reason.label("review_reason"),
            review.c.created_at.label("reviewed_at"), review.c.id.label("review_id")]


@st.cache_data(ttl=TTL, show_spinner=False)
def load_call_findings(url: str, call_pk: int) -> pd.DataFrame:
    latest = _latest_review()
    review = ReviewRow.__table__.alias("rv")
    status = _status_expr(review.c.action)
    stmt = (select(*_finding_columns(status, review))
            .select_from(FindingRow)
            .outerjoin(latest, latest.c.key == FindingRow.key)
            .outerjoin(review, review.c.id == latest.c.rid)
            .where(FindingRow.call_pk == call_pk)
            .order_by(FindingRow.start.nulls_first(), FindingRow.rule_id))
    return _frame(url, stmt)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_call_risks(url: str, call_pk: int) -> pd.DataFrame:
    stmt = (select(RiskSignalRow.key, RiskSignalRow.signal_id, RiskSignalRow.polarity,
                   RiskSignalRow.slots_json, RiskSignalRow.weight, RiskSignalRow.speaker,
                   RiskSignalRow.role, RiskSignalRow.turn_index, RiskSignalRow.start,
                   RiskSignalRow.end, RiskSignalRow.quote, RiskSignalRow.pattern,
                   RiskSignalRow.method, RiskSignalRow.score, RiskSignalRow.uncertain)
            .where(RiskSignalRow.call_pk == call_pk).order_by(RiskSignalRow.start.nulls_first()))
    return _frame(url, stmt)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_script_items(url: str, call_pk: int) -> pd.DataFrame:
    stmt = (select(ScriptItemRow.item_id, ScriptItemRow.asked, ScriptItemRow.turn_index,
                   ScriptItemRow.quote, ScriptItemRow.method, ScriptItemRow.score,
                   ScriptItemRow.answer, ScriptItemRow.answer_detail,
                   ScriptItemRow.answer_turn_index, ScriptItemRow.answer_quote)
            .where(ScriptItemRow.call_pk == call_pk).order_by(ScriptItemRow.item_id))
    return _frame(url, stmt)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_speaker_roles(url: str, call_pk: int) -> pd.DataFrame:
    stmt = (select(SpeakerRoleRow.speaker, SpeakerRoleRow.role, SpeakerRoleRow.confidence,
                   SpeakerRoleRow.evidence, SpeakerRoleRow.override_role,
                   SpeakerRoleRow.overridden_by, SpeakerRoleRow.overridden_at)
            .where(SpeakerRoleRow.call_pk == call_pk).order_by(SpeakerRoleRow.speaker))
    return _frame(url, stmt)


# ---------------------------------------------------------------- review queue

QueueMode = Literal["pending", "uncertain", "appealed", "confirmed", "dismissed"]


@st.cache_data(ttl=TTL, show_spinner=False)
def load_review_queue(url: str, f: Filters, mode: QueueMode = "pending",
                      limit: int = 100) -> pd.DataFrame:
    """Findings in one review state, most severe and newest first."""
    latest = _latest_review()
    review = ReviewRow.__table__.alias("rv")
    status = _status_expr(review.c.action)
    severity_rank = case({"critical": 0, "major": 1, "minor": 2, "info": 3},
                         value=FindingRow.severity, else_=4)
    stmt = (select(CallRow.call_id, CallRow.started_at, CallRow.agent_id, CallRow.kind,
                   *_finding_columns(status, review))
            .select_from(FindingRow)
            .join(CallRow, CallRow.id == FindingRow.call_pk)
            .outerjoin(latest, latest.c.key == FindingRow.key)
            .outerjoin(review, review.c.id == latest.c.rid)
            .where(*_call_conditions(f), _status_condition((mode,))))
    if f.rules:
        stmt = stmt.where(FindingRow.rule_id.in_(f.rules))
    if f.severities:
        stmt = stmt.where(FindingRow.severity.in_(f.severities))
    stmt = stmt.order_by(severity_rank, CallRow.started_at.desc().nulls_last()).limit(limit)
    return _frame(url, stmt)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_finding_history(url: str, key: str) -> pd.DataFrame:
    """All review rows of one finding, oldest first."""
    stmt = (select(ReviewRow.id, ReviewRow.action, ReviewRow.reason, ReviewRow.username,
                   ReviewRow.created_at)
            .where(ReviewRow.target_type == "finding", ReviewRow.target_key == key)
            .order_by(ReviewRow.id))
    return _frame(url, stmt)


# ---------------------------------------------------------------- risk

def _level_rank(col: Any) -> Any:
    return case(RISK_LEVEL_RANK, value=col, else_=0)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_risk_queue(url: str, f: Filters, case_statuses: tuple[str, ...] = (),
                    order: Literal["riskiest", "newest"] = "riskiest",
                    limit: int = 200) -> pd.DataFrame:
    """Borrowers with asserted or reported risk statements.

    Columns: borrower_id, signals, signal_ids, calls, last_call, max_level_rank,
    max_score, case_status, case_note, case_updated_by.
    """
    flagged = (select(CallRow.borrower_id.label("borrower_id"),
                      func.count(RiskSignalRow.id).label("signals"),
                      func.aggregate_strings(RiskSignalRow.signal_id, ",").label("signal_ids"),
                      func.count(distinct(CallRow.id)).label("calls"),
                      func.max(CallRow.started_at).label("last_call"),
                      func.max(_level_rank(CallRow.risk_level)).label("max_level_rank"),
                      func.max(CallRow.risk_score).label("max_score"))
               .select_from(RiskSignalRow)
               .join(CallRow, CallRow.id == RiskSignalRow.call_pk)
               .where(*_call_conditions(f), CallRow.borrower_id.is_not(None),
                      RiskSignalRow.polarity.in_(FLAGGED_POLARITIES))
               .group_by(CallRow.borrower_id)).subquery("flagged")
    case_status = func.coalesce(BorrowerCaseRow.status, "new")
    stmt = (select(flagged, case_status.label("case_status"),
                   BorrowerCaseRow.note.label("case_note"),
                   BorrowerCaseRow.updated_by.label("case_updated_by"))
            .outerjoin(BorrowerCaseRow, BorrowerCaseRow.borrower_id == flagged.c.borrower_id))
    if case_statuses:
        stmt = stmt.where(case_status.in_(case_statuses))
    if order == "riskiest":
        stmt = stmt.order_by(flagged.c.max_level_rank.desc(), flagged.c.max_score.desc(),
                             flagged.c.last_call.desc())
    else:
        stmt = stmt.order_by(flagged.c.last_call.desc(), flagged.c.max_level_rank.desc(),
                             flagged.c.max_score.desc())
    out = _frame(url, stmt.limit(limit))
    if not out.empty:
        # Distinct signal IDs, in a stable order, for a compact label.
        out["signal_ids"] = out["signal_ids"].map(
            lambda s: ", ".join(sorted(set(str(s).split(",")))) if s else "")
    return out


@dataclass(frozen=True)
class BorrowerView:
    borrower_id: str
    calls: pd.DataFrame  # call_id, started_at, kind, agent_id, risk_level, risk_score
    signals: pd.DataFrame  # call_id, started_at, signal_id, polarity, quote, slots_json, ...
    promises: pd.DataFrame  # call_id, started_at, amount, date, quote, polarity
    case_status: str
    case_note: str
    case_updated_by: str | None
    case_updated_at: datetime | None


def _promise_rows(signals: pd.DataFrame) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for rec in signals[signals["signal_id"] == "RISK-PTP"].to_dict("records"):
        try:
            slots = json.loads(rec["slots_json"] or "{}")
        except json.JSONDecodeError:
            slots = {}
        if isinstance(slots, list):  # tolerate [[name, value], ...] as written from tuples
            slots = {str(k): v for k, v in slots}
        rows.append({"call_id": rec["call_id"], "started_at": rec["started_at"],
                     "amount": slots.get("amount"), "date": slots.get("date"),
                     "polarity": rec["polarity"], "quote": rec["quote"]})
    return pd.DataFrame(rows, columns=["call_id", "started_at", "amount", "date", "polarity",
                                       "quote"])


@st.cache_data(ttl=TTL, show_spinner=False)
def load_borrower(url: str, borrower_id: str) -> BorrowerView:
    calls = _frame(url, select(CallRow.call_id, CallRow.started_at, CallRow.kind,
                               CallRow.agent_id, CallRow.risk_level, CallRow.risk_score)
                   .where(CallRow.borrower_id == borrower_id)
                   .order_by(CallRow.started_at.desc().nulls_last()))
    signals = _frame(url, select(CallRow.call_id, CallRow.started_at, RiskSignalRow.signal_id,
                                 RiskSignalRow.polarity, RiskSignalRow.quote,
                                 RiskSignalRow.slots_json, RiskSignalRow.weight,
                                 RiskSignalRow.turn_index, RiskSignalRow.start)
                     .join(CallRow, CallRow.id == RiskSignalRow.call_pk)
                     .where(CallRow.borrower_id == borrower_id)
                     .order_by(CallRow.started_at.desc().nulls_last(), RiskSignalRow.start))
    with _engine(url).connect() as conn:
        case_row = conn.execute(select(BorrowerCaseRow.__table__)
                                .where(BorrowerCaseRow.borrower_id == borrower_id)).first()
    m = case_row._mapping if case_row is not None else None
    return BorrowerView(
        borrower_id=borrower_id, calls=calls, signals=signals,
        promises=_promise_rows(signals),
        case_status=m["status"] if m else "new", case_note=m["note"] if m else "",
        case_updated_by=m["updated_by"] if m else None,
        case_updated_at=m["updated_at"] if m else None,
    )


# ---------------------------------------------------------------- rules

def _clause_text(value: Any) -> str:
    # Packs write a clause as text, a list, or {source: ..., text: ...}.
    if isinstance(value, dict):
        source, text = value.get("source"), value.get("text")
        rest = {k: v for k, v in value.items() if k not in ("source", "text")}
        parts = [f"{source}: {text}" if source and text else str(source or text or "")]
        parts += [f"{k}: {v}" for k, v in rest.items()]
        return "; ".join(p for p in parts if p)
    if isinstance(value, list):
        return "; ".join(_clause_text(v) for v in value)
    return str(value)


def _read_pack(path: Path) -> tuple[list[RuleInfo], str | None]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [], f"{path.name}: {exc}"
    if not isinstance(data, dict):
        return [], f"{path.name}: not a mapping"
    pack = str(data.get("pack", path.stem))
    version = str(data.get("version", ""))
    rules: list[RuleInfo] = []
    # Packs name their entries differently (rules / items / signals / entities);
    # read whichever are there, as a list of mappings or an ID -> mapping dict.
    for section in ("rules", "items", "signals", "entities"):
        entries = data.get(section)
        if isinstance(entries, dict):
            entries = [{"id": k, **(v if isinstance(v, dict) else {})} for k, v in entries.items()]
        if not isinstance(entries, list):
            continue
        for e in entries:
            if not isinstance(e, dict) or "id" not in e:
                continue
            clause = _clause_text(e.get("clause") or e.get("source") or "")
            rules.append(RuleInfo(
                rule_id=str(e["id"]), pack=pack, pack_version=version,
                name=str(e.get("name") or e.get("title") or e.get("description") or ""),
                severity=str(e.get("severity") or e.get("weight") or ""),
                clause=str(clause), enabled=bool(e.get("enabled", True)), source=path.name))
    return rules, None


@st.cache_data(ttl=300, show_spinner=False)
def load_rule_catalogue(rules_dir: str) -> RuleCatalogue:
    """Read compliance_rules/*.yaml as plain data (no rule code runs in the app)."""
    directory = Path(rules_dir)
    if not directory.is_dir():
        return RuleCatalogue((), (f"rules directory {rules_dir} does not exist yet",))
    rules: list[RuleInfo] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.y*ml")):
        found, problem = _read_pack(path)
        rules.extend(found)
        if problem:
            problems.append(problem)
    return RuleCatalogue(tuple(rules), tuple(problems))


@st.cache_data(ttl=TTL, show_spinner=False)
def load_rule_hits(url: str, f: Filters, examples: int = 3) -> pd.DataFrame:
    """Columns: rule_id, findings, calls, confirmed, dismissed, examples (call ids of
    the most recently processed findings)."""
    counts = _status_counts(url, f)[["rule_id", "findings", "confirmed", "dismissed"]]
    calls = _frame(url, _findings_joined(f, FindingRow.rule_id,
                                         func.count(distinct(FindingRow.call_pk)).label("calls"),
                                         apply_status=False).group_by(FindingRow.rule_id))
    hits = counts.merge(calls, on="rule_id", how="left")
    # Per rule, newest findings by id: walks the rule_id index backwards, a few rows each.
    with _engine(url).connect() as conn:
        ex = {rule: [r[0] for r in conn.execute(
            _findings_joined(f, CallRow.call_id, apply_status=False)
            .where(FindingRow.rule_id == rule).order_by(FindingRow.id.desc())
            .limit(examples))] for rule in hits["rule_id"]}
    hits["examples"] = hits["rule_id"].map(ex)
    return hits


# ---------------------------------------------------------------- trainer

@st.cache_data(ttl=TTL, show_spinner=False)
def load_playlists(url: str) -> pd.DataFrame:
    n_items = (select(func.count()).where(PlaylistItemRow.playlist_id == PlaylistRow.id)
               .correlate(PlaylistRow).scalar_subquery())
    return _frame(url, select(PlaylistRow.id, PlaylistRow.name, PlaylistRow.description,
                              PlaylistRow.created_by, PlaylistRow.created_at,
                              n_items.label("items")).order_by(PlaylistRow.name))


@st.cache_data(ttl=TTL, show_spinner=False)
def load_playlist_items(url: str, playlist_id: int) -> pd.DataFrame:
    return _frame(url, select(PlaylistItemRow.id, PlaylistItemRow.position,
                              PlaylistItemRow.call_id, PlaylistItemRow.rule_id,
                              PlaylistItemRow.example, PlaylistItemRow.start,
                              PlaylistItemRow.end, PlaylistItemRow.tags, PlaylistItemRow.note)
                  .where(PlaylistItemRow.playlist_id == playlist_id)
                  .order_by(PlaylistItemRow.position))


def _at_least_zero(expr: Any) -> Any:
    # Portable max(expr, 0): SQLite spells it max(), PostgreSQL greatest().
    return case((expr < 0, 0.0), else_=expr)


CLIP_PAD_S: Final = 2.0  # context either side of the evidence, so a clip starts mid-sentence less


@st.cache_data(ttl=TTL, show_spinner=False)
def load_clip_candidates(url: str, rule_id: str, example: Literal["good", "bad"],
                         limit: int = 50) -> pd.DataFrame:
    """Clips a trainer can add for a rule.

    bad: the rule's findings (confirmed first, dismissed ones left out).
    good: for a callback item (CB-*), turns where the agent asked it; otherwise
    the opening minute of calls of the kinds the rule fires on that have no
    finding of the rule and no critical or major finding at all.
    Columns: call_id, started_at, start, end, quote, label.
    """
    if example == "bad":
        latest = _latest_review()
        review = ReviewRow.__table__.alias("rv")
        status = _status_expr(review.c.action)
        stmt = (select(CallRow.call_id, CallRow.started_at,
                       _at_least_zero(FindingRow.start - CLIP_PAD_S).label("start"),
                       (func.coalesce(FindingRow.end, FindingRow.start, 0.0) + CLIP_PAD_S)
                       .label("end"),
                       FindingRow.quote, status.label("label"))
                .select_from(FindingRow).join(CallRow, CallRow.id == FindingRow.call_pk)
                .outerjoin(latest, latest.c.key == FindingRow.key)
                .outerjoin(review, review.c.id == latest.c.rid)
                .where(FindingRow.rule_id == rule_id, FindingRow.start.is_not(None),
                       status != "dismissed")
                .order_by(case((status == "confirmed", 0), else_=1),
                          CallRow.started_at.desc().nulls_last())
                .limit(limit))
        return _frame(url, stmt)
    if rule_id.startswith("CB-"):
        seg = SegmentRow.__table__.alias("sg")
        stmt = (select(CallRow.call_id, CallRow.started_at,
                       _at_least_zero(seg.c.start - CLIP_PAD_S).label("start"),
                       (seg.c.end + CLIP_PAD_S).label("end"),
                       ScriptItemRow.quote, literal("asked").label("label"))
                .select_from(ScriptItemRow).join(CallRow, CallRow.id == ScriptItemRow.call_pk)
                .join(seg, and_(seg.c.call_pk == ScriptItemRow.call_pk,
                                seg.c.turn_index == ScriptItemRow.turn_index))
                .where(ScriptItemRow.item_id == rule_id, ScriptItemRow.asked.is_(True),
                       seg.c.start.is_not(None))
                .order_by(ScriptItemRow.score.desc().nulls_last(),
                          CallRow.started_at.desc().nulls_last())
                .limit(limit))
        return _frame(url, stmt)
    kinds = select(CallRow.kind).join(FindingRow, FindingRow.call_pk == CallRow.id).where(
        FindingRow.rule_id == rule_id).distinct()
    has_rule = select(FindingRow.call_pk).where(FindingRow.rule_id == rule_id)
    has_failing = select(FindingRow.call_pk).where(FindingRow.severity.in_(FAILING_SEVERITIES))
    stmt = (select(CallRow.call_id, CallRow.started_at, literal(0.0).label("start"),
                   case((func.coalesce(CallRow.duration, 60.0) < 60.0, CallRow.duration),
                        else_=60.0).label("end"),
                   literal("").label("quote"), literal("clean call").label("label"))
            .where(CallRow.status == "done", CallRow.raw_deleted_at.is_(None),
                   CallRow.id.not_in(has_rule), CallRow.id.not_in(has_failing),
                   or_(CallRow.kind.in_(kinds), ~select(kinds.subquery()).exists()))
            .order_by(CallRow.started_at.desc().nulls_last()).limit(limit))
    return _frame(url, stmt)


# ---------------------------------------------------------------- admin

@st.cache_data(ttl=TTL, show_spinner=False)
def load_audit_log(url: str, username: str = "", limit: int = 500) -> pd.DataFrame:
    stmt = select(AuditLogRow.at, AuditLogRow.username, AuditLogRow.action, AuditLogRow.target,
                  AuditLogRow.detail).order_by(AuditLogRow.id.desc()).limit(limit)
    if username:
        stmt = stmt.where(AuditLogRow.username == username)
    return _frame(url, stmt)


# ---------------------------------------------------------------- cache groups

REVIEW_LOADERS: Final = (load_call_cube, load_kpis, load_findings_by_rule, load_weekly, load_by_group,
                         load_agreement, load_call_findings, load_review_queue,
                         load_finding_history, load_rule_hits, load_clip_candidates)
ROLE_LOADERS: Final = (load_speaker_roles,)
CASE_LOADERS: Final = (load_risk_queue, load_borrower)
PLAYLIST_LOADERS: Final = (load_playlists, load_playlist_items)
AUDIT_LOADERS: Final = (load_audit_log,)


def clear(*groups: tuple[Any, ...]) -> None:
    """Drop cached results of the given loader groups (after a write)."""
    for group in groups:
        for loader in group:
            loader.clear()
