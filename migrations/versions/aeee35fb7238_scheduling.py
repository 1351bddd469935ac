"""Shift scheduling: patterns, shifts, sign-ups, waitlists, swaps, reminders, rules, calendar tokens;
bounding boxes and centres kept on areas.

Revision ID: aeee35fb7238
Revises: 1724734251ff
Create Date: 2026-11-29 23:07:44.776652

"""
from alembic import op
from shapely.geometry import shape
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'aeee35fb7238'
down_revision = '1724734251ff'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_tokens',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_tokens_token_hash'))
    )
    op.create_table('scheduling_rules',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('signup_opens_days', sa.Integer(), nullable=True),
    sa.Column('signup_closes_hours', sa.Integer(), nullable=True),
    sa.Column('drop_cutoff_hours', sa.Integer(), nullable=True),
    sa.Column('min_rest_hours', sa.Integer(), nullable=True),
    sa.Column('weekly_hours_cap', sa.Integer(), nullable=True),
    sa.Column('leader_release_hours', sa.Integer(), nullable=True),
    sa.Column('swap_needs_approval', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_scheduling_rules_unit_id_units')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_scheduling_rules'))
    )
    op.create_table('week_announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_week_announcements_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_week_announcements')),
    sa.UniqueConstraint('user_id', 'week_start', name=op.f('uq_week_announcements_user_id_week_start'))
    )
    op.create_table('shift_patterns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('leader_needed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('skipped_dates', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_minutes BETWEEN 15 AND 720', name=op.f('ck_shift_patterns_duration_in_range')),
    sa.CheckConstraint('places BETWEEN 1 AND 50', name=op.f('ck_shift_patterns_places_in_range')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_shift_patterns_area_id_areas')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_shift_patterns_created_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_shift_patterns_team_id_teams')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_shift_patterns_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_patterns'))
    )
    with op.batch_alter_table('shift_patterns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_patterns_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_patterns_unit_id'), ['unit_id'], unique=False)

    op.create_table('shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('pattern_id', sa.Integer(), nullable=True),
    sa.Column('pattern_date', sa.Date(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('leader_needed', sa.Boolean(), nullable=False),
    sa.Column('leader_taken', sa.Boolean(), nullable=False),
    sa.Column('leader_release_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', name='shiftstatus', native_enum=False, length=20), nullable=False),
    sa.Column('is_edited', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fill_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fill_taken', sa.Integer(), nullable=True),
    sa.Column('fill_leader_present', sa.Boolean(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shifts_ends_after_start')),
    sa.CheckConstraint('places BETWEEN 1 AND 50', name=op.f('ck_shifts_places_in_range')),
    sa.CheckConstraint('taken >= 0 AND taken <= places', name=op.f('ck_shifts_taken_within_places')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_shifts_area_id_areas')),
    sa.ForeignKeyConstraint(['pattern_id'], ['shift_patterns.id'], name=op.f('fk_shifts_pattern_id_shift_patterns')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_shifts_team_id_teams')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_shifts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts')),
    sa.UniqueConstraint('pattern_id', 'pattern_date', name=op.f('uq_shifts_pattern_id_pattern_date'))
    )
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shifts_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_pattern_id'), ['pattern_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index('ix_shifts_team_starts', ['team_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_shifts_unit_starts', ['unit_id', 'starts_at'], unique=False)

    op.create_table('shift_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lead_minutes', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_shift_reminders_shift_id_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_shift_reminders_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_reminders')),
    sa.UniqueConstraint('shift_id', 'user_id', 'lead_minutes', name=op.f('uq_shift_reminders_shift_id_user_id_lead_minutes'))
    )
    op.create_table('shift_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'drop_requested', 'dropped', name='signupstatus', native_enum=False, length=20), nullable=False),
    sa.Column('is_leader', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dropped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_shift_signups_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_shift_signups_shift_id_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_shift_signups_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_signups'))
    )
    with op.batch_alter_table('shift_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_signups_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index('ix_shift_signups_user_status', ['user_id', 'status'], unique=False)
        batch_op.create_index('uq_shift_signups_holding', ['shift_id', 'user_id'], unique=True, postgresql_where=sa.text("status != 'dropped'"), sqlite_where=sa.text("status != 'dropped'"))

    op.create_table('shift_waitlist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_shift_waitlist_shift_id_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_shift_waitlist_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_waitlist')),
    sa.UniqueConstraint('shift_id', 'user_id', name=op.f('uq_shift_waitlist_shift_id_user_id'))
    )
    with op.batch_alter_table('shift_waitlist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_waitlist_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_waitlist_user_id'), ['user_id'], unique=False)

    op.create_table('swap_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('offered_by_id', sa.Integer(), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'taken', 'done', 'cancelled', name='swapstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_swap_offers_approved_by_id_users')),
    sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'], name=op.f('fk_swap_offers_offered_by_id_users')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_swap_offers_shift_id_shifts')),
    sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_swap_offers_taken_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_swap_offers'))
    )
    with op.batch_alter_table('swap_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_swap_offers_offered_by_id'), ['offered_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_offers_shift_id'), ['shift_id'], unique=False)

    bounds = ('min_lon', 'min_lat', 'max_lon', 'max_lat', 'centroid_lon', 'centroid_lat')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        for column in bounds:
            batch_op.add_column(sa.Column(column, sa.Double(), nullable=True))
    connection = op.get_bind()
    areas = sa.table('areas', sa.column('id'), sa.column('geometry', sa.JSON()), *[sa.column(c) for c in bounds])
    for area_id, geometry in connection.execute(sa.select(areas.c.id, areas.c.geometry)).all():
        outline = shape(geometry)
        centre = outline.centroid if outline.centroid.within(outline) else outline.representative_point()
        values = dict(zip(bounds, [*outline.bounds, centre.x, centre.y]))
        connection.execute(areas.update().where(areas.c.id == area_id).values(**values))
    with op.batch_alter_table('areas', schema=None) as batch_op:
        for column in bounds:
            batch_op.alter_column(column, existing_type=sa.Double(), nullable=False)


def downgrade():
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_column('centroid_lat')
        batch_op.drop_column('centroid_lon')
        batch_op.drop_column('max_lat')
        batch_op.drop_column('max_lon')
        batch_op.drop_column('min_lat')
        batch_op.drop_column('min_lon')

    with op.batch_alter_table('swap_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_swap_offers_shift_id'))
        batch_op.drop_index(batch_op.f('ix_swap_offers_offered_by_id'))

    op.drop_table('swap_offers')
    with op.batch_alter_table('shift_waitlist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_waitlist_user_id'))
        batch_op.drop_index(batch_op.f('ix_shift_waitlist_shift_id'))

    op.drop_table('shift_waitlist')
    with op.batch_alter_table('shift_signups', schema=None) as batch_op:
        batch_op.drop_index('uq_shift_signups_holding', postgresql_where=sa.text("status != 'dropped'"), sqlite_where=sa.text("status != 'dropped'"))
        batch_op.drop_index('ix_shift_signups_user_status')
        batch_op.drop_index(batch_op.f('ix_shift_signups_shift_id'))

    op.drop_table('shift_signups')
    op.drop_table('shift_reminders')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index('ix_shifts_unit_starts')
        batch_op.drop_index(batch_op.f('ix_shifts_unit_id'))
        batch_op.drop_index('ix_shifts_team_starts')
        batch_op.drop_index(batch_op.f('ix_shifts_starts_at'))
        batch_op.drop_index(batch_op.f('ix_shifts_pattern_id'))
        batch_op.drop_index(batch_op.f('ix_shifts_area_id'))

    op.drop_table('shifts')
    with op.batch_alter_table('shift_patterns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_patterns_unit_id'))
        batch_op.drop_index(batch_op.f('ix_shift_patterns_team_id'))

    op.drop_table('shift_patterns')
    op.drop_table('week_announcements')
    op.drop_table('scheduling_rules')
    op.drop_table('calendar_tokens')
