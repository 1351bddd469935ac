"""The flask-smorest Blueprint every domain's routes use."""

import flask_smorest
from webargs.flaskparser import FlaskParser, abort


class JsonParser(FlaskParser):
    """webargs' parser, also refusing JSON nested too deeply for Python's parser.

    A body like ``[[[[…]]]]`` makes ``json.loads`` recurse until it fails; webargs only
    catches decode errors, so it would be a 500 instead of the 400 of any malformed body.
    """

    def load_json(self, req, schema):
        try:
            return super().load_json(req, schema)
        except RecursionError:
            abort(400, messages={"json": ["The JSON body is nested too deeply."]})


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()
    # List pages sized for rosters and review queues.
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 200}
