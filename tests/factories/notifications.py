import pytest

from tests.push_service import FakePushService


@pytest.fixture(scope="session")
def push_service(app):
    """A local push service; the app may push to it (it is not a public https host)."""
    service = FakePushService()
    app.config["PUSH_EXTRA_ENDPOINT_ORIGINS"] = [service.origin]
    yield service
    service.close()


@pytest.fixture
def fake_push(push_service):
    push_service.reset()
    return push_service


@pytest.fixture
def subscribe(fake_push):
    """``subscribe(client)``: the signed-in client's browser allows push; returns the subscriber."""

    def make(client):
        subscriber = fake_push.subscribe()
        response = client.post("/api/v1/push/subscriptions", json=subscriber.info())
        assert response.status_code == 201, response.get_json()
        return subscriber

    return make
