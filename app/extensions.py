"""Extensions are created here without an app; create_app binds them."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.core.api import PatrolApi
from app.core.models import Base
from app.core.transactions import CallbackSession

# Views serialise what they just committed; expiring it would reload every row.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False, "class_": CallbackSession})
migrate = Migrate(render_as_batch=True, compare_type=True)
api = PatrolApi()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
