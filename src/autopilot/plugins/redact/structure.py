"""What encloses a hit: the name of the object, block or section a member is in, a sibling member
that holds a credential, a run of base64 or a SCRAM verifier the hit is part of.
"""

from __future__ import annotations

from typing import Final

from autopilot.plugins.redact.compiled import _rx
from autopilot.plugins.redact.names import _name_kind
from autopilot.plugins.redact.patterns import _BLANKS_B, _JSON_STRING_END
from autopilot.plugins.redact.syntax import _GUTTER, _content_start, _line_around, _next_line
from autopilot.plugins.redact.values import _SCRAM_VERIFIER, _wordy
from autopilot.plugins.redact.words import name_parts


def _previous_line_end(data: bytes, line_start: int) -> int:
    """Where the line before the one starting at *line_start* ends (a real or an escaped line
    break), or -1."""
    if data[line_start - 1 : line_start] == b"\n":
        return line_start - 1 - (data[line_start - 2 : line_start - 1] == b"\r")
    if line_start >= 2 and data[line_start - 2 : line_start] == b"\\n":
        end = line_start - 2
        while end and data[end - 1] == 0x5C:
            end -= 1
        return end
    return -1


# The name of the object or block that holds a member: `"Jwt": {` (JSON, JavaScript, also escaped),
# `api:` alone on a less indented line (YAML), a `[section]` (TOML, INI).
_SEPARATOR_BYTES: Final = frozenset(b":=")
_QUOTE_BYTES: Final = frozenset(b"\"'\\")
_MEMBER_NAME_BYTES: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_PARENT_BLOCK: Final = rb"""[ \t]*(?:-[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,63})[ \t]*:[ \t]*\r?"""
_PARENT_SECTION: Final = rb"""[ \t]*\[(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,63})\][ \t]*\r?"""
_BEFORE_MEMBER: Final = frozenset(b" \t-\"'\\")
_LINE_START_BYTES: Final = frozenset(b"\n0123456789\x92")  # a break, or a line number's end (`2\t`, `2→`)
_PARENT_REACH: Final = 600  # bytes back to the opening brace
_PARENT_LINES: Final = 24  # lines back to the block's or the section's name


_BLOB_NAME: Final = 24  # the shortest run of base64 taken for a blob rather than a name


def _blob_name(name: bytes) -> bool:
    """Whether *name* (24 characters or more) is a piece of base64, not a name: no separator, a
    digit, upper and lower case each a quarter of it or more, and not made of words
    (``awsSecretAccessKeyForProductionUse2``, ``DBPasswordForTheAPIServer`` are)."""
    if not name.isalnum() or name.isalpha():
        return False
    upper = sum(1 for byte in name if 0x41 <= byte <= 0x5A)
    lower = sum(1 for byte in name if 0x61 <= byte <= 0x7A)
    return 4 * upper >= len(name) and 4 * lower >= len(name) and not _wordy(name.decode("ascii"))


def _in_base64(data: bytes, name_start: int, name_end: int) -> bool:
    """Whether the name at *name_start*, after a `/` or a `+`, is the end of a run of base64 that
    is a blob (see _blob_name()) once its `/` and `+` are left out."""
    floor = max(0, name_start - 200)
    begin = floor + data[floor:name_end].translate(_BASE64_TABLE).rfind(b".") + 1
    letters = data[begin:name_end].replace(b"/", b"").replace(b"+", b"")
    return len(letters) >= _BLOB_NAME and _blob_name(letters)


_IN_VERIFIER: Final = frozenset(b"/+:$=")  # what precedes a name inside a SCRAM verifier
_VERIFIER_REACH: Final = 160  # bytes back to its `SCRAM-SHA-` (its salt and stored key are 24 + 44)


def _in_verifier(data: bytes, name_start: int, name_end: int) -> bool:
    """Whether the name at *name_start* lies inside a SCRAM verifier of a password
    (rules.SCRAM_VERIFIER): its base64 is no name."""
    start = data.rfind(b"SCRAM-SHA-", max(0, name_start - _VERIFIER_REACH), name_start)
    if start == -1:
        return False
    verifier = _rx[_SCRAM_VERIFIER].match(data, start)
    return verifier is not None and verifier.end() >= name_end


_BASE64_TABLE: Final = bytes(
    0x61 if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "+/") else 0x2E for c in range(256)
)


def _parent_name(data: bytes, name_start: int, name_end: int) -> bytes | None:
    """The name of the object, block or section that holds the member named at *name_start*..*name_end*."""
    first = name_start
    while first and data[first - 1] in _BEFORE_MEMBER:
        first -= 1
    # (a look at the line only where the member may start it: after a line break, also an escaped
    # one, or a file reader's line number; in an agent log's long lines that is rare)
    starts_line = False
    if not first or data[first - 1] in _LINE_START_BYTES or data[first - 2 : first] in (b"\\n", b"\\t"):
        line_start, _ = _line_around(data, name_start)
        content = _content_start(data, line_start, name_start)
        gutter = _rx[_GUTTER].match(data, content, name_start)
        base = gutter.end() if gutter else content
        starts_line = not data[base:name_start].strip(b" \t-\"'\\")
    if starts_line:  # the member starts its line: a block or a section above?
        before = data[base:name_start]
        column = len(before) - len(before.lstrip(b" \t"))
        line = line_start
        for _ in range(_PARENT_LINES):
            end = _previous_line_end(data, line)
            if end == -1:
                break
            line, _ = _line_around(data, end - 1 if end else 0)
            text = data[_content_start(data, line, end) : end]  # (the first line of a JSON string)
            gutter = _rx[_GUTTER].match(text)
            if gutter is not None:
                text = text[gutter.end() :]
            if not text.strip():
                continue
            indent = len(text) - len(text.lstrip(b" \t"))
            if column and indent < column:
                block = _rx[_PARENT_BLOCK].fullmatch(text)
                if block is not None:
                    return block.group("name")
                break
            if not column:
                section = _rx[_PARENT_SECTION].fullmatch(text)
                if section is not None:
                    return section.group("name")
    # A JSON or JavaScript object (or a PHP array, `'crypt' => ['key' => …]`): the nearest brace not
    # closed before the member.
    floor, position, depth = max(0, name_start - _PARENT_REACH), name_start, 0
    brace, close = b"{", b"}"
    if data.find(b"=>", name_end, name_end + 6) != -1:
        brace, close = b"[", b"]"
    while True:
        opening = data.rfind(brace, floor, position)
        if opening == -1:
            return None
        closing = data.rfind(close, opening, position)
        if closing != -1:
            depth, position = depth + 1, closing
            continue
        if depth:
            depth, position = depth - 1, opening
            continue
        return _member_name_before(data, opening)


def _member_name_before(data: bytes, position: int) -> bytes | None:
    """The name before the separator that ends at *position* (``"Jwt": {``, ``jwt: {``, ``jwt = {``),
    read backwards a byte at a time (a regex searched back would try every start)."""
    at = position
    while at and data[at - 1] in _BLANKS_B:
        at -= 1
    if at > 1 and data[at - 2 : at] == b"=>":
        at -= 1  # PHP's `'crypt' => [`
    if not at or data[at - 1] not in _SEPARATOR_BYTES:
        return None
    at -= 1
    while at and data[at - 1] in _BLANKS_B:
        at -= 1
    while at and data[at - 1] in _QUOTE_BYTES and position - at < 12:
        at -= 1
    end = at
    while at and data[at - 1] in _MEMBER_NAME_BYTES and end - at < 64:
        at -= 1
    name = data[at:end]
    return name if name and not name[:1].isdigit() else None


# A member of the same JSON object that makes a lone `"key"` half of a login: the account's name,
# or the other parts of a signed request.
_CREDENTIAL_SIBLING: Final = (
    rb"""["'](?:(?:username|user_name|passphrase|api_secret|secret|signature)\\{0,3}["'][ \t]*:"""
    # the account the key belongs to (TrueNAS's cloud credentials for Backblaze B2, `{"account": "…",
    # "key": "…"}`; a `"key_id"` beside a `"key"` is GitHub's public key for secrets, and stays)
    rb"""|(?i:account(?:_?id|_?name)?)\\{0,3}["'][ \t]*:"""
    # a key's type saying it is a pre-shared one (OPNsense's IPsec `{"keyType": "PSK", "Key": "…"}`)
    rb"""|(?i:key_?type)\\{0,3}["'][ \t]*:[ \t]*"""
    rb"""\\{0,3}["'](?i:psk|pre-?shared(?:[ _\-]?key)?|secret)\\{0,3}["'])"""
)
# A member that makes a lone `"key"` the key of an HMAC, whatever it looks like (a UUID): a Jupyter
# kernel's connection file, `"signature_scheme": "hmac-sha256"`.
_HMAC_SIBLING: Final = rb"""["']signature_scheme\\{0,3}["'][ \t]*:"""
_SIBLING_REACH: Final = 300
# A call that logs in, whose keyword argument `key` is the credential (`wandb.login(key="…")`).
_LOGIN_CALL_BEFORE: Final = rb"(?i:login|auth|authenticate)\((?:[^()\n]{0,160},[ \t]*)?\Z"


def _credential_sibling(
    data: bytes, name_start: int, name_end: int, sibling: bytes = _CREDENTIAL_SIBLING
) -> bool:
    """Whether the JSON object holding the lone key at *name_start* holds a member of *sibling* too
    (`{"username": "…", "key": "…"}`, `{"keyType": "PSK", "Key": "…"}`)."""
    opening = data.rfind(b"{", max(0, name_start - _SIBLING_REACH), name_start)
    if opening == -1 or data.find(b"}", opening, name_start) != -1:
        return False
    closing = data.find(b"}", name_end, name_end + _SIBLING_REACH)
    if closing == -1:
        return False
    return _rx[sibling].search(data, opening, closing) is not None


# A member of the same YAML mapping that makes it a reference to a secret kept elsewhere, so that
# what a secret-named key holds there is a key's name, not a secret: External Secrets' `secretKey:
# community` beside its `remoteRef:`, Kubernetes' `secretKeyRef:`, Flux's and Crossplane's `secretRef:`.
_REFERENCE_MEMBER: Final = rb"""(?:\\{0,3}["'])?[A-Za-z]*Ref(?:\\{0,3}["'])?[ \t]*:"""
_REFERENCE_LINES: Final = 8  # lines below the member to its reference sibling


def _reference_sibling(data: bytes, name_start: int) -> bool:
    """Whether the YAML mapping holding the member named at *name_start* has a member named
    ``…Ref`` below it, at the same indentation (_REFERENCE_MEMBER)."""
    line_start, line_end = _line_around(data, name_start)
    content = _content_start(data, line_start, name_start)
    before = data[content:name_start].rstrip(b"\"'")
    if before.strip(b" \t-"):
        return False  # not the line's first member
    column = len(before)
    for _ in range(_REFERENCE_LINES):
        start = _next_line(data, line_end)
        if start == -1:
            return False
        line_start, line_end = _line_around(data, start)
        text = data[line_start:line_end]
        if not text.strip():
            continue
        indent = len(text) - len(text.lstrip(b" \t"))
        if indent < column:
            return False
        if indent == column and _rx[_REFERENCE_MEMBER].match(text, indent) is not None:
            return True
    return False


def _parent_key_kind(data: bytes, name_start: int, name_end: int) -> str | None:
    """The kind of a generically named key (``key``, ``primary_key``) that the name of the object
    or block holding it qualifies (``"Jwt": { "Key": … }``, ``api:`` above ``key:``,
    ``active_record_encryption:`` above ``primary_key:``): that name's words, last first, before ``_key``."""
    parent = _parent_name(data, name_start, name_end)
    if parent is None:
        return None
    for word in reversed(name_parts(parent.decode("ascii", "replace"))[-3:]):
        kind = _name_kind(word.encode() + b"_key")
        if kind is not None:
            return kind
    return None


def _in_one_string(data: bytes, start: int, end: int, found: tuple[int, int]) -> tuple[int, int]:
    """*found*, unless a JSON string ends between *start* and *end*: the line goes on in another
    string (`"command": "… get secret app", "output": "…`), which announces nothing."""
    if data.find(b'"', start, end) != -1 and _rx[_JSON_STRING_END].search(data, start, end) is not None:
        return 0, 0
    return found
