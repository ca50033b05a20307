"""Credentials in prose: values announced or handed over in sentences ("the password is …",
"use … to log in"), values shown as examples, and what a sentence's words say about a value.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import _rx
from autopilot.plugins.redact.passes import _password_word
from autopilot.plugins.redact.patterns import (
    _BEARER,
    _BEARER_AT,
    _CLIENT,
    _CLIENTS,
    _COMMAND_NAME,
    _COMPARE_AT,
    _COMPARE_NAME,
    _COOKIE_AT,
    _COOKIE_HEADER,
    _COOKIE_SETTER,
    _CURL_AT,
    _ENCRYPTED_AT,
    _HEX_SECRET,
    _KIND_AT,
    _KIND_SECRET,
    _MARKER_AT,
    _NEXT_ELEMENT,
    _PAIR_NAME_BEFORE,
    _PAT_AT,
    _PAT_VARIABLE,
    _PRINTER,
    _SENDTO_AT,
    _SHADOW,
    _SLASH_PAIR,
    _TYPE_BEFORE,
    _URL,
    _WRITE_AT,
    _WRITTEN,
    _named_cookie,
    _printer,
    _url_interesting,
)
from autopilot.plugins.redact.structure import _in_one_string, _previous_line_end
from autopilot.plugins.redact.syntax import (
    _QUOTE_AFTER,
    _TWILIO_MARKERS,
    _command_word,
    _content_start,
    _curl_command,
    _lenient,
    _line_around,
    _passphrase,
)
from autopilot.plugins.redact.values import (
    _DIGIT,
    _SECRET_NAME_PARTS,
    _SETTING_NAME,
    _file_path,
    _names_a_secret,
    credential_like,
)
from autopilot.plugins.redact.words import name_parts

_SAME_LINE, _NEXT_LINE, _NEXT_LINE_STRICT, _IN_PROSE, _IN_SENTENCE, _ASKED = 1, 2, 3, 4, 5, 6
# The quotes of other languages, opening and closing: guillemets either way and single ones
# (U+00AB, U+00BB, U+2039, U+203A), German U+201E and U+201C, curly U+201C and U+201D, U+2018 and
# U+2019, CJK corner brackets 「」 and 『』 (also JSON-escaped); French puts blanks inside them,
# no-break ones too.
_LOCAL_OPEN: Final = (
    rb"(?:\xc2[\xab\xbb]|\xe2\x80[\x98\x9c\x9e\xb9\xba]|\xe3\x80[\x8c\x8e]"
    rb"|\\{1,3}u(?:00ab|00bb|2018|201c|201e|2039|203a|300c|300e))"
)
_LOCAL_CLOSE: Final = (
    rb"(?:\xc2[\xab\xbb]|\xe2\x80[\x99\x9c\x9d\xb9\xba]|\xe3\x80[\x8d\x8f]"
    rb"|\\{1,3}u(?:00ab|00bb|2019|201c|201d|2039|203a|300d|300f))"
)
_INNER_BLANKS: Final = rb"(?:[ \t]|\xc2\xa0|\xe2\x80\xaf|\\{1,3}u(?:00a0|202f))*"
# A credential quoted in a sentence after its name, with only words between them (chat, in any
# language: `es \`…\` (la encontré …)`, `do bazy: '…'. Trzeba`, `gefunden: … - es steht`, CJK's
# full-width colon and comma): a quoted word after a blank or a colon (also full-width, U+FF1A), or
# a bare word after a colon (or an ideographic space, U+3000) followed by the sentence's punctuation
# (also U+FF0C, U+3001, U+3002), a blank or the line's end. (Each branch starts with its byte, so
# that a search skips to those bytes in C instead of trying every position.)
# A value in such quotes after a name and its separator (`Mot de passe : « … »`).
_LOCAL_QUOTED: Final = (
    rb"[ \t]*(?::|=|\xef\xbc\x9a)?"
    + _INNER_BLANKS
    + _LOCAL_OPEN
    + _INNER_BLANKS
    + rb"(?P<value>[^\s\"'`\\]{4,200}?)"
    + _INNER_BLANKS
    + _LOCAL_CLOSE
)
_PROSE_SEPARATOR: Final = (
    rb""" (?=\\{0,3}["'`])|\t(?=\\{0,3}["'`])|:(?=\\{0,3}["'`])|:[ \t]+|\xef\xbc\x9a|\\\\{0,2}uff1a"""
    rb"""|\xe3\x80\x80|\\\\{0,2}u3000"""
    # a quote of another language right after the words (`パスワードは「…」です`), or Japanese's
    # topic particle `は` and a blank (`パスワードは … です`)
    rb"|[ \t]?(?=" + _LOCAL_OPEN + rb")|(?:\xe3\x81\xaf|\\{1,3}u306f)[ \t](?=[^\s\\])"
)
# A byte every separator holds, at its start or one blank after it: a colon, a quote, a backslash or
# the lead byte of a full-width colon, an ideographic space or a quote of another language.
_PROSE_SEPARATOR_NEEDS: Final = rb"""[:"'`\\\xc2\xe2\xe3\xef]"""
_PROSE_WORDS: Final = rb"""(?:[^"'`|$=<>{}\[\]\n\\]++|\\{1,3}u[0-9a-fA-F]{4})*+"""
_PROSE_VALUE: Final = (
    rb"(?x)"
    rb"""[ \t]*(?:(?P<q>\\{0,3}["'`])(?P<quoted>[^\s"'`\\]{6,200})(?P=q)
    |"""
    + _LOCAL_OPEN
    + _INNER_BLANKS
    + rb"(?P<local>[^\s\"'`\\]{6,200}?)"
    + _INNER_BLANKS
    + _LOCAL_CLOSE
    + rb"""
    |(?P<bare>[^\s"'`\\]{6,200}?)
      (?=[.,;!?)]{0,2}(?:[ \t\r\n]|$|\\{1,3}[nrt"])
        |\xef\xbc\x8c|\xe3\x80[\x81\x82]|\\{1,3}u(?:ff0c|300[12])))"""
)


def _prose_value(data: bytes, keyword: int, end: int) -> tuple[int, int] | None:
    """Where a credential quoted in a sentence after the keyword at *keyword* is (_PROSE_VALUE), up
    to *end*: one that looks generated, holds a digit and is neither a path, a name nor a setting."""
    limit = min(end, keyword + 200)
    # (the search tries every position; it starts where the first byte a separator needs is, one
    # blank before it, and not at all without one: most prose holds none)
    needed = _rx[_PROSE_SEPARATOR_NEEDS].search(data, keyword, limit)
    if needed is None:
        return None
    separator = _rx[_PROSE_SEPARATOR].search(data, max(keyword, needed.start() - 1), limit)
    if (
        separator is None
        or _rx[_PROSE_WORDS].match(data, keyword, separator.start()).end() != separator.start()
    ):
        return None  # no separator, or code between the name and it (quotes, `$`, `=`, brackets)
    if _rx[_LATER_KEYWORD].search(data, keyword + 2, separator.start()) is not None:
        return None  # the value is the later name's (`the client secret or the public key \`…\``)
    match = _rx[_PROSE_VALUE].match(data, separator.end(), end)
    if match is None or _describes(data, keyword, separator.start()):
        return None
    group = "quoted" if match.group("quoted") is not None else "local" if match.group("local") else "bare"
    if group == "bare" and (
        data[separator.start()] not in b":\xef\xe3\\" or _rx[_LOCAL_OPEN].match(data, separator.end())
    ):
        return None  # a bare word only after a colon (or an ideographic space: `パスワード　…`)
    text = match.group(group).decode("utf-8", "replace")
    if group != "bare":
        text = text.lstrip("-")  # (quoted: a `-` first is the password's, no option)
    if (
        (
            (credential_like(text) and _rx[_DIGIT].search(text))
            # after a password's name, a passphrase or a password as people make them too
            or (_password_word(data, keyword) and _handed_value(text, password=True))
            # after a label of CJK prose with a full-width colon (U+FF1A), any password of ASCII with
            # a digit, as after `Password: ` at a line's start
            or (
                data[separator.start()] in (0xEF, 0x5C)  # (also JSON-escaped)
                and text.isascii()
                and _password_word(data, keyword)
                and _cjk_label(data, keyword)
                and _lenient(text)
                and _rx[_DIGIT].search(text)
            )
            # a key of 32 hex digits or more after such a label (`REST API 키` and U+FF1A), as
            # after `API key: `
            or (
                data[separator.start()] in (0xEF, 0x5C)
                and _cjk_label(data, keyword)
                and _rx[_HEX_SECRET].fullmatch(text) is not None
                and _rx[_DIGIT].search(text) is not None
            )
        )
        and not _file_path(text)
        and _rx[_FILE_NAME].fullmatch(text) is None  # `main.d203ab53.js`: a file's name
        and _rx[_NOT_HANDED_OVER].fullmatch(text) is None  # an id, a ticket's key, a date
        and _rx[_SECRET_NAME_PARTS].search(text.lower()) is None  # `RESET_TOKEN_TTL=15m`: a name
        # `PASSWORD_MIN_LENGTH=12`: a setting (a letter alone before `=` names none: `P=nW3X…`)
        and ((setting := _rx[_SETTING_NAME].match(text)) is None or setting.end() <= 2)
    ):
        return match.span(group)
    return None


# What ends a clause of CJK prose (a full-width comma or colon, an ideographic comma or full stop).
_CJK_CLAUSE_ENDS: Final = (b"\xef\xbc\x8c", b"\xef\xbc\x9a", b"\xe3\x80\x81", b"\xe3\x80\x82")


def _cjk_label(data: bytes, keyword: int) -> bool:
    """Whether the keyword at *keyword* ends the first word of its line or of a field after a blank
    (a label such as the word for password, a database's password, or one after a user's name on
    the same line): a label, not words of a sentence."""
    line_start = _line_around(data, keyword)[0]
    start = _content_start(data, line_start, keyword)
    blank = max(data.rfind(b" ", start, keyword), data.rfind(b"\t", start, keyword))
    word = data[max(start, blank + 1) : keyword]
    return not any(end in word for end in _CJK_CLAUSE_ENDS)


# A later name keyword, after a blank, between a name and the value a sentence gives.
_LATER_KEYWORD: Final = rb"[ \t*](?i:password|passwd|passphrase|secret|token|key|credential|pw)(?![a-z])"
# A file's name with a common extension (`main.d203ab53.js`, `server.key`): no credential.
_FILE_NAME: Final = (
    r"(?i)[\w@+\-.]+\.(?:[cm]?js|jsx|tsx?|map|css|html?|json|ya?ml|toml|ini|cfg|conf|env|txt|md|py|rb|go"
    r"|rs|java|kt|php|sh|ps1|log|csv|xml|pem|crt|cer|der|key|p12|pfx|jks|zip|gz|tgz|tar|png|jpe?g|gif|svg"
    r"|pdf|docx?|xlsx?|lock|sql|db|bak)"
)


# A credential handed over in a sentence after its name: a word that links a name to its value ("is",
# "was", "reset to", and the same words in other languages: `lautet`, `ist`, `naar`, `è`, `est`, `es`,
# `är` …), maybe an adverb ("now", "übrigens"), then the value: bare up to the sentence's punctuation
# and a blank, or in backticks, quotes, bold or an HTML element of code (`is <code>…</code>`).
_HANDOVER: Final = (
    rb"(?x)"
    rb"""[ \t](?i:is|was|are|were|to|ist|lautet|lauten|hei(?:\xc3\x9f|\\{1,3}u00df)t|est|es|\xc3[\xa8\xa9]
      |\\{1,3}u00e[89]|naar|wordt|auf|(?:\xc3\xa4|\\{1,3}u00e4)r|er|jest|=)
    [ \t]+(?:(?i:now|still|just|also|simply|currently|temporarily|(?:\xc3\xbc|\\{1,3}u00fc)brigens|jetzt|nun
      |noch|nu|ora|ahora|agora|maintenant|d(?:\xc3\xa9|\\{1,3}u00e9)sormais|teraz)[ \t]+)?
    (?:(?P<q>\\{0,3}["'`]|\*\*)(?P<quoted>[^\s"'`\\*]{6,200})(?P=q)
    |<(?P<tag>code|kbd|tt|samp)>(?P<tagged>[^<>\s]{6,200})<\\{0,3}/(?P=tag)>
    |(?P<bare>[^\s"'`\\<>]{6,200})(?=[\s"'\\]|$)
    |(?P<element>(?=\\{0,3}"[ \t]*\})))"""
)
# A URL whose slashes are JSON-escaped (`:\/\/host\/path`, also escaped once more), to its end; and
# each escaped slash in it.
_ESCAPED_URL: Final = rb""":(?:\\{1,7}/){2}(?:\\{1,7}/|[^\s"'<>`\\])+"""
_SLASH_ESCAPE: Final = rb"\\{1,7}/"
# `user / password`: the password after the slash, bare or in backticks, quotes or an HTML element of
# code, up to a blank, the sentence's punctuation, a quote or a tag; the user right before the slash.
_SLASH_PAIR_VALUE: Final = (
    rb"""(?x)[ ]/[ ](?:(?P<q>`|\\{0,3}["'])(?P<quoted>[^\s"'`\\]{6,200})(?P=q)"""
    rb"""|<(?P<tag>code|kbd|tt)>(?P<tagged>[^<>\s]{6,200})<\\{0,3}/(?P=tag)>"""
    rb"""|(?P<bare>[^\s"'`\\<>]{6,200}))"""
)
_SLASH_PAIR_USER: Final = (
    # (a Windows account after its domain or the machine's dot: `CORP\svc_sql`, `.\Administrator`)
    rb"""(?:^|(?<=[\s(>:`"']))(?:`|<code>)?(?:[A-Za-z0-9_.\-]{1,64}\\{1,4})?(?P<user>[A-Za-z0-9_.@$\-]{2,64})(?:`|</code>|\\{0,3}["'])?\Z"""
)
# Words that say a line is about logging in (lower-cased).
_LOGIN_CUE: Final = (
    rb"admin|root|login|log[ \-]in|logon|sign[ \-]?in|user|account|credential|creds|passw|pw\b|wi-?fi|wlan"
    rb"|ssid|connect|robot"
)
# How many lines above a `user / password` line are read for the list's other logins.
_LOGIN_LIST_LINES: Final = 6
# The words between a secret's name and the word that links it to its value: one sentence (no full
# stop before a blank), no code (quotes, `$`, `=`, brackets); code spans and escaped letters allowed.
_SENTENCE_WORDS: Final = (
    rb"""(?:[^"'`|$=<>{}\[\]\n\\.!?;]++|[.!?](?![ \t\n\\])|(?<=[A-Za-z])(?:`|\*{1,2})(?=[ \t]|\Z)"""
    rb"""|`[^`\n\\]{1,40}`|\\{1,3}u[0-9a-fA-F]{4}|(?<=[A-Za-z])'(?=[A-Za-z]))*+"""
)
# Not a credential though it may follow "is": an id (a UUID, a ticket's key), a date or a time.
_NOT_HANDED_OVER: Final = (
    r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[A-Z][A-Z0-9]{1,9}-[0-9]{1,7}"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+(?:Z|[+\-][0-9:]+)?)?"
)


def _handed_over(data: bytes, keyword: int, end: int) -> tuple[int, int] | None:
    """Where a credential handed over in a sentence after the name keyword at *keyword* is
    (_HANDOVER), up to *end*: one that looks generated and holds a digit, or (after a password's
    name) a passphrase or a password as people make them (a digit and a symbol). The last answer is
    kept: _announcement() asks, then _Scan._announced() asks again for the span."""
    last = _LAST_HANDED[0]
    if last is not None and last[0] is data and last[1] == keyword and last[2] == end:
        return last[3]
    found = _find_handed_over(data, keyword, end)
    _LAST_HANDED[0] = (data, keyword, end, found)
    return found


_LAST_HANDED: list[tuple[bytes, int, int, tuple[int, int] | None] | None] = [None]


def _find_handed_over(data: bytes, keyword: int, end: int) -> tuple[int, int] | None:
    # (a variable's last word, `DB_PASSWORD to …`, `SECRET_KEY to …`: the variable is the name,
    # checked once a linking word and a value may follow)
    variable = keyword and data[keyword - 1] == 0x5F
    if keyword and not variable and data[keyword - 1 : keyword].isalnum():
        return None  # the end of a longer word (`monkey`)
    ceiling = min(end, keyword + 160)
    if not data[keyword:ceiling].translate(None, _PROSE_BYTES):
        return None  # letters and a sentence's punctuation alone: nothing a credential could be
    if _rx[_WORD_THEN_BLANK].match(data, keyword) is None:
        return None  # code right after the name (`key\\" do`, `Key });`), no sentence
    window = data[keyword : min(ceiling, keyword + 100)].lower()
    words = window.split()
    present = _LINK_WORDS.intersection(words)
    if not present:
        return None  # no word that links a name to its value (a set test in C before any search)
    for index, word in enumerate(words[:-1]):
        if word in present:
            after = words[index + 1]
            if after in _LINK_ADVERBS and index + 2 < len(words):
                after = words[index + 2]
            if not after.isalpha() and (len(after) >= 6 or after[:1] in _ELEMENT_ENDS):
                break  # a word that may be a value (or the end of a rich text element) after it
    else:
        return None
    if variable and _rx[_VARIABLE_HEAD].search(data, max(0, keyword - 64), keyword) is None:
        return None
    # where those words are, after a blank (found with `find`: the regex tried at every blank costs more)
    candidates = []
    for word in present:
        at = window.find(b" " + word + b" ")
        while at != -1:
            candidates.append(at)
            at = window.find(b" " + word + b" ", at + 1)
    password = None
    for at in sorted(candidates):
        link = _rx[_HANDOVER].match(data, keyword + at, ceiling)
        if link is None:
            continue
        if password is None:
            password = _password_word(data, keyword)
        if _rx[_SENTENCE_WORDS].match(data, keyword, link.start()).end() != link.start():
            return None  # another sentence, or code, before the word
        if _rx[_LATER_KEYWORD].search(data, keyword + 2, link.start()) is not None or _describes(
            data, keyword, link.start()
        ):
            return None  # a later name's value, or something about the secret (`key fingerprint is`)
        if link.group("element") is not None:
            # rich text: the value is the next element's text (see _Scan._next_element())
            found = _rx[_NEXT_ELEMENT].match(data, link.end())
            if found is not None and _handed_value(
                found.group("value").decode("utf-8", "replace"), password=password
            ):
                return found.span("value")
            continue
        group = "quoted" if link.group("quoted") is not None else "tagged" if link.group("tagged") else "bare"
        start, stop = link.span(group)
        if group == "bare":
            while data[stop - 1] in _SENTENCE_END and stop - start > 6:
                stop -= 1  # the sentence's punctuation after the value (`… naar Xy7!kL. Wil je`)
        if _handed_value(data[start:stop].decode("utf-8", "replace"), password=password):
            if _in_one_string(data, keyword, stop, (1, 0))[0]:
                return start, stop
            return None  # the line goes on in another JSON string
    return None


@lru_cache(maxsize=1024)
def _handed_value(text: str, *, password: bool) -> bool:
    """Whether *text*, handed over in prose as a credential, is one: it looks generated and holds a
    digit, or (where a password is meant, *password*) it is a passphrase or a password as people
    make them (a digit and a symbol); never an id, a date, a file's name or the name of a secret."""
    if (
        _rx[_NOT_HANDED_OVER].fullmatch(text)
        or _file_path(text)
        or _rx[_FILE_NAME].fullmatch(text)
        or _names_a_secret(text)
    ):
        return False
    if _rx[_HEX_SECRET].fullmatch(text):
        return True  # a key in hex (32 digits or more), which may read as words
    return bool(credential_like(text) and _rx[_DIGIT].search(text)) or (
        password
        and (
            _passphrase(text)
            or bool(_lenient(text) and _rx[_DIGIT].search(text) and _rx[_HUMAN_SYMBOL].search(text))
            or _rx[_JOINED_WORDS_AND_NUMBER].fullmatch(text) is not None
        )
    )


_SENTENCE_END: Final = frozenset(b".,;:)")
_ASIDE_OPENS: Final = (b'"', b"'", b"`", b"\\", b" ", b"\t")
# Letters, blanks and a sentence's punctuation: what prose holds besides a credential.
_PROSE_BYTES: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz \t.,;:'\"()?"
# The words of _HANDOVER's second group (adverbs), and the quotes that may end an element.
_LINK_ADVERBS: Final = frozenset(
    b"now still just also simply currently temporarily \xc3\xbcbrigens jetzt nun noch nu ora ahora agora "
    b"maintenant d\xc3\xa9sormais teraz".split()
)
_ELEMENT_ENDS: Final = (b'"', b"\\")
# The words of _HANDOVER's first group, lower-cased, as words (also JSON-escaped).
_LINK_WORDS: Final = frozenset(
    b"is was are were to ist lautet lauten hei\xc3\x9ft est es \xc3\xa8 \xc3\xa9 naar wordt auf \xc3\xa4r er "
    rb"jest = hei\u00dft \u00e8 \u00e9 \u00e4r hei\\u00dft \\u00e8 \\u00e9 \\u00e4r".split()
)
# A word of letters (also of other scripts, JSON-escaped) and a blank: how a sentence goes on.
# The words of a variable's name before its last one, from a blank or a line's start (`DB_`,
# `AWS_SECRET_ACCESS_`): in upper or in lower case, one case throughout.
_VARIABLE_HEAD: Final = (
    rb"(?:(?<![A-Za-z0-9_\\])|(?<=\\[nt]))(?:(?:[A-Z][A-Z0-9]*_){1,4}|(?:[a-z][a-z0-9]*_){1,4})\Z"
)
_WORD_THEN_BLANK: Final = rb"(?:[A-Za-z\x80-\xff\-]|\\{1,3}u[0-9a-fA-F]{4})*(?:`|\*{1,2})?[ \t]"
_HUMAN_SYMBOL: Final = r"[^A-Za-z0-9\-_./]"
# Words joined by a hyphen, an underscore or a dot and a number at the end: a password as people
# (and password generators' "memorable" modes) make them (`violet-hammer3487`, `saffron_lantern4352`).
_JOINED_WORDS_AND_NUMBER: Final = r"[A-Za-z][a-z]{2,}(?:[\-_.][A-Za-z][a-z]{2,})+[0-9]{2,}"


# A value a tool's help or documentation shows as an example: right after "e.g." or "for example" on
# its line (maybe after an option or a name: `e.g. --token …`, `for example API_KEY=…`), or on an
# indented line under an "Examples:" heading, as help texts print their examples.
_EXAMPLE_CUE: Final = (
    rb"(?i)"
    rb"(?:\be\.g\.|\bfor (?:example|instance)|\bexample:|\bsuch as)[ \t]*[:,]?[ \t]+"
    rb"(?:--?[A-Za-z][A-Za-z0-9\-]*[ =]|[A-Za-z_][A-Za-z0-9_]*=)?\\{0,3}[\"'`(]?$"
)
_EXAMPLES_HEADING: Final = rb"(?i)" rb"(?:examples?|example usage|usage examples?)[ \t]*:?[ \t\r]*"
_EXAMPLE_LINES: Final = 15


def _shown_as_example(data: bytes, start: int) -> bool:
    """Whether the value at *start* is shown as an example (see ``_EXAMPLE_CUE``)."""
    line_start, _ = _line_around(data, start)
    if _rx[_EXAMPLE_CUE].search(data, max(line_start, start - 80), start) is not None:
        return True
    if data[line_start : line_start + 1] not in (b" ", b"\t"):
        return False
    position = line_start
    for _ in range(_EXAMPLE_LINES):
        end = _previous_line_end(data, position)
        if end == -1:
            return False
        position, _ = _line_around(data, end)
        begin = _content_start(data, position, end)  # the heading may open an agent log's string
        if begin < end and data[begin : begin + 1] not in (b" ", b"\t", b"\r"):
            return _rx[_EXAMPLES_HEADING].fullmatch(data, begin, end) is not None
    return False


def _describes(data: bytes, keyword: int, separator: int) -> bool:
    """Whether the words from *keyword* to the ``:`` or ``is`` at *separator* name something about
    a secret rather than the secret: ``key fingerprint is …``, ``token id: …``."""
    words = data[keyword:separator].split()
    # (the name's own word and the one after it: `token id:`, `key fingerprint is`; not a word further
    # on, in a phrase of its own: `pw after the reset:`)
    for word in words[:2]:
        parts = name_parts(word.decode("ascii", "replace"))
        if parts and parts[-1] in rules.EXCLUDED_LAST:
            return True
    return False


def _pair_name_at(low: bytes, start: int, end: int) -> int:
    """Where the name holding the name keyword at *start*..*end* starts when it is the string of a
    JSON object's ``"name"`` (or ``"key"``) member, whose ``"value"`` member holds what it names;
    -1 if not."""
    quote = low.rfind(b'"', max(0, start - 64), start)
    if quote < 4:
        return -1
    member = low[max(0, quote - 16) : quote]  # `"name": ` before the quote opening the name
    if b"name" not in member and b"key" not in member:
        return -1
    close = low.find(b'"', end, end + 64)
    if close == -1 or low[close + 1 : close + 2] == b":":
        return -1  # no string, or a member's name
    before = _rx[_PAIR_NAME_BEFORE].search(low, max(0, quote - 16), start)
    return -1 if before is None else before.start("name")


def _typed_secret_at(low: bytes, anchor: bytes, start: int, end: int) -> bool:
    """Whether the name keyword *anchor* at *start*..*end* is the value of a JSON ``"type"`` member:
    Postman's ``"type": "secret"``, an API's ``"type": "credential"``, which say the object's
    ``value`` (or ``data``) is one; a credential's ``"type": "password"`` (Keycloak's users)."""
    if anchor == b"cred":
        if not low.startswith(b"credential", start):
            return False
        end = start + (11 if low[start + 10 : start + 11] == b"s" else 10)
    elif anchor == b"pass":
        if not low.startswith(b"password", start):
            return False
        end = start + 8
    elif anchor != b"secret":
        return False
    return (
        low[end : end + 1] in _QUOTE_AFTER
        and _rx[_TYPE_BEFORE].search(low, max(0, start - 16), start) is not None
    )


def _anchor_may_find(role: int, anchor: bytes, data: bytes, low: bytes, start: int, end: int) -> bool:
    """The check keywords() makes at a context anchor (other than a name keyword) before it can
    report anything there (a superset: passing it may still find nothing)."""
    if role in (_SHADOW, _ENCRYPTED_AT):
        return False  # a ciphertext block only takes findings away
    if role == _URL:
        return _url_interesting(low, start)
    if role == _BEARER_AT:
        return _rx[_BEARER].match(data, start) is not None
    if role == _KIND_AT:
        return _rx[_KIND_SECRET].match(low, start) is not None
    if role == _COOKIE_AT:
        return (
            _rx[_COOKIE_HEADER].match(low, start) is not None
            or _rx[_COOKIE_SETTER].match(data, start) is not None
            or _named_cookie(data, low, start) is not None
        )
    if role == _CURL_AT:
        return _curl_command(low, start)
    if role == _PAT_AT:
        return _rx[_PAT_VARIABLE].match(data, start) is not None  # not `$PATH`
    if role == _MARKER_AT:
        return low.startswith((b"[redacted:aws_access_key_id]", *_TWILIO_MARKERS), start)
    if role == _SLASH_PAIR:
        return _rx[_SLASH_PAIR_VALUE].match(data, start) is not None  # `user / password`, not `a / b`
    if role in (_WRITE_AT, _SENDTO_AT):
        return _rx[_WRITTEN].match(low, start) is not None  # strace's line, not `f.write(…)`
    if role == _COMPARE_AT:
        return _rx[_COMPARE_NAME].search(low, max(0, start - 20), end) is not None
    if role == _CLIENT:
        word = _rx[_COMMAND_NAME].match(low, start)
        return _command_word(low, start, 0) and word is not None and word.group() in _CLIENTS
    if role == _PRINTER and anchor != b"echo ":
        printer = _printer(anchor)
        if printer.pattern:
            line_start, line_end = _line_around(low, start)
            return printer.search(low, line_start, line_end) is not None
    return True  # the rest is rare or cheap enough: always a full scan


_FIREBASE_KEY_NAME: Final = rules.FIREBASE_KEY_NAME.encode()
_FIREBASE_CONFIG_MEMBERS: Final = rules.FIREBASE_CONFIG_MEMBERS.encode()


def _firebase_config_key(data: bytes, start: int) -> bool:
    """Whether the Google API key at *start* is Firebase's app config, public by design: named for
    Firebase, or the ``apiKey`` of a config holding Firebase's other members (rules.FIREBASE_KEY_NAME)."""
    named = _rx[_FIREBASE_KEY_NAME].search(data, max(0, start - 100), start)
    if named is None:
        return False
    if named.group("firebase") is not None:
        return True
    reach = rules.FIREBASE_CONFIG_REACH
    return _rx[_FIREBASE_CONFIG_MEMBERS].search(data, max(0, start - reach), start + reach) is not None
