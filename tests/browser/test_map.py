"""Maps without tiles: an admin draws, reshapes and saves a patrol area while the tile server is unreachable."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import DEMO_UNIT, PHONES, api

pytestmark = pytest.mark.browser

# Tiles from a server nobody answers on: the map must still work on its plain background.
UNREACHABLE_TILES = {
    "password_min_length": 8,
    "map": {
        "tile_url": "http://127.0.0.1:9/{z}/{x}/{y}.png",
        "attribution": "测试图源",
        "max_zoom": 18,
        "crs": "wgs84",
    },
}


def serve_unreachable_tiles(page: Page) -> list[str]:
    """The server's client config names a tile server that does not answer; returns the tile requests that failed."""
    failed: list[str] = []
    page.add_init_script(
        """window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
        });"""
    )
    page.route(
        "**/api/v1/client-config",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(UNREACHABLE_TILES)),
    )
    page.on("requestfailed", lambda request: failed.append(request.url) if ":9/" in request.url else None)
    return failed


def tap_map(page: Page, map_testid: str, points: list[tuple[float, float]]) -> None:
    """Click at fractions (x, y) of the map's box."""
    target = page.get_by_test_id(map_testid)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    for fx, fy in points:
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(150)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_admin_draws_an_area_on_a_map_without_tiles(new_context, sign_in, shot, locale):
    page = new_context(locale).new_page()
    failed_tiles = serve_unreachable_tiles(page)
    sign_in(page, PHONES["admin"])
    page.goto("/admin/areas")
    expect(page.get_by_test_id("areas-overview")).to_be_visible()
    # the demo's eight areas (and any drawn by other tests) are drawn on the plain background
    expect(page.get_by_test_id("areas-overview").locator("path.leaflet-interactive").nth(7)).to_be_attached()
    expect(page.get_by_test_id("areas-overview").locator(".leaflet-control-scale")).to_be_visible()
    expect(page.get_by_test_id("areas-overview").locator(".leaflet-control-attribution")).to_contain_text("测试图源")

    name = "地图上画的区域" if locale == "zh-CN" else "英文界面画的区域"
    page.get_by_test_id("area-new").click()
    page.get_by_test_id("area-name-new").fill(name)
    page.get_by_test_id("area-unit").select_option(index=3)  # a community
    page.get_by_test_id("area-editor-new-draw").click()
    tap_map(page, "area-editor-new-map", [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)])
    shot(page, "01-drawing")
    page.get_by_test_id("area-editor-new-finish").click()
    summary = page.get_by_test_id("area-editor-new-summary")
    expect(summary).to_have_text("1 个区域，共 4 个点" if locale == "zh-CN" else "1 area, 4 points")
    assert failed_tiles, "the page asked the unreachable tile server for tiles"

    # move one corner: still four corners, a different shape
    page.get_by_test_id("area-editor-new-edit").click()
    corner = page.get_by_test_id("area-editor-new-map").locator(".marker-icon:not(.marker-icon-middle)").first
    corner.scroll_into_view_if_needed()
    box = corner.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] - 30, box["y"] - 20, steps=5)
    page.mouse.up()
    page.get_by_test_id("area-editor-new-edit").click()
    expect(summary).to_have_text("1 个区域，共 4 个点" if locale == "zh-CN" else "1 area, 4 points")
    shot(page, "02-drawn")

    page.get_by_test_id("area-save-new").click()
    expect(page.get_by_test_id("notice")).to_contain_text(name)
    status, areas = api(page, "GET", "/areas?page_size=100")
    saved = next(area for area in areas if area["name"] == name)
    ring = saved["geometry"]["coordinates"][0]
    assert saved["geometry"]["type"] == "Polygon"
    assert len(ring) == 5 and ring[0] == ring[-1]
    # WGS-84 around the demo district (Chaoyang, Beijing)
    assert all(116.3 < lon < 116.6 and 39.8 < lat < 40.1 for lon, lat in ring)
    expect(page.locator(f"[data-testid='area-{saved['id']}']")).to_contain_text(name)
    # Leaflet and Geoman work under the app's Content-Security-Policy (no inline styles or scripts);
    # only the tiles of a server the policy does not list are refused.
    assert [v for v in page.evaluate("window.__csp") if not v.startswith("img-src http://127.0.0.1:9/")] == []
    shot(page, "03-saved")


def test_drawn_area_can_be_deleted_before_saving(new_context, sign_in):
    page = new_context("zh-CN").new_page()
    serve_unreachable_tiles(page)
    sign_in(page, PHONES["admin"])
    page.goto("/admin/areas")
    page.get_by_test_id("area-new").click()
    page.get_by_test_id("area-editor-new-draw").click()
    tap_map(page, "area-editor-new-map", [(0.2, 0.2), (0.5, 0.2), (0.5, 0.5)])
    page.get_by_test_id("area-editor-new-finish").click()
    summary = page.get_by_test_id("area-editor-new-summary")
    expect(summary).to_have_text("1 个区域，共 3 个点")
    page.get_by_test_id("area-editor-new-remove").click()
    tap_map(page, "area-editor-new-map", [(0.42, 0.28)])
    expect(summary).to_have_text("还没有画区域。")
    page.get_by_test_id("area-name-new").fill("没有范围的区域")
    page.get_by_test_id("area-unit").select_option(label=f"{DEMO_UNIT}（社区）")
    page.get_by_test_id("area-save-new").click()
    expect(page.get_by_test_id("area-editor-new-error")).to_have_text("此项必填。")
