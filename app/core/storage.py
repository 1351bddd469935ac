"""Where files live: a small storage interface with a local folder, S3-compatible and in-memory backends.

``save(key, data, content_type)`` · ``open(key)`` · ``delete(key)`` · ``url(key, expires_in)``.
Keys are relative, slash-separated names the app makes itself (``photos/ab/<content id>.jpg``);
nobody's file name ever becomes part of one.

- ``local`` (default): files under ``UPLOAD_FOLDER`` (``instance/uploads``), written to a
  temporary file and renamed into place, readable by their owner only.
- ``s3``: any S3-compatible store through boto3 (MinIO, Aliyun OSS, Tencent COS, Ceph, AWS).
  Checksums are calculated and validated only when an operation requires them
  (``when_required``): botocore's newer default sends CRC trailers many non-AWS stores refuse.
- ``memory``: a dict, for the tests.

Files follow their rows: ``store_for_row(key, ...)`` deletes what it stored if the transaction
rolls back, and ``delete_after_commit(keys)`` deletes only once the row's deletion is committed.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

from app.core.transactions import after_commit, after_rollback

KEY = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)*$")


class StorageMissing(LookupError):
    """The key names no stored file."""


def _check_key(key: str) -> str:
    if not KEY.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def _read(data: bytes | BinaryIO) -> bytes:
    return data if isinstance(data, bytes) else data.read()


class Storage(Protocol):
    def save(self, key: str, data: bytes | BinaryIO, content_type: str) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str, expires_in: int) -> str | None:
        """A direct, time-limited link to the file, or None when files are served by the app."""


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    def save(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes):
                    out.write(data)
                else:
                    while chunk := data.read(1 << 20):
                        out.write(chunk)
            os.replace(draft, path)
        except BaseException:
            Path(draft).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise StorageMissing(key) from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def url(self, key: str, expires_in: int) -> str | None:
        return None


class MemoryStorage:
    def __init__(self):
        self.files: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def save(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        with self._lock:
            self.files[_check_key(key)] = (_read(data), content_type)

    def open(self, key: str) -> BinaryIO:
        try:
            return io.BytesIO(self.files[_check_key(key)][0])
        except KeyError as exc:
            raise StorageMissing(key) from exc

    def delete(self, key: str) -> None:
        with self._lock:
            self.files.pop(_check_key(key), None)

    def url(self, key: str, expires_in: int) -> str | None:
        return None


class S3Storage:
    """An S3-compatible bucket. The client is made once (boto3 clients are thread-safe)."""

    def __init__(self, config):
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket = config["S3_BUCKET"]
        self.prefix = (config["S3_PREFIX"] or "").strip("/")
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=config["S3_ENDPOINT_URL"],
            region_name=config["S3_REGION"],
            aws_access_key_id=config["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"],
            config=BotoConfig(
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                s3={"addressing_style": config["S3_ADDRESSING_STYLE"]},
                signature_version="s3v4",
                connect_timeout=config["S3_TIMEOUT_SECONDS"],
                read_timeout=config["S3_TIMEOUT_SECONDS"],
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def _key(self, key: str) -> str:
        key = _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def save(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=_read(data), ContentType=content_type)

    def open(self, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise StorageMissing(key) from exc
        return io.BytesIO(answer["Body"].read())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def url(self, key: str, expires_in: int) -> str | None:
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._key(key)}, ExpiresIn=expires_in
        )


def make_storage(config) -> Storage:
    backend = config["STORAGE_BACKEND"]
    if backend == "local":
        return LocalStorage(config["UPLOAD_FOLDER"])
    if backend == "memory":
        return MemoryStorage()
    if backend == "s3":
        if not config["S3_BUCKET"]:
            raise RuntimeError("STORAGE_BACKEND is 's3' but S3_BUCKET is not set")
        return S3Storage(config)
    raise RuntimeError(f"unknown STORAGE_BACKEND {backend!r}: local, s3 or memory")


def init_storage(app: Flask) -> None:
    app.extensions["storage"] = make_storage(app.config)


def storage() -> Storage:
    return current_app.extensions["storage"]


# Files that follow their rows ------------------------------------------------------------------


def store_for_row(key: str, data: bytes | BinaryIO, content_type: str) -> None:
    """Store a file for a row being written; if that row's transaction rolls back, the file goes too."""
    store = storage()
    store.save(key, data, content_type)
    after_rollback(lambda: _delete_quietly(store, [key]))


def delete_after_commit(keys: list[str]) -> None:
    """Delete these files once the deletion of their rows is committed (never if it rolls back)."""
    if keys:
        store = storage()
        after_commit(lambda: _delete_quietly(store, list(keys)))


def _delete_quietly(store: Storage, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except Exception:
            current_app.logger.exception("could not delete stored file %s", key)
