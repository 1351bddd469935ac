"""Request checks that run before any view."""

import json

from flask import request
from flask_smorest import abort


def reject_deeply_nested_json():
    """A body like ``[[[[…]]]]`` makes Python's JSON parser recurse until it fails.

    webargs only catches decode errors, so such a body would be a 500; it is a
    client's mistake, a 400 like any other malformed JSON.
    """
    if not request.is_json or not request.content_length:
        return
    try:
        json.loads(request.get_data(cache=True))
    except RecursionError:
        abort(400, error="malformed_json", message="the JSON body is nested too deeply")
    except ValueError:
        return  # webargs reports ordinary syntax errors itself
