from flask import Response, request
from flask.views import MethodView
from flask_login import current_user

from app.core.access import allow_pending
from app.core.api import Blueprint
from app.core.pagination import paginate
from app.errors import NotFound
from app.extensions import db
from app.notifications import push, services
from app.notifications.models import Notification, NotificationKind, PushSubscription
from app.notifications.schemas import (
    NotificationQuerySchema,
    NotificationSchema,
    SubscriptionCreateSchema,
    SubscriptionSchema,
    UnreadCountSchema,
    VapidKeySchema,
)
from app.notifications.texts import text

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="The inbox and Web Push.")


@blp.route("/push/vapid-key")
class VapidKey(MethodView):
    @allow_pending
    @blp.response(200, VapidKeySchema)
    def get(self):
        """The key browsers subscribe with (``applicationServerKey``)."""
        return {"public_key": push.public_key()}


@blp.route("/push/subscriptions")
class Subscriptions(MethodView):
    @allow_pending
    @blp.response(200, SubscriptionSchema(many=True))
    def get(self):
        """This account's push subscriptions on devices still signed in."""
        return db.session.scalars(services.subscriptions_of(current_user))

    @allow_pending
    @blp.arguments(SubscriptionCreateSchema)
    @blp.response(201, SubscriptionSchema)
    def post(self, data):
        """Register this browser for push, tied to this signed-in session."""
        subscription = services.subscribe(current_user, data["endpoint"], data["keys"]["p256dh"], data["keys"]["auth"])
        db.session.commit()
        return subscription


@blp.route("/push/subscriptions/<int:subscription_id>")
class SubscriptionById(MethodView):
    @allow_pending
    @blp.errors(404)
    @blp.response(204)
    def delete(self, subscription_id):
        """Stop pushing to one of my browsers (the inbox keeps everything)."""
        subscription = db.session.get(PushSubscription, subscription_id)
        if subscription is None or subscription.user_id != current_user.id:
            raise NotFound("not_found", "no such push subscription")
        services.unsubscribe(subscription)
        db.session.commit()


@blp.route("/push/test")
class PushTest(MethodView):
    @allow_pending
    @blp.response(201, NotificationSchema)
    def post(self):
        """Send myself a test notification, to every device of mine that allows them."""
        payload = {"title": text("test_title", current_user.locale), "body": text("test_body", current_user.locale)}
        [notification_id] = services.notify(
            services.select_user(current_user.id), NotificationKind.TEST, payload | {"url": "/notifications"}
        )
        db.session.commit()
        return db.session.get(Notification, notification_id), 201


@blp.route("/notifications")
class Notifications(MethodView):
    @allow_pending
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """My inbox, newest first: everything ever sent to me, whether or not a push arrived."""
        stmt = services.inbox_of(current_user)
        if query["unread"]:
            stmt = stmt.where(Notification.read_at.is_(None))
        return paginate(stmt.order_by(Notification.id.desc()), pagination_parameters)


@blp.route("/notifications/unread-count")
class UnreadCount(MethodView):
    @allow_pending
    @blp.response(200, UnreadCountSchema)
    @blp.alt_response(304, description="unchanged since the ETag sent in If-None-Match")
    def get(self):
        """The bell's number, cheap to poll: send the last ETag in If-None-Match for a 304."""
        count, newest = services.unread_summary(current_user)
        version = f"{count}-{newest}"
        headers = {"ETag": f'"{version}"', "Cache-Control": "no-cache, private"}
        if request.if_none_match.contains(version):
            return Response(status=304, headers=headers)
        return {"unread": count}, 200, headers


def _mine_or_404(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        raise NotFound("not_found", "no such notification")
    return notification


@blp.route("/notifications/<int:notification_id>/read")
class NotificationRead(MethodView):
    @allow_pending
    @blp.errors(404)
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Mark one notification read."""
        notification = services.mark_read(_mine_or_404(notification_id))
        db.session.commit()
        return notification


@blp.route("/notifications/read-all")
class NotificationsReadAll(MethodView):
    @allow_pending
    @blp.response(204)
    def post(self):
        """Mark my whole inbox read."""
        services.mark_all_read(current_user)
        db.session.commit()
