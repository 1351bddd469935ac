"""Mainland China mobile numbers, stored in E.164 (+86 and 11 digits)."""

import re
import unicodedata

# ASCII digits only: other scripts' digits would make look-alike numbers.
MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
SEPARATORS = re.compile(r"[\s\-()]")


def normalize_mainland_mobile(raw: str) -> str | None:
    """'138 0013 8000', '+86 13800138000' or '8613800138000' → '+8613800138000'; None if not a mobile."""
    # NFKC turns the full-width digits a Chinese keyboard may type into ASCII ones.
    digits = SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return f"+86{digits}" if MAINLAND_MOBILE.fullmatch(digits) else None
