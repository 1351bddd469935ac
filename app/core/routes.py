"""System endpoints: liveness, health of the backing services, the PWA's configuration."""

from datetime import timedelta

import redis
from flask import current_app, jsonify
from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core import clock
from app.core.access import public
from app.core.api import Blueprint
from app.core.jobs import huey, last_heartbeat
from app.core.schemas import ApiSchema, OneOf
from app.errors import RETRY_AFTER_UNAVAILABLE, error_body
from app.extensions import db

blp = Blueprint("system", __name__, url_prefix="/api/v1", description="Liveness, health and client configuration.")


class MapConfigSchema(ApiSchema):
    tile_url = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "XYZ template; null: plain background"}
    )
    attribution = fields.String(dump_only=True, allow_none=True)
    max_zoom = fields.Integer(dump_only=True)
    crs = fields.String(
        dump_only=True,
        validate=OneOf(["wgs84", "gcj02"]),
        metadata={"description": "wgs84, or gcj02 for tiles drawn in GCJ-02"},
    )


class ClientConfigSchema(ApiSchema):
    password_min_length = fields.Integer(dump_only=True)
    map = fields.Nested(MapConfigSchema, dump_only=True)


class CheckSchema(ApiSchema):
    ok = fields.Boolean(dump_only=True)


class QueueSchema(ApiSchema):
    ok = fields.Boolean(dump_only=True)
    pending = fields.Integer(dump_only=True, allow_none=True)


class ConsumerSchema(ApiSchema):
    ok = fields.Boolean(dump_only=True)
    last_heartbeat_at = fields.DateTime(dump_only=True, allow_none=True)


class HealthSchema(ApiSchema):
    status = fields.String(dump_only=True, metadata={"description": "ok"})
    database = fields.Nested(CheckSchema, dump_only=True)
    redis = fields.Nested(CheckSchema, dump_only=True, allow_none=True)
    queue = fields.Nested(QueueSchema, dump_only=True)
    consumer = fields.Nested(ConsumerSchema, dump_only=True)


@blp.route("/ping")
class Ping(MethodView):
    @blp.errors(automatic=False)
    @public
    def get(self):
        """Liveness probe; touches neither the session nor the database."""
        return {"status": "ok"}


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        current_app.logger.warning("health: database unreachable", exc_info=True)
        return False
    finally:
        db.session.rollback()


def _redis_ok(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return bool(client.ping())
    except redis.RedisError:
        return False


def health_report() -> dict:
    config = current_app.config
    report = {"database": {"ok": _database_ok()}, "redis": None}
    if config["REDIS_URL"]:
        report["redis"] = {"ok": _redis_ok(config["REDIS_URL"])}
    try:
        report["queue"] = {"ok": True, "pending": huey.pending_count()}
        beat = last_heartbeat()
    except Exception:  # the queue's own storage (Redis or its SQLite file) is unreachable
        current_app.logger.warning("health: job queue unreachable", exc_info=True)
        report["queue"] = {"ok": False, "pending": None}
        beat = None
    fresh = beat is not None and clock.now() - beat <= timedelta(seconds=config["CONSUMER_HEARTBEAT_MAX_AGE"])
    report["consumer"] = {"ok": fresh, "last_heartbeat_at": beat}
    return report


@blp.route("/health")
class Health(MethodView):
    @public
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="a backing service is down (also in the error shape)")
    def get(self):
        """Can the app do its work? Database, Redis (when configured), job queue and consumer.

        No personal data. 200 when all is well; 503 in the error shape, with the same checks.
        """
        report = health_report()
        failing = [name for name, check in report.items() if check is not None and not check["ok"]]
        if not failing:
            return {"status": "ok", **report}
        body = {**error_body(503, "unhealthy", f"failing: {', '.join(failing)}"), **HealthSchema().dump(report)}
        response = jsonify(body)
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
        return response


@blp.route("/client-config")
class ClientConfig(MethodView):
    @blp.errors(automatic=False)
    @public
    @blp.response(200, ClientConfigSchema)
    def get(self):
        """Server settings the PWA follows: the password minimum, the map's tiles."""
        config = current_app.config
        return {
            "password_min_length": config["PASSWORD_MIN_LENGTH"],
            "map": {
                "tile_url": config["MAP_TILE_URL"],
                "attribution": config["MAP_TILE_ATTRIBUTION"],
                "max_zoom": config["MAP_MAX_ZOOM"],
                "crs": config["MAP_TILE_CRS"],
            },
        }
