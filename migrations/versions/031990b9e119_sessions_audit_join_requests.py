"""Server-side sessions, the audit log, team join requests; times without server defaults.

Team memberships that no member grant covers any more (the member moved or was promoted
without keeping the member role) are ended here: from now on a membership lives only
while a member grant covers its team's unit.

Revision ID: 031990b9e119
Revises: 18b9ffa6a75e
Create Date: 2026-11-29 22:22:17.308714

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '031990b9e119'
down_revision = '18b9ffa6a75e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=30), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_audit_events_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_unit_id'), ['unit_id'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_sessions_key_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('pending', 'active', name='membershipstatus', native_enum=False, length=20), nullable=True))
    op.execute("UPDATE team_memberships SET status = 'active'")
    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_index(batch_op.f('ix_team_memberships_status'), ['status'], unique=False)
        batch_op.alter_column('joined_at', existing_type=sa.DateTime(timezone=True), server_default=None)
    op.execute(
        """
        DELETE FROM team_memberships WHERE id IN (
            SELECT m.id FROM team_memberships m
            JOIN teams t ON t.id = m.team_id
            JOIN units u ON u.id = t.unit_id
            WHERE NOT EXISTS (
                SELECT 1 FROM role_grants g JOIN units gu ON gu.id = g.unit_id
                WHERE g.user_id = m.user_id AND g.role = 'member' AND u.path LIKE gu.path || '%'
            )
        )
        """
    )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    for table in ('units', 'teams', 'areas', 'users', 'role_grants', 'invites', 'password_resets'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('created_at', existing_type=sa.DateTime(timezone=True), server_default=None)


def downgrade():
    for table in ('units', 'teams', 'areas', 'users', 'role_grants', 'invites', 'password_resets'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                'created_at', existing_type=sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)')
            )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.INTEGER(), nullable=False, server_default='1'))

    op.execute("DELETE FROM team_memberships WHERE status = 'pending'")
    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_memberships_status'))
        batch_op.drop_column('status')
        batch_op.alter_column(
            'joined_at', existing_type=sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)')
        )

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_ended_at'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_unit_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
