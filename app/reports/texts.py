"""The words of report notifications, in the recipient's language (the inbox row carries the
zh-CN default; each push is worded for its recipient, see ``push.py``)."""

TEXTS = {
    "zh-CN": {
        "report_new": "新的隐患上报：{category}",
        "report_assigned": "新派遣的案件：{category}",
        "report_overdue": "案件超时未办：{category}（{unit}）",
        "report_escalated": "案件超时升级：{category}（{unit}）",
        "update_accept": "您上报的隐患已受理",
        "update_reject": "您上报的隐患未予受理",
        "update_mark_duplicate": "您上报的隐患已与同一处的案件合并",
        "update_dispatch": "您上报的隐患已派给{department}处理",
        "update_start": "您上报的隐患正在处置",
        "update_resolve": "您上报的隐患已处置完毕",
        "update_close": "您上报的隐患已结案",
        "update_reopen": "您上报的隐患已重新受理",
        "update_comment": "您上报的隐患有新的回复",
        "staff_return": "案件被退回：{category}",
        "staff_resolve": "案件已处置，请核查结案：{category}",
        "staff_request_reopen": "上报人申请重新处理：{category}",
        "staff_comment": "上报人留言：{category}",
    },
    "en": {
        "report_new": "New hazard report: {category}",
        "report_assigned": "Case dispatched to you: {category}",
        "report_overdue": "Case overdue: {category} ({unit})",
        "report_escalated": "Overdue case escalated: {category} ({unit})",
        "update_accept": "Your report was accepted",
        "update_reject": "Your report was not accepted",
        "update_mark_duplicate": "Your report was merged with a case at the same place",
        "update_dispatch": "Your report was sent to {department}",
        "update_start": "Your report is being handled",
        "update_resolve": "Your report has been dealt with",
        "update_close": "Your report is closed",
        "update_reopen": "Your report was reopened",
        "update_comment": "New reply to your report",
        "staff_return": "Case returned: {category}",
        "staff_resolve": "Case resolved, please check and close: {category}",
        "staff_request_reopen": "The reporter asks to reopen: {category}",
        "staff_comment": "The reporter wrote: {category}",
    },
}
DEFAULT_LOCALE = "zh-CN"


def text(key: str, locale: str | None, **params) -> str:
    words = TEXTS.get(locale or DEFAULT_LOCALE, TEXTS[DEFAULT_LOCALE])
    return words[key].format(**params)
