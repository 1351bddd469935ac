from flask import Response
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.alerts import cap, services
from app.alerts.models import Alert, AlertRecipient
from app.alerts.schemas import (
    AlertCreateSchema,
    AlertDetailSchema,
    AlertPhotoUploadSchema,
    AlertPreviewSchema,
    AlertQuerySchema,
    AlertSchema,
    AlertUpdateSchema,
    AnswerCreateSchema,
    MyAnswerSchema,
    PreviewSchema,
    RecipientQuerySchema,
    RecipientSchema,
    TallySchema,
)
from app.core.access import public, require
from app.core.api import Blueprint
from app.core.http import body_limit
from app.core.idempotency import idempotent, remember
from app.core.pagination import apply_sort, paginate
from app.core.photos import photo_response, read_upload
from app.core.schemas import attributes
from app.core.throttle import Throttle
from app.errors import NotFound, Unauthorized
from app.extensions import csrf, db

blp = Blueprint("alerts", __name__, url_prefix="/api/v1", description="Alerts, their answers and tally.")


def _detail(alert: Alert) -> dict:
    """The alert as the caller sees it: with their own answer if they received it."""
    recipient = services.recipient_of(alert, current_user)
    return {
        **attributes(alert, AlertSchema),
        "mine": recipient,
        "can_manage": alert.can_manage(current_user),
    }


@blp.route("/alerts/preview")
class AlertPreview(MethodView):
    @blp.errors(403, 404)
    @blp.arguments(AlertPreviewSchema)
    @blp.response(200, PreviewSchema)
    def post(self, data):
        """How many an alert to this audience would reach, and how many of them by push."""
        audience = services.resolve_audience(data["audience"], current_user)
        services.check_send_rights(audience, data["severity"], current_user)
        recipients, with_push = services.count_people(audience)
        return {"recipients": recipients, "with_push": with_push}


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.arguments(AlertQuerySchema, location="query")
    @blp.response(200, AlertSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Alerts I received (``box=received``), or sent and oversee (``box=sent``), newest first."""
        stmt = services.alerts_visible_to(current_user, query["box"], query["unanswered"])
        return paginate(
            apply_sort(stmt, query["sort"], {"created_at": Alert.created_at}, Alert.id), pagination_parameters
        )

    @blp.errors(403, 404, 409, 429)
    @blp.arguments(AlertCreateSchema)
    @blp.response(201, AlertSchema)
    @idempotent(Alert)
    def post(self, data):
        """Send an alert. It returns at once; recipients and pushes are made by jobs.

        Officers and admins send any severity within their subtree; coordinators to their
        own teams, up to ``warning``. Sending is limited per sender (429).
        """
        throttle = Throttle(("ALERT_LIMIT_PER_SENDER", f"alerts/sender/{current_user.id}"))
        throttle.take_attempt()
        alert = services.send_alert(current_user, data)
        remember(alert, 201)
        db.session.commit()
        return alert, 201


def _alert(alert_id: int) -> Alert:
    return services.alert_for(current_user, alert_id)


@blp.route("/alerts/<int:alert_id>")
class AlertById(MethodView):
    @blp.errors(404)
    @blp.response(200, AlertDetailSchema)
    def get(self, alert_id):
        """One alert I received, sent or oversee, with my answer if I received it."""
        return _detail(_alert(alert_id))

    @blp.errors(403, 404)
    @blp.arguments(AlertUpdateSchema)
    @blp.response(200, AlertDetailSchema)
    def patch(self, data, alert_id):
        """Change an open alert; every recipient is told."""
        alert = _alert(alert_id)
        require(alert.can_manage(current_user))
        services.update_alert(alert, current_user, data)
        db.session.commit()
        return _detail(alert)


@blp.route("/alerts/<int:alert_id>/cancel")
class AlertCancel(MethodView):
    @blp.errors(403, 404)
    @blp.response(200, AlertDetailSchema)
    def post(self, alert_id):
        """Cancel an alert; every recipient is told and answers are no longer taken."""
        alert = _alert(alert_id)
        require(alert.can_manage(current_user))
        services.cancel_alert(alert, current_user)
        db.session.commit()
        return _detail(alert)


@blp.route("/alerts/<int:alert_id>/tally")
class AlertTally(MethodView):
    @blp.errors(403, 404)
    @blp.response(200, TallySchema)
    def get(self, alert_id):
        """Answers per kind and per team, and how the pushes went: for the sender and staff in scope."""
        alert = _alert(alert_id)
        require(alert.can_read_tally(current_user))
        return services.tally(alert)


@blp.route("/alerts/<int:alert_id>/recipients")
class AlertRecipients(MethodView):
    @blp.errors(403, 404)
    @blp.arguments(RecipientQuerySchema, location="query")
    @blp.response(200, RecipientSchema(many=True))
    @blp.paginate()
    def get(self, query, alert_id, pagination_parameters):
        """Who received the alert, those without an answer first; phone numbers where I may see them."""
        alert = _alert(alert_id)
        require(alert.can_read_tally(current_user))
        stmt = services.recipients_list(alert, query.get("answer")).options(
            selectinload(AlertRecipient.user).selectinload(User.role_grants),
            selectinload(AlertRecipient.team),
            selectinload(AlertRecipient.notification),
        )
        return [
            {
                "user": {
                    "id": recipient.user.id,
                    "display_name": recipient.user.display_name,
                    "phone": recipient.user.phone if recipient.user.phone_visible_to(current_user) else None,
                },
                "team": recipient.team,
                "seen_at": recipient.seen_at,
                "answer": recipient.answer,
                "answered_at": recipient.answered_at,
                "reminded_at": recipient.reminded_at,
                "push_status": recipient.notification.push_status,
            }
            for recipient in paginate(stmt, pagination_parameters)
        ]


@blp.route("/alerts/<int:alert_id>/cap")
class AlertCap(MethodView):
    @blp.errors(404)
    @blp.response(200, content_type=cap.CONTENT_TYPE)
    def get(self, alert_id):
        """The alert as an OASIS CAP 1.2 message, for emergency systems."""
        return Response(cap.to_cap(_alert(alert_id)), mimetype=cap.CONTENT_TYPE)


@blp.route("/alerts/<int:alert_id>/photo")
class AlertPhoto(MethodView):
    @blp.errors(403, 404, 413)
    @blp.arguments(AlertPhotoUploadSchema, location="files")
    @blp.response(200, AlertDetailSchema)
    @idempotent(Alert)
    @body_limit("PHOTO_UPLOAD_MAX_BYTES", "photo_too_large")
    def post(self, files, alert_id):
        """Give the alert its photo (multipart ``photo``), replacing any earlier one.

        Checked and re-encoded like report photos (no EXIF, no GPS); refusals are 413
        ``photo_too_large`` and 422 ``photo_not_an_image``, ``photo_format_unsupported``,
        ``photo_heic_unsupported``, ``photo_too_many_pixels``, ``photo_damaged``.
        """
        alert = _alert(alert_id)
        require(alert.can_manage(current_user))
        services.set_photo(alert, read_upload(files["photo"]), current_user)
        remember(alert, 200)
        db.session.commit()
        return _detail(alert)

    @blp.errors(403, 404)
    @blp.response(200, AlertDetailSchema)
    def delete(self, alert_id):
        """Take the alert's photo away."""
        alert = _alert(alert_id)
        require(alert.can_manage(current_user))
        services.remove_photo(alert)
        db.session.commit()
        return _detail(alert)


def _alert_photo(alert_id: int, content_id: str, thumb: bool):
    alert = _alert(alert_id)
    if alert.stored_photo is None or alert.stored_photo.content_id != content_id:
        raise NotFound("not_found", "photo not found")
    return photo_response(alert.stored_photo, thumb)


@blp.route("/alerts/<int:alert_id>/photo/<content_id>")
class AlertPhotoById(MethodView):
    @blp.errors(404)
    @blp.response(200, content_type="image/jpeg")
    def get(self, alert_id, content_id):
        """The alert's photo, for everyone who may read the alert (cached privately for a year)."""
        return _alert_photo(alert_id, content_id, thumb=False)


@blp.route("/alerts/<int:alert_id>/photo/<content_id>/thumb")
class AlertPhotoThumb(MethodView):
    @blp.errors(404)
    @blp.response(200, content_type="image/jpeg")
    def get(self, alert_id, content_id):
        """The alert photo's thumbnail."""
        return _alert_photo(alert_id, content_id, thumb=True)


@blp.route("/alerts/<int:alert_id>/answer")
class AlertAnswer(MethodView):
    @public
    @blp.errors(401, 404, 422)
    @blp.arguments(AnswerCreateSchema)
    @blp.response(200, MyAnswerSchema)
    def post(self, data, alert_id):
        """Answer an alert: ``seen`` when opened, ``on_my_way`` or ``cannot_come``.

        Signed in with the CSRF token, or with the ``token`` from the push payload instead (the
        notification's buttons answer without opening the app). Answering is idempotent by
        nature: the same answer again changes nothing, so an outbox may replay it.
        """
        alert = db.session.get(Alert, alert_id)
        if alert is None:
            raise NotFound("not_found", "alert not found")
        if "token" in data:
            recipient = services.recipient_by_token(alert, data["token"])
        else:
            if not current_user.is_authenticated or current_user.is_pending:
                raise Unauthorized("unauthorized", "sign in first, or answer with the notification's token")
            csrf.protect()
            recipient = services.recipient_of(alert, current_user)
            if recipient is None:
                raise NotFound("not_found", "alert not found")
        services.record_answer(recipient, data["answer"])
        db.session.commit()
        return recipient


# The token in the body is the credential of the notification's buttons; CSRF is checked in
# the view when there is none.
csrf.exempt(f"{__name__}.AlertAnswer")
