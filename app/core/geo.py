"""Positions from phones: the ``GeoFix`` schema, distances and bounding boxes.

A fix is what the browser's Geolocation API gives: WGS-84 longitude and latitude, the
accuracy radius in metres (95 % confidence, per the W3C spec) and, optionally, when the
device took it. Positions are always stored in WGS-84; a map drawn on GCJ-02 tiles converts
only for drawing (``MAP_TILE_CRS``).

Accuracy must be positive (0 means the device did not know). A fix less accurate than
``GEOFIX_ACCURACY_CAP_M`` is accepted but flagged ``is_imprecise``: indoors a phone may only
manage 500 m, and a report or check-in is better kept, marked, than refused.
"""

import math
from dataclasses import dataclass
from datetime import UTC

from flask import current_app
from marshmallow import ValidationError, fields, post_load

from app.core.schemas import ApiSchema, Range, coded

EARTH_RADIUS_M = 6_371_008.8
# Sanity bound: a radius of a thousand kilometres is not a fix, it is noise.
MAX_ACCURACY_M = 1_000_000


def _positive(value: float) -> None:
    # 0 is what a device reports when it does not know: not a fix.
    if value <= 0:
        raise ValidationError(coded("accuracy_not_positive"))


class GeoFixSchema(ApiSchema):
    """A position fix from the device: WGS-84 degrees, accuracy in metres, optional device time."""

    lon = fields.Float(required=True, validate=Range(min=-180, max=180), metadata={"description": "WGS-84"})
    lat = fields.Float(required=True, validate=Range(min=-90, max=90), metadata={"description": "WGS-84"})
    accuracy_m = fields.Float(
        required=True,
        validate=[_positive, Range(max=MAX_ACCURACY_M)],
        metadata={"description": "radius in metres, > 0; above GEOFIX_ACCURACY_CAP_M the fix is flagged"},
    )
    fixed_at = fields.AwareDateTime(
        load_default=None, default_timezone=None, metadata={"description": "when the device took the fix"}
    )

    @post_load
    def flag(self, data, **kwargs):
        # Accuracy worse than the cap is kept, but flagged for the services.
        data["is_imprecise"] = data["accuracy_m"] > current_app.config["GEOFIX_ACCURACY_CAP_M"]
        if data["fixed_at"] is not None:
            data["fixed_at"] = data["fixed_at"].astimezone(UTC)
        return data


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat

    def grown(self, metres: float) -> "BBox":
        """This box with a margin of ``metres`` on every side."""
        d_lat = math.degrees(metres / EARTH_RADIUS_M)
        widest = max(abs(self.min_lat), abs(self.max_lat))
        d_lon = d_lat / max(math.cos(math.radians(min(widest + d_lat, 89.0))), 1e-6)
        return BBox(
            max(self.min_lon - d_lon, -180),
            max(self.min_lat - d_lat, -90),
            min(self.max_lon + d_lon, 180),
            min(self.max_lat + d_lat, 90),
        )


def around(lon: float, lat: float, metres: float) -> BBox:
    """The box containing every point within ``metres`` of a point: a cheap index-friendly prefilter."""
    return BBox(lon, lat, lon, lat).grown(metres)


def bbox_of_geometries(geometries) -> BBox | None:
    """The bounding box of GeoJSON Polygons and MultiPolygons, or None if there are none."""
    lons, lats = [], []
    for geometry in geometries:
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            for position in polygon[0]:  # the outer ring bounds the holes
                lons.append(position[0])
                lats.append(position[1])
    if not lons:
        return None
    return BBox(min(lons), min(lats), max(lons), max(lats))
