"""Baseline: the schema ``Base.metadata.create_all`` produced before migrations.

Stores created by ``create_all`` are stamped at this revision (see
``pipeline.store.migrate``), so it must never change; new columns or tables
go in a new revision.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_index(op.f('ix_audit_log_username'), 'audit_log', ['username'], unique=False)
    op.create_table('borrower_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('borrower_id')
    )
    op.create_table('borrower_timelines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.String(length=64), nullable=False),
    sa.Column('timeline_json', sa.Text(), nullable=False),
    sa.Column('broken_promises', sa.Integer(), nullable=False),
    sa.Column('escalations', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('borrower_id')
    )
    op.create_table('calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.String(length=128), nullable=False),
    sa.Column('source_path', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error_code', sa.String(length=32), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('duration', sa.Float(), nullable=True),
    sa.Column('channels', sa.Integer(), nullable=True),
    sa.Column('sample_rate', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at_local', sa.String(length=40), nullable=True),
    sa.Column('agent_id', sa.String(length=64), nullable=True),
    sa.Column('borrower_id', sa.String(length=64), nullable=True),
    sa.Column('team', sa.String(length=64), nullable=True),
    sa.Column('channel_map', sa.Text(), nullable=True),
    sa.Column('dial_attempts', sa.Integer(), nullable=True),
    sa.Column('engine', sa.String(length=32), nullable=True),
    sa.Column('model', sa.Text(), nullable=True),
    sa.Column('options_json', sa.Text(), nullable=True),
    sa.Column('risk_level', sa.String(length=16), nullable=True),
    sa.Column('risk_score', sa.Float(), nullable=True),
    sa.Column('processing_s', sa.Float(), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('raw_deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_calls_agent_id'), 'calls', ['agent_id'], unique=False)
    op.create_index(op.f('ix_calls_borrower_id'), 'calls', ['borrower_id'], unique=False)
    op.create_index(op.f('ix_calls_call_id'), 'calls', ['call_id'], unique=True)
    op.create_index(op.f('ix_calls_content_hash'), 'calls', ['content_hash'], unique=True)
    op.create_index(op.f('ix_calls_kind'), 'calls', ['kind'], unique=False)
    op.create_index(op.f('ix_calls_risk_level'), 'calls', ['risk_level'], unique=False)
    op.create_index(op.f('ix_calls_started_at'), 'calls', ['started_at'], unique=False)
    op.create_index(op.f('ix_calls_status'), 'calls', ['status'], unique=False)
    op.create_table('playlists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_key', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_reviews_target_key'), 'reviews', ['target_key'], unique=False)
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('call_pk', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('rule_version', sa.String(length=32), nullable=False),
    sa.Column('pack', sa.String(length=64), nullable=False),
    sa.Column('pack_version', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('clause', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('speaker', sa.String(length=32), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('turn_index', sa.Integer(), nullable=True),
    sa.Column('start', sa.Float(), nullable=True),
    sa.Column('end', sa.Float(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('pattern', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('uncertain', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['call_pk'], ['calls.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index(op.f('ix_findings_call_pk'), 'findings', ['call_pk'], unique=False)
    op.create_index(op.f('ix_findings_rule_id'), 'findings', ['rule_id'], unique=False)
    op.create_index('ix_findings_rule_severity', 'findings', ['rule_id', 'severity'], unique=False)
    op.create_index(op.f('ix_findings_severity'), 'findings', ['severity'], unique=False)
    op.create_table('pii_spans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_pk', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=32), nullable=False),
    sa.Column('turn_index', sa.Integer(), nullable=True),
    sa.Column('start_char', sa.Integer(), nullable=False),
    sa.Column('end_char', sa.Integer(), nullable=False),
    sa.Column('masked', sa.Text(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['call_pk'], ['calls.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_pii_spans_call_pk'), 'pii_spans', ['call_pk'], unique=False)
    op.create_table('playlist_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('playlist_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.String(length=128), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=True),
    sa.Column('example', sa.String(length=8), nullable=False),
    sa.Column('start', sa.Float(), nullable=False),
    sa.Column('end', sa.Float(), nullable=False),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['playlist_id'], ['playlists.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('playlist_id', 'position')
    )
    op.create_table('risk_signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('call_pk', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.String(length=64), nullable=False),
    sa.Column('polarity', sa.String(length=16), nullable=False),
    sa.Column('slots_json', sa.Text(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('speaker', sa.String(length=32), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('turn_index', sa.Integer(), nullable=True),
    sa.Column('start', sa.Float(), nullable=True),
    sa.Column('end', sa.Float(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('pattern', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('uncertain', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['call_pk'], ['calls.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index(op.f('ix_risk_signals_call_pk'), 'risk_signals', ['call_pk'], unique=False)
    op.create_index(op.f('ix_risk_signals_signal_id'), 'risk_signals', ['signal_id'], unique=False)
    op.create_table('script_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_pk', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=16), nullable=False),
    sa.Column('asked', sa.Boolean(), nullable=False),
    sa.Column('turn_index', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('answer', sa.String(length=32), nullable=True),
    sa.Column('answer_detail', sa.Text(), nullable=True),
    sa.Column('answer_turn_index', sa.Integer(), nullable=True),
    sa.Column('answer_quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['call_pk'], ['calls.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_script_items_call_pk'), 'script_items', ['call_pk'], unique=False)
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_pk', sa.Integer(), nullable=False),
    sa.Column('turn_index', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.Integer(), nullable=True),
    sa.Column('start', sa.Float(), nullable=True),
    sa.Column('end', sa.Float(), nullable=True),
    sa.Column('raw_text', sa.Text(), nullable=True),
    sa.Column('norm_text', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('words_json', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['call_pk'], ['calls.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_segments_call_pk'), 'segments', ['call_pk'], unique=False)
    op.create_table('speaker_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_pk', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('override_role', sa.String(length=16), nullable=True),
    sa.Column('overridden_by', sa.String(length=64), nullable=True),
    sa.Column('overridden_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['call_pk'], ['calls.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_speaker_roles_call_pk'), 'speaker_roles', ['call_pk'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_speaker_roles_call_pk'), table_name='speaker_roles')
    op.drop_table('speaker_roles')
    op.drop_index(op.f('ix_segments_call_pk'), table_name='segments')
    op.drop_table('segments')
    op.drop_index(op.f('ix_script_items_call_pk'), table_name='script_items')
    op.drop_table('script_items')
    op.drop_index(op.f('ix_risk_signals_signal_id'), table_name='risk_signals')
    op.drop_index(op.f('ix_risk_signals_call_pk'), table_name='risk_signals')
    op.drop_table('risk_signals')
    op.drop_table('playlist_items')
    op.drop_index(op.f('ix_pii_spans_call_pk'), table_name='pii_spans')
    op.drop_table('pii_spans')
    op.drop_index(op.f('ix_findings_severity'), table_name='findings')
    op.drop_index('ix_findings_rule_severity', table_name='findings')
    op.drop_index(op.f('ix_findings_rule_id'), table_name='findings')
    op.drop_index(op.f('ix_findings_call_pk'), table_name='findings')
    op.drop_table('findings')
    op.drop_table('users')
    op.drop_index(op.f('ix_reviews_target_key'), table_name='reviews')
    op.drop_table('reviews')
    op.drop_table('playlists')
    op.drop_index(op.f('ix_calls_status'), table_name='calls')
    op.drop_index(op.f('ix_calls_started_at'), table_name='calls')
    op.drop_index(op.f('ix_calls_risk_level'), table_name='calls')
    op.drop_index(op.f('ix_calls_kind'), table_name='calls')
    op.drop_index(op.f('ix_calls_content_hash'), table_name='calls')
    op.drop_index(op.f('ix_calls_call_id'), table_name='calls')
    op.drop_index(op.f('ix_calls_borrower_id'), table_name='calls')
    op.drop_index(op.f('ix_calls_agent_id'), table_name='calls')
    op.drop_table('calls')
    op.drop_table('borrower_timelines')
    op.drop_table('borrower_cases')
    op.drop_index(op.f('ix_audit_log_username'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_at'), table_name='audit_log')
    op.drop_table('audit_log')
