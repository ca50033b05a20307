"""Where the syntax around a hit begins and ends: string literals and their ends, lines and the lines
next to them, calls in code, command lines and their words, CSV cells; how a name hit was found
(``_BY_*``) and the words that make a value lenient or not a credential.
"""

from __future__ import annotations

from typing import Final

from autopilot.plugins.redact.compiled import _rx
from autopilot.plugins.redact.patterns import _BLANKS, _CSV_CELL, _JSON_STRING_END, _JSON_STRING_START
from autopilot.plugins.redact.values import (
    _DIGIT,
    _NUMBER,
    _RESOURCE,
    _VOWELS,
    _names_a_secret,
    _wordy,
    is_placeholder,
)

_AUTHOR: Final = (b"Author", b"author", b"AUTHOR")
_QUOTE_AFTER: Final = (b'"', b"\\")
_TWILIO_MARKERS: Final = (b"[redacted:twilio_account_sid]", b"[redacted:twilio_api_key]")


_BY_SEPARATOR: Final = 0  # a name hit followed by a separator (``=``, ``:`` …)
_BY_HTML: Final = 9  # a label closed by an HTML tag (``<th>Password</th><td>…``, ``<b>Password</b>: …``)
_BY_SPACE: Final = 1  # a name hit followed by blanks and a value
_BY_BLOCK: Final = 3  # a name opening a YAML block in JSON-escaped text (``password:\\n  value``)
_BY_CSV: Final = 6  # a column of a CSV header (``service,owner,api_key``)
_BY_PERCENT: Final = 8  # a parameter inside a URL-encoded one (``next=%2F…%3Ftoken%3D…``)
_BY_TABLE: Final = 7  # a cell of a table (``| api_token |``, tab-separated, boxed, quoted CSV)
_BY_CALL: Final = 5  # a function named for a credential, called with a literal (``.bearer_auth("…")``)
_BY_XML: Final = 4  # an XML element named so, with attributes (``<Pass encoding="base64">``), or a plist key
_BY_PAIR: Final = 2  # a name given as the `name` of a name/value pair (`- name: DB_PASSWORD`, `value: …`)
_BY_GETTER: Final = 10  # a function named for a credential that returns a literal (``fun apiKey() = "…"``)
# How a name hit is judged, by the group of _NAME_SHAPE that matched after it ("space": _spaced_hit()).
_ACROSS_LINES_HOW: Final = frozenset((_BY_PAIR, _BY_BLOCK, _BY_CSV, _BY_TABLE))
_SHAPE_HOW: Final = {
    "sep": _BY_SEPARATOR,
    "pair": _BY_PAIR,
    "block": _BY_BLOCK,
    "xml": _BY_XML,
    "call": _BY_CALL,
    "getter": _BY_GETTER,
    "csv": _BY_CSV,
    "table": _BY_TABLE,
    "pct": _BY_PERCENT,
    "html": _BY_HTML,
}
_SUBCOMMAND: Final = rb"[ \t]*(?:-{1,2}[a-z0-9\-]+(?:=[^\s]+)?[ \t]+)*(?P<word>[a-z0-9_\-]+)"


# The opening quote of a call's first argument: `define('`, `getenv("`, `fetch(\"`, or of a pair's
# first member (Erlang's and Elixir's `{"x-api-key", "…"}`, Python's `("X-Api-Key", "…")`); also without
# parentheses in a statement of its own (Groovy's and Ruby's `property "sonar.token", "…"`), and the
# words of a dotted name before the secret one (`setProperty("mail.smtp.password", "…")`).
_CALL_BEFORE: Final = (
    # a pair's first member: `{"x-api-key", "…"}`, `("…", "…")`
    rb"""(?:^|[^A-Za-z0-9_])[{(][ \t]*\\{0,3}["'`]$"""
    rb"""|[A-Za-z0-9_](?:\([ \t]*|\([ \t]*(?:\\{0,3}["'][A-Za-z]{1,20}\\{0,3}["'][ \t]*,[ \t]*){1,2}"""
    rb"""|[ \t]+(?:\\{0,3}["'][A-Za-z]{1,20}\\{0,3}["'][ \t]*,[ \t]*){1,2})\\{0,3}["'`]$"""
)
_LOOKUP_CALL_BEFORE: Final = rb"""(?<![A-Za-z0-9_.])(?:lookup|query|q)\([ \t]*\\{0,3}["']$"""
_STATEMENT_CALL_BEFORE: Final = rb"""(?:\A|\n|\\n|")[ \t]*[a-z][A-Za-z0-9_]*[ \t]+\\{0,3}["']$"""
_DOTTED_NAME_BYTES: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
# A constant naming the setting as a call's argument, the value next: a class's as the first
# (`cf.setStringProperty(WMQConstants.PASSWORD, "…")`, `env.put(Context.SECURITY_CREDENTIALS, "…")`),
# an option's after a handle (`curl_easy_setopt(curl, CURLOPT_USERPWD, "…")`, PHP's `curl_setopt($ch,
# …)`), a macro's (`-define(API_KEY, "…")` of Erlang); or an atom as a tuple's first element (Erlang's
# and Elixir's `{api_key, "…"}`, `{:password, "…"}`).
_CONSTANT_ARGUMENT: Final = (
    rb"(?:[A-Za-z0-9_]\([ \t]*(?:[A-Za-z_][A-Za-z0-9_]*\.)+"
    rb"|[A-Za-z0-9_]\((?:[ \t]*[&$*]?[A-Za-z_][A-Za-z0-9_.]*(?:->[A-Za-z_][A-Za-z0-9_]*)?[ \t]*,){1,2}[ \t]*"
    rb"|(?<![A-Za-z0-9_])define\([ \t]*)[A-Z][A-Z0-9_]*\Z"
    rb"|\{[ \t]*:?[a-z][a-z0-9_]*\Z"
)
# Not credentials though they look random: fingerprints and key ids in hex pairs, e-mail addresses.
# (an address's last label is two letters or more in one case: `RlQBG0e@OY8eFWN21.w` and `cv40za@V1o.eQN`
# are passwords holding `@`)
_NOT_CREDENTIAL: Final = (
    r"(?:[0-9A-Fa-f]{2}:){5,}[0-9A-Fa-f]{2}|\[?[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.(?:[a-z]{2,}|[A-Z]{2,})\]?"
    r"|(?:SHA256|SHA384|SHA512|SHA1|MD5):[A-Za-z0-9+/=:]+\.?"
    # a table's border row: box drawing (also JSON-escaped, `\u250c\u2500…`) or ASCII rules
    r"|(?:[\u2500-\u257f]|\\{1,7}u25[0-7][0-9a-fA-F])+|[+\-=|:]+"
    # a date and time (ISO 8601: `2025-02-26T12:13:11+00:00` in a listing's `Updated` column)
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+\-][0-9]{2}:?[0-9]{2})?"
)
_PATH: Final = r"(?:~|\.{1,2})?/[\w.\-/@:]*"


def _lenient(value: str) -> bool:
    """Whether a value that a strong context says is a credential (``requirepass VALUE``, a
    password option, a command that prints one) is one: not a placeholder, a reference, a number,
    a path or plain words."""
    value = value.strip()
    if len(value) < 6 or len(value) > 4096:
        return False
    if is_placeholder(value) or _rx[_NUMBER].fullmatch(value) or _rx[_RESOURCE].match(value):
        return False
    if (
        _rx[_PATH].fullmatch(value)
        or value.startswith(("http://", "https://"))
        or _rx[_NOT_CREDENTIAL].fullmatch(value)
        or value[-1] in ")]}>"
    ):
        return False
    return not (_wordy(value) and _rx[_DIGIT].search(value) is None) or _passphrase(value)


# A passphrase of made-up or dictionary words joined by hyphens (`correct-horse-battery-staple`,
# diceware's and password managers' style): three words or more, each pronounceable.
_PASSPHRASE: Final = r"[a-z]{2,12}(?:-[a-z]{2,12}){2,9}"


def _passphrase(value: str) -> bool:
    """Whether *value*, words alone, is a passphrase: where a strong context says it is a credential
    (a password option, ``IDENTIFIED BY``, a .pgpass line), words joined by hyphens are one."""
    if _rx[_APP_PASSWORD].fullmatch(value) is not None:
        return True  # an app-specific password (Apple's, Google's `abcd-efgh-ijkl-mnop`): drawn at random
    return (
        len(value) >= 16
        and _rx[_PASSPHRASE].fullmatch(value) is not None
        and all(_VOWELS.intersection(word) for word in value.split("-"))
        and not _names_a_secret(value)
    )


_APP_PASSWORD: Final = (
    r"[a-z]{4}(?:-[a-z]{4}){3}|[a-z]{4}(?: [a-z]{4}){3}"
    # a browser's generated strong password: three groups of six with a digit (`os48it-zs5bcd-hfr5ws`)
    r"|(?=[^0-9]*[0-9])[A-Za-z0-9]{6}(?:-[A-Za-z0-9]{6}){2}"
    # Google's app password pasted without its blanks: 16 letters drawn at random, not a word
    # (four consonants in a row, which the words of a name rarely hold)
    r"|(?=[a-z]*[bcdfghjklmnpqrstvwxz]{4})[a-z]{16}"
)


# Operators that give a default to a variable that is unset: `X || "…"`, `X ?? "…"`, `X or "…"`.
_QUOTED_LITERAL: Final = rb'(\\{0,3}")\\{1,7}"(?P<value>[^"\\\n]{1,500})\\{1,7}"\1'
_FALLBACKS: Final = frozenset((b"||", b"??", b"or", b"{"))  # `{`: Ruby's `ENV.fetch("X") { "…" }`
# Separators that give a name a value only before a literal: R's `api_key <- "…"`, a pair in
# Kotlin's `mapOf("X-Api-Key" to "…")` and Scala's `Map("X-Api-Key" -> "…")`.
_QUOTED_ONLY: Final = frozenset((b"<-", b"<<-", b"to", b"->"))
# An assignment of a string literal to a `$variable` (PHP, Perl, PowerShell), not a shell expansion.
_PHP_ASSIGNMENT: Final = rb"""[ \t]*=[ \t]*\\{0,3}["']"""


def _literal_end(data: bytes, end: int, quote: bytes) -> int:
    """Where a literal closed by *quote* ends when the quote at *end* is escaped once more than
    *quote* (``"ab\\"cd"``): at the next *quote* not so escaped on its line, else at *end*."""
    _, line_end = _line_around(data, end)
    position = end
    while True:
        position = data.find(quote, position + len(quote), line_end)
        if position == -1:
            return end
        if data[position - 1] != 0x5C:
            return position


def _leaves_string(data: bytes, start: int, end: int, quote: bytes) -> bool:
    """Whether the value at *start*..*end*, between two quotes *quote*, runs out of the JSON string
    that holds it (an agent log's line): it holds an escaped line break, the end of a JSON string
    (``", "``) where *quote* is not a double quote, or a quote escaped fewer times than *quote*
    (``\\"``)."""
    if data.find(b"\\n", start, end) != -1:
        return True
    if data.find(b'"', start, end) == -1:
        return False
    depth = len(quote) - len(quote.lstrip(b"\\"))
    if quote[-1:] != b'"':
        return _rx[_JSON_STRING_END].search(data, start, end) is not None
    position = data.find(b'"', start, end)
    while position != -1:
        run = 0
        while data[position - 1 - run] == 0x5C:
            run += 1
        if run < depth:
            return True
        position = data.find(b'"', position + 1, end)
    return False


def _string_end(data: bytes, start: int, end: int, escapes: int) -> int:
    """Where the JSON string holding the line *start*..*end* ends on it, or -1, for a line reached
    through a line break escaped *escapes* times (0: a real one): a quote escaped fewer times than
    the quotes inside that string (``"`` in a string whose quotes are ``\\"``)."""
    if escapes <= 0:
        return -1
    position = data.find(b'"', start, end)
    while position != -1:
        run = 0
        while position - run > start and data[position - 1 - run] == 0x5C:
            run += 1
        if run < 2 * escapes - 1:
            return position - run
        position = data.find(b'"', position + 1, end)
    return -1


def _rest_of_line(data: bytes, start: int) -> bytes:
    """From *start* to the end of its line, or of the JSON string holding the line."""
    _, line_end = _line_around(data, start)
    rest = data[start:line_end]
    if rest.endswith(b"\\"):
        rest = rest.rstrip(b"\\")  # a doubly escaped line break
    string_end = _rx[_JSON_STRING_END].search(rest)
    if string_end is not None:
        rest = rest[: string_end.start()]  # a line inside a JSON string ends with it
    return rest


# What is called or subscripted: a name or a dotted name.
_CALLABLE: Final = rb"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*"
# A call in code: dotted (or `::`) names, maybe ending in `!` or `?` (Ruby, Elixir).
_DOTTED_CALL: Final = rb"[A-Za-z_$][A-Za-z0-9_$]*(?:(?:\.|::)[A-Za-z_$][A-Za-z0-9_$]*)+[!?]?"
_CALL_PARTS: Final = rb"\.|::"
# `set /p NAME=prompt` in a batch file (before the name).
_BATCH_PROMPT: Final = rb"(?:(?<![a-z0-9_])|(?<=\\n))set[ \t]+/p[ \t]+\Z"
# A reference alone after a name and its separator, to the line's end (`password: ${DB_PASSWORD}`,
# `NPM_TOKEN=${{ secrets.NPM_TOKEN }}`): a variable's name, no value (see _Scan._assignment()).
_REFERENCE_ALONE: Final = (
    rb"[ \t]*[:=][ \t]*\$\{(?:\{[ \t]*[A-Za-z_][A-Za-z0-9_.]*[ \t]*\}|[A-Za-z_][A-Za-z0-9_]*)\}"
    rb"[ \t]*(?:\r?\n|\Z)"
)

# The default of a parameter expansion after its name (`${DB_PASSWORD:-…}`, `${TOKEN:=…}`, as
# shells and Compose read them): a literal used when the variable is unset.
_EXPANSION_DEFAULT: Final = rb""":[-=](?P<value>[^\s"'`{}\\]{1,500})\}"""

# What a call's or a subscript's first argument starts with in code: a string, a symbol, nothing.
_CALL_OPENING: Final = rb"(?m)" rb"""[(\[](?:\\{0,3}["'`]|:[A-Za-z_]|[)\]]|[ \t]*(?:\r?$|\\{1,3}[nr]))"""


def _code_call(data: bytes, start: int, end: int) -> bool:
    """Whether the bare word at *start*..*end* is a call or a subscript of a dotted name made of
    words, given a string, a symbol or nothing (``System.fetch_env!("X")``, ``ENV.fetch("X")``,
    ``credentials[:aws]``, ``Aws::Credentials.new(`` ending its line): code, not a YAML value."""
    if _rx[_CALL_OPENING].match(data, end) is None or _rx[_DOTTED_CALL].fullmatch(data, start, end) is None:
        return False
    parts = _rx[_CALL_PARTS].split(data[start:end].rstrip(b"!?"))
    return all(_wordy(part.decode("ascii", "replace")) for part in parts)


# What ends a bare value but a password may hold; blanks and quotes.
_VALUE_STOPS: Final = frozenset(bytes([byte]) for byte in b";,&|<>(){}[]")
_BLANK_OR_QUOTE: Final = frozenset(b" \t\"'`")
_CODE_ENDS: Final = frozenset(b",;)]}>")
# The rest of a value without a blank or a quote, to its line's end (also an escaped one, or the end
# of the JSON string holding the line).
_UNBROKEN_TO_LINE_END: Final = rb"""[^\s"'`\\]+(?=[ \t]*(?:\r?\n|\\{1,3}[nr]|\\{0,3}"|$))"""
_CODE_STOPS: Final = frozenset(b";,")
# A PGP key's fingerprints (or long key ids) under a name saying GPG or PGP: public, as the official
# Docker images' `GPG_KEY=…` that verifies their downloads (`GPG_KEYS=… …`, several).
_FINGERPRINTS: Final = (
    rb"""(?:\\{0,3}["'])?(?:[ \t]*[:=][ \t]*|[ \t]+)(?:\\{0,3}["'])?"""
    rb"""(?:[0-9A-F]{40}|[0-9A-F]{16})(?:[ \t]+(?:[0-9A-F]{40}|[0-9A-F]{16}))*(?![0-9A-Za-z])"""
)
# A warning or notice line a CLI prints before its output (Heroku's `Warning: …` after its arrow,
# `WARNING: …`, `npm warn …`), or a remote shell's banner before the command's (`fly ssh console -C`'s
# `Connecting to fdaa:…... complete`, `heroku run`'s `Running printenv X on ⬢ app... up, run.1234`).
_CLI_NOTICE: Final = (
    rb"[ \t]*(?:(?:\xe2\x80\xba|\\{1,3}u203a|\xe2\x96\xb8|\\{1,3}u25b8|!)[ \t]"
    rb"|(?i:(?:npm[ \t]+)?warn(?:ing)?)[: \t]"
    rb"|(?:Connecting to|Running) [^\n\\]{1,200}?\.\.\. (?:complete|done|up\b))"
)
_OPENINGS: Final = frozenset(b"([")
_DIGIT_BYTE: Final = rb"[0-9]"
_CONNECTION_VALUE_REST: Final = rb"""[^;\s"'`\\]+(?=;|\\{0,3}["']|[ \t]*(?:\r?\n|\\{1,3}[nr]|$))"""
_LESS_THAN: Final = ord("<")
_AFTER_VALUE_STOP: Final = (b"", b" ", b"\t", b"\n", b"\r", b"\\", b'"')


# A line number before a file's line, as `cat -n` and an agent's file reader print it ("     5→").
_GUTTER: Final = rb"[ \t]*[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192|\t|\\{1,3}t)"


def _indent(line: bytes) -> int:
    """How far *line* is indented, after a line number printed before it."""
    gutter = _rx[_GUTTER].match(line)
    if gutter is not None:
        line = line[gutter.end() :]
    return len(line) - len(line.lstrip(b" \t"))


def _referenced(data: bytes, name_start: int) -> bool:
    """Whether the name at *name_start* is used, not assigned: ``${API_KEY:?msg}``, ``$TOKEN``, ``%KEY%``."""
    before = data[max(0, name_start - 2) : name_start]
    return before.endswith((b"$", b"%")) or before == b"${"


def _csv_cells(data: bytes, begin: int, end: int) -> list[tuple[int, int]]:
    """The spans of the cells of the CSV row from *begin* to *end*, quoted ones whole (a quoted
    cell may hold commas, and its quotes may be JSON-escaped)."""
    cells: list[tuple[int, int]] = []
    cell = _rx[_CSV_CELL].match
    position = begin
    while len(cells) < 64:
        found = cell(data, position, end)
        if found is None:
            return []
        cells.append(found.span())
        position = found.end()
        if data[position : position + 1] != b",":
            return cells
        position += 1
    return []


def _line_around(data: bytes, position: int, limit: int = 4096) -> tuple[int, int]:
    """The line holding *position*: real line breaks and JSON-escaped ones (``\\n``) both end lines.

    An escaped break is looked for only between *position* and the nearest real one: a search for
    two bytes costs far more than one for a single byte, and no escaped break beyond the real one
    can be nearer."""
    floor = max(0, position - limit)
    real = data.rfind(b"\n", floor, position)
    start = real + 1 if real != -1 else floor
    escaped = data.rfind(b"\\n", start, position)
    if escaped != -1:
        start = escaped + 2
    ceiling = min(len(data), position + limit)
    real = data.find(b"\n", position, ceiling)
    end = real if real != -1 else ceiling
    escaped = data.find(b"\\n", position, end)
    if escaped == -1:
        return start, end
    while escaped > position and data[escaped - 1] == 0x5C:
        escaped -= 1  # a doubly escaped line break (``\\\\n``) ends the line at its first backslash
    return start, escaped


def _content_start(data: bytes, line_start: int, position: int) -> int:
    """Where the content of the line holding *position* starts: after the last JSON string opened
    on it before *position* (``"content":"…``, ``"-lc", "…``), or at the line's start."""
    start = line_start
    for string in _rx[_JSON_STRING_START].finditer(data, line_start, position):
        start = string.end()
    return start


def _next_line(data: bytes, line_end: int) -> int:
    """The start of the line after the one ending at *line_end*, or -1."""
    if data.startswith(b"\n", line_end):
        return line_end + 1
    position = line_end
    while data[position : position + 1] == b"\\":
        position += 1  # an escaped line break, once or more (``\\n``, ``\\\\n``)
    if position > line_end and data[position : position + 1] == b"n":
        return position + 1
    return -1


def _following_line(data: bytes, line_end: int) -> tuple[int, int, int] | None:
    """The line after the one ending at *line_end*: its start, its end, and where its text ends
    (at the end of the JSON string holding it, in an agent log); None after the last line."""
    begin = _next_line(data, line_end)
    if begin == -1:
        return None
    _, line_end = _line_around(data, begin)
    string_end = _rx[_JSON_STRING_END].search(data, begin, line_end)
    return begin, line_end, string_end.start() if string_end is not None else line_end


_APP_PASSWORD_LINE: Final = (
    rb"""[ \t]*(?P<value>[a-z]{4}(?:[ ][a-z]{4}){3})(?P<quoted>)"""
    rb"""[ \t\r]*(?:\\r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
)
_MARKED_WORD_LINE: Final = (
    rb"""[ \t]*(?:>[ \t]*)*(?P<c>`?)(?P<value>[^\s`"'\\]{6,4096})(?P=c)(?P<quoted>)"""
    rb"""[ \t]*(?:\([^()\n\\]{0,80}\)[ \t.]*)?[ \t\r]*(?:\\{1,3}r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
)
_WORD_LINE: Final = (
    # (no control byte: a line holding a terminal's code alone, `␛[?2004l` after a command, is no word)
    rb"""[ \t]*(?P<value>[^\s"'`\\\x00-\x1f\x7f]{6,4096})[ \t\r]*(?:\\{1,3}r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
    # a string printed with its quotes (`terraform output NAME`)
    rb"""|[ \t]*(?P<q>\\{0,3}")(?P<quoted>[^\s"'`\\]{6,4096})(?P=q)"""
    rb"""[ \t\r]*(?:\\{1,3}r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
)


# A line of a terminal's codes alone (`␛[?2004l`, bracketed paste turned off after a command's line).
_CODES_LINE: Final = rb"(?:(?:\x1b|\\{1,3}u001b)\[[0-9;?]{0,16}[A-Za-z]|[ \t\r]|\\{1,3}r)+"
_SHORT_WORD_LINE: Final = rb"[ \t]*[A-Za-z0-9_.@\-]{1,5}[ \t\r]*"
# A keyword in the plural: credentials announced together, one per line after it.
_PLURAL_KEYWORD: Final = rb"(?:keys|tokens|passwords|secrets)\b"


def _command_word(low: bytes, start: int, length: int) -> bool:
    """Whether the word at *start* is a command: at the start of the text or a line, or after a
    blank, an operator, a quote or a path (also after an escaped line break or an ANSI colour)."""
    return (
        not start
        or low[start - 1] in _BEFORE_COMMAND
        or low[start - 2 : start] in _ESCAPES
        or (low[start - 1] == 0x6D and _rx[_ANSI_BEFORE].search(low, max(0, start - 24), start) is not None)
        # the `+` that starts a line a patch adds (`+redis-cli -a …` in a diff or an `apply_patch` file)
        or (
            low[start - 1] == 0x2B
            and (start == 1 or low[start - 2] == 0x0A or low[start - 3 : start - 1] == b"\\n")
        )
    )


def _has_subcommand(low: bytes, position: int, end: int, words: frozenset[bytes]) -> bool:
    """Whether the first word after the command's options at *position* is one of *words*."""
    match = _rx[_SUBCOMMAND].match(low, position, end)
    return match is not None and match.group("word") in words


# Priority when two findings cover exactly the same bytes: the more specific kind wins.
_TOKEN_PRIORITY: Final = 0
_CONTEXT_PRIORITY: Final = 1


_ANSI_TAIL: Final = rb"[0-9;]*m(?=[A-Za-z_\-])"
_UNICODE_ESCAPE_TAIL: Final = rb"u[0-9a-fA-F]{4}(?=[A-Za-z_\-])"


def _unglue(data: bytes, name_start: int) -> int:
    """Skip the tail of an escape glued to a name: ``\\nPASSWORD``, ``\\u001b[33mtoken``, ``\x1b[1mkey``."""
    if not name_start:
        return name_start
    before = data[name_start - 1]
    if before == 0x5C:  # backslash: \n, \t, \r or \uXXXX
        tail = _rx[_UNICODE_ESCAPE_TAIL].match(data, name_start)
        return tail.end() if tail else name_start + 1
    if before in (0x5B, 0x3B):  # "[" or ";": an ANSI colour sequence
        tail = _rx[_ANSI_TAIL].match(data, name_start)
        return tail.end() if tail else name_start
    return name_start


def _git_author(data: bytes, runs: bytes, start: int, end: int) -> bool:
    """Whether the "author" anchor at *start* is a whole name "Author" (git log), never a secret."""
    return (
        data[start : start + 6] in _AUTHOR
        and (not start or runs[start - 1] == 0x2E)
        and runs[end : end + 1] != b"a"
    )


def _curl_command(low: bytes, start: int) -> bool:
    """Whether the "curl" at *start* is the curl command (a word of its own, followed by a blank;
    also after an escaped line break or an ANSI colour)."""
    return low[start + 4 : start + 5] in _BLANKS and (
        not start
        or low[start - 1] in _BEFORE_COMMAND
        or low[start - 2 : start] in _ESCAPES
        or (low[start - 1] == 0x6D and _rx[_ANSI_BEFORE].search(low, max(0, start - 24), start) is not None)
    )


_ANSI_BEFORE: Final = rb"(?:\x1b|\\u001b|\\x1b|\\e|\\033)\[[0-9;]*m$"


def _curl_end(data: bytes, position: int, limit: int) -> int:
    """Where the command at *position* ends: at a line break not continued by a backslash (also
    JSON-escaped), or at a pipe, ampersand, semicolon, parenthesis or backtick outside quotes."""
    end = position
    while True:
        newline = data.find(b"\n", end, limit)
        escaped = data.find(b"\\n", end, newline if newline != -1 else limit)
        if escaped != -1:
            # A JSON-escaped backslash and line break: the command goes on.
            if data[escaped - 2 : escaped] == b"\\\\":
                end = escaped + 2
                continue
            end = escaped
            break
        if newline == -1:
            end = limit
            break
        if data[newline - 1 : newline] != b"\\" and data[newline - 2 : newline] != b"\\\r":
            end = newline
            break
        end = newline + 1
    stop = _rx[_COMMAND_END].search(data, position, end)
    while stop is not None:
        at = stop.start()
        if data[at - 1 : at + 1] == b"$(":
            # a substitution (`$(pwd)`, an Azure Pipelines macro `$(Agent.TempDirectory)`) is an argument
            close = data.find(b")", at, end)
            if close != -1:
                stop = _rx[_COMMAND_END].search(data, close + 1, end)
                continue
        if (
            data[at] == 0x26
            and data[at - 1] not in _NOT_GLUED
            and at + 1 < end
            and data[at + 1] not in _NOT_GLUED
        ):
            # `-u admin:pa&ss`: an ampersand inside a word (a password's, an unquoted URL's query)
            stop = _rx[_COMMAND_END].search(data, at + 1, end)
            continue
        if not (data.count(b"'", position, at) % 2 or data.count(b'"', position, at) % 2):
            return at
        stop = _rx[_COMMAND_END].search(data, at + 1, end)
    return end


_COMMAND_END: Final = rb"[|&;()`]"
_OPTION_WORD: Final = r"--?[A-Za-z][A-Za-z\-]*"
_NOT_GLUED: Final = frozenset(b" \t\r\n&|;")


# (a backslash: the end of a Windows path, `%windir%\system32\inetsrv\appcmd`)
_BEFORE_COMMAND: Final = frozenset(b" \t\n\r\x00(|;&`'\"$>/=\\")
_ESCAPES: Final = (b"\\n", b"\\t", b"\\r")  # JSON-escaped line breaks and tabs
