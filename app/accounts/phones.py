"""Mainland China mobile numbers, stored in E.164 (+86 and 11 digits)."""

import re

MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
SEPARATORS = re.compile(r"[\s\-()]")


def normalize_mainland_mobile(raw: str) -> str | None:
    """'138 0013 8000', '+86 13800138000' or '8613800138000' → '+8613800138000'; None if not a mobile."""
    digits = SEPARATORS.sub("", raw)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return f"+86{digits}" if MAINLAND_MOBILE.fullmatch(digits) else None
