"""The first load's weight: the JS and CSS that the built index.html fetches, each gzipped at level 9."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path


class AssetParser(HTMLParser):
    """Collects ``<script src>``, ``<link rel=stylesheet>`` and ``<link rel=modulepreload>``."""

    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.assets.append(("script", attributes["src"]))
        elif tag == "link" and attributes.get("href"):
            rel = (attributes.get("rel") or "").lower().split()
            for kind in ("stylesheet", "modulepreload"):
                if kind in rel:
                    self.assets.append((kind, attributes["href"]))
                    break


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def first_load(dist: Path) -> dict:
    index = dist / "index.html"
    if not index.is_file():
        return {
            "built": False,
            "dist": str(dist),
            "note": f"{index} not found: build the front end first (cd frontend && npm run build)",
        }
    html = index.read_text(encoding="utf-8")
    parser = AssetParser()
    parser.feed(html)
    files, seen, skipped = [], set(), []
    for kind, url in parser.assets:
        if re.match(r"^(https?:)?//", url):
            skipped.append({"url": url, "why": "external"})
            continue
        relative = url.split("?", 1)[0].split("#", 1)[0].lstrip("/")
        if relative in seen:
            continue
        seen.add(relative)
        path = dist / relative
        if not path.is_file():
            skipped.append({"url": url, "why": "not in dist"})
            continue
        raw = path.read_bytes()
        files.append({"url": url, "kind": kind, "bytes": len(raw), "gzip_bytes": gzip_size(raw)})
    return {
        "built": True,
        "dist": str(dist),
        "files": files,
        "skipped": skipped,
        "js_css_gzip_bytes": sum(f["gzip_bytes"] for f in files),
        "index_html_gzip_bytes": gzip_size(html.encode()),
    }
