"""Photo ingest (issue 11): the app's pipeline against Pillow's bare decode + encode of the same photo.

The photo is a 12-megapixel phone JPEG made here with Pillow: smooth gradients and blobs
under sensor-like noise, so it compresses like a photo (about 4-5 MB at quality 92), with
EXIF orientation 6 (held sideways) and a GPS block. In one process, alternating, the bench
times

- **the app**: ``app.core.photos.ingest_with_config`` with the app's config: sniff, pixel
  limit, orient, strip EXIF/GPS, re-encode, thumbnail, exactly what an upload runs;
- **the floor**: Pillow alone producing the same two outputs at the same settings: open,
  ``draft()`` to the output size, ``thumbnail()`` to the long edge with the app's filter,
  encode at the app's quality, then the thumbnail from those pixels, encoded likewise.

Each is timed as wall time and as this process's CPU time; the median of each is compared.
The verdict uses CPU time: on a 2-core machine shared with other sessions, wall time
measures the neighbours as much as the code (both are in the report).
"""

from __future__ import annotations

import inspect
import io
import statistics
import time

from PIL import Image, ImageChops
from PIL.ExifTags import IFD, Base

from bench import BenchError
from bench.cpu import CpuMeter, QuietGate

PHOTO_SIZE = (4000, 3000)  # 12 megapixels, as most phones write them
PHOTO_QUALITY = 92
ORIENTATION = 6  # the phone was held upright: the pixels are stored rotated by 90°
GPS = {1: "N", 2: (31.0, 13.0, 48.5), 3: "E", 4: (121.0, 28.0, 12.3), 5: 0, 6: 12.5}  # Shanghai


def phone_photo(size: tuple[int, int] = PHOTO_SIZE, quality: int = PHOTO_QUALITY) -> bytes:
    """A JPEG that compresses like a phone photo: per channel a gradient, coarse and mid-scale
    blobs (the picture's content) and one shared layer of fine noise (the sensor's)."""
    width, height = size
    fine = Image.effect_noise(size, 10)
    channels = []
    for angle in (0, 45, 90):
        gradient = Image.linear_gradient("L").rotate(angle).resize(size, Image.Resampling.BILINEAR)
        coarse = Image.effect_noise((max(1, width // 50), max(1, height // 50)), 60)
        mid = Image.effect_noise((max(1, width // 5), max(1, height // 5)), 40)
        layer = Image.blend(gradient, coarse.resize(size, Image.Resampling.BICUBIC), 0.5)
        layer = Image.blend(layer, mid.resize(size, Image.Resampling.BILINEAR), 0.3)
        channels.append(ImageChops.add(layer, fine, offset=-128))
    exif = Image.Exif()
    exif[Base.Make] = "HUAWEI"
    exif[Base.Model] = "ELS-AN00"
    exif[Base.Orientation] = ORIENTATION
    exif[IFD.GPSInfo] = GPS
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def bare_ingest(data: bytes, long_edge: int, thumb_edge: int, quality: int, thumb_quality: int) -> tuple[bytes, bytes]:
    """The floor: Pillow's own decode (at the reduced DCT scale) and encode of the same two outputs."""
    with Image.open(io.BytesIO(data)) as image:
        # draft() keeps at least the size asked for in both directions: ask for the output size
        scale = min(1.0, long_edge / max(image.size))
        image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
        image.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS, reducing_gap=None)
        main = io.BytesIO()
        image.save(main, "JPEG", quality=quality)
        thumb = image.copy()
    thumb.thumbnail((thumb_edge, thumb_edge), Image.Resampling.LANCZOS)
    small = io.BytesIO()
    thumb.save(small, "JPEG", quality=thumb_quality)
    return main.getvalue(), small.getvalue()


def timed(fn) -> tuple[float, float, object]:
    """(wall ms, CPU ms of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def alternate(first, second, repetitions: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Time two functions ``repetitions`` times each, swapping which goes first every round
    (after one untimed call of each), so drift and caches favour neither."""
    first(), second()
    times: tuple[list, list] = ([], [])
    for round_ in range(repetitions):
        order = (0, 1) if round_ % 2 == 0 else (1, 0)
        for which in order:
            wall, cpu, _ = timed((first, second)[which])
            times[which].append((round(wall, 1), round(cpu, 1)))
    return times


def medians(samples: list[tuple[float, float]]) -> dict:
    return {
        "wall_ms": round(statistics.median(s[0] for s in samples), 1),
        "cpu_ms": round(statistics.median(s[1] for s in samples), 1),
        "samples": samples,
    }


def check_output(ingested, photo_size: tuple[int, int], long_edge: int) -> None:
    """The app's output must be upright, within the long edge, and carry no EXIF (so no GPS)."""
    with Image.open(io.BytesIO(ingested.data)) as out:
        if out.getexif():
            raise BenchError("the app's ingested photo still carries EXIF")
        upright = out.height > out.width if ORIENTATION in (5, 6, 7, 8) else out.width >= out.height
        if not upright or max(out.size) > long_edge or max(out.size) >= max(photo_size):
            raise BenchError(f"the app's ingested photo is {out.size}, not upright within {long_edge}")


def measure_photo_ingest(gate: QuietGate, repetitions: int = 7, size: tuple[int, int] = PHOTO_SIZE) -> dict:
    from app.core.images import ingest_photo
    from app.core.photos import ingest_with_config
    from bench.seed import bench_app

    data = phone_photo(size)
    app = bench_app("sqlite://", "photo-ingest-bench", JOBS_IMMEDIATE=True)
    config = app.config
    settings = {
        "long_edge": config["PHOTO_LONG_EDGE"],
        "thumb_edge": config["PHOTO_THUMB_EDGE"],
        "quality": config["PHOTO_JPEG_QUALITY"],
        # ingest_with_config leaves the thumbnail's quality at ingest_photo's default
        "thumb_quality": inspect.signature(ingest_photo).parameters["thumb_quality"].default,
    }
    with app.app_context():
        ingested = ingest_with_config(data)
        check_output(ingested, size, settings["long_edge"])
        quiet = gate.wait()
        with CpuMeter() as meter:
            app_times, bare_times = alternate(
                lambda: ingest_with_config(data), lambda: bare_ingest(data, **settings), repetitions
            )
    main, thumb = bare_ingest(data, **settings)
    return {
        "photo": {"width": size[0], "height": size[1], "bytes": len(data), "quality": PHOTO_QUALITY},
        "settings": settings,
        "repetitions": repetitions,
        "app": medians(app_times),
        "bare": medians(bare_times),
        "output": {
            "app_bytes": len(ingested.data),
            "app_thumb_bytes": len(ingested.thumb),
            "app_size": [ingested.width, ingested.height],
            "bare_bytes": len(main),
            "bare_thumb_bytes": len(thumb),
        },
        "quiet_wait": quiet,
        "cpu": meter.result,
    }
