"""A fake Telegram Bot API for end-to-end tests: one model of Telegram, two transports.

:class:`FakeTelegramServer` holds Telegram's side of the conversation (updates and offsets,
messages, edits, errors, migrations, chat members, commands, multipart uploads) and answers each
Bot API request with the JSON and status code Telegram would send. A bot reaches it either way:

* **in-process** (``request=server.transport()``, and ``get_updates_request=`` too): a
  ``telegram.request.BaseRequest`` that encodes each call exactly as python-telegram-bot's httpx
  transport would and hands the bytes to the same dispatch, with no socket or thread. This is
  python-telegram-bot's own test pattern; its error mapping (400 BadRequest, 403 Forbidden,
  429 RetryAfter, ChatMigrated...) still runs on the status and JSON it gets back. Long polling
  awaits the next queued update, so it adds no latency.
* **over HTTP** (``base_url=server.base_url``): a threaded server on 127.0.0.1, started the first
  time something asks for its address. A bot started as a subprocess needs it, and a few tests
  keep the real HTTP stack (httpx, sockets, timeouts) covered.

Typical use::

    with FakeTelegramServer() as server:
        app = ApplicationBuilder().token("123:abc").base_url(server.base_url).build()
        ...
        server.send_text("/start")
        call = await server.wait_for_call("sendMessage")

Behaviour that mirrors Telegram on purpose (so bot bugs show up in tests):
updates stay queued until confirmed with a higher ``offset``; ``deleteWebhook`` with
``drop_pending_updates`` drops queued updates; ``editMessageText`` without ``reply_markup``
removes the inline keyboard and "message is not modified" is a 400; malformed HTML /
unescaped MarkdownV2 text, texts over 4096 characters and callback_data over 64 bytes are
rejected with 400; sending to a migrated group raises ``ChatMigrated``; sending to a chat the
bot was removed from (via ``chat_member_update``) is a 403.
Deliberate simplification: until the bot passes ``allowed_updates``, every queued update type is
delivered (Telegram would hold back chat_member and reaction updates by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import html
import json
import re
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit

import httpx
from telegram.request import BaseRequest, RequestData

JSONDict = dict[str, Any]
ChatRef = int | str

DEFAULT_USER_ID = 424242
DEFAULT_FIRST_NAME = "Alice"
DEFAULT_USERNAME = "alice_test"
DEFAULT_GROUP_ID = -1001000000001
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
MAX_CAPTION_LENGTH = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Telegram's limit for photos sent by upload
MAX_TEXT_LENGTH = 4096
# The placeholder users Telegram puts in "from" when a message is sent on behalf of a chat.
ANONYMOUS_ADMIN: JSONDict = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT: JSONDict = {
    "id": 136817688,
    "is_bot": True,
    "first_name": "Channel",
    "username": "Channel_Bot",
}
MAX_CALLBACK_DATA_BYTES = 64

# How a request reached the fake (ApiCall.transport).
HTTP = "http"
IN_PROCESS = "in-process"

# The base URL a bot on the in-process transport is built with. Only its path reaches the fake;
# the address is a closed port on 127.0.0.1, so a call that escaped to real HTTP by mistake would
# fail at once (connection refused) instead of reaching anything.
IN_PROCESS_BASE_URL = "http://127.0.0.1:9/bot"

_PATH_RE = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
# A command starts at the beginning of the text or after whitespace, like Telegram's parser.
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{3,31}(?![A-Za-z0-9_])")
_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")

# Form fields that are plain strings and must never be JSON-decoded (e.g. a text of "42").
_STRING_FIELDS = frozenset(
    {
        "action",
        "address",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "caption_parse_mode",
        "currency",
        "custom_title",
        "description",
        "document",
        "emoji",
        "explanation",
        "explanation_parse_mode",
        "first_name",
        "game_short_name",
        "inline_message_id",
        "inline_query_id",
        "invite_link",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "payload",
        "phone_number",
        "photo",
        "provider_token",
        "query",
        "question",
        "secret_token",
        "short_description",
        "start_parameter",
        "sticker",
        "switch_pm_parameter",
        "switch_pm_text",
        "text",
        "thumbnail",
        "title",
        "url",
        "vcard",
        "video",
        "video_note",
        "voice",
        "web_app_query_id",
    }
)

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request as the fake received it, so tests can assert on what the bot sent."""

    method: str
    params: dict[str, Any]
    token: str
    error_code: int | None = None  # set when the fake answered with an error
    result: Any = None  # the ``result`` returned to the bot (None for errors and getUpdates)
    transport: str = HTTP  # how the request arrived: HTTP or IN_PROCESS

    @property
    def ok(self) -> bool:
        """Whether the bot got a successful answer (failed attempts are recorded too)."""
        return self.error_code is None

    @property
    def words(self) -> str:
        """What the person reads: the message's text, or the photo's caption (an exercise's
        answer is its picture with the words as caption). KeyError when there is neither."""
        if "text" in self.params:
            return str(self.params["text"])
        return str(self.params["caption"])


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request; kept as bytes so tests can inspect uploads."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class FailureRule:
    """An injected error; kept mutable so ``times`` can count down and ``hits`` can be read."""

    method: str | None
    chat_id: ChatRef | None
    error_code: int
    description: str
    times: int | None
    retry_after: int | None = None
    migrate_to_chat_id: int | None = None
    hits: int = 0

    def matches(self, method: str, params: JSONDict) -> bool:
        """Whether this rule applies to a request (method names are case-insensitive)."""
        if self.times is not None and self.times <= 0:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


class Gate:
    """Holds every call of one method until :meth:`open`: a slow Telegram, so that a test can
    stop the bot while its replies are in flight. :attr:`waiting` counts the calls held."""

    def __init__(self, method: str) -> None:
        self.method = method.lower()
        self.waiting = 0
        self._opened = threading.Event()
        self._cond = threading.Condition()
        self._loops: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    def open(self) -> None:
        """Let every held call through, and every later one."""
        with self._cond:
            self._opened.set()
            loops, self._loops = self._loops, []
        for loop, opened in loops:
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                loop.call_soon_threadsafe(opened.set)

    def _arrived(self) -> None:
        with self._cond:
            self.waiting += 1
            self._cond.notify_all()

    def pass_through(self) -> None:
        """A call over HTTP (a server thread): block until the gate opens."""
        self._arrived()
        self._opened.wait(30.0)

    async def pass_through_async(self) -> None:
        """An in-process call: await the gate's opening without blocking the event loop."""
        self._arrived()
        opened = asyncio.Event()
        with self._cond:
            if self._opened.is_set():
                return
            self._loops.append((asyncio.get_running_loop(), opened))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(opened.wait(), 30.0)

    def wait_until_waiting(self, count: int, timeout: float = 10.0) -> None:
        """Block until ``count`` calls are held (a failure bound, event-driven)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.waiting >= count, timeout):
                raise AssertionError(f"{self.waiting} {self.method} call(s) held, not {count}")


class WaitTimeoutError(AssertionError):
    """Raised when an awaited call never arrives; an AssertionError so pytest reports a failure."""


class _ApiError(Exception):
    """An error answer to a single request, raised inside method handlers."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.recorded = False


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def text_entities(text: str) -> list[JSONDict]:
    """Entities Telegram's client-side parser would attach: bot commands and @mentions."""
    entities: list[JSONDict] = []
    command_spans: list[tuple[int, int]] = []
    for match in _COMMAND_RE.finditer(text):
        command_spans.append(match.span())
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    for match in _MENTION_RE.finditer(text):
        if any(start <= match.start() < end for start, end in command_spans):
            continue
        entities.append(
            {
                "type": "mention",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    entities.sort(key=lambda e: int(e["offset"]))
    return entities


def _decode_field(name: str, raw: str) -> Any:
    """Undo python-telegram-bot's form encoding, where non-string values are JSON strings."""
    if name in _STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _parse_multipart(content_type: str, body: bytes) -> JSONDict:
    """Parse multipart/form-data with the email package (``cgi`` is deprecated)."""
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise ValueError("multipart body without parts")
    params: JSONDict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            params[name] = UploadedFile(filename, part.get_content_type(), data)
        else:
            charset = part.get_content_charset() or "utf-8"
            params[name] = _decode_field(name, data.decode(charset))
    return params


def parse_request_params(query: str, content_type: str, body: bytes) -> JSONDict:
    """Turn query string plus a JSON, urlencoded or multipart body into one params dict."""
    params: JSONDict = {k: _decode_field(k, v) for k, v in parse_qsl(query, keep_blank_values=True)}
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if mime == "application/json":
        decoded = json.loads(body.decode("utf-8"))
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        for key, value in decoded.items():
            looks_json = isinstance(value, str) and value[:1] in ("{", "[")
            params[key] = _decode_field(key, value) if looks_json else value
    elif mime == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    else:  # application/x-www-form-urlencoded, or no content type at all
        text = body.decode("utf-8")
        params.update({k: _decode_field(k, v) for k, v in parse_qsl(text, keep_blank_values=True)})
    return params


def _norm_chat_id(value: Any) -> ChatRef:
    """Chat ids arrive as ints, digit strings or "@username"; compare them as ints if possible."""
    if isinstance(value, bool):
        raise _ApiError(400, "Bad Request: chat_id is empty")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, str) and value:
        return value
    raise _ApiError(400, "Bad Request: chat_id is empty")


class _HTMLChecker(HTMLParser):
    """Validate Telegram's HTML subset and collect the visible text."""

    ALLOWED: ClassVar[frozenset[str]] = frozenset(
        {
            "b",
            "strong",
            "i",
            "em",
            "u",
            "ins",
            "s",
            "strike",
            "del",
            "span",
            "tg-spoiler",
            "a",
            "tg-emoji",
            "code",
            "pre",
            "blockquote",
        }
    )

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.stack: list[str] = []
        self.plain: list[str] = []

    def _byte_offset(self) -> int:
        line, col = self.getpos()
        index = self._line_starts[line - 1] + col
        return len(self._text[:index].encode("utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED:
            raise _ApiError(
                400,
                "Bad Request: can't parse entities: Unsupported start tag "
                f'"{tag}" at byte offset {self._byte_offset()}',
            )
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise _ApiError(
            400,
            "Bad Request: can't parse entities: Unsupported start tag "
            f'"{tag}" at byte offset {self._byte_offset()}',
        )

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            expected = f'"</{self.stack[-1]}>"' if self.stack else "nothing"
            raise _ApiError(
                400,
                "Bad Request: can't parse entities: Unmatched end tag at byte offset "
                f'{self._byte_offset()}, expected {expected}, found "</{tag}>"',
            )
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.plain.append(data)


_MDV2_RESERVED = frozenset(".!-=+#{}()")


def _check_markdown_v2(text: str) -> str:
    """Reject unescaped reserved characters the way Telegram does; return the visible text."""
    plain: list[str] = []
    i, n = 0, len(text)
    in_code = in_pre = False
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            plain.append(text[i + 1])
            i += 2
            continue
        if text.startswith("```", i):
            in_pre = not in_pre
            i += 3
            continue
        if ch == "`" and not in_pre:
            in_code = not in_code
            i += 1
            continue
        if in_code or in_pre:
            plain.append(ch)
            i += 1
            continue
        if ch == "]" and text.startswith("](", i):
            end = text.find(")", i + 2)
            while end != -1 and text[end - 1] == "\\":
                end = text.find(")", end + 1)
            if end == -1:
                raise _ApiError(400, "Bad Request: can't parse entities: Can't find end of a URL")
            i = end + 1
            continue
        if text.startswith("||", i):
            i += 2
            continue
        if text.startswith("![", i):  # custom emoji: ![👍](tg://emoji?id=...)
            i += 1
            continue
        at_line_start = i == 0 or text[i - 1] == "\n"
        if ch in _MDV2_RESERVED or ch == "|" or (ch == ">" and not at_line_start):
            raise _ApiError(
                400,
                f"Bad Request: can't parse entities: Character '{ch}' is reserved and must be "
                "escaped with the preceding '\\'",
            )
        if ch not in "*_~[>":
            plain.append(ch)
        i += 1
    return "".join(plain)


def visible_text(text: str, parse_mode: str | None, *, validate: bool = True) -> str:
    """The text a user would see, raising Telegram's 400 for markup it cannot parse."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        checker = _HTMLChecker(text)
        if validate:
            checker.feed(text)
            checker.close()
            if checker.stack:
                raise _ApiError(
                    400,
                    "Bad Request: can't parse entities: Can't find end tag corresponding to "
                    f'start tag "{checker.stack[-1]}"',
                )
            return "".join(checker.plain)
        return html.unescape(re.sub(r"<[^>]*>", "", text))
    if mode == "markdownv2":
        if validate:
            return _check_markdown_v2(text)
        return re.sub(r"\\(.)", r"\1", text)
    if mode == "markdown":
        return re.sub(r"[*_`]", "", text)
    return text


def member_dict(user: JSONDict, status: str) -> JSONDict:
    """A ChatMember object with every field python-telegram-bot requires for that status."""
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unknown chat member status {status!r}")
    member: JSONDict = {"user": dict(user), "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
            can_manage_topics=False,
        )
    elif status == "restricted":
        member.update(
            is_member=True,
            can_change_info=False,
            can_invite_users=False,
            can_pin_messages=False,
            can_send_messages=True,
            can_send_polls=False,
            can_send_other_messages=False,
            can_add_web_page_previews=False,
            can_manage_topics=False,
            until_date=0,
            can_send_audios=False,
            can_send_documents=False,
            can_send_photos=False,
            can_send_videos=False,
            can_send_video_notes=False,
            can_send_voice_notes=False,
            can_edit_tag=False,
            can_react_to_messages=True,
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _inline_markup(markup: Any) -> JSONDict | None:
    """Telegram only echoes inline keyboards in returned messages; other markups vanish."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


def _validate_markup(markup: Any) -> None:
    """Catch the classic keyboard bugs Telegram rejects (oversized callback_data, no text)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
            "should be an Array of Arrays",
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise _ApiError(400, 'Bad Request: can\'t find field "text"')
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _scope_key(scope: Any, language_code: Any) -> str:
    """Commands are stored per (scope, language); a canonical JSON string makes a stable key."""
    scope_dict = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps([scope_dict, language_code or ""], sort_keys=True)


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, lets the fake answer it and closes the connection."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    timeout = 30  # socket timeout: a stuck client must not pin a thread forever

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        body = self._read_body()
        status, payload = self.server.fake._dispatch(
            self.path, self.headers.get("Content-Type", ""), body
        )
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.close_connection = True
        with contextlib.suppress(ConnectionError):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet; every call is recorded as an ApiCall instead."""


class _HTTPServer(ThreadingHTTPServer):
    """A threading server that remembers its connection threads so ``stop`` can join them."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, fake: FakeTelegramServer, host: str) -> None:
        self.fake = fake
        self.conn_threads: list[threading.Thread] = []
        self._threads_lock = threading.Lock()
        super().__init__((host, 0), _Handler)

    def server_bind(self) -> None:
        """Skip HTTPServer's getfqdn() reverse lookup, which can stall without DNS."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="fake-telegram-conn",
            daemon=True,
        )
        with self._threads_lock:
            self.conn_threads = [t for t in self.conn_threads if t.is_alive()]
            self.conn_threads.append(thread)
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (e.g. a cancelled long poll) are normal; other errors are bugs."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class InProcessTransport(BaseRequest):
    """python-telegram-bot's transport, answered by a :class:`FakeTelegramServer` in-process.

    Each call is encoded exactly as ``HTTPXRequest`` puts it on the wire (form fields, or
    multipart when files are attached; built by ``httpx.Request`` itself) and handed to the
    server's dispatch, the same code the HTTP server runs; the status and JSON it answers go
    back to python-telegram-bot's ``BaseRequest``, which maps errors as it would for Telegram.
    Create one per request slot: ``request=`` and ``get_updates_request=`` of the builder.
    """

    def __init__(self, server: FakeTelegramServer) -> None:
        self.server = server

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout python-telegram-bot adds to a long poll's own timeout."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open: no connection pool, no socket."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Encode like httpx, dispatch in-process, return (status, JSON body)."""
        request = httpx.Request(
            method,
            url,
            data=request_data.json_parameters if request_data else None,
            files=request_data.multipart_data if request_data else None,
        )
        parts = urlsplit(url)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        status, payload = await self.server._dispatch_async(
            path, request.headers.get("Content-Type", ""), request.read()
        )
        return status, json.dumps(payload, ensure_ascii=False).encode("utf-8")


@dataclass
class _AsyncWaiter:
    """An async test waiting for calls; resolved from the server thread via the test's loop."""

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[list[ApiCall]]
    check: Callable[[], list[ApiCall] | None]


@dataclass(frozen=True)
class _LongPoll:
    """A getUpdates call that has been checked and recorded; the transport waits for it."""

    deadline: float  # time.monotonic() when it answers with whatever is queued (maybe nothing)
    limit: int


def _resolve_wake(future: asyncio.Future[None]) -> None:
    """Runs on the polling loop; the poll may have timed out or been cancelled meanwhile."""
    if not future.done():
        future.set_result(None)


def _resolve(future: asyncio.Future[list[ApiCall]], value: list[ApiCall] | BaseException) -> None:
    """Runs on the waiting loop; the future may already be cancelled by a timeout."""
    if future.done():
        return
    if isinstance(value, BaseException):
        future.set_exception(value)
    else:
        future.set_result(value)


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------


class FakeTelegramServer:
    """A stateful, thread-safe fake of the Telegram Bot API for end-to-end tests."""

    def __init__(
        self,
        *,
        bot_username: str = "BackCareBot",
        bot_id: int = 1000,
        bot_first_name: str = "BackCare",
        accepted_tokens: set[str] | None = None,
        validate_parse_mode: bool = True,
        host: str = "127.0.0.1",
    ) -> None:
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_first_name = bot_first_name
        self.accepted_tokens = accepted_tokens
        self.validate_parse_mode = validate_parse_mode
        self._host = host

        self._cond = threading.Condition(threading.RLock())
        self._calls: list[ApiCall] = []
        self._async_waiters: list[_AsyncWaiter] = []
        self._update_waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._failures: list[FailureRule] = []
        self._pending: list[JSONDict] = []
        self._next_update_id = 1
        self._next_callback_id = 1
        self._next_inline_id = 1
        self._allowed_updates: list[str] | None = None
        self._webhook_url = ""
        self._chats: dict[ChatRef, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._messages: dict[ChatRef, dict[int, JSONDict]] = {}
        self._next_message_id: dict[ChatRef, int] = {}
        self._member_status: dict[tuple[ChatRef, int], str] = {}
        self._migrated: dict[ChatRef, int] = {}
        self._commands: dict[str, list[JSONDict]] = {}
        self._stopping = False
        self._gates: list[Gate] = []
        # Uploaded files by the file_id the fake gave them (sendPhoto), to check reuse.
        self.files: dict[str, UploadedFile] = {}

        self.token_seen: str | None = None
        # The transport tests.e2e.running_bot picks when not told (conftest: the http marker).
        self.prefer_http = False
        self.unknown_methods: list[str] = []
        self.errors: list[str] = []  # internal errors of the fake itself (should stay empty)

        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getme": self._get_me,
            "logout": lambda _p: True,
            "close": lambda _p: True,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "editmessagecaption": self._edit_message_caption,
            "editmessagemedia": self._edit_message_media,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "answercallbackquery": self._answer_callback_query,
            "answerinlinequery": self._answer_inline_query,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "getchatmembercount": self._get_chat_member_count,
            "leavechat": self._leave_chat,
            "setmydescription": lambda _p: True,
            "setmyshortdescription": lambda _p: True,
            "setmyname": lambda _p: True,
            "setchatmenubutton": lambda _p: True,
        }

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        if self._httpd is not None:
            raise RuntimeError("FakeTelegramServer already started")
        self._stopping = False
        self._httpd = _HTTPServer(self, self._host)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-telegram",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Wake long polls (both transports), stop accepting HTTP requests and join every
        server thread. Long polls arriving later answer at once, until ``start``."""
        with self._cond:
            self._stopping = True
            self._wake_pollers()
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout)
        for conn in list(httpd.conn_threads):
            conn.join(timeout)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        """The fake, ready for either transport; the HTTP server starts when ``base_url`` (or
        ``port``) is first asked for, and stops on exit."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def serving_http(self) -> bool:
        """Whether the HTTP server is running (it starts when its address is first needed)."""
        return self._httpd is not None

    @property
    def port(self) -> int:
        """The bound port; starts the HTTP server if it is not running yet."""
        if self._httpd is None:
            self.start()
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """What to pass as python-telegram-bot's ``base_url`` (token and method get appended);
        asking for it starts the HTTP server if it is not running yet."""
        return f"http://{self._host}:{self.port}/bot"

    def transport(self) -> InProcessTransport:
        """A python-telegram-bot request object answered in-process by this fake; build the bot
        with ``IN_PROCESS_BASE_URL`` and one transport for each of ``request`` and
        ``get_updates_request``."""
        return InProcessTransport(self)

    def bot_user(self) -> JSONDict:
        """The bot's User object, as it appears in ``from`` of the bot's messages."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # ----------------------------------------------------------------- recorded calls

    @property
    def calls(self) -> list[ApiCall]:
        """A snapshot of every call so far, in arrival order."""
        with self._cond:
            return list(self._calls)

    def mark(self) -> int:
        """A position in the call log; pass it as ``after=`` to only see later calls."""
        with self._cond:
            return len(self._calls)

    def find_calls(
        self,
        method: str | None = None,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int = 0,
        chat_id: ChatRef | None = None,
    ) -> list[ApiCall]:
        """Calls recorded after ``after`` matching method (case-insensitive), chat and predicate."""
        with self._cond:
            return [
                c for c in self._calls[after:] if self._call_matches(c, method, predicate, chat_id)
            ]

    def sent_messages(self, chat_id: ChatRef | None = None) -> list[JSONDict]:
        """Params of every successful sendMessage, optionally for one chat."""
        return [c.params for c in self.find_calls("sendMessage", lambda c: c.ok, chat_id=chat_id)]

    def messages(self, chat_id: ChatRef) -> list[JSONDict]:
        """The chat's current (edited, not deleted) messages from users and the bot."""
        with self._cond:
            return [dict(m) for m in self._messages.get(chat_id, {}).values()]

    def message(self, chat_id: ChatRef, message_id: int) -> JSONDict | None:
        """One stored message in its current state, or None if unknown/deleted."""
        with self._cond:
            stored = self._messages.get(chat_id, {}).get(message_id)
            return dict(stored) if stored is not None else None

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list the bot registered for a scope and language."""
        with self._cond:
            return list(self._commands.get(_scope_key(scope, language_code), []))

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates queued but not yet confirmed by the bot."""
        with self._cond:
            return list(self._pending)

    @staticmethod
    def _call_matches(
        call: ApiCall,
        method: str | None,
        predicate: Callable[[ApiCall], bool] | None,
        chat_id: ChatRef | None,
    ) -> bool:
        if method is not None and call.method.lower() != method.lower():
            return False
        if chat_id is not None and str(call.params.get("chat_id")) != str(chat_id):
            return False
        return predicate is None or bool(predicate(call))

    def _record(self, call: ApiCall) -> None:
        """Append under the lock and wake both sync and async waiters."""
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
            still_waiting: list[_AsyncWaiter] = []
            for waiter in self._async_waiters:
                outcome: list[ApiCall] | BaseException | None
                try:
                    outcome = waiter.check()
                except Exception as exc:  # a failing predicate must reach the test
                    outcome = exc
                if outcome is None:
                    still_waiting.append(waiter)
                    continue
                with contextlib.suppress(RuntimeError):  # the waiting loop is already closed
                    waiter.loop.call_soon_threadsafe(_resolve, waiter.future, outcome)
            self._async_waiters = still_waiting

    # ----------------------------------------------------------------- waiting

    def _checker(
        self,
        n: int,
        method: str | None,
        predicate: Callable[[ApiCall], bool] | None,
        after: int,
        chat_id: ChatRef | None,
    ) -> Callable[[], list[ApiCall] | None]:
        def check() -> list[ApiCall] | None:
            found = [
                c for c in self._calls[after:] if self._call_matches(c, method, predicate, chat_id)
            ]
            return found[:n] if len(found) >= n else None

        return check

    def _timeout_error(
        self, n: int, method: str | None, after: int, timeout: float
    ) -> WaitTimeoutError:
        with self._cond:
            seen = [self._describe(c) for c in self._calls[after:]]
        return WaitTimeoutError(
            f"waited {timeout}s for {n} {method or 'any'} call(s) after mark {after}; "
            f"calls since then: {seen}"
        )

    @staticmethod
    def _describe(call: ApiCall) -> str:
        text = call.params.get("text")
        details = f" chat_id={call.params['chat_id']}" if "chat_id" in call.params else ""
        if isinstance(text, str):
            details += f" text={text[:60]!r}"
        if call.error_code is not None:
            details += f" -> {call.error_code}"
        return f"{call.method}{details}"

    async def wait_for_calls(
        self,
        n: int,
        method: str | None = None,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int = 0,
        chat_id: ChatRef | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - a failure bound, the call is event-driven
    ) -> list[ApiCall]:
        """Await the first ``n`` matching calls; event-driven, the timeout only bites on failure."""
        check = self._checker(n, method, predicate, after, chat_id)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[ApiCall]] = loop.create_future()
        waiter = _AsyncWaiter(loop, future, check)
        with self._cond:
            found = check()
            if found is not None:
                return found
            self._async_waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            raise self._timeout_error(n, method, after, timeout) from None
        finally:
            with self._cond:
                if waiter in self._async_waiters:
                    self._async_waiters.remove(waiter)

    async def wait_for_call(
        self,
        method: str | None = None,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int = 0,
        chat_id: ChatRef | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - a failure bound, the call is event-driven
    ) -> ApiCall:
        """Await the first matching call recorded after ``after``."""
        calls = await self.wait_for_calls(
            1, method, predicate, after=after, chat_id=chat_id, timeout=timeout
        )
        return calls[0]

    def wait_for_calls_sync(
        self,
        n: int,
        method: str | None = None,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int = 0,
        chat_id: ChatRef | None = None,
        timeout: float = 10.0,
    ) -> list[ApiCall]:
        """Blocking variant for sync tests driving a subprocess (never call it from the loop
        that runs the bot: it would block that loop)."""
        check = self._checker(n, method, predicate, after, chat_id)
        with self._cond:
            found = self._cond.wait_for(check, timeout)
        if found is None:
            raise self._timeout_error(n, method, after, timeout)
        return found

    def wait_for_call_sync(
        self,
        method: str | None = None,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int = 0,
        chat_id: ChatRef | None = None,
        timeout: float = 10.0,
    ) -> ApiCall:
        """Blocking variant of ``wait_for_call``."""
        calls = self.wait_for_calls_sync(
            1, method, predicate, after=after, chat_id=chat_id, timeout=timeout
        )
        return calls[0]

    # ----------------------------------------------------------------- configuration

    def fail(
        self,
        method: str | None = "sendMessage",
        *,
        chat_id: ChatRef | None = None,
        error_code: int = 403,
        description: str | None = None,
        times: int | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> FailureRule:
        """Make matching calls fail (``times=None`` means forever); method None matches all."""
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        if error_code == 429 and retry_after is None:
            retry_after = 1
        rule = FailureRule(
            method=method,
            chat_id=_norm_chat_id(chat_id) if chat_id is not None else None,
            error_code=error_code,
            description=description,
            times=times,
            retry_after=retry_after,
            migrate_to_chat_id=migrate_to_chat_id,
        )
        with self._cond:
            self._failures.append(rule)
        return rule

    def clear_failures(self) -> None:
        """Remove every injected failure."""
        with self._cond:
            self._failures.clear()

    def set_member_status(self, chat_id: ChatRef, user_id: int, status: str) -> None:
        """What getChatMember/getChatAdministrators report; use ``bot_id`` for the bot itself."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown chat member status {status!r}")
        with self._cond:
            self._member_status[(chat_id, user_id)] = status

    def member_status(self, chat_id: ChatRef, user_id: int) -> str:
        """Current configured status (default "member")."""
        with self._cond:
            return self._member_status.get((chat_id, user_id), "member")

    def add_chat(self, chat: JSONDict) -> None:
        """Register a chat (id, type, title/username...) so replies and getChat use its details."""
        with self._cond:
            self._chats[chat["id"]] = dict(chat)

    # ----------------------------------------------------------------- injecting updates

    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw update; ``update_id`` is assigned unless given (then kept increasing)."""
        with self._cond:
            update = dict(update)
            if "update_id" in update:
                self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
            else:
                update["update_id"] = self._next_update_id
                self._next_update_id += 1
            self._pending.append(update)
            self._pending.sort(key=lambda u: int(u["update_id"]))
            self._wake_pollers()
            return update

    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSONDict:
        """Get-or-create a user, updating names when a test passes new ones."""
        user = self._users.get(user_id)
        if user is None:
            user = {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name
                or (DEFAULT_FIRST_NAME if user_id == DEFAULT_USER_ID else f"User{user_id}"),
            }
            if username or user_id == DEFAULT_USER_ID:
                user["username"] = username or DEFAULT_USERNAME
            if language_code:
                user["language_code"] = language_code
            self._users[user_id] = user
        else:
            if first_name:
                user["first_name"] = first_name
            if username:
                user["username"] = username
        return dict(user)

    def _chat(
        self, chat_id: ChatRef, chat_type: str | None = None, title: str | None = None
    ) -> JSONDict:
        """Get-or-create a chat: private for positive ids, (super)group for negative ones."""
        chat = self._chats.get(chat_id)
        if chat is None:
            if isinstance(chat_id, str):
                raise _ApiError(400, "Bad Request: chat not found")
            if chat_type is None:
                if chat_id > 0:
                    chat_type = "private"
                elif chat_id <= -1_000_000_000_000:
                    chat_type = "supergroup"
                else:
                    chat_type = "group"
            chat = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                user = self._user(chat_id)
                chat["first_name"] = user["first_name"]
                if "username" in user:
                    chat["username"] = user["username"]
            else:
                chat["title"] = title or ("Test Group" if chat_type != "channel" else "Channel")
            self._chats[chat_id] = chat
        elif title and chat.get("type") != "private":
            chat["title"] = title
        return dict(chat)

    def _resolve_chat(self, ref: Any) -> JSONDict:
        """Map a chat_id parameter (int or "@username") to a chat, or Telegram's 400."""
        chat_id = _norm_chat_id(ref)
        if isinstance(chat_id, str):
            wanted = chat_id.lstrip("@").lower()
            for chat in self._chats.values():
                if str(chat.get("username", "")).lower() == wanted:
                    return dict(chat)
            raise _ApiError(400, "Bad Request: chat not found")
        return self._chat(chat_id)

    def _new_message_id(self, chat_id: ChatRef) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _store(self, message: JSONDict) -> JSONDict:
        self._messages.setdefault(message["chat"]["id"], {})[message["message_id"]] = message
        return dict(message)

    def _reply_copy(self, message: JSONDict) -> JSONDict:
        """Telegram nests replied-to messages one level deep only."""
        current = self._messages.get(message["chat"]["id"], {}).get(message["message_id"], message)
        return {k: v for k, v in current.items() if k != "reply_to_message"}

    def send_text(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = None,
        first_name: str | None = None,
        chat_title: str | None = None,
        language_code: str | None = "en",
        reply_to_message: JSONDict | ApiCall | int | None = None,
        entities: list[JSONDict] | None = None,
        sender_chat_id: int | None = None,
    ) -> JSONDict:
        """Queue a user's text message; commands and @mentions get entities automatically.

        ``sender_chat_id`` posts on behalf of a chat, as Telegram does: the group's own id for an
        anonymous admin (sent "from" GroupAnonymousBot), another id for a linked channel.
        """
        with self._cond:
            if chat_id is None:
                chat_id = user_id if chat_type == "private" else DEFAULT_GROUP_ID
            user = self._user(user_id, first_name, username, language_code)
            chat = self._chat(chat_id, chat_type, chat_title)
            sender_chat: JSONDict | None = None
            if sender_chat_id is not None:
                sender_chat = (
                    chat
                    if sender_chat_id == chat_id
                    else self._chat(sender_chat_id, "channel", "Linked Channel")
                )
                user = dict(ANONYMOUS_ADMIN if sender_chat_id == chat_id else CHANNEL_BOT)
            message: JSONDict = {
                "message_id": self._new_message_id(chat_id),
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            if sender_chat is not None:
                message["sender_chat"] = sender_chat
            auto_entities = text_entities(text) if entities is None else entities
            if auto_entities:
                message["entities"] = auto_entities
            if reply_to_message is not None:
                message["reply_to_message"] = self._reply_copy(
                    self._message_ref(reply_to_message, chat_id)
                )
            self._store(message)
            return self.push_update({"message": message})

    def send_content(
        self,
        content: JSONDict,
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        chat_title: str | None = None,
    ) -> JSONDict:
        """Queue a user's message of any kind (sticker, photo, voice, location...).

        ``content`` holds the kind-specific fields, e.g. ``{"sticker": {...}}`` or
        ``{"photo": [...], "caption": "hi"}``; message_id, from, chat and date are filled in.
        """
        with self._cond:
            if chat_id is None:
                chat_id = user_id if chat_type == "private" else DEFAULT_GROUP_ID
            message: JSONDict = {
                "message_id": self._new_message_id(chat_id),
                "from": self._user(user_id),
                "chat": self._chat(chat_id, chat_type, chat_title),
                "date": int(time.time()),
                **content,
            }
            self._store(message)
            return self.push_update({"message": message})

    def _message_ref(self, ref: JSONDict | ApiCall | int, chat_id: ChatRef | None) -> JSONDict:
        """Accept a message dict, a successful send ApiCall or a message_id in ``chat_id``."""
        if isinstance(ref, ApiCall):
            if not isinstance(ref.result, dict):
                raise ValueError(f"{ref.method} call has no message result (failed call?)")
            return ref.result
        if isinstance(ref, int):
            if chat_id is None:
                raise ValueError("chat_id is required when referencing a message by id")
            stored = self._messages.get(chat_id, {}).get(ref)
            if stored is None:
                raise ValueError(f"no message {ref} in chat {chat_id}")
            return stored
        if "message_id" not in ref and isinstance(ref.get("message"), dict):
            return dict(ref["message"])  # an update dict as returned by send_text()
        return ref

    def press_button(
        self,
        message: JSONDict | ApiCall | int,
        data: str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
    ) -> JSONDict:
        """Queue a callback_query for a button on an earlier (bot) message."""
        with self._cond:
            original = self._message_ref(message, chat_id)
            chat_id = original["chat"]["id"]
            if user_id is None:
                user_id = chat_id if original["chat"]["type"] == "private" else DEFAULT_USER_ID
            current = self._messages.get(chat_id, {}).get(original["message_id"], original)
            query = {
                "id": str(self._next_callback_id),
                "from": self._user(int(user_id)),
                "message": dict(current),
                "chat_instance": str(abs(int(chat_id)) * 7919 + 17),
                "data": data,
            }
            self._next_callback_id += 1
            return self.push_update({"callback_query": query})

    def inline_query(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        offset: str = "",
        chat_type: str | None = "sender",
    ) -> JSONDict:
        """Queue an inline query typed by a user."""
        with self._cond:
            payload: JSONDict = {
                "id": f"{self._next_inline_id}0000{user_id}",
                "from": self._user(user_id),
                "query": query,
                "offset": offset,
            }
            if chat_type is not None:
                payload["chat_type"] = chat_type
            self._next_inline_id += 1
            return self.push_update({"inline_query": payload})

    def chat_member_update(
        self,
        chat_id: int,
        chat_type: str,
        old_status: str,
        new_status: str,
        *,
        by_user_id: int | None = None,
        chat_title: str | None = None,
    ) -> JSONDict:
        """Queue a my_chat_member update (bot added/removed/blocked) and apply the new status."""
        with self._cond:
            if by_user_id is None:
                by_user_id = chat_id if chat_type == "private" else DEFAULT_USER_ID
            chat = self._chat(chat_id, chat_type, chat_title)
            bot = self.bot_user()
            update = {
                "my_chat_member": {
                    "chat": chat,
                    "from": self._user(by_user_id),
                    "date": int(time.time()),
                    "old_chat_member": member_dict(bot, old_status),
                    "new_chat_member": member_dict(bot, new_status),
                }
            }
            self._member_status[(chat_id, self.bot_id)] = new_status
            return self.push_update(update)

    def migrate(
        self,
        old_chat_id: int,
        new_chat_id: int,
        *,
        user_id: int = DEFAULT_USER_ID,
        with_migrate_from: bool = False,
    ) -> JSONDict:
        """Queue the "group upgraded to supergroup" service message; later sends to the old id
        fail with ChatMigrated like on Telegram."""
        with self._cond:
            old_chat = self._chat(old_chat_id, "group")
            user = self._user(user_id)
            self._migrated[old_chat_id] = new_chat_id
            new_chat = self._chat(new_chat_id, "supergroup", old_chat.get("title"))
            for (chat, uid), status in list(self._member_status.items()):
                if chat == old_chat_id:
                    self._member_status.setdefault((new_chat_id, uid), status)
            update = self.push_update(
                {
                    "message": {
                        "message_id": self._new_message_id(old_chat_id),
                        "from": user,
                        "chat": old_chat,
                        "date": int(time.time()),
                        "migrate_to_chat_id": new_chat_id,
                    }
                }
            )
            if with_migrate_from:
                self.push_update(
                    {
                        "message": {
                            "message_id": self._new_message_id(new_chat_id),
                            "from": user,
                            "chat": new_chat,
                            "date": int(time.time()),
                            "migrate_from_chat_id": old_chat_id,
                        }
                    }
                )
            return update

    # ----------------------------------------------------------------- request dispatch

    def hold(self, method: str) -> Gate:
        """Hold every ``method`` call until the returned gate is opened (see :class:`Gate`)."""
        gate = Gate(method)
        self._gates.append(gate)
        return gate

    def _gate(self, raw_path: str) -> Gate | None:
        match = _PATH_RE.match(urlsplit(raw_path).path)
        method = match["method"].lower() if match is not None else ""
        return next((g for g in self._gates if g.method == method), None)

    def _dispatch(self, raw_path: str, content_type: str, body: bytes) -> tuple[int, JSONDict]:
        """Answer one request over HTTP; a long poll blocks this server thread until it ends."""
        gate = self._gate(raw_path)
        if gate is not None:
            gate.pass_through()
        answer = self._answer(raw_path, content_type, body, HTTP)
        if isinstance(answer, _LongPoll):
            return 200, {"ok": True, "result": self._wait_for_updates(answer)}
        return answer

    async def _dispatch_async(
        self, raw_path: str, content_type: str, body: bytes
    ) -> tuple[int, JSONDict]:
        """Answer one in-process request; a long poll awaits the next update (never blocks)."""
        gate = self._gate(raw_path)
        if gate is not None:
            await gate.pass_through_async()
        answer = self._answer(raw_path, content_type, body, IN_PROCESS)
        if isinstance(answer, _LongPoll):
            return 200, {"ok": True, "result": await self._await_updates(answer)}
        return answer

    def _answer(
        self, raw_path: str, content_type: str, body: bytes, transport: str
    ) -> tuple[int, JSONDict] | _LongPoll:
        """Route one request, whatever the transport; every Bot API request ends up recorded as
        an ApiCall. getUpdates comes back as a :class:`_LongPoll` for the transport to wait on."""
        parts = urlsplit(raw_path)
        match = _PATH_RE.match(parts.path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = match["token"], match["method"]
        self.token_seen = token
        try:
            params = parse_request_params(parts.query, content_type, body)
        except (ValueError, UnicodeDecodeError) as exc:
            self._record(ApiCall(method, {}, token, error_code=400, transport=transport))
            return self._error(_ApiError(400, f"Bad Request: can't parse request: {exc}"))
        try:
            if self.accepted_tokens is not None and token not in self.accepted_tokens:
                raise _ApiError(401, "Unauthorized")
            if method.lower() == "getupdates":
                return self._get_updates(method, params, token, transport)
            with self._cond:
                self.token_seen = token
                self._check_failures(method, params)
                self._check_chat_state(method, params)
                handler = self._handlers.get(method.lower())
                if handler is None:
                    self.unknown_methods.append(method)
                    result: Any = True
                else:
                    result = handler(params)
                self._record(ApiCall(method, params, token, result=result, transport=transport))
                return 200, {"ok": True, "result": result}
        except _ApiError as err:
            if not err.recorded:
                self._record(
                    ApiCall(method, params, token, error_code=err.code, transport=transport)
                )
            return self._error(err)
        except Exception as exc:  # a bug in the fake: surface it loudly but keep serving
            self.errors.append(f"{method}: {exc!r}")
            self._record(ApiCall(method, params, token, error_code=500, transport=transport))
            return self._error(_ApiError(500, f"Internal Server Error: fake failed: {exc!r}"))

    @staticmethod
    def _error(err: _ApiError) -> tuple[int, JSONDict]:
        payload: JSONDict = {"ok": False, "error_code": err.code, "description": err.description}
        if err.parameters:
            payload["parameters"] = err.parameters
        return err.code, payload

    def _check_failures(self, method: str, params: JSONDict) -> None:
        """Raise the first injected failure that matches, counting it down."""
        for rule in self._failures:
            if rule.matches(method, params):
                rule.hits += 1
                if rule.times is not None:
                    rule.times -= 1
                parameters: JSONDict = {}
                if rule.retry_after is not None:
                    parameters["retry_after"] = rule.retry_after
                if rule.migrate_to_chat_id is not None:
                    parameters["migrate_to_chat_id"] = rule.migrate_to_chat_id
                self._failures = [r for r in self._failures if r.times is None or r.times > 0]
                raise _ApiError(rule.error_code, rule.description, parameters or None)

    def _check_chat_state(self, method: str, params: JSONDict) -> None:
        """Migrated groups and chats the bot left behave like on Telegram."""
        if "chat_id" not in params:
            return
        chat_id = _norm_chat_id(params["chat_id"])
        if chat_id in self._migrated:
            raise _ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        if not method.lower().startswith("send"):
            return
        status = self._member_status.get((chat_id, self.bot_id))
        chat = self._chats.get(chat_id, {})
        if status == "kicked":
            if chat.get("type") == "private":
                raise _ApiError(403, "Forbidden: bot was blocked by the user")
            raise _ApiError(403, f"Forbidden: bot was kicked from the {chat.get('type')} chat")
        if status == "left" and chat.get("type") != "private":
            raise _ApiError(403, f"Forbidden: bot is not a member of the {chat.get('type')} chat")

    # ----------------------------------------------------------------- getUpdates

    def _get_updates(self, method: str, params: JSONDict, token: str, transport: str) -> _LongPoll:
        """Check, record and confirm by offset; the transport then waits with the result."""
        timeout = max(0.0, float(params.get("timeout") or 0))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + timeout
        with self._cond:
            self.token_seen = token
            try:
                self._check_failures(method, params)
                if self._webhook_url:
                    raise _ApiError(
                        409,
                        "Conflict: can't use getUpdates method while webhook is active; use "
                        "deleteWebhook to delete the webhook first",
                    )
            except _ApiError as err:
                err.recorded = True
                self._record(
                    ApiCall(method, params, token, error_code=err.code, transport=transport)
                )
                raise
            # Recorded before waiting, so tests can wait for "the bot is polling now".
            self._record(ApiCall(method, params, token, transport=transport))
            offset = params.get("offset")
            if isinstance(offset, int) and offset > 0:
                self._pending = [u for u in self._pending if int(u["update_id"]) >= offset]
            elif isinstance(offset, int) and offset < 0:
                self._pending = self._pending[offset:]
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = [str(a) for a in allowed] or None
        return _LongPoll(deadline, limit)

    def _ready_updates(self, poll: _LongPoll) -> list[JSONDict] | None:
        """What a long poll returns now, or None while it should keep waiting (call locked)."""
        self._drop_disallowed()
        if self._pending or self._stopping or time.monotonic() >= poll.deadline:
            return [dict(u) for u in self._pending[: poll.limit]]
        return None

    def _wait_for_updates(self, poll: _LongPoll) -> list[JSONDict]:
        """Long polling for a server thread: block on the condition until data/timeout/stop."""
        with self._cond:
            while (ready := self._ready_updates(poll)) is None:
                self._cond.wait(poll.deadline - time.monotonic())
            return ready

    async def _await_updates(self, poll: _LongPoll) -> list[JSONDict]:
        """Long polling for the in-process transport: await a wake-up instead of blocking the
        event loop. ``push_update`` and ``stop`` resolve the future from whichever thread."""
        loop = asyncio.get_running_loop()
        while True:
            with self._cond:
                ready = self._ready_updates(poll)
                if ready is not None:
                    return ready
                wake: asyncio.Future[None] = loop.create_future()
                waiter = (loop, wake)
                self._update_waiters.append(waiter)
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(poll.deadline - time.monotonic()):
                        await wake
            finally:
                with self._cond:
                    if waiter in self._update_waiters:
                        self._update_waiters.remove(waiter)

    def _wake_pollers(self) -> None:
        """Something a long poll waits for happened: wake blocked threads and awaiting loops."""
        self._cond.notify_all()
        waiters, self._update_waiters = self._update_waiters, []
        for loop, wake in waiters:
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                loop.call_soon_threadsafe(_resolve_wake, wake)

    def _drop_disallowed(self) -> None:
        """Updates of types the bot did not ask for are never delivered (as on Telegram)."""
        if self._allowed_updates is None:
            return
        allowed = set(self._allowed_updates)
        self._pending = [
            u for u in self._pending if any(k in allowed for k in u if k != "update_id")
        ]

    # ----------------------------------------------------------------- method handlers

    def _get_me(self, _params: JSONDict) -> JSONDict:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _set_webhook(self, params: JSONDict) -> bool:
        self._webhook_url = str(params.get("url") or "")
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _get_webhook_info(self, _params: JSONDict) -> JSONDict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not _BOT_COMMAND_NAME_RE.match(
                str(command.get("command", ""))
            ):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = _scope_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return list(
            self._commands.get(_scope_key(params.get("scope"), params.get("language_code")), [])
        )

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(_scope_key(params.get("scope"), params.get("language_code")), None)
        return True

    def _checked_text(self, params: JSONDict) -> str:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        parse_mode = params.get("parse_mode")
        visible = visible_text(
            text,
            parse_mode if isinstance(parse_mode, str) else None,
            validate=self.validate_parse_mode,
        )
        if not visible.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(visible) > MAX_TEXT_LENGTH:
            raise _ApiError(400, "Bad Request: message is too long")
        return visible

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._resolve_chat(params.get("chat_id"))
        visible = self._checked_text(params)
        markup = params.get("reply_markup")
        _validate_markup(markup)
        message: JSONDict = {
            "message_id": self._new_message_id(chat["id"]),
            "from": self.bot_user(),
            "chat": chat,
            "date": int(time.time()),
            "text": visible,
        }
        if isinstance(params.get("entities"), list):
            message["entities"] = params["entities"]
        if "message_thread_id" in params:
            message["message_thread_id"] = params["message_thread_id"]
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else None
        reply_id = reply_id or params.get("reply_to_message_id")
        if reply_id is not None:
            replied = self._messages.get(chat["id"], {}).get(int(reply_id))
            if replied is not None:
                message["reply_to_message"] = self._reply_copy(replied)
            elif not (
                params.get("allow_sending_without_reply")
                or (isinstance(reply, dict) and reply.get("allow_sending_without_reply"))
            ):
                raise _ApiError(400, "Bad Request: message to be replied not found")
        inline = _inline_markup(markup)
        if inline is not None:
            message["reply_markup"] = inline
        return self._store(message)

    def _send_photo(self, params: JSONDict) -> JSONDict:
        """sendPhoto with a multipart upload (a new file id) or an earlier file id (reuse)."""
        chat = self._resolve_chat(params.get("chat_id"))
        file_id = self._photo_file(params.get("photo"), params)
        markup = params.get("reply_markup")
        _validate_markup(markup)
        message: JSONDict = {
            "message_id": self._new_message_id(chat["id"]),
            "from": self.bot_user(),
            "chat": chat,
            "date": int(time.time()),
            "photo": self._photo_sizes(file_id),
        }
        caption = params.get("caption")
        if isinstance(caption, str) and caption:
            message["caption"] = self._caption(caption, params.get("parse_mode"))
        inline = _inline_markup(markup)
        if inline is not None:
            message["reply_markup"] = inline
        return self._store(message)

    def _photo_file(self, photo: Any, params: JSONDict) -> str:
        """A photo's file id: a new upload (multipart, maybe via attach://) or a known id."""
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = params.get(photo.removeprefix("attach://"))
        if isinstance(photo, UploadedFile):
            if not photo.data:
                raise _ApiError(400, "Bad Request: file must be non-empty")
            if len(photo.data) > MAX_PHOTO_BYTES:
                raise _ApiError(400, "Bad Request: file is too big")
            file_id = f"AgACphoto{len(self.files) + 1:04d}"
            self.files[file_id] = photo
            return file_id
        if isinstance(photo, str) and photo in self.files:
            return photo
        raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _photo_sizes(self, file_id: str) -> list[JSONDict]:
        return [
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "width": 800,
                "height": 600,
                "file_size": len(self.files[file_id].data),
            }
        ]

    def _caption(self, caption: Any, parse_mode: Any) -> str:
        visible = visible_text(
            str(caption),
            parse_mode if isinstance(parse_mode, str) else None,
            validate=self.validate_parse_mode,
        )
        if len(visible) > MAX_CAPTION_LENGTH:
            raise _ApiError(400, "Bad Request: message caption is too long")
        return visible

    def _edit_message_caption(self, params: JSONDict) -> JSONDict | bool:
        markup = params.get("reply_markup")
        _validate_markup(markup)
        stored = self._editable(params)
        if stored is None:
            return True
        if "photo" not in stored:
            raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = params.get("caption")
        visible = self._caption(caption, params.get("parse_mode")) if caption else ""
        new_markup = _inline_markup(markup)
        if stored.get("caption", "") == visible and stored.get("reply_markup") == new_markup:
            raise _ApiError(400, _NOT_MODIFIED)
        stored["caption"] = visible
        stored["edit_date"] = int(time.time())
        if new_markup is None:
            stored.pop("reply_markup", None)
        else:
            stored["reply_markup"] = new_markup
        return dict(stored)

    def _edit_message_media(self, params: JSONDict) -> JSONDict | bool:
        markup = params.get("reply_markup")
        _validate_markup(markup)
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") != "photo":
            raise _ApiError(400, "Bad Request: can't parse InputMedia")
        stored = self._editable(params)
        if stored is None:
            return True
        if "photo" not in stored:
            raise _ApiError(400, "Bad Request: there is no media in the message to edit")
        file_id = self._photo_file(media.get("media"), params)
        stored["photo"] = self._photo_sizes(file_id)
        caption = media.get("caption")
        stored["caption"] = self._caption(caption, media.get("parse_mode")) if caption else ""
        stored["edit_date"] = int(time.time())
        new_markup = _inline_markup(markup)
        if new_markup is None:
            stored.pop("reply_markup", None)
        else:
            stored["reply_markup"] = new_markup
        return dict(stored)

    def _editable(self, params: JSONDict) -> JSONDict | None:
        """The stored bot message an edit refers to; None for inline messages."""
        if "inline_message_id" in params and "chat_id" not in params:
            return None
        chat = self._resolve_chat(params.get("chat_id"))
        message_id = params.get("message_id")
        stored = self._messages.get(chat["id"], {}).get(int(message_id or 0))
        if stored is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if stored.get("from", {}).get("id") != self.bot_id:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return stored

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        visible = self._checked_text(params)
        markup = params.get("reply_markup")
        _validate_markup(markup)
        stored = self._editable(params)
        if stored is None:
            return True
        new_markup = _inline_markup(markup)
        if stored.get("text") == visible and stored.get("reply_markup") == new_markup:
            raise _ApiError(400, _NOT_MODIFIED)
        stored["text"] = visible
        stored["edit_date"] = int(time.time())
        if isinstance(params.get("entities"), list):
            stored["entities"] = params["entities"]
        else:
            stored.pop("entities", None)
        if new_markup is None:
            stored.pop("reply_markup", None)
        else:
            stored["reply_markup"] = new_markup
        return dict(stored)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        markup = params.get("reply_markup")
        _validate_markup(markup)
        stored = self._editable(params)
        if stored is None:
            return True
        new_markup = _inline_markup(markup)
        if stored.get("reply_markup") == new_markup:
            raise _ApiError(400, _NOT_MODIFIED)
        stored["edit_date"] = int(time.time())
        if new_markup is None:
            stored.pop("reply_markup", None)
        else:
            stored["reply_markup"] = new_markup
        return dict(stored)

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._resolve_chat(params.get("chat_id"))
        removed = self._messages.get(chat["id"], {}).pop(int(params.get("message_id") or 0), None)
        if removed is None:
            raise _ApiError(400, "Bad Request: message to delete not found")
        return True

    def _delete_messages(self, params: JSONDict) -> bool:
        chat = self._resolve_chat(params.get("chat_id"))
        ids = params.get("message_ids")
        for message_id in ids if isinstance(ids, list) else []:
            self._messages.get(chat["id"], {}).pop(int(message_id), None)
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        """A toast; a ``url`` outside a game must open this bot (t.me/<bot>?start=...)."""
        url = params.get("url")
        if url is not None:
            wanted = (
                rf"^https://t\.me/{re.escape(self.bot_username)}(\?start=[A-Za-z0-9_-]{{1,64}})?$"
            )
            if not re.match(wanted, str(url)):
                raise _ApiError(400, "Bad Request: URL_INVALID")
        return True

    def _answer_inline_query(self, params: JSONDict) -> bool:
        results = params.get("results")
        if not isinstance(results, list):
            raise _ApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > 50:
            raise _ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._resolve_chat(params.get("chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._resolve_chat(params.get("chat_id"))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member_user(self, user_id: int) -> JSONDict:
        return self.bot_user() if user_id == self.bot_id else self._user(user_id)

    def _get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._resolve_chat(params.get("chat_id"))
        user_id = int(params.get("user_id") or 0)
        status = self._member_status.get((chat["id"], user_id), "member")
        return member_dict(self._member_user(user_id), status)

    def _get_chat_administrators(self, params: JSONDict) -> list[JSONDict]:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat["type"] == "private":
            raise _ApiError(400, "Bad Request: there are no administrators in the private chat")
        admins = [
            (user_id, status)
            for (chat_id, user_id), status in self._member_status.items()
            if chat_id == chat["id"] and status in ("creator", "administrator")
        ]
        admins.sort(key=lambda item: (item[1] != "creator", item[0]))
        return [member_dict(self._member_user(uid), status) for uid, status in admins]

    def _get_chat_member_count(self, params: JSONDict) -> int:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat["type"] == "private":
            return 2
        present = {"creator", "administrator", "member", "restricted"}
        members = {
            uid
            for (cid, uid), status in self._member_status.items()
            if cid == chat["id"] and status in present
        }
        return max(len(members | {self.bot_id}), 2)

    def _leave_chat(self, params: JSONDict) -> bool:
        chat = self._resolve_chat(params.get("chat_id"))
        self._member_status[(chat["id"], self.bot_id)] = "left"
        return True

    # ----------------------------------------------------------------- hostile input

    def send_unparsable(self, question: str = "Which stretch?", **kwargs: Any) -> JSONDict:
        """Queue a message python-telegram-bot 22 cannot parse: a poll whose options lack
        ``voter_count``, as an older self-hosted Bot API server sends (``send_content`` args)."""
        options = [{"text": "pigeon"}, {"text": "bridge"}]
        poll = {
            "id": f"poll-{self._next_update_id}",
            "question": question,
            "options": options,
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
        return self.send_content({"poll": poll}, **kwargs)


__all__ = [
    "ANONYMOUS_ADMIN",
    "CHANNEL_BOT",
    "DEFAULT_FIRST_NAME",
    "DEFAULT_GROUP_ID",
    "DEFAULT_USERNAME",
    "DEFAULT_USER_ID",
    "HTTP",
    "IN_PROCESS",
    "IN_PROCESS_BASE_URL",
    "MEMBER_STATUSES",
    "ApiCall",
    "FailureRule",
    "FakeTelegramServer",
    "Gate",
    "InProcessTransport",
    "UploadedFile",
    "WaitTimeoutError",
    "member_dict",
    "parse_request_params",
    "text_entities",
    "utf16_len",
    "visible_text",
]
