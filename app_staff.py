"""Who may change the store: reading is public, uploading and removing documents need a staff sign-in
with the token set in BUDGETQA_STAFF_TOKEN, or one of the named tokens of BUDGETQA_STAFF_TOKENS
(「张三=令牌1,李四=令牌2」: the catalogue then says who added a document); none set: the app is read-only.
The sign-in and what a session has uploaded live in the browser session's own state (gr.State), never
in the page, so an API client or another tab gets nothing from it. Uploads are bounded per session."""
from __future__ import annotations

import hmac
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOKEN_ENV = "BUDGETQA_STAFF_TOKEN"
NAMED_TOKENS_ENV = "BUDGETQA_STAFF_TOKENS"
WEB_UPLOAD = "网页上传"
UNNAMED_STAFF = f"工作人员（{WEB_UPLOAD}）"  # who added a document uploaded under the unnamed token
MAX_NAME_CHARS = 40
FILES_ENV = "BUDGETQA_UPLOAD_MAX_FILES"
MB_ENV = "BUDGETQA_UPLOAD_MAX_MB"
DEFAULT_MAX_FILES = 20   # files one signed-in session may upload
DEFAULT_MAX_MB = 200     # megabytes one signed-in session may upload
FAILED_SIGN_IN_PAUSE = 1.0  # seconds every wrong token waits, one at a time: guessing stays slow

READ_ONLY_LINE = (f"本应用为只读：服务器未设置工作人员令牌（{TOKEN_ENV} 或 {NAMED_TOKENS_ENV}），不能上传或删除文档；"
                  "查询、问答和检查照常可用。")
SIGN_IN_LINE = "上传和删除文档需要工作人员登录；查询、问答和检查无需登录。"
SIGNED_IN_LINE = "已以工作人员身份登录：可以上传和删除文档。"
WRONG_TOKEN_LINE = "令牌不正确，未登录。"
NOT_SIGNED_IN_LINE = "请先以工作人员身份登录，再上传或删除文档。"

_failures = threading.Lock()


def staff_token() -> str:
    """The unnamed staff token from the environment, read at each use ('' when unset or blank)."""
    return os.environ.get(TOKEN_ENV, "").strip()


def staff_tokens() -> list[tuple[str, str]]:
    """Every token that signs staff in, as (name, token), read at each use: the named ones of
    BUDGETQA_STAFF_TOKENS (「name=token」, comma-separated; an entry without a name or a token is
    ignored), then the unnamed BUDGETQA_STAFF_TOKEN with the name ''."""
    tokens = []
    for entry in os.environ.get(NAMED_TOKENS_ENV, "").split(","):
        name, _, token = entry.partition("=")
        name = "".join(c for c in name.strip() if c.isprintable())[:MAX_NAME_CHARS]
        if name and token.strip():
            tokens.append((name, token.strip()))
    if staff_token():
        tokens.append(("", staff_token()))
    return tokens


def read_only() -> bool:
    return not staff_tokens()


def new_session() -> dict[str, Any]:
    """A browser session's state: signed in or not (and under which name), what it has uploaded so far."""
    return {"staff": False, "name": "", "files": 0, "bytes": 0}


def sign_in(session: dict[str, Any] | None, token: str | None) -> tuple[dict[str, Any], str]:
    """The session signed in when `token` is a staff token (each compared in constant time), under
    that token's name; the line to show. A wrong token waits FAILED_SIGN_IN_PAUSE, one wrong attempt
    at a time."""
    session = dict(session or new_session(), staff=False, name="")
    tokens = staff_tokens()
    if not tokens:
        return session, READ_ONLY_LINE
    given = (token or "").strip().encode("utf-8")
    matches = [name for name, expected in tokens if hmac.compare_digest(given, expected.encode("utf-8"))]
    if given and matches:
        session.update(staff=True, name=matches[0])
        return session, SIGNED_IN_LINE if not matches[0] else f"已以工作人员「{matches[0]}」身份登录：可以上传和删除文档。"
    with _failures:
        time.sleep(FAILED_SIGN_IN_PAUSE)
    return session, WRONG_TOKEN_LINE


def added_by(session: dict[str, Any] | None) -> str:
    """Who a document uploaded in this session is recorded as added by: 「张三（网页上传）」 under a
    named token, else 「工作人员（网页上传）」."""
    name = (session or {}).get("name") or ""
    return f"{name}（{WEB_UPLOAD}）" if name else UNNAMED_STAFF


def signed_in(session: dict[str, Any] | None) -> bool:
    """Whether the session may change the store: signed in, and a token still set."""
    return bool(session and session.get("staff")) and not read_only()


@dataclass(frozen=True)
class UploadLimits:
    files: int
    megabytes: int

    @classmethod
    def from_env(cls) -> UploadLimits:
        return cls(_positive_int(FILES_ENV, DEFAULT_MAX_FILES), _positive_int(MB_ENV, DEFAULT_MAX_MB))


def _positive_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def over_limit(session: dict[str, Any], paths: list[Path], limits: UploadLimits) -> str | None:
    """The line saying this session's upload bound would be passed by `paths`, or None."""
    size = sum(p.stat().st_size for p in paths if p.is_file())
    if session.get("files", 0) + len(paths) > limits.files:
        left = max(0, limits.files - session.get("files", 0))
        return (f"超出本次会话的上传上限：每个会话最多上传 {limits.files} 个文件，还可上传 {left} 个"
                f"（{FILES_ENV}）。")
    if session.get("bytes", 0) + size > limits.megabytes * 1024 * 1024:
        left = max(0.0, limits.megabytes - session.get("bytes", 0) / 1024 / 1024)
        return (f"超出本次会话的上传上限：每个会话最多上传 {limits.megabytes} MB，还可上传 {left:.1f} MB"
                f"（{MB_ENV}）。")
    return None


def counted(session: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    """The session with `paths` added to what it has uploaded."""
    session = dict(session)
    session["files"] = session.get("files", 0) + len(paths)
    session["bytes"] = session.get("bytes", 0) + sum(p.stat().st_size for p in paths if p.is_file())
    return session
