"""Safe defaults. Deployments override any of them through the environment.

Every key here can be set as ``FLASK_<KEY>`` (values are parsed as JSON, so
``FLASK_LOGIN_LIMIT_PER_IP='"100 per minute"'`` or ``FLASK_WTF_CSRF_ENABLED=false``).
The conventional names in ``ENV_ALIASES`` are honoured too, because hosting
platforms hand them out under those names.
"""

from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# environment variable -> config key
ENV_ALIASES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "SECRET_KEY": "SECRET_KEY",
    "UPLOAD_FOLDER": "UPLOAD_FOLDER",
}


class Config:
    # None means: create_app generates one and keeps it in the instance folder.
    SECRET_KEY = None

    # A relative SQLite path is resolved inside the instance folder.
    SQLALCHEMY_DATABASE_URI = "sqlite:///pingan.sqlite"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A hung or unreachable database must not hang the app: requests that need it answer
    # 503 within seconds (connect, wait for a pooled connection, run one statement).
    DATABASE_CONNECT_TIMEOUT = 3
    DATABASE_POOL_TIMEOUT = 3
    DATABASE_STATEMENT_TIMEOUT_MS = 5000
    # Jobs (exports, fan-out) may run longer than a request.
    JOBS_STATEMENT_TIMEOUT_MS = 120_000
    # Set by app/worker.py: this process is a job consumer, not a web server.
    JOB_CONSUMER = False
    REDIS_URL = None
    UPLOAD_FOLDER = None  # defaults to <instance>/uploads

    FRONTEND_DIST = str(ROOT / "frontend" / "dist")
    # Absolute base for links we hand out (invites, resets); None = the request's host.
    PUBLIC_BASE_URL = None
    # Number of proxies in front of gunicorn whose X-Forwarded-* headers we trust.
    PROXY_COUNT = 0

    MAX_CONTENT_LENGTH = 1 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # False still marks the cookie Secure whenever the request came over HTTPS.
    SESSION_COOKIE_SECURE = False
    # Counted from the last day the app was used (see SessionInterface in app/__init__.py).
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    # How stale a session's "last seen" may get before a request records it again.
    SESSION_TOUCH_SECONDS = 300
    # A signed-in principal is kept this long between requests (forgotten at once when what it
    # holds changes; see app/accounts/principal_cache.py); 0 reads it from the database each time.
    PRINCIPAL_CACHE_SECONDS = 60

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]

    # Only 429 answers carry Retry-After (set by our error handler), not every response.
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_STORAGE_URI = None  # None: Redis when REDIS_URL is set, else process memory
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 5 minutes"
    LOGIN_LIMIT_PER_IP = "30 per 5 minutes"
    REGISTER_LIMIT_PER_IP = "20 per hour"
    TOKEN_LIMIT_PER_IP = "30 per hour"

    # argon2id, the RFC 9106 "second recommended option" (64 MiB, 3 passes).
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_KIB = 65536
    PASSWORD_HASH_PARALLELISM = 2
    PASSWORD_MIN_LENGTH = 8

    PASSWORD_RESET_HOURS = 24

    # Jobs (huey): Redis when REDIS_URL is set, else this SQLite file (None: instance/jobs.sqlite).
    JOBS_SQLITE_PATH = None
    # Run each job at once in the caller's thread: the tests' mode.
    JOBS_IMMEDIATE = False
    # /health reports the consumer as down when its last heartbeat is older than this.
    CONSUMER_HEARTBEAT_MAX_AGE = 180

    AUDIT_RETENTION_DAYS = 400
    # How long ended or expired sessions, used reset links and spent invites are kept.
    EXPIRED_ROWS_RETENTION_DAYS = 30

    # Map tiles: an XYZ template such as Tianditu's (with its key) or any XYZ server; None
    # draws areas and points on a plain background. Positions are always stored in WGS-84;
    # MAP_TILE_CRS = "gcj02" converts them only for drawing on tiles made in GCJ-02.
    MAP_TILE_URL = None
    MAP_TILE_ATTRIBUTION = None
    MAP_MAX_ZOOM = 18
    MAP_TILE_CRS = "wgs84"
    # Web Push. VAPID_PRIVATE_KEY (PEM, or the raw key in base64url) is generated once into the
    # instance folder when unset; VAPID_SUBJECT is the contact push services may write to.
    VAPID_PRIVATE_KEY = None
    VAPID_SUBJECT = "mailto:pingan-ops@example.cn"
    # Most phones in mainland China never get a push (FCM is blocked); the inbox is the truth.
    PUSH_TTL_SECONDS = 24 * 3600
    PUSH_TIMEOUT_SECONDS = 10
    PUSH_BATCH_SIZE = 200
    PUSH_CONCURRENCY = 16
    PUSH_MAX_ATTEMPTS = 5
    PUSH_RETRY_BASE_SECONDS = 30
    # Endpoint origins allowed besides public https push services (a local test push service).
    PUSH_EXTRA_ENDPOINT_ORIGINS: list[str] = []

    # Alerts: how many one person may send, when unanswered urgent ones are reminded, and the
    # CAP sender (None: alerts@<host of PUBLIC_BASE_URL>).
    ALERT_LIMIT_PER_SENDER = "20 per hour"
    ALERT_REMINDER_DELAY_SECONDS = 600
    CAP_SENDER = None
    # Scheduling: how far ahead patterns make shifts, when reminders go, and the sign-up rules
    # every unit has unless it (or a unit above it) sets its own.
    SHIFT_WEEKS_AHEAD = 4
    SHIFT_REMINDER_MINUTES = [24 * 60, 60]
    SHIFT_SIGNUP_OPENS_DAYS = 14
    SHIFT_SIGNUP_CLOSES_HOURS = 1
    SHIFT_DROP_CUTOFF_HOURS = 24
    SHIFT_MIN_REST_HOURS = 1
    SHIFT_WEEKLY_HOURS_CAP = 24
    SHIFT_LEADER_RELEASE_HOURS = 24
    SHIFT_SWAP_NEEDS_APPROVAL = True

    # Positions: a fix less accurate than this (metres) is kept but flagged, and counts only this
    # much towards being inside an area.
    GEOFIX_ACCURACY_CAP_M = 100
    # Attendance: the area's margin for a check-in, when check-in opens, what counts as on time,
    # when a no-show is called, and when a forgotten check-out is closed.
    ATTENDANCE_BUFFER_M = 150
    ATTENDANCE_OPENS_MINUTES = 60
    ATTENDANCE_ON_TIME_FROM_MINUTES = 15
    ATTENDANCE_LATE_AFTER_MINUTES = 5
    ATTENDANCE_NO_SHOW_GRACE_MINUTES = 30
    ATTENDANCE_AUTO_CHECKOUT_MARGIN_MINUTES = 60

    # Times shown to people and written into CAP and iCalendar (units may later have their own).
    TIME_ZONE = "Asia/Shanghai"

    # Further origins the PWA may load images from (an S3-compatible photo store's public URL).
    CSP_IMG_ORIGINS: list[str] = []

    # File storage (photos, finished exports): "local" keeps files under UPLOAD_FOLDER, "s3"
    # in an S3-compatible bucket (MinIO, OSS, COS, AWS...), "memory" in the process (tests).
    STORAGE_BACKEND = "local"
    S3_BUCKET = None
    S3_ENDPOINT_URL = None  # e.g. "https://oss-cn-beijing.aliyuncs.com"; None: AWS
    S3_REGION = None
    S3_ACCESS_KEY_ID = None  # None: boto3's own chain (environment, instance role)
    S3_SECRET_ACCESS_KEY = None
    S3_PREFIX = ""  # keys are stored under this prefix in the bucket
    S3_ADDRESSING_STYLE = "auto"  # "path" for most MinIO and Ceph setups
    S3_TIMEOUT_SECONDS = 10

    # Photos. Uploads may be this large (the PWA sends ~400 KB; a camera original, ~10 MB);
    # JSON bodies keep MAX_CONTENT_LENGTH. Width x height above PHOTO_MAX_PIXELS is refused
    # before decoding. Stored photos are re-encoded JPEGs with this long edge and quality.
    PHOTO_UPLOAD_MAX_BYTES = 15 * 1024 * 1024
    PHOTO_MAX_PIXELS = 50_000_000
    PHOTO_LONG_EDGE = 1600
    PHOTO_THUMB_EDGE = 320
    PHOTO_JPEG_QUALITY = 82

    # Hazard reports.
    REPORT_MAX_PHOTOS = 6  # per report and person (the reporter's, a follower's, the handler's)
    REPORT_LIMIT_PER_USER = "30 per hour"
    REPORT_PHOTO_LIMIT_PER_USER = "200 per hour"
    # A report's position must lie within its district's areas' bounding box plus this margin.
    REPORT_POSITION_MARGIN_M = 5000
    # Open cases of the same category shown while reporting: this close, this recent.
    REPORT_NEARBY_RADIUS_M = 100
    REPORT_NEARBY_DAYS = 7
    # How long after resolving or closing a case may be reopened (or the reporter ask for it).
    REPORT_REOPEN_DAYS = 30
    # SLA targets, minutes from the report, by severity, for categories without their own.
    REPORT_SLA_DEFAULTS = {
        "high": {"accept_minutes": 30, "resolve_minutes": 24 * 60},
        "medium": {"accept_minutes": 4 * 60, "resolve_minutes": 3 * 24 * 60},
        "low": {"accept_minutes": 24 * 60, "resolve_minutes": 7 * 24 * 60},
    }
    # An overdue case is escalated to the unit's officers at once, and to the street above
    # this long after its deadline.
    REPORT_ESCALATION_SECOND_MINUTES = 4 * 60
    # Exports of up to this many cases are answered at once; larger ones become a job whose
    # file is announced through the inbox.
    REPORT_EXPORT_SYNC_MAX_ROWS = 2000
    # The map clusters cases in cells of a tile's width / MAP_CELLS_PER_TILE, at most this many cells.
    MAP_CELLS_PER_TILE = 4
    MAP_MAX_CELLS = 2000
    # Finished exports are kept for download this long.
    EXPORT_RETENTION_HOURS = 72
    # An hours export of more rows than this is made by a job and announced in the inbox.
    HOURS_EXPORT_SYNC_MAX_ROWS = 5000

    API_TITLE = "Ping'an Patrol API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Served from the swagger-ui-bundle package, so the docs work without a CDN.
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
