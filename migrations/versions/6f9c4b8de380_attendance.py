"""Attendance: check-in and check-out with position and punctuality, no-shows, credited minutes.

Revision ID: 6f9c4b8de380
Revises: aeee35fb7238
Create Date: 2026-11-29 23:24:05.066882

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f9c4b8de380'
down_revision = 'aeee35fb7238'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('check_in_received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('check_in_device_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('check_in_lon', sa.Double(), nullable=True),
    sa.Column('check_in_lat', sa.Double(), nullable=True),
    sa.Column('check_in_accuracy_m', sa.Double(), nullable=True),
    sa.Column('check_in_position', sa.Enum('on_site', 'outside', 'no_fix', name='position', native_enum=False, length=20), nullable=True),
    sa.Column('check_in_distance_m', sa.Integer(), nullable=True),
    sa.Column('check_in_imprecise', sa.Boolean(), nullable=False),
    sa.Column('punctuality', sa.Enum('early', 'on_time', 'late', name='punctuality', native_enum=False, length=20), nullable=True),
    sa.Column('recorded_offline', sa.Boolean(), nullable=False),
    sa.Column('proxy_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('check_out_received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('check_out_device_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('check_out_lon', sa.Double(), nullable=True),
    sa.Column('check_out_lat', sa.Double(), nullable=True),
    sa.Column('check_out_accuracy_m', sa.Double(), nullable=True),
    sa.Column('check_out_position', sa.Enum('on_site', 'outside', 'no_fix', name='position', native_enum=False, length=20), nullable=True),
    sa.Column('check_out_distance_m', sa.Integer(), nullable=True),
    sa.Column('auto_closed', sa.Boolean(), nullable=False),
    sa.Column('no_show', sa.Boolean(), nullable=False),
    sa.Column('credited_minutes', sa.Integer(), nullable=False),
    sa.Column('corrected_by_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.String(length=200), nullable=True),
    sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('checked_out_at IS NULL OR checked_out_at >= checked_in_at', name=op.f('ck_attendances_out_after_in')),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id'], name=op.f('fk_attendances_corrected_by_id_users')),
    sa.ForeignKeyConstraint(['proxy_by_id'], ['users.id'], name=op.f('fk_attendances_proxy_by_id_users')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_attendances_shift_id_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attendances_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances')),
    sa.UniqueConstraint('shift_id', 'user_id', name=op.f('uq_attendances_shift_id_user_id'))
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index('ix_attendances_on_duty', ['checked_out_at', 'checked_in_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendances_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendances_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendances_user_id'))
        batch_op.drop_index(batch_op.f('ix_attendances_shift_id'))
        batch_op.drop_index('ix_attendances_on_duty')

    op.drop_table('attendances')
