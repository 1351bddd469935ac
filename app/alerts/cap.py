"""Alerts as OASIS CAP 1.2 messages (``application/cap+xml``), so emergency systems can read them.

Mapping of our severities to CAP's urgency, severity and certainty:

| ours    | urgency   | severity | certainty |
|---------|-----------|----------|-----------|
| urgent  | Immediate | Severe   | Observed  |
| warning | Expected  | Moderate | Likely    |
| info    | Future    | Minor    | Possible  |

Times are in the configured time zone without fractions (``2026-12-01T10:15:00+08:00``);
CAP forbids ``Z``. Polygons are closed rings of "lat,lon" pairs (GeoJSON is lon,lat), a
MultiPolygon is several ``polygon`` elements, a circle is "lat,lon radius_km". An update and
a cancellation reference the earlier messages of the same alert.
"""

from datetime import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from flask import current_app, request

from app.alerts.models import Alert, AlertStatus, Severity

CONTENT_TYPE = "application/cap+xml"
NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"

CAP_LEVELS = {
    Severity.URGENT: ("Immediate", "Severe", "Observed"),
    Severity.WARNING: ("Expected", "Moderate", "Likely"),
    Severity.INFO: ("Future", "Minor", "Possible"),
}


def cap_time(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(current_app.config["TIME_ZONE"])).replace(microsecond=0).isoformat()


def _host() -> str:
    base = current_app.config["PUBLIC_BASE_URL"] or request.url_root
    return urlsplit(base).hostname or "localhost"


def _sender() -> str:
    return current_app.config["CAP_SENDER"] or f"alerts@{_host()}"


def _identifier(alert: Alert, version: int, cancelled: bool = False) -> str:
    suffix = "-cancel" if cancelled else ""
    return f"{_host()}-alert-{alert.id}-v{version}{suffix}"


def _message_time(alert: Alert, version: int) -> datetime:
    return alert.created_at if version == 1 else (alert.updated_at or alert.created_at)


def _ring(coordinates: list) -> str:
    points = [f"{lat},{lon}" for lon, lat, *_ in coordinates]
    if points[0] != points[-1]:
        points.append(points[0])
    return " ".join(points)


def _add(parent, name: str, value: str) -> None:
    ElementTree.SubElement(parent, f"{{{NAMESPACE}}}{name}").text = value


def to_cap(alert: Alert) -> bytes:
    cancelled = alert.status == AlertStatus.CANCELLED
    root = ElementTree.Element(f"{{{NAMESPACE}}}alert")
    _add(root, "identifier", _identifier(alert, alert.version, cancelled))
    _add(root, "sender", _sender())
    _add(root, "sent", cap_time(alert.cancelled_at if cancelled else _message_time(alert, alert.version)))
    _add(root, "status", "Test" if alert.is_test else "Actual")
    _add(root, "msgType", "Cancel" if cancelled else ("Update" if alert.version > 1 else "Alert"))
    _add(root, "scope", "Restricted")
    _add(root, "restriction", "patrol members and staff of the audience")
    earlier = range(1, alert.version + 1) if cancelled else range(1, alert.version)
    if earlier:
        _add(
            root,
            "references",
            " ".join(
                f"{_sender()},{_identifier(alert, version)},{cap_time(_message_time(alert, version))}"
                for version in earlier
            ),
        )
    info = ElementTree.SubElement(root, f"{{{NAMESPACE}}}info")
    _add(info, "language", "zh-CN")
    _add(info, "category", alert.category.value)
    _add(info, "event", alert.title)
    urgency, severity, certainty = CAP_LEVELS[alert.severity]
    _add(info, "urgency", urgency)
    _add(info, "severity", severity)
    _add(info, "certainty", certainty)
    _add(info, "expires", cap_time(alert.expires_at))
    _add(info, "senderName", alert.unit.name)
    _add(info, "headline", alert.title)
    _add(info, "description", alert.body)
    if alert.area is not None or alert.lon is not None:
        area = ElementTree.SubElement(info, f"{{{NAMESPACE}}}area")
        _add(area, "areaDesc", alert.area.name if alert.area is not None else alert.unit.name)
        if alert.area is not None:
            geometry = alert.area.geometry
            polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            for rings in polygons:
                _add(area, "polygon", _ring(rings[0]))  # CAP polygons have no holes: the outline
        if alert.lon is not None:
            radius_km = (alert.radius_m or 0) / 1000
            _add(area, "circle", f"{alert.lat},{alert.lon} {radius_km:g}")
    ElementTree.register_namespace("", NAMESPACE)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
