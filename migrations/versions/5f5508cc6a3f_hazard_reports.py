"""Hazard reports and their case workflow: categories (with each district's defaults), SLA
targets, departments and their routes, handler grants, photos (also an alert's), timeline,
comments, followers; exports made by jobs.

Revision ID: 5f5508cc6a3f
Revises: 6f9c4b8de380
Create Date: 2026-11-29 23:19:19.180198

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '5f5508cc6a3f'
down_revision = '6f9c4b8de380'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("name <> ''", name=op.f('ck_departments_name_not_empty')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_departments_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('unit_id', 'name', name=op.f('uq_departments_unit_id_name'))
    )
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_unit_id'), ['unit_id'], unique=False)

    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('pending', 'ready', 'failed', name='exportstatus', native_enum=False, length=20), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=True),
    sa.Column('byte_size', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=120), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports'))
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exports_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_user_id'), ['user_id'], unique=False)

    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_id', sa.String(length=32), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('thumb_width', sa.Integer(), nullable=False),
    sa.Column('thumb_height', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('content_id', name=op.f('uq_photos_content_id'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('report_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('shows_nearby', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_report_categories_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_categories')),
    sa.UniqueConstraint('unit_id', 'code', name=op.f('uq_report_categories_unit_id_code'))
    )
    with op.batch_alter_table('report_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_categories_unit_id'), ['unit_id'], unique=False)

    op.create_table('report_category_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['report_categories.id'], name=op.f('fk_report_category_routes_category_id_report_categories')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_report_category_routes_department_id_departments')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_report_category_routes_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_category_routes')),
    sa.UniqueConstraint('category_id', 'unit_id', name=op.f('uq_report_category_routes_category_id_unit_id'))
    )
    with op.batch_alter_table('report_category_routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_category_routes_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_category_routes_department_id'), ['department_id'], unique=False)

    op.create_table('report_sla_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.Enum('low', 'medium', 'high', name='reportseverity', native_enum=False, length=20), nullable=False),
    sa.Column('accept_minutes', sa.Integer(), nullable=False),
    sa.Column('resolve_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('accept_minutes > 0 AND resolve_minutes >= accept_minutes', name=op.f('ck_report_sla_targets_sensible_minutes')),
    sa.ForeignKeyConstraint(['category_id'], ['report_categories.id'], name=op.f('fk_report_sla_targets_category_id_report_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_sla_targets')),
    sa.UniqueConstraint('category_id', 'severity', name=op.f('uq_report_sla_targets_category_id_severity'))
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.Enum('low', 'medium', 'high', name='reportseverity', native_enum=False, length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('accuracy_m', sa.Double(), nullable=False),
    sa.Column('is_imprecise', sa.Boolean(), nullable=False),
    sa.Column('fixed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'rejected', 'duplicate', 'dispatched', 'in_progress', 'resolved', 'closed', name='reportstatus', native_enum=False, length=20), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('accuracy_m > 0', name=op.f('ck_reports_accuracy_positive')),
    sa.CheckConstraint('duplicate_of_id IS NULL OR duplicate_of_id <> id', name=op.f('ck_reports_not_duplicate_of_itself')),
    sa.ForeignKeyConstraint(['category_id'], ['report_categories.id'], name=op.f('fk_reports_category_id_report_categories')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_reports_department_id_departments')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['reports.id'], name=op.f('fk_reports_duplicate_of_id_reports')),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_reports_handler_id_users')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_reports_team_id_teams')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_reports_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_category_created', ['category_id', 'created_at'], unique=False)
        batch_op.create_index('ix_reports_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_reports_department_status', ['department_id', 'status'], unique=False)
        batch_op.create_index('ix_reports_due', ['due_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index('ix_reports_reporter', ['reporter_id', 'created_at'], unique=False)
        batch_op.create_index('ix_reports_status_created', ['status', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_reports_updated', ['updated_at', 'id'], unique=False)

    op.create_table('report_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('author_role', sa.Enum('officer', 'handler', 'reporter', 'system', name='actor', native_enum=False, length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_report_comments_author_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_comments_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_comments'))
    )
    with op.batch_alter_table('report_comments', schema=None) as batch_op:
        batch_op.create_index('ix_report_comments_report', ['report_id', 'id'], unique=False)

    op.create_table('report_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.Enum('officer', 'handler', 'reporter', 'system', name='actor', native_enum=False, length=20), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.Enum('submitted', 'accepted', 'rejected', 'duplicate', 'dispatched', 'in_progress', 'resolved', 'closed', name='reportstatus', native_enum=False, length=20), nullable=True),
    sa.Column('to_status', sa.Enum('submitted', 'accepted', 'rejected', 'duplicate', 'dispatched', 'in_progress', 'resolved', 'closed', name='reportstatus', native_enum=False, length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('note_is_public', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_report_events_actor_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_events_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_events'))
    )
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.create_index('ix_report_events_report', ['report_id', 'id'], unique=False)

    op.create_table('report_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_followers_report_id_reports')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_followers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_followers')),
    sa.UniqueConstraint('report_id', 'user_id', name=op.f('uq_report_followers_report_id_user_id'))
    )
    with op.batch_alter_table('report_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_followers_user_id'), ['user_id'], unique=False)

    op.create_table('report_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('report', 'resolution', name='photokind', native_enum=False, length=20), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_report_photos_photo_id_photos')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_photos_report_id_reports')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_report_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_photos')),
    sa.UniqueConstraint('photo_id', name=op.f('uq_report_photos_photo_id'))
    )
    with op.batch_alter_table('report_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_photos_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_alerts_photo_id_photos'), 'photos', ['photo_id'], ['id'])

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_role_grants_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_role_grants_department_id_departments'), 'departments', ['department_id'], ['id'])
        batch_op.create_check_constraint(
            'department_iff_handler',
            "(role = 'handler' AND department_id IS NOT NULL) OR (role <> 'handler' AND department_id IS NULL)",
        )

    _default_categories_for_existing_districts()


# As in app/reports/services.py DEFAULT_CATEGORIES, copied so the migration never changes with it.
DEFAULT_CATEGORIES = [
    ('public_security', '治安隐患', True),
    ('fire_hazard', '消防隐患', True),
    ('road_facilities', '道路设施', True),
    ('sanitation', '环境卫生', True),
    ('dispute', '矛盾纠纷', False),
    ('suspicious', '可疑人员或物品', False),
    ('other', '其他', True),
]


def _default_categories_for_existing_districts():
    """Districts made before this migration get the categories new districts get when created."""
    units = sa.table('units', sa.column('id', sa.Integer), sa.column('kind', sa.String))
    categories = sa.table(
        'report_categories',
        sa.column('unit_id', sa.Integer),
        sa.column('code', sa.String),
        sa.column('name', sa.String),
        sa.column('shows_nearby', sa.Boolean),
        sa.column('sort_order', sa.Integer),
        sa.column('is_active', sa.Boolean),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    now = datetime.now(timezone.utc)
    districts = op.get_bind().execute(sa.select(units.c.id).where(units.c.kind == 'district')).scalars().all()
    rows = [
        {
            'unit_id': district_id,
            'code': code,
            'name': name,
            'shows_nearby': shows_nearby,
            'sort_order': order * 10,
            'is_active': True,
            'created_at': now,
        }
        for district_id in districts
        for order, (code, name, shows_nearby) in enumerate(DEFAULT_CATEGORIES)
    ]
    if rows:
        op.bulk_insert(categories, rows)


def downgrade():
    op.execute("DELETE FROM role_grants WHERE role = 'handler'")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_grants_department_iff_handler'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_role_grants_department_id_departments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_role_grants_department_id'))
        batch_op.drop_column('department_id')

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_alerts_photo_id_photos'), type_='foreignkey')
        batch_op.drop_column('photo_id')

    with op.batch_alter_table('report_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_photos_report_id'))

    op.drop_table('report_photos')
    with op.batch_alter_table('report_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_followers_user_id'))

    op.drop_table('report_followers')
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.drop_index('ix_report_events_report')

    op.drop_table('report_events')
    with op.batch_alter_table('report_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_report_comments_report')

    op.drop_table('report_comments')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_updated')
        batch_op.drop_index(batch_op.f('ix_reports_unit_id'))
        batch_op.drop_index(batch_op.f('ix_reports_team_id'))
        batch_op.drop_index('ix_reports_status_created')
        batch_op.drop_index('ix_reports_reporter')
        batch_op.drop_index(batch_op.f('ix_reports_handler_id'))
        batch_op.drop_index(batch_op.f('ix_reports_duplicate_of_id'))
        batch_op.drop_index('ix_reports_due')
        batch_op.drop_index('ix_reports_department_status')
        batch_op.drop_index('ix_reports_created')
        batch_op.drop_index('ix_reports_category_created')

    op.drop_table('reports')
    op.drop_table('report_sla_targets')
    with op.batch_alter_table('report_category_routes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_category_routes_department_id'))
        batch_op.drop_index(batch_op.f('ix_report_category_routes_category_id'))

    op.drop_table('report_category_routes')
    with op.batch_alter_table('report_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_categories_unit_id'))

    op.drop_table('report_categories')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_uploaded_by_id'))

    op.drop_table('photos')
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exports_user_id'))
        batch_op.drop_index(batch_op.f('ix_exports_expires_at'))

    op.drop_table('exports')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_unit_id'))

    op.drop_table('departments')
