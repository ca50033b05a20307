"""The patterns of context secrets: what may follow a secret name (separators, quotes, literals, lists,
cells, tags), client command lines, URLs with credentials, cookies, armoured blocks, Kubernetes data,
prose, and the anchor tables that lead the scan to each (``_NAME_KEYWORDS``, ``_FIXED_ANCHORS`` and
the rest).
"""

from __future__ import annotations

import binascii
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Final

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.compiled import _rx
from autopilot.plugins.redact.values import _strong, _wordy, credential_like, is_placeholder
from autopilot.plugins.redact.words import name_parts

# One word alone after a name and the blanks that align a listing's columns, to the line's end.
_ALIGNED_VALUE: Final = (
    rb"""[A-Za-z0-9_\-]{0,48}+(?:[ ]{2,}|\t|\\{1,3}t)[ \t]*(?P<value>[^\s"'`\\]{8,500})[ \t\r]*"""
    rb"""(?:\\{1,3}r)?(?:$|(?=\\{1,3}["']|"(?:[,}\]]|$)))"""
)

# An `&` inside a bare value, not one that starts the next parameter of a query (`&next=`), an
# entity (`&amp;`, `&lt;`, `&#38;`: markup's rules read those), a shell's operator (`&&`, `&>`, a
# blank after it) nor Ruby's safe navigation (`credentials.stripe&.webhook_secret`): a libpq
# conninfo's or a properties file's password may hold it (`password=S@turn&7985`).
_AMPERSAND_IN_VALUE: Final = rb"&(?![&>.\s]|\#?[A-Za-z0-9]{2,8};|[A-Za-z0-9_.\-\[\]%]*=)"
# After a secret name: an optional closing quote, a separator, then a quoted or bare value (after a
# literal's prefix: Python's `b"…"`, SQL's `N'…'`, Objective-C's and C#'s `@"…"`, Erlang's binary
# `<<"…">>`, C's and C++'s `L"…"`, `u8"…"`).
_AFTER_NAME: Final = (
    rb"(?x)"
    rb"""(?P<q1>\\{0,7}["'`])?(?P<bracket>\])?(?P<paren>\))?(?P<array>\[[0-9]{0,4}\])?
    (?:\*{1,2}(?=:))?(?P<sp1>[ \t]*)
    (?P<sep>::=|:=|\?=|\+=|=>|=(?![=~])|:(?![:/]|\\(?!\\{0,6}"))|>|,|\|\||\?\?|or(?=[ \t])|\{
      |<<?-|->|to(?<=[ \t]to)(?=[ \t]))?
    (?P<sp2>(?:(?<=:)\*{1,2}(?=[ \t]))?[ \t]*)
    (?P<opening>\((?=[ \t]*(?:\r?\n|\\{1,3}n)?[ \t]*\\{0,3}["'])(?:[ \t]|\r?\n|\\{1,3}n)*)?
    (?:(?:[fbrFBR]{0,2}|[nNeE]|\$(?=')|@(?=\\{0,3}")|<<(?=\\{0,3}")|u8|[LuU](?=\\{0,3}"))
      (?P<q2>(?:\\{0,3}"){3}|(?:\\{0,3}'){3}|\\{0,7}["'`])(?P<quoted>[^\n]{0,2000}?)(?P=q2)
      |(?P<bare>(?:%(amp)s)?%(c)s{1,2000}+(?:%(amp)s%(c)s{0,2000}+){0,16}+))"""
    % {b"c": rb"""[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\]""", b"amp": _AMPERSAND_IN_VALUE}
)
# A value changed, as a summary of edits or a plan prints it: the old value, quoted or bare, then an
# arrow (the new value is read after it as after any separator).
_CHANGED_VALUE: Final = (
    rb"""(?:\\{0,7}["'`])?[ \t]*[:=][ \t]*"""
    rb"""(?:\\{0,3}"[^"\n\\]{0,200}\\{0,3}"|'[^'\n]{0,200}'|[^\s"'`]{1,200})"""
    rb"""(?=[ \t]+->[ \t]+\\{0,3}["'])"""
)
# An answer in chat after a colon: a word of 16 characters or more, maybe in backticks, then a blank,
# the sentence's punctuation or the line's end.
_ANSWER: Final = (
    rb"""(?x):[ \t]+(?P<q>`?)(?P<value>[^\s`"'\\<>]{16,200}?)(?P=q)[.,;!?)]?(?=\s|$|\\{1,3}[nrt"])"""
)
# A value in an HTML element of inline code after a secret name and a separator (`Password:
# <code>…</code>`, as wikis and Confluence write it; the closing tag's slash may be JSON-escaped).
_TAGGED_VALUE: Final = (
    rb"""(?:\\{0,7}["'`]|\*{1,2})?[ \t]*[:=][ \t]*"""
    rb"""(?:(?:\*{1,2}[ \t]*|</(?:strong|b|em|span)>[ \t]*)?"""
    rb"""<(?P<tag>code|kbd|tt|samp)>(?P<value>[^<>\s]{1,500})<\\{0,3}/(?P=tag)>"""
    rb"""|</(?:strong|b|em|span)>[ \t]*(?P<bare>[^<>\s"'`\\]{1,500})"""
    rb"""(?=<|[ \t]*\r?$|[ \t]*\r?\n|[ \t]*\\{1,3}[nr]))"""
)
# The end of a rich text element (its JSON string and object) and the text of the next one in its block.
_NEXT_ELEMENT: Final = (
    rb"""(?x)\\{0,3}"[ \t]*\}[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*\{[^{}]{0,200}?"""
    rb"""\\{0,3}"text\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^"\\\s]{1,200})\\{0,3}["]"""
)
# After a label closed by HTML tags: the next cell of the row, or the text after a colon; the value
# alone in its element (maybe in inline code), up to the next tag.
_HTML_VALUE: Final = rb"""(?x)[ \t]*(?:</(?:p|strong|b|em|span)>[ \t]*)*
    (?:</t[dh]>(?:[ \t\r\n]|\\{1,3}[nrt])*<td(?:[ \t][^<>]{0,80})?>|:)[ \t]*
    (?:<(?:p|strong|b|span|code|kbd|tt)(?:[ \t][^<>]{0,40})?>[ \t]*)*
    (?P<value>[^<>\s"'`\\]{1,200})[ \t]*(?=<|\r?$|\r?\n|\\{1,3}[nr])"""
# A list after a secret name (`"api_keys": [`, `TOKENS = [`), and each string in it (JSON, YAML's
# flow sequences, Python, escaped once or more; items on lines of their own).
_ARRAY_OPENING: Final = rb"""(?:\\{0,7}["'])?[ \t]*(?::|=|:=)[ \t]*\[(?!\])"""
# A list as a call's first argument (`app->secrets([`).
_CALL_LIST_OPENING: Final = rb"""\([ \t]*\[(?!\])"""
_ARRAY_ITEM: Final = (
    rb"""(?:[ \t\r\n,]|\\{1,3}[nrt])*+"""
    rb"""(?:(?P<q>\\{0,7}["'])(?P<quoted>[^"'\\\n]{1,2000})(?P=q)"""
    rb"""|(?P<bare>[A-Za-z0-9+/=_\-.~]{16,2000})(?=[ \t]*[,\]]))"""
)
# An argv list's element after a secret-named one (`["--token", "…"]`, `"Args": ["--requirepass",\n
# "…"]`, `new WebSocket(url, ["token", "…"])`): the closing quote, a comma, blanks or line breaks
# (also escaped), then the next quoted element.
_ARGV_NEXT: Final = (
    rb"""\\{0,7}["'][ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*+"""
    rb"""(?P<q>\\{0,7}["'])(?P<value>[^"'\\\n]{1,2000})(?P=q)"""
)
# What opens an argv list or separates its elements before a quoted element (`[`, `, `).
_ARGV_BEFORE: Final = rb"""(?:\[|,)(?:[ \t\r\n]|\\{1,3}[nrt])*\\{0,7}["']\Z"""
# What an interactive shell prints for an expression: its mark (IPython's `Out[4]:`, gdb's `$2 =`,
# irb's `=>`, Redis's `2)`, Scala's `res0: String =`), then a string or a word alone on its line.
_EVALUATED_VALUE: Final = (
    rb"""(?x)[ \t]*(?:Out\[[0-9]{1,5}\]:[ \t]*|\$[0-9]{1,5}[ \t]*==?>?[ \t]*|=>[ \t]*|[0-9]{1,3}\)[ \t]*"""
    rb"""|res[0-9]{1,4}:[ \t]*[A-Za-z.\[\]]{1,40}[ \t]*=[ \t]*)?"""
    rb"""(?:[bu]?(?P<q>\\{0,3}["'])(?P<quoted>[^\s"'\\]{6,4096})(?P=q)|(?P<value>[^\s"'\\]{6,4096}))"""
    rb"""[ \t\r]*(?:\\r)?(?=$|\\{1,3}[nr]|\\{0,3}["'](?:[,}\]]|$))"""
)
# A cell of a CSV row: quoted (also JSON-escaped) or bare, up to the comma after it.
_CSV_CELL: Final = rb"""(?P<q>\\{0,3}")[^"\n]*?(?P=q)(?=,|\r|\\r|\Z)|[^,\r\n"]*(?=,|\r|\\r|\Z)"""
# A line of a file as grep prints it after the file's name: its number, then a word (a user) and
# the value, or the value alone, to the line's end.
_GREPPED_LINE: Final = (
    rb"""[0-9]{1,7}:(?:[A-Za-z0-9_.@\-]{1,64}[ \t]+)?(?P<value>[^\s"'`\\]{6,500})[ \t]*"""
    rb"""(?=\r|\n|\\{1,3}[nr]|\\{0,3}["'](?:[,}\]]|\Z)|\Z)"""
)
# Where a bare value may go on: an XML entity, or a quote escaped in the string holding it, then
# more of the value (see _BARE_TAIL).
_TAIL_STARTS: Final = frozenset(b"&\\")
_BARE_TAIL: Final = (
    rb"""(?:(?:&(?:lt|gt|amp|quot|apos|\#[0-9]{1,5});|\\{1,7}["'](?=[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\])"""
    # a backslash escaped in the string around it (C's `"… password=L\\3c…"`), not `\\n`
    rb"""|(?:\\\\){1,4}(?=[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\nrtu]))"""
    rb"""[^\s\x00-\x1f\x7f"'`,;&|<>(){}\[\]\\]*)+"""
)
# An indented line that opens a JSON string (one of a list of lines).
_LINE_STRING: Final = rb'[ \t]+\\{0,3}"'
# The end of one JSON string and the start of the next in a list of lines (a notebook's output).
_STRING_ROW: Final = rb'\\{0,3}"[ \t]*,[ \t]*(?:\r?\n|\\{1,3}(?:r\\{1,3})?n)[ \t]*\\{0,3}"'
# A string echoed into `base64 -d` (`echo '…' | base64 -d`, `printf %s …`).
_ECHO_BASE64: Final = (
    rb"""(?:echo|printf[ \t]+%s)[ \t]+(?:-n[ \t]+)?(?P<q>\\{0,3}["']?)"""
    rb"""(?P<value>[A-Za-z0-9+/]{12,4096}={0,2})(?P=q)[ \t]*\|[ \t]*\Z"""
)
# A YAML list's item that is an option (`- --password`), and the next item, its value.
_YAML_ITEM_BEFORE: Final = rb"""(?:^|\n|\\{1,3}n|\xe2\x86\x92|\\{1,3}u2192)[ \t]*-[ \t]+(?:\\{0,3}["'])?\Z"""
_YAML_NEXT_ITEM: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*\r?(?:\n|\\{1,3}n)"""
    rb"""(?:[ \t]*[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192))?[ \t]*-[ \t]+"""
    rb"""(?P<q>\\{0,3}["']?)(?P<value>[^\s"'\\]{1,2000})(?P=q)[ \t]*\r?(?=\n|\\{1,3}[nr]|\Z)"""
)
# JCL: a DD statement with data in stream (`//INPUT    DD *`), in a step that runs FTP, and the
# login line the FTP client reads first (a user, then the password).
_JCL_DD: Final = rb"[ \t]*//[A-Za-z0-9#@$]{1,8}[ \t]+DD[ \t]+\*"
_JCL_FTP: Final = rb"pgm=ftp\b"
_JCL_LOGIN: Final = rb"[ \t]*[A-Za-z0-9_.@#$\-]{1,64}[ \t]+(?P<value>[^\s\\]{4,200})[ \t]*\r?\Z"
# An argument of auditd's EXECVE record: `a2="…"` (quoted, also JSON-escaped).
_EXECVE_ARG: Final = rb'[ \t]a[0-9]{1,4}=\\{0,3}"(?P<value>[^"\\\n]{1,2000})\\{0,3}"'
# Options giving a user and its password as `user:password` (curl, wget, and many clients).
_USER_OPTIONS: Final = frozenset((b"-u", b"--user", b"-U", b"--proxy-user"))
# A password quoted in parentheses a few words after its name, in prose: `the password in .env
# ("…") contains a character that …`.
_QUOTED_ASIDE: Final = (
    rb"""[A-Za-z0-9_\-]{0,48}+[ \t]+[^\n"'()]{0,40}+\([ \t]*"""
    rb"""(?P<q>\\{0,3}["'`])(?P<value>[^\s"'`\\]{6,200})(?P=q)[ \t]*\)"""
)
# A literal made into bytes or a secret type before it is assigned (Go, Node, Rust, .NET, Python, Java),
# or into the source text a bundler inlines (webpack's `DefinePlugin` and Vite's `define`:
# `__ADMIN_KEY__: JSON.stringify('…')`).
_WRAPPED_LITERAL: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*(?::=|=(?![=>~])|:)[ \t]*"""
    rb"""(?:\[\]byte|\[\]rune|bytes|bytearray|Buffer\.from|String::from|Secret(?:String|Str|Bytes)?(?:::new)?|JSON\.stringify"""
    rb"""|(?:[A-Za-z_]+\.)*GetBytes|atob|new[ \t]+SecretKeySpec|SecretBox::new|Some)\([ \t]*"""
    rb"""[fbrFBR]{0,2}(?P<q>\\{0,3}["'`])(?P<value>[^"'`\n\\]{1,2000})(?P=q)"""
)
# An HTTP header's name: capitalised words joined by hyphens (`X-API-Key`, `Private-Token`).
_HEADER_NAME: Final = rb"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+"
_BLANKS_OR_QUOTE: Final = (b" ", b"\t", b'"', b"'")
_LDIF_BASE64: Final = (
    rb""":: (?P<value>[A-Za-z0-9+/]{8,4096}={0,2})(?=[ \t\r]*(?:\n|\\{1,3}[nr]|$|\\{0,3}"(?:[,}\]]|$)))"""
)
# PHP's dumps of an array or object after a secret name: var_dump's `["password"]=>` and, on the
# next line, `string(20) "…"`; print_r's `[password] => …` (unquoted, to the line's end).
_PHP_DUMPED: Final = (
    rb"(?x)"
    rb"""(?:\\{0,3}")?\][ \t]*=>[ \t]*
    (?:(?:\r?\n|\\{1,3}n)[ \t]*string\([0-9]{1,6}\)[ \t]*(?P<q>\\{0,3}")(?P<quoted>[^"\n\\]{1,2000})(?P=q)
      |(?P<bare>[^\s\\][^\n\\]{0,2000}?)[ \t\r]*(?=\r?\n|\\{1,3}[nr]|$))"""
)
# What print_r prints for a nested array or object, not a value.
_DUMPED_STRUCTURE: Final = r"^(?:Array|[A-Za-z_\\]+ Object)$"
# An Authorization value made of a scheme's literal and the credential's, joined by code.
_AUTH_BUILT: Final = (
    rb"""(?:\\{0,3}["'`])?[ \t]*(?:[:=]|=>|,)[ \t]*(?:(?:new[ \t]+)?[A-Za-z_][A-Za-z0-9_.:]{0,40}\([ \t]*)?"""
    rb"""(?P<q>\\{0,3}["'])(?i:bearer|basic|token|apikey|api-key)(?:[ \t]|%s)*(?P=q)"""
    rb"""[ \t]*(?:,|\+|\.\.|\.|&|<>|\|\|)[ \t]*"""
    rb"""(?P<r>\\{0,3}["'])(?P<value>[A-Za-z0-9._~+/=\-]{12,500})(?P=r)"""
)
_AUTH_VALUE: Final = (
    rb"(?xi)"
    rb"""(?P<q1>\\{0,3}["'`])?[ \t]*[:=][ \t]*(?:[fbrFBR]{0,2}(?P<q2>\\{0,3}["'`]))?[ \t]*
    (?:(?P<scheme>bearer|basic|token|digest|negotiate|ntlm|apikey|api-key|key|sso-key|otp
      |aws4-hmac-sha256)[ \t]+)?
    (?P<value>[^\s\x00-\x1f"'`\\,;][^\x00-\x1f"'`\\]{0,2000})"""
)
_BEARER: Final = rb"(?i)" rb"bearer[ \t]+(?P<value>[A-Za-z0-9._~+/=\-]{12,})"
# (a password may hold a raw `#`, which URLs reserve for a fragment: `https://admin:Xy#z@host`)
# (a password may hold the raw `#` and `?` that URLs reserve, `Xy#z`, `Ocean3276?`; a port and a
# query or fragment after it are none, `localhost:3000?next=a@b`, `host:8080#top@x`)
_URL_CREDENTIALS: Final = (
    rb"://(?P<user>[^\s\x00-\x1f:/?#@\"'<>\\`]*):"
    # not a port before a query or a fragment's word, nor an empty password (`user:@host`; a password may
    # start with `@` when another `@` ends it: `postgres://app:@utumn-722@db`)
    rb"(?![0-9]{2,5}[?#][a-z_\-]*@|@(?![^\s\x00-\x1f/?#\"'<>\\`]*@))"
    rb"(?P<pw>[^\s\x00-\x1f/?#\"'<>\\`]*(?:\?[^\s\x00-\x1f/?#\"'<>\\`=&]*|\#[^\s\x00-\x1f/?#\"'<>\\`]*)*)@"
)
_URL_END: Final = rb"[^\s\"'<>\\`]*"
# A signed URL's signature after its credential's parameter, also in a later string literal of a
# URL written in pieces (`"&X-Amz-Credential=…"` then `"&X-Amz-Signature=…"`).
_SIGNATURE_AFTER: Final = rb"(?i:[?&]x-(?:amz|goog)-signature=)(?P<value>[0-9a-fA-F]{16,1024})(?![0-9A-Za-z])"
_SIGNED_CREDENTIALS: Final = frozenset((b"x-amz-credential", b"x-goog-credential"))
# A query parameter that providers name for their API key with no secret word in it (OpenWeather's
# `appid`): rules.QUERY_KEY_PARAMETERS, a generated value only.
_URL_QUERY_KEY: Final = (
    rb"[?&](?:"
    + b"|".join(re.escape(name.encode()) for name in sorted(rules.QUERY_KEY_PARAMETERS))
    + rb")=(?P<value>[A-Za-z0-9_\-.~]{16,512})(?=[&#\s\"'<>\\`]|\Z)"
)
# A URL's password in base64 (`https://KEY:SECRET@pkc-….confluent.cloud`), its `/` and `+` unencoded
# as people paste it: after a user of a key's shape, up to the `@` before a host.
# A base64 password (`/` and `+` in it, which the URL should have percent-encoded) between a user
# and a host (`rediss://default:AbC/dE+f=@host`, `cloudinary://123:abc/def=@cloud`); not a port
# and a path (`https://host:8080/path@x`).
_URL_BASE64_PASSWORD: Final = (
    rb"://(?P<user>[A-Za-z0-9_.\-]{1,128}):(?!\d{2,5}/)(?P<pw>[A-Za-z0-9+/]{16,512}={0,2})"
    rb"@[a-z0-9][a-z0-9\-]*(?=[.:/\s\"'\\]|$)"
)
_URL_SIGNATURE: Final = (
    # (GitHub Actions' signed log URLs: `&urlSignature=…`; percent-encoded once or twice inside
    # another parameter, as a Service Bus SAS in `?SharedAccessSignature=…%26sig%3D…%26se%3D…`:
    # matched on the lower-cased text)
    rb"(?:[?&]|%26|%3f|%2526|%253f)"
    rb"(?:sig|signature|urlsignature|x-amz-signature|x-goog-signature|x-amz-security-token)"
    rb"(?:=|%3d|%253d)(?P<value>(?:[^&#\s\"'<>\\`%]|%(?!26|2526))+)"
)


@cache
def _webhook_request_paths() -> tuple[tuple[re.Pattern[bytes], str], ...]:
    return tuple((re.compile(pattern.encode()), kind) for _, pattern, kind in rules.WEBHOOK_REQUEST_PATHS)


@cache
def _webhooks() -> tuple[tuple[bytes, re.Pattern[bytes], str], ...]:
    return tuple(
        (needle.encode(), re.compile(pattern.encode()), kind) for needle, pattern, kind in rules.WEBHOOKS
    )


# The END line of an armoured secret: a private key, an OpenVPN static key, a NATS nkey seed.
_PEM_END: Final = (
    rb"-----END[ A-Z0-9]*(?:PRIVATE KEY(?: BLOCK)?|(?i:OpenVPN Static key V[0-9])|NKEY SEED)-{5,}"
)
# The BEGIN line's labels of armoured secrets other than private keys, lower-cased (their anchors).
_ARMOURED_SECRETS: Final = (b"static key v", b"nkey seed")
_PEM_BODY: Final = rb"(?:[A-Za-z0-9+/=\s:,\-\\]|\\n)*"
# A body elided in documentation (`"private_key": "-----BEGIN PRIVATE KEY-----\\n..."`): an ellipsis
# alone between the BEGIN line and the END line, the string's end or the text's.
_PEM_ELIDED: Final = (
    rb"(?:[ \t\r\n]|\\{1,7}[nr])*(?:\.{3}|\xe2\x80\xa6|\\{1,7}u2026)(?:[ \t\r\n]|\\{1,7}[nr])*"
    rb"(?:-----END|\\{0,7}[\"'`]|\Z)"
)
# The words of a BEGIN line's label before the anchor (`rsa private `, `openvpn s`), lower-cased.
_PEM_LABEL: Final = rb"[ a-z0-9]*"
_KIND_SECRET: Final = rb"kind[\"'\\]*[ \t]*:[ \t]*[\"'\\]*secret(?![a-z])"
# A block or an object of ciphertext made to be committed (rules.CIPHERTEXT_BLOCKS): a name alone
# on its line (YAML) or before a JSON object, never a secret.
_CIPHERTEXT_BLOCK: Final = rb"(?m)" + (
    rb"(?:"
    + b"|".join(re.escape(name.encode()) for name in rules.CIPHERTEXT_BLOCKS)
    + rb")[\"'\\]*[ \t]*:[ \t]*(?:(?P<json>\\{0,3}\{)|(?=\r?$|\\{1,3}[nr]))"
)
# `data:` alone on its line (also on a line of JSON-escaped text, once or twice).
_K8S_YAML_DATA: Final = rb"(?m)(?:^|(?<=\\n))(?P<indent>[ \t]*)(?:data|stringdata):[ \t]*(?=\r?$|\\{1,3}[nr])"
_K8S_YAML_ITEM: Final = (
    rb"[ \t]+(?:\\{0,3}\"(?P<qkey>[^\"\n\\]*)\\{0,3}\"|'[^'\n]*'|(?P<key>[A-Za-z0-9_.\-]+))[ \t]*:[ \t]*"
    rb"(?P<value>\S[^\n]*?)[ \t\r]*$"
)
_K8S_JSON_DATA: Final = rb"\"(?:data|stringdata)\"[ \t]*:[ \t]*\{"
_K8S_JSON_ITEM: Final = rb"\"(?P<key>[^\"\n]*)\"[ \t]*:[ \t]*\"(?P<value>[^\"\n]*)\""
# A URL that holds no credential: no user, no query, a path of words (an Argo CD repository's `url`).
_PLAIN_URL: Final = (
    r"(?:https?|ssh|git|oci)://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?P<path>/[A-Za-z0-9_.~/\-]*)?"
    r"|git@[A-Za-z0-9.\-]+:[A-Za-z0-9_.~/\-]+"
)


# A URL with a user and a password (`postgres://app:…@db/app`): in a Secret's `stringData` the URL
# rules judge it, as anywhere (its password goes, a placeholder's `user:password@host` stays).
_CREDENTIAL_URL: Final = rb"""(?:\\{0,3}["'])?[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@"'\\]*:[^\s/?#"'\\]+@[^\s"'\\]*(?:\\{0,3}["'])?"""


# The armour that starts a certificate or a public key: an item of a Secret holding one (`ca.crt`,
# `cosign.pub`) holds no secret.
_PUBLIC_ARMOUR: Final = tuple(
    b"-----BEGIN " + label + b"-----"
    for label in (b"CERTIFICATE", b"PUBLIC KEY", b"RSA PUBLIC KEY", b"PGP PUBLIC KEY BLOCK", b"X509 CRL")
)
# A digest in hex (`sha256:` before it, or its bytes apart by colons, as fingerprints are shown).
_HEX_DIGEST: Final = rb"(?i)(?:sha[0-9]{0,3}:)?[0-9a-f]{2}(?::?[0-9a-f]{2}){15,63}[ \t\r\n]*"


def _public_secret_item(key: bytes | None, value: bytes, encoded: bool) -> bool:
    """Whether an item of a Kubernetes Secret is no credential: a certificate or a public key, a
    digest named so (`fingerprint`), or one of the settings beside its credential that
    rules.SECRET_MANIFEST_SETTINGS names (an Argo CD repository's `type: git`, `project: default`,
    a `url` without user, query or random path): plain words, or such a URL; base64 in `data:`.
    Also a URL with credentials in `stringData`, which the URL rules judge."""
    if not encoded and _rx[_CREDENTIAL_URL].fullmatch(value) is not None:
        return True
    if encoded:
        try:
            value = binascii.a2b_base64(value.strip(b"\"'"))
        except (binascii.Error, ValueError):
            return False
    if value.lstrip().startswith(_PUBLIC_ARMOUR):
        return b"PRIVATE" not in value  # (not a bundle holding the private key too: HAProxy's `tls.pem`)
    name = key.decode("utf-8", "replace").lower() if key is not None else ""
    parts = name_parts(name)
    if parts and parts[-1] in rules.EXCLUDED_LAST and _rx[_HEX_DIGEST].fullmatch(value) is not None:
        return True  # `fingerprint`, `checksum`: a digest, public
    if name not in rules.SECRET_MANIFEST_SETTINGS:
        return False
    text = value.decode("utf-8", "replace").strip("\"'")
    if not text or len(text) > 300:
        return False
    url = _rx[_PLAIN_URL].fullmatch(text)
    if url is not None:
        return all(_wordy(part) or part.isdigit() for part in (url.group("path") or "").split("/") if part)
    return text.lower() in ("true", "false") or (_wordy(text) and not _strong(text))


# After a name keyword: the rest of the name, an optional closing quote (and bracket) and a separator;
# or blanks and a value (a flag such as --api-key VALUE, or a directive such as "requirepass VALUE").
# Only such hits can hold a value, so the many "tokens", "keyboard" or "token." hits cost one match in C.
# The rest of the name (up to 48 characters) is read without backtracking but for its last character:
# only "or" (a fallback) starts with a name character, and it needs a blank after it, so no earlier
# position inside the name can start a separator. The lookahead lists the bytes any group can start
# with (keep it in step with them): most hits (inside base64) fail there without trying each group.
_NAME_SHAPE: Final = (
    rb"(?x)"
    rb"""[a-z0-9_\-]{0,47}+[a-z0-9_\-]?(?=[\\"'`\[\])( \t:?+=>,|o{<\r\n\xe2%*]
      |\.[a-z_][a-z0-9_]{0,30}\([^()\n]{0,60}\)[ \t]*[-=]>)
    (?:(?P<sep>(?:\\{0,7}["'`]|\*{1,2}(?=:))?\]?\)?[ \t]*
      (?::=|::=|::(?=[ \t])|\?=|\+=|=>|=(?!=)|:(?![:/]|\\(?!\\{0,6}"))|>
      |,(?=[ \t]*(?:\r?\n[ \t]*|\\{1,3}n[ \t]*)?(?:<<|@)?\\{0,3}["'`])
      |(?:<<?-|->|to(?<=[ \t]to)[ \t])(?=[ \t]*\\{0,3}["'])
      |(?:\|\||\?\?|or[ \t]|\{)(?=[ \t]*[fbrFBR]{0,2}\\{0,3}["'`])|\[[0-9]{0,4}\][ \t]*=(?!=)))
    |(?P<pair>(?:\\{0,3}["'])?[ \t]*(?:,|\r?\n|\\{1,3}r\\{1,3}n|\\{1,3}n)[ \t]*(?:-[ \t]*)?
      (?:\\{0,3}["'])?(?:(?:string_)?value|example)(?:\\{0,3}["'])?[ \t]*:
      |\\{0,3}["'][ \t]+value[ \t]*=)
    |(?P<call>\([ \t]*(?:\[[ \t]*|(?:[a-z_][a-z0-9_]*\.){0,3}getbytes\([ \t]*|value[ \t]*=[ \t]*)?
      [fbr]{0,2}\\{0,3}["'`])
    |(?P<getter>(?:\.[a-z_][a-z0-9_]{0,30}\([^()\n]{0,60}\)[ \t]*[-=]>|\([^()\n]{0,60}\)[ \t]*
        (?:(?:(?::|->)[ \t]*[a-z_][a-z0-9_<>?\[\]., ]{0,40}?[ \t]*)?(?:=|\{)|->)
      |(?:\(\))?,[ \t]*do:)[ \t]*(?:return[ \t]+)?(?:@|<<)?\\{0,3}["'`])
    |(?P<csv>(?:,[a-z0-9_.\-]{1,64}){0,30}\r?(?:\n|\\{1,3}n))
    |(?P<xml>[ \t]+[a-z_][a-z0-9_:.\-]*=\\{0,3}["'][^<>\n]{0,300}?>|</key>)
    |(?P<space>(?:\\{0,3}["'`])?[ \t]+[^\s])
    |(?P<block>(?:\\{0,3}["'])?[ \t]*:[ \t]*(?:[|>][-+1-9]{0,2}[ \t]*)?(?:\\{1,3}r)?\\{1,3}n)
    |(?P<pct>%(?:25)?3d)
    |(?P<table>(?:\\{0,3}")?[ \t]*(?:\|(?!\|)|\\{1,3}t|\xe2\x94|\\{1,3}u25[0-3]|\r?\n|\\{1,3}n))
    |(?P<html></(?:p|strong|b|em|span|th|td)>))"""
)
# An email address and a slash before `token:` (Zendesk's API login, `agent@example.com/token:…`).
_AGENT_BEFORE: Final = rb"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})+/\Z"
# Flags take their value after a space: --password VALUE, --api-key VALUE.
_FLAG: Final = rb"--[a-z0-9\-]{0,48}?(?:pass|pwd|secret|token|key|auth|cred)[a-z0-9\-]{0,48}[ \t]+[^\s-]"
# A value after a secret name and blanks ("requirepass VALUE", "password VALUE" in .netrc, "AUTH
# VALUE"): quoted, or a word of 6 or more characters holding a digit or punctuation; a comma or a
# semicolon only inside the word (``Xy;fb>D#``), not at its end (``password abc, then``).
_SPACED_VALUE: Final = (
    rb"(?x:"
    + (
        rb"""(?:\\{0,3}["'`])?[ \t]+
      (?:@?(?P<q>\\{0,3}["'`])(?P<quoted>[^\s"'`\\\x00][^"'`\n\\\x00]{2,500})(?P=q)
      |(?P<bare>(?=%(c)s{6}|%(c)s{1,5}[,;]%(c)s)
        (?=%(c)s{0,80}?(?:[0-9!@#%%^*+=~/?_\-]|[.,;](?=%(c)s)))
        [^\s\x00-\x1f\-<>(\[{}\]$%%"'`](?:%(c)s++|[,;](?=%(c)s)){0,500}+(?!(?<==)\\{0,3}["'])))"""
        % {b"c": rb"""[^\s\x00-\x1f"'`\\,;]"""}
    )
    + rb")"
)
# The rest of a name, maybe a word such as "PLAIN", then a spaced value: the first check for a name
# keyword before blanks, and what _spaced() looks for.
_SPACED_AT: Final = rb"(?x)" + (
    rb"[A-Za-z0-9_\-]{0,48}+(?:"
    # a type between the name and the literal assigned to it, without a colon: Bicep's `param
    # adminPassword string = '…'`, Go's `var apiToken string = "…"`, SQL's `DECLARE @password
    # NVARCHAR(100) = N'…'`, Visual Basic's `Dim password As String = "…"`
    # (and COBOL's `01 WS-DB-PASSWORD PIC X(16) VALUE '…'.`)
    rb"""[ \t]+(?:(?i:as[ \t]+)?(?i:string|securestring|str|\[\]byte|n?varchar(?:\([0-9a-z]{1,4}\))?|text)"""
    rb"""[ \t]*=[ \t]*[nN]?|(?i:pic(?:ture)?[ \t]+[xa9]+(?:\([0-9]{1,4}\))?[ \t]+value(?:[ \t]+is)?)[ \t]+)"""
    rb"""(?P<tq>\\{0,3}["'`])(?P<typed>[^"'`\n\\]{1,2000})(?P=tq)"""
    # Terraform's `variable "db_password" {`: its default is the value (see _Scan._spaced())
    rb"""|(?P<block>\\{0,3}"[ \t]*\{)"""
    # (and where a setting came from, as an agent's status prints it: `DD_APP_KEY (env): …`)
    rb"|(?:[ \t]+(?i:plain|login|xoauth2|cram-md5|default|is|was|="
    rb"|\((?:env|environment|file|config|default)\):)(?=[ \t]))?"
    # Redis MONITOR quotes each argument: `"AUTH" "user" "…"`, the user before the password
    rb"""(?:\\{0,3}"[ \t]+\\{0,3}"[A-Za-z0-9_.@\-]{1,64}(?=\\{0,3}"[ \t]+\\{0,3}"))?(?:"""
    + _SPACED_VALUE
    + rb"))"
)
# Words that sit between a name and its value in prose and protocols ("AUTH PLAIN …").

# A line that announces a credential on the next line ("Please use the following password to proceed
# to installation:", "Password for the elastic user (reset with …):"), or at its end after a colon
# ("A temporary password is generated for root@localhost: VALUE").

# A credential at the end of a line announcing it ("A temporary password is generated for
# root@localhost: VALUE", "the staging password is VALUE"). Each branch starts with its byte (the
# word's start is checked behind it), so that a search skips to those bytes in C instead of trying
# every position.
_ANNOUNCED_TAIL: Final = (
    rb"""(?::|is(?<=\bis)|was(?<=\bwas))[ \t]+(?P<value>[^\s"'`\\,]{6,500})"""
    rb"""[ \t.]*(?:\([^()\n\\]{0,80}\)[ \t.]*)?"""
    rb"""(?:$|(?=\\{0,3}["'](?:[,}\]]|$)))"""
)
# The same after a full-width colon (U+FF1A), which ends a label of CJK prose with no blank after it,
# or an ideographic space (U+3000), also JSON-escaped: looked for only where the line holds one.
_ANNOUNCED_CJK_TAIL: Final = (
    rb"""(?:\xef\xbc\x9a|\\{1,2}uff1a|\xe3\x80\x80|\\{1,2}u3000)[ \t]*(?P<value>[^\s"'`\\,]{6,500})"""
    rb"""[ \t.]*(?:\([^()\n\\]{0,80}\)[ \t.]*)?"""
    rb"""(?:$|(?=\\{0,3}["'](?:[,}\]]|$)))"""
)
_CJK_LABEL_ENDS: Final = (b"\xef\xbc\x9a", b"\xe3\x80\x80", b"uff1a", b"u3000")
# A time in seconds since the epoch, maybe with its fraction (`1768278158.907`, a listing's date),
# alone in its cell (maybe the last of a JSON string).
_TIMESTAMP_CELL: Final = r"1[0-9]{9}(?:\.[0-9]{1,9})?(?![^\s\"\\])"
# A lone `key=` field of a log line and its value, to a blank, the line's end or a JSON string's.
_LOGGED_KEY: Final = rb"=(?P<value>[A-Za-z0-9_\-]{16,128})(?=[ \t\r\n\\\"]|$)"
# A label naming an identifier right before an announced value (`… a new token was issued. Incident
# ID: …`, `Ticket #: …`, `Case number: …`): the value is that identifier.
_ID_LABEL: Final = rb"(?<![a-z0-9_])(?:id|ids|number|no\.?|ref|#)[ \t]*:[ \t]*\Z"
# What _ANNOUNCED_TAIL needs in a line at all: one search, where `b":" in tail or …` would raise and
# clear a TypeError inside Python for each `in` before searching.
_ANNOUNCING_MARK: Final = rb":| is | was "
# A line announcing a credential without a colon ("New API token generated"), then one word alone.

# Where a JSON string ends in the middle of a line: a quote not escaped, then `,`, `}` or `]`. Each
# branch starts with its byte (the check for a backslash before it comes after), so that a search
# skips to the quotes and backslashes in C instead of trying every position.
_JSON_STRING_END: Final = rb'(?:\\(?<!\\\\)"|"(?<!\\"))[ \t]*[,}\]]'
_VALUE_WORD: Final = rb"""[^\s"'`\\,]{6,500}"""
# A sum of money or a share, maybe ending a sentence (`usage during that window: $0.12.`): no password.
_AMOUNT: Final = rb"(?:\$|\xe2\x82\xac|\xc2[\xa3\xa5])[0-9][0-9.,]*\.?|[0-9][0-9.,]*(?:%|\xe2\x82\xac)\.?"
# One word alone on a line (an announced credential, or a command's output).

# A cookie header ("Cookie:", "Set-Cookie:", "cookie": "…" in JSON, cookie=…): up to its first pair.
# Also a HAR header, a name/value pair: {"name": "cookie", "value": "…"}; and a HAR list of cookies.
_COOKIE_HEADER: Final = (
    rb"(?x)"
    rb"""cookie(?:(?:\\{0,3}["'`])?[ \t]*[:=][ \t]*(?:\\{0,3}["'`])?
    |\\{0,3}"[ \t]*,[ \t]*\\{0,3}"value\\{0,3}"[ \t]*:[ \t]*\\{0,3}"
    |(?P<list>s\\{0,3}"[ \t]*:[ \t]*\[))"""
)
# A cookie set in code: a call given its name and value (`cookies.set("sid", "…")`, `set_cookie(…)`,
# `res.cookie('sid', '…')`, `new Cookie("JSESSIONID", "…")`), or an object holding both
# (`add_cookie({"name": "sid", "value": "…"})`, `http.Cookie{Name: "sid", Value: "…"}`).
_COOKIE_SETTER: Final = (
    rb"(?x)"
    rb"""(?i:cookies?)(?:[A-Za-z_]{0,12}\.(?:[A-Za-z_]{1,12}))?[ \t]*
    (?:\([ \t]*(?P<q>\\{0,3}["'])(?P<name1>[^"'\\\n]{1,128})(?P=q)[ \t]*,[ \t]*
        (?P<q2>\\{0,3}["'])(?P<value1>[^"'\\\n]{1,4096})(?P=q2)
      |[({][^\n{}]{0,40}?\{?[ \t]*
        \\{0,3}["']?(?i:name)\\{0,3}["']?[ \t]*[:=][ \t]*
        (?P<q3>\\{0,3}["'])(?P<name2>[^"'\\\n]{1,128})(?P=q3)[ \t]*,[ \t]*
        \\{0,3}["']?(?i:value)\\{0,3}["']?[ \t]*[:=][ \t]*
        (?P<q4>\\{0,3}["'])(?P<value2>[^"'\\\n]{1,4096})(?P=q4))"""
)
# One cookie of a HAR list or Playwright's storageState.json: {"name": "session", "value": "…", …},
# on one line or pretty-printed, escaped or not.
_HAR_COOKIE: Final = (
    rb"(?x)"
    rb"""(?:[ \t\r\n,]|\\{1,3}[nrt])*
    \{(?:[ \t\r\n]|\\{1,3}[nrt])*\\{0,3}"name\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<name>[^"\\\n]{1,128})\\{0,3}"
    [ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*
    \\{0,3}"value\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^"\\\n]{0,4096})\\{0,3}"
    [^{}\]]{0,1000}\}"""
)
# One name=value pair of a cookie header, and the "; " before the next one.
_COOKIE_PAIR: Final = (
    rb"""[ \t]*(?P<name>[^=;\s"'`\\,]{1,128})=(?P<value>[^;\s"'`\\,]{0,4096})[ \t]*(?P<more>;)?"""
)
# A cookie of Ruby's http-cookie gem saved as YAML (`- !ruby/object:HTTP::Cookie`, then `name:` and
# `value:` on the lines below): Mechanize's `cookies.yml`, fastlane's `FASTLANE_SESSION` (its lines
# joined by a literal `\n`, as `fastlane spaceauth` prints it).
_RUBY_COOKIE: Final = (
    rb"""(?:[ \t]*(?:\r?\n|\\{1,7}n))[ \t]*name:[ \t]*(?P<name>[^\s\\"']{1,128})"""
    rb"""[ \t]*(?:\r?\n|\\{1,7}n)[ \t]*value:[ \t]*(?P<value>[^\s\\"']{1,4096})"""
)
# A cookie given bare, with no name (openconnect's and NetworkManager's VPN `cookie`, AnyConnect's
# session as `--cookie` takes it): a generated value alone up to the quote or the line's end.
_BARE_COOKIE: Final = (
    rb"""[ \t]*(?P<value>[A-Za-z0-9+/_\-.%]{16,4096})(?=\\{0,3}["'`]|[ \t\r]*(?:\n|$|\\{1,3}[nr]))"""
)
# Set-Cookie attributes: never a secret.
# A cookie that is a shared secret: the last word of a longer name (`erlang_cookie`, `RELEASE_COOKIE`,
# a Helm chart's `erlangCookie`) or Erlang's `-setcookie` option, given a generated value (20
# capitals, as Erlang makes them, or random-looking characters).
_NAMED_COOKIE: Final = (
    rb"""(?i:cookie)(?:(?:\\{0,3}["'`])?[ \t]*[:=]|[ \t])[ \t]*(?:\\{0,3}["'`])?"""
    rb"""(?P<value>[A-Za-z0-9+/_.\-]{16,256})(?![A-Za-z0-9+/_.\-=(\[])"""
)
_ERLANG_COOKIE: Final = r"[A-Z0-9]{20}"


def _named_cookie(data: bytes, low: bytes, start: int) -> re.Match[bytes] | None:
    """The value of a secret cookie named at *start* (see _NAMED_COOKIE), or None."""
    if not start or not (
        low[start - 1] in b"_-."
        or low[max(0, start - 4) : start] == b"-set"
        or (data[start] == 0x43 and 0x61 <= data[start - 1] <= 0x7A)  # camelCase: `erlangCookie`
    ):
        return None
    match = _rx[_NAMED_COOKIE].match(data, start)
    if match is None or (data.startswith((b" ", b"\t"), start + 6) and low[start - 1] != 0x74):
        return None  # blanks separate a value only after `-setcookie`
    value = match.group("value").decode("ascii")
    return match if credential_like(value) or _rx[_ERLANG_COOKIE].fullmatch(value) else None


# A field of a Go struct printed with `%v` (no name): a word between blanks, braces or brackets.
_GO_POSITIONAL_FIELD: Final = rb"(?:(?<=[{ \[]))(?P<value>[A-Za-z0-9_\-+/=.]{20,512})(?=[ }\]])"

# What expect or pexpect sends: a string, its `\r` or `\n` (escaped once or more) not part of it.
_EXPECT_SEND: Final = (
    rb"""(?i:sending|sendline|send)(?:[ \t]+--)?[ \t]*\(?[ \t]*[bru]?(?P<q>\\{0,3}["'])"""
    rb"""(?P<value>[^"'\\\s]{1,500})(?:\\{1,7}[rn])?(?P=q)"""
)
_CREDENTIAL_PROMPTS: Final = tuple(
    word.encode() for word in (*rules.CREDENTIAL_PROMPTS, *rules.FOREIGN_CREDENTIAL_PROMPTS) if word.isascii()
)
# (the words of other scripts also as JSON escapes them once or twice, lower-cased: `\u043f\u0430…`)
_FOREIGN_CREDENTIAL_PROMPTS: Final = tuple(
    {
        "".join(c if c.isascii() or not escape else f"{escape}u{ord(c):04x}" for c in word).encode()
        for word in rules.FOREIGN_CREDENTIAL_PROMPTS
        if not word.isascii()
        for escape in ("", "\\", "\\\\")
    }
)
_PROMPT_REACH: Final = 400  # bytes back from a send to the prompt it answers


# A session cookie's value after its name: `=`, `:`, `=>` or a tab (cookies.txt), quoted or not.
_SESSION_COOKIE_VALUE: Final = (
    rb"""(?:\\{0,3}["'])?(?:[ \t]*(?:=>|[:=])[ \t]*|\t|\\{1,3}t"""
    # a browser's cookie export or storage state, the value a few members after the name
    # (`{"name": "connect.sid", "path": "/", "value": "…"}`)
    rb"""|(?:[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*\\{0,3}["'][A-Za-z]{1,20}\\{0,3}["'][ \t]*:[ \t]*"""
    rb"""(?:\\{0,3}"[^"\\\n]{0,200}\\{0,3}"|[A-Za-z0-9.\-]{1,20})){0,8}"""
    rb"""[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*\\{0,3}["']value\\{0,3}["'][ \t]*:[ \t]*)(?:\\{0,3}["'])?"""
    rb"""(?P<value>[A-Za-z0-9%._~+/=:\-]{16,4096})(?![A-Za-z0-9%._~+/=:\-(\[])"""
)
_COOKIE_NAME_BYTES: Final = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_.-")
_KEY_QUOTES: Final = frozenset(b"\"'\\")
_SESSION_COOKIE_NAME: Final = rules.SESSION_COOKIES.encode()
_COOKIE_ATTRIBUTES: Final = frozenset(
    [
        b"path",
        b"domain",
        b"expires",
        b"max-age",
        b"samesite",
        b"secure",
        b"httponly",
        b"priority",
        b"partitioned",
    ]
)
# Cookie names that say the value is a credential: even a short value goes.
_SECRET_COOKIE: Final = (
    rb"(?i)" rb"sess|sid|token|auth|jwt|csrf|xsrf|remember|login|key|secret|pass|identity|connect"
)


@cache
def _public_cookies() -> re.Pattern[bytes]:
    return re.compile(rules.PUBLIC_COOKIES.encode())


def _public_cookie(name: bytes) -> bool:
    """Whether a cookie called *name* holds an analytics id or a preference (rules.PUBLIC_COOKIES)."""
    return _public_cookies().fullmatch(name.lower()) is not None


_NAME_CHARS: Final = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_-")
_BLANKS: Final = (b" ", b"\t")
_BLANKS_B: Final = frozenset(b" \t")
# curl's flags that carry credentials; the literal "-" first lets the regex engine skip ahead quickly.
_CURL_FLAG: Final = rb"-(?:-user|-proxy-user|-cookie|[uUb])"
_COOKIE_FLAGS: Final = (b"-b", b"--cookie")
_BEFORE_FLAG: Final = frozenset(b" \t\"'")
# -u/--user and -U/--proxy-user USER:PASSWORD (quoted, also JSON-escaped, or bare; or only the
# password quoted, `-u ops:'…'`, as a shell joins the two).
_CURL_USER: Final = (
    rb"(?x)"
    rb"""(?:-u|--user|-U|--proxy-user)(?:[ \t]+|=)?
    (?:\\{0,3}"[^"\n:\\]*:(?P<dq>[^"\n\\]+)\\{0,3}"
      |\\{0,3}'[^'\n:\\]*:(?P<sq>[^'\n\\]+)\\{0,3}'
      |(?:[^\s:"'`\-\\][^\s:"'`\\]*)?:(?P<bare>[^\s"'`\\]+)
      |[^\s:"'`\-\\][^\s:"'`\\]*:(?:(?P<pe>\\{0,3})"(?P<pdq>[^"\n\\]+)(?P=pe)"|'(?P<psq>[^'\n\\]+)'))"""
)
# -b/--cookie 'name=value; …' (a file name has no "=").
_CURL_COOKIE: Final = rb"""(?:-b|--cookie)(?:[ \t]+|=)(?:\\{0,3}["'])?"""
# After "://": only credentials, webhooks (by host or by path) and signed query strings need a closer
# look (_url_interesting()).
_URL_INTERESTING: Final = (
    rb"://(?:[^\s/@\"'<>\\`]*+@|[a-z0-9_.\-]{1,128}:[a-z0-9+/]{16,512}={0,2}@|(?:[a-z0-9\-]++\.)*(?:"
    + b"|".join(re.escape(host.encode()) for host in rules.WEBHOOK_HOSTS)
    + rb")/|[^\s\"'<>\\`?]*+\?[^\s\"'<>\\`]*?(?:(?:sig|signature|security-token)(?:=|%3d|%253d)|(?<=[?&])(?:"
    + b"|".join(re.escape(name.encode()) for name in sorted(rules.QUERY_KEY_PARAMETERS))
    + rb")=))"
)
_WEBHOOK_PATHS: Final = tuple(path.encode() for path in rules.WEBHOOK_PATHS)
# A webhook's path within the first 200 bytes of the URL.
_URL_WEBHOOK_PATH: Final = (
    rb"://[^\s\"'<>\\`?#]{0,200}?(?:" + b"|".join(re.escape(path) for path in _WEBHOOK_PATHS) + rb")"
)
_WEBHOOK_PATH_REACH: Final = 3 + 200 + max(map(len, _WEBHOOK_PATHS))
_WEBHOOK_PATH_NEAR: Final = b"|".join(re.escape(path) for path in _WEBHOOK_PATHS)


def _url_interesting(low: bytes, start: int) -> bool:
    """Whether the URL at the "://" at *start* needs a closer look: credentials, a webhook or a
    signature. The search for a webhook's path, costly in the regex engine, is made only if one
    of the paths is within its reach."""
    if _rx[_URL_INTERESTING].match(low, start) is not None:
        return True
    return (
        _rx[_WEBHOOK_PATH_NEAR].search(low, start + 3, start + _WEBHOOK_PATH_REACH) is not None
        and _rx[_URL_WEBHOOK_PATH].match(low, start) is not None
    )


# A Sentry DSN's user is its public key (Sentry documents it as safe to expose): 32 hex digits
# before a Sentry host, or before any host with a project number as the whole path.
_SENTRY_DSN: Final = (
    rb"[0-9a-f]{32}@(?:(?:[a-z0-9\-]+\.)*sentry(?:\.[a-z0-9\-]+)+(?::[0-9]+)?/"
    rb"|[a-z0-9.\-]+(?::[0-9]+)?/[0-9]+(?![^\s\"'<>\\`]))"
)
# A token given as the user of a URL, without a password: ``https://TOKEN@github.com/…``.
_HOST_AND_COMMA: Final = rb"(?:[a-z0-9\-]+\.)+[a-z]{2,24}(?::[0-9]{1,5})?,"
_URL_TOKEN_USER: Final = rb"://(?P<user>[^\s\x00-\x1f:/?#@\"'<>\\`]{20,})@"
# A credential file's header in a comment, its columns' names apart by tabs or two blanks (pppd's
# chap-secrets and pap-secrets: `# client  server  secret  IP addresses`): the names before the
# secret's, and each cell of a row below it (quoted, also JSON-escaped, or a word).
_COMMENTED_HEADER: Final = (
    rb"[ \t]*#[ \t]*"
    rb"(?P<names>(?:[A-Za-z][A-Za-z0-9_\-]{0,30}(?:\t|\\{1,3}t|[ ]{2})(?:[ \t]|\\{1,3}t)*){1,8})\Z"
)
_HEADER_NAME_END: Final = rb"(?:\t|[ ]{2}|\\{1,3}[tnr]|\r|$)"
_ROW_CELL: Final = (
    rb'(?:[ \t]|\\{1,3}t)*(?:(?P<q>\\{0,3}")(?P<quoted>[^"\\\n]{0,500})(?P=q)'
    rb'|(?P<bare>(?:[^\s\\]|\\(?!\\{0,2}[tnr"]))+))'
)
# An SNMP target's community as its URL's user (`snmp://COMMUNITY@host`), of any length.
_URL_COMMUNITY: Final = rb"://(?P<user>[^\s\x00-\x1f:/?#@\"'<>\\`]{1,200})@"
# A credential after an option of a command-line client: quoted (also JSON-escaped) or bare.
_VALUE_AT: Final = (
    # `-p$'…'`: bash's ANSI-C quoting, where `\'` does not end the string
    rb"""(?:(?P<dq>\\{0,3}")(?P<v1>[^"\n\\]{1,500})(?P=dq)"""
    rb"""|(?P<ansi>\$)?'(?P<v2>(?(ansi)(?:[^'\\\n]|\\{1,4}[^\\\n])|[^'\n]){1,500})'"""
    # (an `&` glued inside a word ends no command: a password holding one, `net use … p&ss`)
    rb"""|(?P<v3>[^\s"'`\\|;&<>()]{1,500}(?:&(?![&>])[^\s"'`\\|;&<>()]{1,500})*))"""
)
# A header of a STOMP frame: `name:value` alone on its line.
_FRAME_LINE: Final = rb"[a-z][a-z\-]{1,30}:[^\s:]{1,200}\r?"
_FRAME_HEADER: Final = rb"\r?(?:\n|\\{1,3}n)"
_ESCAPE_BEFORE: Final = rb"%(?:25)?[0-9A-Fa-f]{2}"
# The value of a parameter inside a percent-encoded URL, to its encoded `&` (`%26`, `%2526`).
_ENCODED_VALUE: Final = (
    rb"%(?:25)?3[dD](?P<value>(?:[A-Za-z0-9._~+\-]|%(?!(?:25)?26)(?:25)?[0-9A-Fa-f]{2}){8,2000})"
)
_XML_TEXT: Final = rb"[^<>\n\\]{1,2000}(?=</)"
_POINTED_STRING: Final = rb' (?P<q>\\{0,3}")(?P<value>[^"\n\\]{1,2000})(?P=q)'
_ANSI_C_BODY: Final = rb"(?:[^'\\\n]|\\{1,4}[^\\\n]){1,2000}(?=')"
_ARG_PATTERN: Final = r"""(?:\\{0,3}"[^"\n\\]*\\{0,3}"|'[^'\n]*'|[^\s"'`\\|;&]+)"""


@dataclass(frozen=True, slots=True)
class _Client:
    options: tuple[
        str, ...
    ]  # patterns (compiled by _option() on first use), each ends where a credential starts
    subcommand: frozenset[bytes]
    kind: str


def _clients() -> dict[bytes, tuple[_Client, ...]]:
    """Each command word of :data:`rules.CLIENT_COMMANDS` and the options to look for in its
    arguments (the part of each pattern before ``{value}``)."""
    found: dict[bytes, list[_Client]] = {}
    for command in rules.CLIENT_COMMANDS:
        options = []
        for pattern in command.patterns:
            options.append(r"(?<=[ \t\"'=])" + pattern.partition("{value}")[0].replace("{arg}", _ARG_PATTERN))
        client = _Client(
            tuple(options), frozenset(word.encode() for word in command.subcommand), command.kind
        )
        for name in command.names:
            found.setdefault(name.encode(), []).append(client)
    return {name: tuple(clients) for name, clients in found.items()}


@cache
def _option(source: str) -> re.Pattern[bytes]:
    """A client's option pattern, compiled on its client's first hit (once however often shared)."""
    return re.compile(source.encode())


_CLIENTS: Final = _clients()
# The command word at a client anchor, which must be followed by a blank (or end an argv list's element).
_COMMAND_NAME: Final = rb"""[a-z0-9_.\-]+(?=[ \t]|\\{0,3}["'][ \t]*,[ \t]*\\{0,3}["'])"""


def _client_anchors() -> tuple[bytes, ...]:
    """Literals that find every client's command word: a word and its blank (``openssl ``) or a long
    two-word name alone (``redis-cli``), or the
    prefix a family of commands shares (``mysql`` for ``mysqldump``, ``ldap`` for ``ldapsearch``);
    the whole word is read and looked up at the hit."""
    families: dict[bytes, list[bytes]] = {}
    for name in sorted(_CLIENTS):
        families.setdefault(name[:4], []).append(name)
    anchors: list[bytes] = []
    for names in families.values():
        shared = names[0][
            : next((i for i, chars in enumerate(zip(*names, strict=False)) if len(set(chars)) > 1), None)
        ]
        if len(names) > 1 and len(shared) >= 4:
            anchors.append(shared)
        else:
            # (a long name of two words alone: also an argv list's element, `["CMD", "redis-cli", "-a", …]`;
            # a word alone, `security`, would find every sentence holding it)
            anchors.extend(name if _alone(name) else name + b" " for name in names)
    return tuple(anchors)


def _alone(name: bytes) -> bool:
    return len(name) >= 7 and (b"-" in name or b"_" in name)


# `echo SECRET | docker login --password-stdin`, `echo 'user:SECRET' | chpasswd`,
# `echo SECRET | npx wrangler secret put NAME`.
_ECHOED: Final = (
    rb"(?:echo|printf)[ \t]+(?:-[a-z]+[ \t]+)*(?:\\{0,3}[\"']%s(?:\\{1,2}n)?\\{0,3}[\"'][ \t]+)?"
    rb"(?:(?P<dq>\\{0,3}\")(?P<v1>[^\"\n\\]{1,500})(?P=dq)"
    rb"""|(?P<ansi>\$)?'(?P<v2>(?(ansi)(?:[^'\\\n]|\\{1,4}[^\\\n])|[^'\n]){1,500})'"""
    rb"|(?P<v3>[^\s\"'`\\|;&<>()]{1,500}))"
)
# A command that reads a credential on its standard input (after the pipe, on the same line).
_READS_CREDENTIAL: Final = (
    rb"(?:--[a-z\-]*stdin\b|--with-token|\bchpasswd\b|[ \t]login(?![A-Za-z0-9_.\-])"
    # Kerberos' kinit (a principal's password), Samba's `smbpasswd -s`
    rb"|\bkinit\b|\bsmbpasswd[ \t]+(?:-[a-z]+[ \t]+)*-[a-z]*s"
    # joining a domain (`realm join`, `adcli join --stdin-password`), a key file read from the
    # standard input (`cryptsetup luksOpen … --key-file=-`, `-d -`), `passwd --stdin`
    rb"|\brealm[ \t]+join\b|(?:--key-file[= ]|[ \t]-d[ \t]+)-(?![A-Za-z0-9_./\-])"
    rb"|\bsudo[ \t]+(?:-[A-Za-z]+[ \t]+)*?-[A-Za-z]*S(?![A-Za-z])"
    # commands that store what they read as a secret: `wrangler secret put`, `fly secrets set`,
    # `docker secret create`, `vercel env add`, `pass insert`
    rb"|[ \t]secrets?[ \t]+(?:put|set|add|create|import)(?![A-Za-z0-9_.\-])"
    rb"|[ \t]env[ \t]+add(?![A-Za-z0-9_.\-])|[ \t]pass[ \t]+(?:insert|add)(?![A-Za-z0-9_.\-])"
    # password managers that read the master password on their standard input (`keepassxc-cli show
    # …`, kpcli's, `bw unlock`, `op signin`), and tools told to read a passphrase there (OpenSSL's
    # `-passin stdin`, gpg's `--passphrase-fd 0`, `htpasswd -i`, a password file `/dev/stdin`)
    rb"|\bkeepassxc-cli\b|\bkpcli\b|\bbw[ \t]+(?:unlock|login)\b|\bop[ \t]+signin\b"
    rb"|[ \t]-pass(?:in|out)?[ \t]+stdin\b|--passphrase-fd[= \t]+0\b"
    rb"|\bhtpasswd[ \t]+(?:-[A-Za-z]+[ \t]+)*-[A-Za-z]*i|[ \t=]/dev/stdin\b)"
)
# A single-quoted string inside another, closed and opened again around an escaped quote (`bash -lc
# '… -a '\''…'\'' …'`, `'\\''` JSON-escaped), looked for on the line of a client's command or an
# echo: _scan() reads the line again with each `'\''` as the quote it stands for (its first three
# bytes dropped).
_REQUOTE: Final = rb"'\\{1,7}'(?=')"
_REQUOTE_END: Final = b"\\''"  # (the end of every form, looked for first)
# (also each echo of a subshell's, `(echo '…'; echo '…') | smbpasswd -s -a NAME`)
_ECHO_PIPE: Final = (
    _ECHOED + rb"(?:[ \t]*;[ \t]*(?:echo|printf)[ \t][^|;\n]*)*[ \t]*\)?[ \t]*\|[^|\n]*?" + _READS_CREDENTIAL
)
# `echo -n 'user:SECRET' | base64`: a credential encoded for a header or a Kubernetes secret's data
# (not one decoded, `base64 -d`).
_ECHO_TO_BASE64: Final = (
    _ECHOED + rb"[ \t]*\|[ \t]*(?:openssl[ \t]+)?base64(?![A-Za-z0-9_\-])(?![^|\n\\]*[ \t]-(?:d|D|-decode))"
)
# `--password-file <(printf '%s' 'SECRET')`: a literal given as the file of an option named for a
# credential, through a process substitution (step's `--provisioner-password-file`, `--passphrase-file`).
_ECHO_SUBSTITUTED: Final = _ECHOED + rb"[ \t]*\)"
_SECRET_FILE_OPTION_BEFORE: Final = (
    rb"(?<![A-Za-z0-9_])--?[a-z0-9_.\-]*(?:pass|secret|token|key|cred)[a-z0-9_.\-]*(?:=|[ \t]+)<\([ \t]*\Z"
)
# An askpass helper written by a heredoc (`cat > /usr/local/bin/askpass-backup <<'EOF'`, then
# `#!/bin/sh` and `echo '…'`): what it echoes is the passphrase that ssh-add, sudo or git asks for.
_ASKPASS_BEFORE: Final = (
    rb"askpass[^\s<]{0,60}[ \t]*<<-?[ \t]*(?:\\{0,3}[\"'])?[A-Za-z_]+(?:\\{0,3}[\"'])?"
    rb"(?:[ \t]*(?:\r?\n|\\{1,3}n)[^\n\\]{0,80}){1,4}(?:\r?\n|\\{1,3}n)[ \t]*(?:exec[ \t]+)?\Z"
)
# `echo SECRET > .vault_pass`: a value written into a file named for a credential.
_ECHO_TO_FILE: Final = _ECHOED + rb"[ \t]*(?i:" + rules.WRITES_CREDENTIAL_FILE.encode() + rb")"
# `set -x` prints each command of a pipeline on a line of its own, after `+`: `+ echo SECRET`, then
# `+ docker login … --password-stdin`.
_TRACED_ECHO: Final = (
    _ECHOED + rb"[ \t]*(?:\r?\n|\\{1,3}(?:r\\{1,3})?n)[ \t]*\++[ \t]+[^|\n\\]*?" + _READS_CREDENTIAL
)
_TRACE_BEFORE: Final = rb"[ \t]*\++[ \t]+\Z"
# Where a command starts on its line (the line's start, a prompt, `sudo`, after `;`, `&&`, `|`): a
# password's command there (`sudo passwd admin2`, `kpasswd ops@CORP`) takes a user, not a password.
_COMMAND_POSITION: Final = (
    rb"(?:[^\n]*?(?:[;&|(]|[$#%>][ \t]))?[ \t]*(?:sudo[ \t]+(?:-[A-Za-z]+[ \t]+)*)?(?:/usr)?(?:/s?bin/)?\Z"
)
# Its options, then a user's name (`passwd -l deploy`, `smbpasswd -a svc_backup`, `kpasswd ops@CORP`).
_USER_ARGUMENT: Final = (
    rb"(?:[ \t]+-[A-Za-z\-]+)*[ \t]+[a-z_][a-z0-9_.\-]{0,31}(?:@[A-Za-z0-9.\-]+)?"
    rb"(?=[ \t]*(?:$|[\r\n;&|)]|\\{1,3}[nr]|\\{0,3}\"))"
)
# SQL's statements about a secret as an object (DuckDB's and Snowflake's `CREATE [OR REPLACE]
# [PERSISTENT] SECRET s3_lake (…)`, `DROP SECRET IF EXISTS …`, `DESCRIBE SECRET …`): its name follows.
_SECRET_OBJECT_VERBS: Final = (b"create", b"drop", b"alter", b"describe")  # (looked for first)
_SECRET_OBJECT_BEFORE: Final = (
    rb"(?:(?<![a-z0-9_])|(?<=\\[nrt]))(?:(?:create|replace)[ \t]+(?:(?:persistent|temporary|temp)[ \t]+)?"
    rb"|(?:drop|alter|describe)[ \t]+)\Z"
)
_USER_COMMANDS: Final = frozenset((b"passwd", b"gpasswd", b"kpasswd", b"yppasswd", b"smbpasswd"))
_PRINTERS: Final = {anchor.encode(): pattern.encode() for anchor, pattern in rules.PRINTS_SECRET}
_PRINTERS.update({anchor.encode(): pattern.encode() for anchor, pattern in rules.REPL_PROMPTS})
# A field named for a password, by the selector or the locator's literal right before `.fill(` …
# (`locator('#password').fill(`, `getByLabel('Password').fill(`, `find_element(By.ID, "password").send_keys(`,
# `cy.get('input[name=password]').type(`), or as the call's first argument (`page.fill('#password', …)`).
_PASSWORD_FIELD_BEFORE: Final = rb"(?i:pass(?:word|wd|code|phrase)?|pwd)[^\"'`\n()]{0,40}[\"'`][ \t]*\)\Z"
_TYPED_VALUE: Final = (
    rb"""(?:[ \t]*(?P<q0>\\{0,3}["'`])[^"'`\n]{0,60}?(?i:pass(?:word|wd|code|phrase)?|pwd)[^"'`\n]{0,40}"""
    rb"""(?P=q0)[ \t]*,)?[ \t]*(?P<q>\\{0,3}["'`])(?P<value>[^"'`\\\n]{1,200})(?P=q)[ \t]*[,)]"""
)
# A variable of Robot Framework's table: its name in `${…}` (a list's `@{…}`, a dictionary's `&{…}`),
# maybe `=`, then its first cell (cells are apart by two blanks or more, a tab or ` | `).
_ROBOT_VARIABLE: Final = (
    rb"[ \t]*[$@&]\{(?P<name>[A-Za-z0-9_ .\-]{1,60})\}[ \t]?=?(?:[ \t]{2,}|\t|[ \t]+\|[ \t]+)"
    rb"(?P<value>(?:[^\s\\]| (?! ))+)"
)
# The rest of a jq or yq filter's path after its secret-named member (`s[0].kid` of `.keys[0].kid`).
_FILTER_PATH: Final = rb"[a-z0-9_\-]*(?:\[[^\]\n]{0,40}\]|\.[a-z_][a-z0-9_\-]*)*"
_REPL_ANCHORS: Final = frozenset(anchor.encode() for anchor, _ in rules.REPL_PROMPTS)
_BARE_REPL_PROMPT: Final = rules.BARE_REPL_PROMPT.encode()
_LISTERS: Final = tuple(anchor.encode() for anchor in rules.LISTS_SECRETS)
# A provider's name in a listing of credentials (rules.LISTED_PROVIDERS): what may stand before it
# on its line (a bullet), where its name ends (a domain's ending, a word saying which of its keys),
# and the value after it, or before it and a dash; or the `name` of a JSON object.
_PROVIDERS: Final = tuple(sorted(name.encode() for name in rules.LISTED_PROVIDERS))
_PROVIDER_BEFORE: Final = frozenset(b" \t\n\"'*-n")  # (`n`: a JSON-escaped line break)
_BULLET: Final = (
    rb"(?:\\{0,3}\"){0,2}[ \t]*(?:[-*+][ \t]+|\xe2\x80\xa2[ \t]+|\\u2022[ \t]+|[0-9]{1,2}[.)][ \t]+)?"
)
_LISTED_VALUE_CHARS: Final = rb"(?P<value>[A-Za-z0-9_\-+/=.~]{16,200})"
_PROVIDER_FIRST: Final = (
    rb"[A-Za-z0-9]+(?:\.(?:io|com|ai|dev|co|net))?(?:[ \t]+(?:prod|production|staging|dev|test|live|api))?"
    rb"[ \t]*[:=]?[ \t]+(?P<q>\\{0,3}[\"'`]?)" + _LISTED_VALUE_CHARS + rb"(?P=q)"
    rb"(?=[ \t]*(?:\(|$|\r|\\{1,3}[nr\"]|\"))"
)
_PROVIDER_LAST: Final = (
    _BULLET + rb"(?P<q>\\{0,3}[\"'`]?)" + _LISTED_VALUE_CHARS + rb"(?P=q)"
    rb"[ \t]+(?:\xe2\x80\x94|\xe2\x80\x93|\\{1,3}u201[34]|-{1,2}|:|for)[ \t]+\Z"
)
_PROVIDER_NAMED: Final = (
    rb"""(?:\\{0,3}["'])?(?:name|provider|service|vendor)(?:\\{0,3}["'])?[ \t]*[:=][ \t]*\\{0,3}["']\Z"""
)
# (the object's generic member after it, also on the next line: `name: 'cohere',\n  value: '…'`)
_PROVIDER_MEMBER: Final = (
    rb"""[a-z]*\\{0,3}["'][ \t]*,(?:[ \t]|\r?\n|\\{1,3}[nrt])*(?:\\{0,3}["'])?(?:k|v|x|val|value|data)"""
    rb"""(?:\\{0,3}["'])?[ \t]*[:=][ \t]*(?P<q>\\{0,3}["'])(?P<value>[^"'\\\s]{16,200})(?P=q)"""
)
# How many lines of a command's output _listed() looks at, and where that output ends: a prompt.
_LISTED_LINES: Final = 40
# What an interactive prompt asks, from its line's start, before a secret's name and ` > `: `Enter
# personal access token > …` (the Azure Pipelines agent's `config.cmd`), lower-cased; the line may
# start a JSON string.
_ENTER_PROMPT: Final = rb"(?:\A|\n|\\{1,3}n|\")[ \t]*enter[ \t][a-z \t\-]{0,60}\Z"
_PROMPT: Final = rb"[ \t]*(?:[$#>%]|PS [^>\n]{0,200}>|[A-Za-z]:\\{1,4}[^>\n]{0,200}>)[ \t]"
# A command line of one of the CLIs that list credentials (after a prompt, sudo or a path).
_LISTING_COMMAND: Final = (
    rb"[ \t]*(?:(?:[$#>%]|PS [^>\n]{0,200}>|[A-Za-z]:\\{1,4}[^>\n]{0,200}>)[ \t]*)?(?:sudo[ \t]+)?"
    rb"(?:[a-z0-9_.\-]*/)?(?P<cli>[a-z0-9_\-]+)[ \t]"
)
# The name a line of a listing starts with (`key1   FULL   …`, `"value": "…"`, `token_accessor  …`);
# not the start of base64 (`btqM1A8PId/4i…`, a key alone on its line) nor of a longer run.
_LINE_NAME: Final = rb"""[ \t|]*(?:\\{0,3}["'])?(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,63}+)(?![A-Za-z0-9+/])"""
# A value in a listing: 16 or more base64, hex or token characters.
# (after a JSON-escaped tab or line break, `\\t`, not from its letter: `-o tsv` output escaped)
_LISTED_VALUE: Final = (
    rb"(?:(?<![A-Za-z0-9+/=_\-.~\\])|(?<=\\[nrt]))[A-Za-z0-9+/_\-.~]{16,4096}={0,2}(?![A-Za-z0-9+/=_\-.~])"
)


@cache
def _printer(anchor: bytes) -> re.Pattern[bytes]:
    """What must be on the line of a command that prints a credential (compiled on first use)."""
    return re.compile(_PRINTERS[anchor])


# Functions that take a credential: found by the last four letters of their name and the "(",
# the whole name is read at the hit (``basicauth(`` and ``httpbasicauth(`` share ``auth(``).
_ANCHORED_SECRETS: Final = {
    anchor.encode(): tuple(rule for rule in rules.ANCHORED_SECRETS if rule.anchor == anchor)
    for anchor in dict.fromkeys(rule.anchor for rule in rules.ANCHORED_SECRETS)
}
# What may stand before an anchored secret on a line of a configuration or a command: words alone.
# (the first in lower case, as commands and configuration statements are: not `Press key 0 to …`)
_CONFIG_LINE_BEFORE: Final = (
    rb"""[ \t]*(?:\\{0,3}")?[ \t]*(?:[$#>][ \t]*)?"""
    rb"""(?:[a-z][A-Za-z0-9_.:/@\-]*[ \t]+(?:[A-Za-z0-9_.:/@\-]+[ \t]+){0,11})?\Z"""
)
# The first string of a JSON list, opened on a line (`["username … secret 0 …"`).
_LIST_STRING: Final = rb'\[[ \t]*\\{0,3}"'
# A setting's name quoted before an anchored secret (`Updated the constant 'DB_PASSWORD' in …`).
_QUOTED_NAME: Final = rb"""\\{0,3}["'](?P<name>[A-Za-z_][A-Za-z0-9_.\-]{1,63})\\{0,3}["']"""
_NOT_DEVICE_VALUES: Final = frozenset(("true", "false", "yes", "no", "null", "none", "on", "off"))
# An item of a YAML list of SNMP communities: the community alone (`- "…"`), or the item's member
# that holds it (`- name: …`, `- community: …`, `- string: …`; Ansible's network roles, NAPALM's
# and Nornir's inventories).
_COMMUNITY_ITEM: Final = (
    rb"""(?P<indent>[ \t]*)-[ \t]+(?:(?:name|community|string)[ \t]*:[ \t]*)?"""
    rb"""(?P<q>\\{0,3}["'])?(?P<value>[^\s"'\\#{}]{2,200})(?(q)(?P=q))[ \t\r]*"""
)


@cache
def _anchored_pattern(pattern: str) -> re.Pattern[bytes]:
    """An anchored secret's pattern (rules.ANCHORED_SECRETS), compiled on its anchor's first hit."""
    return re.compile(pattern.encode())


_AUTH_CALL_NAMES: Final = frozenset(name.encode() for name in rules.AUTH_CALLS)
_NAMED_AUTH_CALLS: Final = {name.encode(): spec for name, spec in rules.NAMED_AUTH_CALLS.items()}
_CALL_ANCHORS: Final = tuple(dict.fromkeys(name[-4:].encode() + b"(" for name in rules.AUTH_CALLS))
# A line's end: the end of the text or line, or the end of the JSON string holding it.
_LINE_END: Final = rb"""(?=[ \t]*(?:\r|\\r)?(?:$|\\{1,3}["']|"[,}\]]))"""
# RANCID's .cloginrc after `add password` (or `enablepassword`, `userpassword`): the devices' glob,
# then one or two passwords (a line's, then enable mode's), in braces or bare.
_CLOGINRC_VALUES: Final = (
    rb"[ \t]+[^\s\\]+[ \t]+(?P<first>\{[^{}\n\\]+\}|[^\s{}\\]+)"
    rb"(?:[ \t]+(?P<second>\{[^{}\n\\]+\}|[^\s{}\\]+))?" + _LINE_END
)
_PGPASS: Final = (
    rb"(?:(?<![^\s\"'>])|(?<=\\[nrt]))[^:\s\"'\\]+:(?:[0-9]{1,5}|\*):[^:\s]*:[^:\s]+:"
    rb"(?P<value>[^\s\"'\\]{4,})(?:" + _LINE_END + rb"|(?=\\{0,3}[\"']))"
)
# Words that read as a sentence: letters, single blanks, and an article or a preposition among them
# (which neither a generated passphrase nor a seed phrase's words hold).
_SENTENCE: Final = (
    rb"(?=.*\b(?i:the|an?|to|of|for|in|on|with|from|when|is|are|not|and)\b)"
    rb"[A-Za-z]+(?:[ ][A-Za-z'\-]+){2,}[.!]?"
)
# A .pgpass line's fields (`host:port:database:user:password`), the password maybe cut off.
_PGPASS_FIELDS: Final = rb"[^:\s]+:(?:[0-9]{1,5}|\*):[^:\s]*:[^:\s]+(?::(?P<value>\S+))?"
_USERLIST: Final = (
    rb"""[ \t]*(?P<q>\\{0,3}")[^"\s\\]+(?P=q)[ \t]+(?P=q)(?P<value>[^"\s\\]{4,})(?P=q)""" + _LINE_END
)
# (a port by its number or its service's name, `[smtp.example.net]:submission`)
_SASL_PASSWD: Final = (
    rb"\[[^\]\s]+\](?::(?:[0-9]+|submissions?|smtps?))?[ \t]+[^\s:]+:(?P<value>[^\s\"'\\]{4,})" + _LINE_END
)
# Where a JSON string starts on a line (``"content":"…``, ``"observation": "…``). (Each branch of the
# first quote starts with its byte: a search skips to a backslash or a quote instead of trying every
# position.)
_JSON_STRING_START: Final = rb'(?:\\\\{0,2}"|")[ \t]*[:,\[][ \t]*\\{0,3}"'
# `- name: DB_PASSWORD` then `value: …` (Kubernetes, ECS and compose environment lists).

_PAIR_VALUE: Final = (
    rb"(?x)"
    rb"""(?:\\{0,3}["'])?[ \t]*
    (?:(?:,|\r?\n|\\{1,3}r\\{1,3}n|\\{1,3}n)[ \t]*(?:-[ \t]*)?
      (?P<k>\\{0,3}["']?)(?:(?:string_)?value|params|(?P<example>example))(?P=k)[ \t]*:
      |[ \t]+value[ \t]*=)[ \t]*
    (?:(?P<q>\\{0,3}["'])(?P<quoted>[^"'\n\\]{1,2000})(?P=q)|(?P<bare>[^\s"'\\,}]{1,2000}))"""
)
# A CSV file's header: two or more names apart by commas.
_CSV_HEADER: Final = rb"[ \t]*[A-Za-z_][A-Za-z0-9_. \-]{0,63}(?:,[A-Za-z_][A-Za-z0-9_. \-]{0,63}){1,30}\r?"
# After an XML element's name: its attributes, then its text up to the closing tag, or the text of
# a `<value>` child after line breaks and comments (ASP.NET's key ring: `<masterKey …>`, a comment,
# `<value>…</value>`).
_XML_ATTRIBUTES: Final = (
    rb"""(?:[ \t]+[A-Za-z_][A-Za-z0-9_:.\-]*=(?:\\{0,3}"[^"\n\\]{0,200}\\{0,3}"|'[^'\n]{0,200}'))*[ \t]*>"""
    rb"""(?:(?:[ \t\r\n]++|\\{1,3}[nrt]|<!--[^<>\n]{0,200}-->){1,12}<value>)?"""
    rb"""(?P<value>[^<\n\\]{1,2000})</"""
)
# A plist's value after its key: `<key>ClientSecret</key>` then `<string>…</string>` (next line).
_PLIST_VALUE: Final = (
    rb"</key>(?:[ \t\r\n]|\\{1,3}[nrt]|[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192))*"
    rb"<string>(?P<value>[^<\n\\]{1,2000})</string>"
)
# An element named by its `name`/`key` attribute, right before the name (`<string name="`).
# An XML element's namespace prefix right before its name (`<con:` of `<con:password>` in SoapUI).
_XML_PREFIX_BEFORE: Final = rb"<[A-Za-z_][A-Za-z0-9_.\-]{0,30}:\Z"
_NAMED_ELEMENT_BEFORE: Final = (
    rb"""<[A-Za-z_][A-Za-z0-9_:.\-]*"""
    rb"""(?:[ \t]+[A-Za-z_][A-Za-z0-9_:.\-]*=\\{0,3}["'][^"'\n]{0,200}?\\{0,3}["'])*"""
    rb"""[ \t]+(?i:name|key)=\\{0,3}["'][A-Za-z0-9_.:\-]{0,100}\Z"""
)
_LINE_BREAK: Final = rb"\n|\\{1,3}[nr]|\Z"
# A name that opens a YAML block: the rest of the line after it (a closing quote, the colon, blanks;
# a block scalar's indicator, `>` or `|`).
_BLOCK_OPENING: Final = rb"""(?:\\{0,3}["'])?[ \t]*:[ \t]*(?P<scalar>[|>][-+1-9]{0,2}[ \t]*)?\r?"""
# A lone word on a line of its own (a nested value as Salt prints it), and a block's default or value.
_BLOCK_SCALAR: Final = rb"""(?:\\{0,3}["'])?[^\s"'`\\#\-|>{\[!&*%@][^\s"'`\\]{3,500}(?<!:)(?:\\{0,3}["'])?"""
# An item of a YAML list, alone on its line (a file reader's line number before it is dropped).
_BLOCK_LIST_ITEM: Final = (
    rb"""(?:[ \t]*[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192|\t|\\t))?(?P<indent>[ \t]*)-[ \t]+"""
    rb"""(?:(?P<q>\\{0,3}["'])(?P<quoted>[^"'\n\\]{1,500})(?P=q)|(?P<bare>[^\s"'\\#][^\s"'\\]{0,500}))"""
    rb"""[ \t\r]*"""
)
_BLOCK_MEMBER: Final = (
    rb"""(?i:default|value)[ \t]*:[ \t]+"""
    rb"""(?:(?P<q>\\{0,3}["'])(?P<quoted>[^"'\n\\]{1,500})(?P=q)|(?P<bare>[^\s"'\\#][^\s"'\\]{0,500}))"""
    rb"""[ \t]*(?:\#[^\n]*)?"""
)
# The client's answer to SMTP's "334 UGFzc3dvcmQ6": the password in base64 (`C: ` before it in a transcript).
_SMTP_REPLY: Final = (
    rb"(?:[ \t]*[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192|\t|\\t))?[ \t]*(?:[A-Za-z]:[ \t]+)?"
    rb"(?P<value>[A-Za-z0-9+/]{4,2000}={0,2})" + _LINE_END
)
_SMTP_SENT: Final = (
    rb"""[ \t]*send:[ \t]+b?\\{0,3}['"](?P<value>[A-Za-z0-9+/]{4,2000}={0,2})(?=\\{1,7}r|\\{0,3}['"])"""
)
_RESULT_OBJECT: Final = rb'"result\\{0,3}"[ \t]*:[ \t]*\{'
_RESULT_VALUE: Final = (
    rb'(?P<q>\\{0,3}")value\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^"\\\s]{16,500})\\{0,3}"'
)
_RESULT_REACH: Final = 4096
_BRACES: Final = rb"[{}]"
_RESULT_MEMBER: Final = rb'"result\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^"\\\n]{1,500})\\{0,3}"'
# A JSON-RPC answer whose result is a lone session id of 32 to 48 hex digits (Zabbix's `user.login`
# answers `{"jsonrpc": "2.0", "result": "…", "id": 1}`, the `auth` of every later call); a chain's
# hashes (64 hex digits, or `0x…`) stay.
_RPC_SESSION: Final = rb'"result\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[0-9A-Fa-f]{32,48})\\{0,3}"'
_RPC_REACH: Final = 200  # bytes either side of the result to the answer's `jsonrpc` member
# (also a header map's pair in code: Rust's `headers.insert("x-honeycomb-team".to_string(),
# "…".to_string())`, `.header("x-honeycomb-team", HeaderValue::from_static("…"))`)
_HONEYCOMB_KEY: Final = (
    rb"""(?i:x-honeycomb-team)(?:\\{0,3}["'])?(?:\.(?:to_string|to_owned|into)\(\))?[ \t]*[:=,][ \t]*"""
    rb"""(?:[A-Za-z_][A-Za-z0-9_:]{0,40}\([ \t]*)?(?:\\{0,3}["'])?"""
    rb"""(?P<value>[A-Za-z0-9_\-]{16,128})"""
)
# Bundler's credentials for a gem server, one setting per host (dots as `__`): `BUNDLE_GEMS__CONTRIBSYS__COM:
# "user:password"` in ~/.bundle/config, `export BUNDLE_RUBYGEMS__PKG__GITHUB__COM=TOKEN`, and `bundle
# config set --global gems.contribsys.com user:password` that writes it.
_BUNDLE_HOST_SETTING: Final = (
    rb"""(?i:bundle_)(?!(?i:mirror__))[A-Za-z0-9\-]+(?:__[A-Za-z0-9\-]+)+(?:\\{0,3}["'])?[ \t]*[:=][ \t]*"""
    rb"""(?:\\{0,3}["'])?(?P<value>[^\s"'\\]{6,500})"""
)
_BUNDLE_CONFIG_HOST: Final = (
    rb"""bundle config[ \t]+(?:(?:set|--global|--local)[ \t]+)*"""
    rb"""(?:[a-z0-9\-]+(?:\.[a-z0-9\-]+)+|https?://[^\s"'\\]+)[ \t]+"""
    rb"""(?:\\{0,3}["'])?(?P<value>[^\s"'\\]{6,500})"""
)
# A C string comparison as ltrace prints it, or in source (`strcmp("guess", "…") = -1`): its literals.
_COMPARE_NAME: Final = rb"(?:[a-z_]{0,12}_)?(?:str|strn|strcase|strncase|mem|wcs|wcsn|b)cmp0?\($"
# A buffer written to a socket as strace prints it (`write(3, "…", 22) = 22`), also JSON-escaped.
_WRITTEN: Final = rb"""(?:write|sendto)\([0-9]{1,6},[ \t]*(?P<q>\\{0,3}")"""
# PostgreSQL's PasswordMessage: `p`, four bytes of length (escaped or printable), the password, NUL.
_PG_PASSWORD_MESSAGE: Final = (
    rb"""p(?:\\{1,7}(?:[0-7]{1,3}|x[0-9a-f]{2}|[a-z])|[ -!#-\[\]-~]){4}"""
    rb"""(?P<value>[^\\"\x00-\x20]{4,300})\\{1,7}0"""
)
# Redis's AUTH in the wire protocol (`*2\r\n$4\r\nAUTH\r\n$16\r\n…\r\n`, the user before the password).
_RESP_AUTH: Final = (
    rb"""(?i:auth)(?:\\{1,7}r\\{1,7}n\$[0-9]{1,3}\\{1,7}r\\{1,7}n[^\\"\s]{1,200})?"""
    rb"""\\{1,7}r\\{1,7}n\$[0-9]{1,3}\\{1,7}r\\{1,7}n(?P<value>[^\\"\s]{1,500})\\{1,7}r\\{1,7}n"""
)
# A SecureString parameter's value: the next cell of `aws ssm get-parameter(s) --output text`.
# Pulumi's secret values in a stack's state: an object holding its secret signature and the value in
# `"plaintext"` (a JSON string of the value's JSON), as `pulumi stack export --show-secrets` prints it.
_PULUMI_PLAINTEXT: Final = (
    rb"""plaintext\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>[^\n]{1,4096}?)\\{0,3}"""
    rb""""[ \t]*(?=[,}\r\n]|\\{1,3}[nr]|$)"""
)
_PULUMI_REACH: Final = 512
# The user and password of HTTP Basic authentication as a pair: Guzzle's `'auth' => ['user', '…']`.
_AUTH_PAIR: Final = (
    rb"""[ \t]*(?P<q>\\{0,3}["'])[^"'\\\n]{0,200}(?P=q)[ \t]*,[ \t]*"""
    rb"""(?P<q2>\\{0,3}["'])(?P<value>[^"'\\\n]{1,500})(?P=q2)[ \t]*[,\]]"""
)
# `user:password` encoded for a Basic header by hand: `base64.b64encode(b"api:…")`, `btoa("api:…")`,
# `base64.StdEncoding.EncodeToString([]byte("api:…"))`, `Base64.encode64("api:…")`, PHP's
# `base64_encode('api:…')`, .NET's `Convert.ToBase64String(Encoding.ASCII.GetBytes("api:…"))`, and
# the login made bytes to be encoded later (`Encoding.ASCII.GetBytes("api:…")`, `Buffer.from("api:…")`).
_ENCODED_LOGIN: Final = (
    rb"""[ \t]*(?:[A-Za-z_][A-Za-z0-9_.]{0,40}\([ \t]*|\[\]byte\()?[bu8]{0,2}(?P<q>\\{0,3}["'])"""
    rb"""[A-Za-z0-9_.@+\-]{1,64}:(?P<value>[^"'\\\s]{4,500})(?P=q)"""
)
# An SSIS package configuration's entry (a `.dtsConfig` file, the `[SSIS Configurations]` table):
# the `Path` of the property it sets, whose last bracketed name says what the `<ConfiguredValue>`
# after it is (`\Package.Connections[Staging].Properties[Password]`, `…Variables[User::ApiToken]
# .Properties[Value]`).
_CONFIGURED_PATH: Final = (
    rb"""Path=\\{0,3}"(?P<path>[^"<>\n]{0,300}?)\\{0,3}"[^<>]{0,300}>"""
    rb"""(?:[ \t\r\n]|\\{1,3}[nrt])*\Z"""
)
_CONFIGURED_NAME: Final = rb"\[(?:[A-Za-z]+::)?(?P<name>[A-Za-z_][A-Za-z0-9_]{0,63})\]"
_CONFIGURED_TEXT: Final = rb"(?P<value>[^<>\n\\]{1,500})<"
_CONFIGURED_REACH: Final = 700
# What Windows Credentials Editor prints after its banner (`wce -w`: the logon sessions' passwords
# in clear), a line each: `user\DOMAIN:password`, `(null)` for none; up to a blank line.
_WCE_ROW: Final = (
    rb"""[ \t]*[^\s\\:"]{1,64}\\{1,4}[^\s\\:"]{1,64}:(?!\(null\))(?P<value>[^\s"\\]{1,200})[ \t\r]*\Z"""
)
_WCE_LINES: Final = 64
# The users a basic-auth middleware or server accepts, each `user:credential` (Traefik's
# `basicAuth: users:` in YAML, `"users": [...]` in JSON, `users = [...]` in TOML, its Docker label
# `…basicauth.users=a:…,b:…`): the list after the name, each item's credential after its colon.
_BASIC_AUTH_USERS: Final = (
    rb"""(?i:basicauth)(?:\\{0,3}["'])?(?:[ \t]*[:=][ \t]*(?:\{[ \t]*)?|\])"""
    rb"""(?:(?:\r?\n|\\{1,3}n)[ \t]*)*(?:\\{0,3}["'])?(?i:users)(?:\\{0,3}["'])?[ \t]*[:=][ \t]*"""
    rb"""(?P<list>(?:\[[^\]]{1,4000}\]"""
    rb"""|(?:(?:\r?\n|\\{1,3}n)[ \t]*-[ \t]+(?:\\{0,3}["'])?[^\n\\"']{1,300}(?:\\{0,3}["'])?){1,50}))"""
    rb"""|(?i:basicauth)\.(?i:users)=(?P<labels>[^\s"'\\]{1,4000})"""
)
_BASIC_AUTH_ITEM: Final = (
    rb"""(?:^|[\[,]|-[ \t]+)[ \t]*(?:\\{0,3}["'])?"""
    rb"""(?P<user>[A-Za-z0-9_.@\-]{1,64}):(?P<value>[^\s"',\]\\]{1,300})"""
)
# A table's rows in an SQL dump, under a column list that names a secret (`api_key`, `password`):
# PostgreSQL's `COPY table (…) FROM stdin;` and its tab-separated lines up to `\.`, an `INSERT INTO
# table (…) VALUES (…), (…);`. A one-way hash (`pbkdf2_sha256$…`, bcrypt's `$2y$…`) or NULL stays.
_COPY_HEAD: Final = rb"(?i:copy)[ \t]+[^\s(]{1,200}[ \t]*\((?P<columns>[^()\n\\]{1,2000})\)\Z"
_INSERT_HEAD: Final = (
    rb"(?i:insert)[ \t]+(?:(?i:ignore)[ \t]+)?(?i:into)[ \t]+[^\s(]{1,200}[ \t]*"
    rb"\((?P<columns>[^()\n\\]{1,2000})\)\Z"
)
_ROW_BREAK: Final = rb"\r?\n|\\{1,3}n"
_SQL_VALUE: Final = (
    rb"""(?:[ \t\r\n]|\\{1,3}[nrt])*(?:'(?P<s>(?:[^'\\\n]|''){0,4096})'|(?P<o>[^,()'\s\\]{1,200}))"""
    rb"""[ \t]*(?P<sep>[,)])"""
)
_NEXT_TUPLE: Final = rb"""[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*\("""
_SQL_ROWS: Final = 1000
# (not PowerShell's `ConvertFrom-SecureString | Set-Content …`, `-AsSecureString`: a word's end)
_SECURE_STRING_CELL: Final = (
    rb"(?:(?<![a-z\-])|(?<=\\t))securestring(?:\t|\\{1,3}t|[ \t]*\|[ \t]*)(?P<value>[^\t\n\\|]{1,4096})"
)
# A literal piped into PowerShell's `ConvertTo-SecureString` (`("…" | ConvertTo-SecureString
# -AsPlainText -Force)`), up to the `convertto-` before the anchor.
_PIPED_TO_SECURE_STRING: Final = (
    rb"""(?P<q>\\{0,3}["'])(?P<value>[^"'\n\\]{1,500})(?P=q)[ \t]*\|[ \t]*(?i:convertto-)\Z"""
)
_SECURE_STRING_VALUE: Final = (
    rb"""\\{0,3}"(?i:value)\\{0,3}"[ \t]*:[ \t]*(?P<q>\\{0,3}")(?P<value>[^"\\\n]{1,4096})(?P=q)"""
)
# A login session's id as a log line prints it (`login ok user=… session=…`); a Rails session
# cookie (`_app_session=…`), signed (base64, `--`, its digest in hex) or encrypted (data, iv and tag in
# base64 joined by `--`), maybe percent-encoded.
_SESSION_VALUE: Final = (
    rb"session=(?P<value>[A-Za-z0-9+/%=]{16,4096}(?:--[A-Za-z0-9+/%=]{8,128}){1,2}(?![A-Za-z0-9+/%=\-])"
    rb"|[A-Za-z0-9_\-]{16,512}(?![A-Za-z0-9_\-.%:/]))"
)
# ltrace's line for getpass(): the prompt, then the string it returned.
_GETPASS_RETURN: Final = (
    rb"""getpass\([^()\n]{0,200}\)[ \t]*=[ \t]*(?P<q>\\{0,3}")(?P<value>[^"\\\n]{1,500})(?P=q)"""
)
# `user:password@host` before a database's or a cache's port, without a scheme (`DATABASE=app:…@db:5432/app`,
# `mysqlsh app:…@db:3306`): the user and password, back from the `@` to a blank, a quote or a `=`.
_SCHEMELESS_USERINFO: Final = (
    rb"""(?:^|(?<=[\s"'`=,;(]))(?P<user>[A-Za-z0-9_.\-]{1,64}):"""
    rb"""(?P<value>[^\s"'`@/]{3,200}|[^\s"'`/]{3,200}(?=@[^@]*$))$"""
)
_UUID: Final = rb"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
# A variable named for Algolia holding one of its keys (32 hex digits, the admin or a write key),
# though its name lacks the word `key` (`static let algoliaAdmin = "…"`); search-only keys and the
# application's id are public.
_ALGOLIA_SETTING: Final = (
    rb"""(?P<name>[A-Za-z0-9_]*)(?:\\{0,3}["'])?[ \t]*(?::[ \t]*[A-Za-z]+[ \t]*)?(?:=>|:=|=|:)[ \t]*"""
    rb"""(?:\\{0,3}["'`])?(?P<value>[0-9a-f]{32})(?![0-9A-Za-z])"""
)
# A seed phrase (BIP-39: 12 to 24 words of 3 to 8 letters) after the word naming it: "recovery
# phrase:", `MNEMONIC=`, `SEED_PHRASE=`, `"mnemonic": "…"`, `--mnemonic "…"`, `from_mnemonic("…")`,
# truffle's `new HDWalletProvider("…", url)`.
_SEED_PHRASE: Final = (
    rb"""(?i:phrase|mnemonic|seed(?:[_\-]?(?:phrase|words))?|hdwalletprovider)s?(?:\\{0,3}["'])?[ \t]*"""
    rb"""(?:[:=(]|is|was)?[ \t]*(?:\\{0,3}["'`])?"""
    rb"""(?P<value>[a-z]{3,8}(?:[ \t]+[a-z]{3,8}){11,23})(?![A-Za-z0-9_\-]|[ \t]+[a-z])"""
)
# A line that ends in a colon (`Save this seed phrase to recover your new keypair:`), before a line
# break that may be a terminal's (CR LF), also JSON-escaped.
_ENDS_IN_COLON: Final = rb":[ \t]*(?:\r|\\{1,3}r)?\Z"
# The private keys a Hardhat, Foundry or Truffle network signs with: `accounts: ["0x…", …]` (also
# quoted, JSON-escaped, over several lines; a YAML list's `accounts:` then `- 0x…` lines); Brownie's
# `from_key: "0x…"` (64 hex digits, `0x` or not; an address, 40 of them, is public).
_ACCOUNTS_LIST: Final = (
    rb"""(?:accounts|from_key)(?:\\{0,3}["'])?[ \t]*[:=][ \t]*(?P<list>\[)?"""
    rb"""(?=(?:\s|\\{1,3}[nrt])*(?P<dash>-[ \t]+)?(?:\\{0,3}["'])?(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z]))"""
)
_ACCOUNTS_ITEMS: Final = (
    rb"""(?:(?:\s|\\{1,3}[nrt])*-[ \t]+(?:\\{0,3}["'])?"""
    rb"""(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])(?:\\{0,3}["'])?)+"""
)
_EVM_KEY: Final = rb"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])"
_ACCOUNTS_REACH: Final = 4096
# The element before a `<value>` that names it (blanks and line breaks, also escaped, between):
# Hadoop's, Hive's and Spark's `<name>fs.s3a.secret.key</name>`, or an element that holds it
# (Windows' unattend.xml: `<AdministratorPassword>`, `<Password>` above `<Value>`).
_XML_NAME_BEFORE: Final = (
    rb"""(?:<name>(?P<named>[A-Za-z_][A-Za-z0-9_.:\-]{0,127})</name>|<(?P<parent>[A-Za-z_][A-Za-z0-9_.:\-]{0,127})"""
    rb"""(?P<attributes>[ \t][^<>]{0,300})?>)(?:\s|\\{1,3}[nrt])*\Z"""
)
_UNATTEND_REACH: Final = 4096  # bytes from a mention of a Windows answer file to a `<Value>` of its
# The `name` attribute of the element holding a `<value>` (.NET's `<setting name="ServicePassword"
# serializeAs="String">` in an app.config's userSettings).
_XML_NAME_ATTRIBUTE: Final = (
    rb"""[ \t]name=\\{0,3}["'](?P<name>[A-Za-z_][A-Za-z0-9_.:\-]{0,127})\\{0,3}["']"""
)
_XML_VALUE_TEXT: Final = rb"(?i:<value>)(?P<value>[^<>\n\\]{1,2000})(?i:</value>)"
# A key written as a list of its bytes (16, 24, 32 or 64 numbers of 0 to 255): Zigbee's
# `network_key: [1, 3, …]`, LoRaWAN's keys, a Solana keypair file (`[12,200,…]`, 64 of them).
_KEY_BYTES: Final = (
    rb"[ \t]*(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(?:[ \t]*,[ \t]*(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){15,63}"
    rb"(?=[ \t]*\])"
)
_KEY_SIZES: Final = frozenset((16, 24, 32, 64))
# A key or a password written in code as an array of its bytes or characters, after its name: Kotlin's
# `byteArrayOf(0x6b, …)`, C#'s `new byte[] { 0x6b, … }`, C's `kKey[] = { 'a', 'b', … }`, Java's
# `char[] PASSWORD = { 'x', … }`, Python's `bytes([107, …])`, Go's `[]byte{…}`, Rust's `[u8; 16] =
# [0x6b, …]`, Swift's `[UInt8] = […]`: a type, a constructor, then 8 to 256 numbers (decimal, hex,
# maybe cast) or character literals, one per line or many.
_ARRAY_ELEMENT: Final = (
    rb"""(?:\((?:byte|sbyte|char|uint8_t|u8|int8_t)\)[ 	]*)?"""
    rb"""(?:-?0[xX][0-9a-fA-F]{1,2}[uU]?|-?(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})|'(?:\\{1,7}[^\n]|[^'\\\n])')"""
)
# What _AFTER_NAME takes for a value where none is (`= { 0x6b, … }`, `= new byte[] { … }`).
_NO_VALUE: Final = frozenset((b"=", b"new", b":"))
# The password last on a row of logins, after the blanks that follow the account (see _login_row()).
_LOGIN_ROW_VALUE: Final = (
    rb"""[ \t]{2,}(?P<value>[^\s"'`\\]{6,200})[ \t\r]*(?:\\r)?(?=$|\\{0,3}["'](?:[,}\]]|$))"""
)
# A YAML tag where a value is (`!Ref`, `!Sub`, `!!binary`, `!vault`, `!GetAtt`).
_YAML_TAG: Final = r"!!?[A-Za-z][A-Za-z0-9_:.\-]*"
# The calls that make an array of bytes or characters (Kotlin's, Python's, Node's, Swift's, Rust's).
_ARRAY_MAKERS: Final = frozenset(
    (
        b"byteArrayOf",
        b"ubyteArrayOf",
        b"charArrayOf",
        b"intArrayOf",
        b"bytes",
        b"bytearray",
        b"Buffer.from",
        b"Uint8Array.from",
        b"Data",
        b"vec!",
    )
)
_ARRAY_SEPARATOR: Final = rb"""[ \t]*,(?:[ \t\r\n]|\\{1,3}[nrt])*"""
_BYTE_ARRAY: Final = (
    rb"(?x)"
    rb"""(?:\\{0,3}["'])?(?:\[[0-9]{0,4}\])?[ \t]*
    (?::[ \t]*[A-Za-z&\[][A-Za-z0-9_&\[\];<> ]{0,40}?[ \t]*)?
    (?::=|=(?![=>~])|:)[ \t]*
    (?:[A-Za-z_\[][A-Za-z0-9_.!:<>\[\] ]{0,40}?)?
    [(\[{][ \t]*[(\[{]?(?:[ \t\r\n]|\\{1,3}[nrt])*"""
    rb"(?P<body>" + _ARRAY_ELEMENT + rb"(?:" + _ARRAY_SEPARATOR + _ARRAY_ELEMENT + rb"){7,255})"
)
# A seed phrase on the line of the word naming it, whatever lies between (`Mnemonic (keep it out of
# git): …`, `Mnemonic.fromPhrase("…")`, `{"mnemonic": {"phrase": "…"}}`, `echo '…' > seed.txt`):
# a whole run of 12 to 24 words, each from one of BIP-39's word lists (English, Chinese, Japanese,
# Korean, Spanish, French, Italian, Czech, Portuguese, Russian, Turkish; see _bip39_run()): words
# of letters, also of other scripts or JSON-escaped, and a blank, a tab or an ideographic space
# (U+3000, as Japanese wallets write it) between two.
# (not CJK punctuation, U+3000 to U+303F, nor full-width forms, U+FF00 to U+FFEF: a colon after its name)
_BIP39_LETTER: Final = (
    rb"(?:[a-z]|(?!\xe3\x80|\xef[\xbc-\xbf])[\xc2-\xf4][\x80-\xbf]{1,3}|\\{1,3}u(?!30[0-3]|ff)[0-9a-f]{4})"
)
_BIP39_GAP: Final = rb"(?:[ \t]+|\xe3\x80\x80|\\{1,3}u3000)"
_BIP39_RUN: Final = (
    # (at a JSON-escaped line's start too: `\ncheese agree …`)
    rb"(?:(?<![A-Za-z0-9_\-\\])|(?<=\\[nt]))(?<![a-z][ \t])"
    + (rb"%(l)s{1,10}(?:%(g)s%(l)s{1,10}){11,23}" % {b"l": _BIP39_LETTER, b"g": _BIP39_GAP})
    + rb"(?![A-Za-z0-9_\-]|[ \t]+[a-z])"
)
_BIP39_ESCAPE: Final = rb"\\{1,3}u([0-9a-f]{4})"
# The words naming a seed phrase in other languages, anchors of _bip39_run() as `phrase` and
# `mnemonic` are: "phrase" (Spanish, Portuguese, Italian, Czech, Russian), "mnemonic", "recovery
# phrase" and "seed" of Chinese, Japanese and Korean, Turkish "recovery" (in UTF-8: a JSON escape
# of them is no anchor).
_SEED_ANCHORS: Final = tuple(
    word.encode()
    for word in rules.words(
        "frase fráze фраза мнемоник kurtarma 助记词 助記詞 フレーズ ニーモニック 니모닉 구문 시드"
    )
)
_SEED_REACH: Final = 200  # bytes from the naming word to where the phrase starts, either way
# Words no seed phrase holds: prose that only follows the word "phrase".
_NOT_SEED_WORDS: Final = frozenset(
    b"the and for that this with from your are was were not but its our their than been which".split()
)
# A value named `encoded` (Elasticsearch's API key as `ApiKey` takes it): base64 of `id:key`.
_ENCODED_CREDENTIAL: Final = (
    rb"""encoded(?:\\{0,3}["'])?[ \t]*[:=][ \t]*(?:\\{0,3}["'])?(?P<value>[A-Za-z0-9+/]{16,4096}={0,2})"""
    rb"""(?![A-Za-z0-9+/=])"""
)


@cache
def _bip39_words() -> frozenset[bytes]:
    """BIP-39's English word list (from the reference implementation's package)."""
    from mnemonic import Mnemonic

    return frozenset(word.encode() for word in Mnemonic("english").wordlist)


@cache
def _bip39_lists() -> tuple[frozenset[str], ...]:
    """Each of BIP-39's word lists, in Unicode's NFKD form (as the standard hashes a phrase)."""
    from mnemonic import Mnemonic

    return tuple(
        frozenset(unicodedata.normalize("NFKD", word) for word in Mnemonic(language).wordlist)
        for language in Mnemonic.list_languages()
    )


def _bip39_phrase(run: bytes) -> bool:
    """Whether *run* (_BIP39_WIDE_RUN, also JSON-escaped) is 12 to 24 words, all of one word list."""
    if b"\\" in run:
        run = _rx[_BIP39_ESCAPE].sub(lambda escape: chr(int(escape.group(1), 16)).encode(), run)
    words = unicodedata.normalize("NFKD", run.decode("utf-8", "replace")).split()
    return len(words) in (12, 15, 18, 21, 24) and any(
        all(word in wordlist for word in words) for wordlist in _bip39_lists()
    )


def _basic_placeholder(data: bytes, start: int, value: str) -> bool:
    """Whether *value*, after ``Basic``, is base64 of a user and a placeholder for a password
    (``dXNlcjpwYXNzd29yZA==``, ``user:password``, as documentation shows the scheme)."""
    if not data[max(0, start - 6) : start].lower().startswith(b"basic"):
        return False
    import binascii

    word = value.split(maxsplit=1)[0].strip("\"'`\\")
    try:
        decoded = binascii.a2b_base64(word).decode("ascii")
    except ValueError:  # not base64 (binascii.Error), letters outside ASCII, or not ASCII text
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and user.isprintable() and password.isprintable()) and is_placeholder(password)


def _encodes_credential(value: bytes) -> bool:
    """Whether *value* is base64 of ``id:secret`` (printable, a random-looking secret of 8 or more)."""
    import binascii

    try:
        decoded = binascii.a2b_base64(value)
    except binascii.Error:
        return False
    head, colon, secret = decoded.partition(b":")
    if not colon or not head or len(secret) < 8 or not decoded.isascii():
        return False
    text = decoded.decode("ascii")
    return text.isprintable() and credential_like(secret.decode("ascii"))


# `Basic` and base64 of `user:password` (HTTP Basic authentication), wherever it is logged.
_BASIC_CREDENTIALS: Final = (
    rb"(?i:basic)(?:[ \t]+|\\{0,3}(?P<q>[\"'])[ \t]*,[ \t]*\\{0,3}(?P=q))"
    rb"(?P<value>[A-Za-z0-9+/]{8,4096}={0,2})(?![A-Za-z0-9+/=_\-.])"
)


def _basic_credentials(value: bytes) -> bool:
    """Whether *value* is base64 of ``user:password``: printable, with a user and a password that is
    no placeholder (``dXNlcjpwYXNzd29yZA==``, ``user:password``, stays)."""
    import binascii

    try:
        decoded = binascii.a2b_base64(value)
    except binascii.Error:
        return False
    if not decoded.isascii():
        return False
    text = decoded.decode("ascii")
    user, colon, password = text.partition(":")
    return bool(colon and user and text.isprintable() and len(password) >= 4) and not is_placeholder(password)


# A secret of strongSwan's ipsec.secrets after its type (a key file first, for RSA, ECDSA and P12).
_IPSEC_SECRET: Final = (
    rb""":[ \t]+(?i:eap|xauth)[ \t]+"""
    rb"""(?:(?P<q>\\{0,3}["'])(?P<quoted>[^"'\n\\]{1,500})(?P=q)|(?P<bare>[^\s"'\\]{4,500}))""" + _LINE_END
)
# Oracle: `jdbc:oracle:thin:user/password@…`, and `user/password@//host…` anywhere (EZConnect).
_ORACLE_THIN: Final = rb"""(?i::thin:)[A-Za-z0-9_$#]+/(?P<value>[^\s/@"'\\]{3,200})@"""
_ORACLE_EZCONNECT: Final = rb"""(?<![A-Za-z0-9_$#/])[A-Za-z0-9_$#]+/(?P<value>[^\s/@"'\\]{3,200})@//\Z"""
_PAT_VARIABLE: Final = rb"""\$(?i:pat)[ \t]*=[ \t]*(?P<q>\\{0,3}["'])(?P<value>[^"'\s\\]{16,500})(?P=q)"""
# A JSON Web Key: "kty" as a member's name; its private members (base64url values).
_JWK_KTY: Final = rb"""kty(?:\\{0,3}["'])?[ \t]*[:=]"""
_JWK_PRIVATE: Final = (
    rb"""(?:\\{0,3}["']|(?<=[{,\s\[])|(?<=\\[nt]))(?:d|p|q|dp|dq|qi|k)(?:\\{0,3}["'])?[ \t]*[:=][ \t]*"""
    rb"""(?:\\{0,3}["'])?(?P<value>[A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-+/.])"""
)
_JWK_LINES: Final = 16  # lines of a YAML mapping or a TOML table around its `kty`
# .NET's XML form of an RSA key (`RSA.ToXmlString(true)`, `FromXmlString("<RSAKeyValue>…")`): its private
# members, base64 (`<Modulus>` and `<Exponent>` are the public key).
_RSA_XML_PRIVATE: Final = (
    rb"<(?P<tag>P|Q|DP|DQ|InverseQ|D)>(?:\s|\\{1,3}[nrt])*(?P<value>[A-Za-z0-9+/]{16,}={0,2})"
    rb"(?:\s|\\{1,3}[nrt])*</(?P=tag)>"
)
_RSA_XML_REACH: Final = 16384  # bytes from `<RSAKeyValue>` to its end
# A row of a Windows password-hash dump (`user:rid:lmhash:nthash:::`, as secretsdump, pwdump and
# hashdump print the SAM and NTDS.dit), ending at its `:::`: the hashes are pass-the-hash credentials.
_SAM_ROW: Final = rb":[0-9]{1,10}:(?P<lm>[0-9A-Fa-f]{32}):(?P<nt>[0-9A-Fa-f]{32}):::\Z"
# IMAP: `TAG LOGIN user password` (also `C: TAG …` in a transcript); SASL-IR `TAG AUTHENTICATE PLAIN …`.
_IMAP_LOGIN: Final = rb"(?x)" + (
    rb"""[ \t]*(?:(?:\x1b|\\u001b|\\x1b|\\e|\\033)\[[0-9;]*m)?(?:[A-Za-z]:[ \t]+)?[A-Za-z0-9.*]{1,12}
    [ \t]+(?P<verb>(?i:login))[ \t]+
    (?:\\{0,3}"[^"\\\n]*\\{0,3}"|[^\s"\\]+)[ \t]+
    (?:(?P<q>\\{0,3}")(?P<quoted>[^"\\\n]{1,500})(?P=q)|(?P<bare>[^\s"\\]{1,500}))"""
    + _LINE_END
)
# A protocol tag alone at the start of a line (also of a JSON string, or after "C: ") before a blank.
_TAG_BEFORE: Final = rb"""(?:^|[\n"]|\\[nr]|[A-Za-z]:[ \t]|\[[0-9;]*m)[ \t]*[A-Za-z0-9.*]{1,12}[ \t]\Z"""
_SASL_PLAIN: Final = rb"(?x)" + (
    rb"""[ \t]*(?:[A-Za-z]:[ \t]+)?[A-Za-z0-9.*]{1,12}[ \t]+(?P<verb>(?i:authenticate))[ \t]+
    (?:\\{0,3}")?(?i:plain)(?:\\{0,3}")?[ \t]+(?:(?P<q>\\{0,3}")(?P<quoted>[A-Za-z0-9+/=]{8,2000})(?P=q)
    |(?P<bare>[A-Za-z0-9+/=]{8,2000}))"""
    + _LINE_END
)
# `"type": "` right before a name (Postman's `"type": "secret"`), and a JSON object's `"value"` member.
_TYPE_BEFORE: Final = rb"""type\\{0,3}"[ \t]*:[ \t]*\\{0,3}"\Z"""
# A name/value pair's name member up to a name keyword inside it (`{"name": "DB_PASSWORD", "value": …}`
# of Kubernetes' env and App Service's settings, Key Vault's secrets, Octopus' variables, `"key"` of
# Postman's), and the rest of the name after the keyword, to its closing quote.
_PAIR_NAME_BEFORE: Final = rb"""(?:name|key)\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<name>[a-z0-9_.\-]{0,60})\Z"""
_PAIR_NAME_REST: Final = rb"""[a-z0-9_.\-]{0,60}(?=\\{0,3}")"""
_PAIR_REACH: Final = 1024  # bytes from a pair's name to its value
# The member holding a secret's value in its own object: `"value"`, and Doppler's `"computed"` and
# `"raw"` (`doppler secrets --json`: `{"DB_PASSWORD": {"computed": "…", "note": ""}}`), an API's
# `"data"` (`{"type": "credential", "data": "…"}`). (Each branch of its opening quote starts with its
# byte, so that a search skips to a backslash or a quote in C instead of trying every position.)
_VALUE_MEMBER: Final = (
    rb"""(?:\\\\{0,2}"|")(?:value|computed|raw|data)\\{0,3}"[ \t]*:[ \t]*"""
    rb"""(?P<q>\\{0,3}")(?P<value>[^"\\\n]{1,2000})(?P=q)"""
)
# A type annotation between a name and the string literal assigned to it (Rust, Kotlin, Swift,
# TypeScript, Python): `: &str = "…"`, `: String = "…"`, `: Final = '…'`.
_ANNOTATED_LITERAL: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*:[ \t]*[A-Za-z_&*\[(][A-Za-z0-9_&*'<>\[\]().,;| ?]{0,80}?"""
    rb"""[ \t]*=(?![=>~])[ \t]*(?:[bB][rR]?|[rR])?"""
    rb"""(?P<q>\\{0,3}["'`])(?P<value>[^"'`\n\\]{1,2000})(?P=q)"""
)
# Names that are secret only with the word before them (`API key`, `access token`) or a generated value.
_LONE_NAMES: Final = frozenset((b"key", b"Key", b"KEY"))
_PRIVATE_KEYS: Final = frozenset((b"_key", b"_Key", b"_KEY", b"__key"))  # Dart's, Python's private ones
_NUMBERED_KEYS: Final = frozenset((b"key1", b"key2", b"key_1", b"key_2"))  # (lower-cased)
# A row of a name/value table whose flag column stands between the name and its value (`az pipelines
# variable-group variable list -o table`: `Name  Is Secret  Value`, then `DbPassword  False  …`).
_FLAGGED_CELL: Final = (
    rb"[A-Za-z0-9_\-]{0,48}+[ \t]{2,}(?i:true|false|yes|no)[ \t]{2,}(?P<value>[^\s\\]{4,200})"
    rb"[ \t]*(?=$|\r|\n|\\{1,3}[nr\"])"
)
# That table's header, from a line's start: `Name`, other cells, then `Value` (the value's column).
_VALUE_HEADER: Final = (
    rb"(?:^|(?<=\n)|(?<=\\n))Name[ \t]{2,}[^\n\\]*?(?<=[ \t])(?P<value>Value)[ \t]*(?=$|\r|\n|\\{1,3}n)"
)
# A numbered key's value after blanks alone, ending its line: 20 base64 or token characters or more.
_NUMBERED_KEY_VALUE: Final = rb"[ \t]+(?P<value>[A-Za-z0-9+/_\-]{20,}={0,2})[ \t]*(?=$|\r|\n|\\{1,3}[nr\"])"
# What stands before a lone `key` in a network device's configuration that gives it a RADIUS or TACACS+
# server's shared key (lower-cased): an indented line of the server's block (IOS's `radius server NPS`,
# `tacacs server ISE`, ASA's `aaa-server ISE (inside) host …`, then ` key …` or ` pac key …`), or
# the global command's words (`radius-server host 10.0.0.1 auth-port 1812 key …`, `tacacs-server key …`).
_AAA_SERVER_KEY: Final = rb"(?x)" + (
    rb"(?:(?:radius|tacacs)[ \t]+server|aaa-server)[ \t][^\n\\]*"
    rb"(?:(?:\r?\n|(?:\\{1,3}r)?\\{1,3}n)[ \t]+[^\n\\]*){0,8}?"
    rb"(?:\r?\n|(?:\\{1,3}r)?\\{1,3}n)[ \t]+(?:pac[ \t]+)?\Z"
    rb"|(?:radius|tacacs)-server(?:[ \t][^\n\\]*)?[ \t]\Z"
)


# The value after a primary key's name that is a key (Azure's primary and secondary keys, 32 bytes
# or more in base64), not a row's id: 32 base64 characters or more.
_KEY_MATERIAL: Final = (
    rb"""(?:\\{0,3}["'])?[ \t]*[:=]?[ \t]*(?:\\{0,3}["'])?(?P<value>[A-Za-z0-9+/_\-]{32,4096}={0,2})"""
    rb"""(?![A-Za-z0-9+/=_\-])"""
)


def _primary_key(data: bytes, name: bytes, name_end: int) -> bool:
    """Whether *name*, a primary key's (which elsewhere indexes data: rules.NOT_SECRET_KEYS), holds
    an Azure resource's primary key (IoT Hub, Event Hubs, Service Bus, Maps: `"primaryKey"` beside
    `"secondaryKey"`, `--primary-key`): 32 base64 characters or more with digits and both cases, or
    padded as base64 is (Azure's keys of 32 and 64 bytes end in `=`, and one in some thousands holds
    no digit)."""
    if name_parts(name.decode("ascii", "replace"))[-2:] != ["primary", "key"]:
        return False
    value = _rx[_KEY_MATERIAL].match(data, name_end)
    if value is None:
        return False
    text = value.group("value").decode("ascii")
    return _strong(text) or (text.endswith("=") and not text.isupper() and not text.islower())


def _aaa_server_key(low: bytes, key: int) -> bool:
    """Whether the lone `key` at *key* (lower-cased text) gives a RADIUS or TACACS+ server's shared key."""
    floor = max(0, key - 800)
    return low.rfind(b"server", floor, key) != -1 and _rx[_AAA_SERVER_KEY].search(low, floor, key) is not None


# What a lone `key` must be followed by to hold a secret: a separator and a long base64-like run.
# A value that may be generated after a key's name (16 token characters or more): only then is the
# block around the name looked at.
_KEY_VALUE_AHEAD: Final = rb"""(?:\\{0,3}["'])?[ \t]*(?:[:=]|=>)[ \t]*(?:\\{0,3}["'])?[A-Za-z0-9+/_\-]{16}"""
_TACACS_REACH: Final = 2048  # bytes either side of a lone `key` to a word naming TACACS+ (tac_plus)
_TACACS_BLOCK: Final = rb"[ \t]*[a-z0-9_\-]*(?:tacacs|tac_plus|radius)[a-z0-9_\-]*:[ \t\r]*"
_TACACS_EQUALS: Final = rb"[ \t]*=[ \t]*[^\s=]"  # (not YAML's `key:`, nor `==`)
_LONE_KEY_VALUE: Final = rb"""[ \t]*[:=][ \t]*\\{0,3}["']?[A-Za-z0-9+/_\-]{16}"""
_PREVIOUS_WORD_DOT: Final = rb"(?<![A-Za-z0-9_\-])(?P<word>[A-Za-z]{2,12})\.\Z"
# A table aligned with blanks: its cells (runs of words apart by single blanks), and a header of
# names alone (`ID  Description  Token  User Name  User ID  Permissions`).
_ALIGNED_CELL: Final = rb"[^ \t\n\\]+(?: [^ \t\n\\]+)*"
_ALIGNED_HEADER_CELL: Final = rb"[A-Za-z][A-Za-z0-9_()#./\-]*(?: [A-Za-z0-9_()#./\-]+)*"
_ALIGNED_HEADER: Final = (
    rb"[ \t]*" + _ALIGNED_HEADER_CELL + rb"(?:  +" + _ALIGNED_HEADER_CELL + rb"){2,}[ \t\r]*"
)
# A JSON:API resource's type, then its attributes up to the member at the search's end.
_JSON_API_TYPE: Final = (
    rb'"type\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<type>[A-Za-z_\-]{2,40})\\{0,3}"[^{}]{0,300}'
    rb'"attributes\\{0,3}"[ \t]*:[ \t]*\{[^{}]{0,400}\\{0,3}"\Z'
)
_PROSE_KEY_VALUE: Final = (
    rb"[ \t]+(?P<value>[A-Za-z0-9+/_\-]{16,500}={0,2})(?![A-Za-z0-9+/=_\-]|\.[A-Za-z0-9])"
)
# The same after a CJK label's end: a full-width colon (U+FF1A), perhaps after an aside in brackets
# (U+FF08, U+FF09), also JSON-escaped.
_CJK_KEY_VALUE: Final = (
    rb"(?:[ \t]?(?:\xef\xbc\x88|\\{1,2}uff08|\()[^\n()\xef]{1,60}?(?:\xef\xbc\x89|\\{1,2}uff09|\))[ \t]?)?"
    rb"(?:\xef\xbc\x9a|\\{1,2}uff1a)[ \t]*"
    rb"(?P<value>[A-Za-z0-9+/_\-]{16,500}={0,2})(?![A-Za-z0-9+/=_\-]|\.[A-Za-z0-9])"
)
_FULL_WIDTH_LEADS_B: Final = (b"\xef", b"\\", b"(", b" ")
# (after a JSON-escaped line break or tab too: `\\nNew key`)
_PREVIOUS_WORD: Final = rb"(?:(?<![A-Za-z0-9_\-\\])|(?<=\\)[nrt])(?P<word>[A-Za-z]{2,12}) \Z"
# The same before a key's word in another language, the word in any script (`Секретный ключ`), UTF-8
# or JSON-escaped (`\u0421\u0435…`).
_PREVIOUS_FOREIGN_WORD: Final = (
    rb"(?:(?<![A-Za-z0-9_\-\\\x80-\xff])|(?<=\\)[nrt])"
    rb"(?P<word>(?:[A-Za-z\x80-\xff]|\\{1,3}u[0-9a-fA-F]{4}){2,40}) \Z"
)
# The words of a label before a secret name in a table's cell (`Admin password`, `Pre-shared key`).
_LABEL_WORDS: Final = rb"(?:[A-Za-z][A-Za-z\-]{0,23} ){1,3}"
# The words that declare a binding right before its name (`let key = …`, `static const _key = …`).
_DECLARATIONS: Final = frozenset(
    b"let val var const def my our local final static readonly mutable mut constexpr auto".split()
)
# A declaration's words and a type before a name (`private static final byte[] KEY = …` of Java,
# `const string Key = …` of C#, `final String KEY = …`).
_TYPED_DECLARATION: Final = (
    rb"(?<![A-Za-z0-9_])(?:final|static|const|readonly|private|public|protected|internal)[ \t]+"
    rb"[A-Za-z_][A-Za-z0-9_.<>]{0,40}(?:\[\])?[ \t]+\Z"
)
_HEX_SECRET: Final = r"[0-9a-fA-F]{32,128}"
_BASE64_VALUE: Final = r"[A-Za-z0-9+/_\-]{16,4096}={0,2}"
# ODBC's braced value after `=`: `Pwd={…}` (`}}` is a literal brace), up to `;` or the end.
_BRACED_VALUE: Final = (
    rb"(?m)" rb"[ \t]*=[ \t]*\{(?P<value>(?:[^}\n\\\x00]|\}\}){1,500})\}(?=;|[ \t\"'\\]|\r?$)"
)
# A Go struct printed with %+v: `{Field:value Field:value}` before a name, and the value after it.
# (also a map printed with %v: `map[host:db password:… port:5432]`)
_GO_FIELDS_BEFORE: Final = rb"(?:\{|map\[)(?:[A-Za-z_][A-Za-z0-9_.\-]*:[^\s{}]*[ \t]+)*\Z"
_GO_FIELD_VALUE: Final = rb"(?P<value>[^\s{}\[\]]{1,500}?)(?=[ \t]+[A-Za-z_][A-Za-z0-9_.\-]*:|[}\]])"
# A JSON object right after a secret name (`"db_password": {"sensitive": true, "value": "…"}`, as
# `terraform output -json` prints it), and a member marking its object sensitive.
_OBJECT_AFTER: Final = rb"""\\{0,3}["'][ \t]*:[ \t]*\{"""
_SENSITIVE_TRUE: Final = rb"""sensitive\\{0,3}"[ \t]*:[ \t]*true"""
# Terraform's (HCL's) `sensitive = true` in a block, the block's opening line (`variable "…" {`),
# its end (a `}` alone at the start of a line) and its `default = "…"`.
_HCL_SENSITIVE: Final = rb"sensitive[ \t]*=[ \t]*true"
_HCL_BLOCK_START: Final = rb"""variable[ \t]+\\{0,3}"[A-Za-z0-9_\-]{1,64}\\{0,3}"[ \t]*\{"""
_HCL_BLOCK_END: Final = rb"(?:\n|\\{1,3}n)\}"
_HCL_DEFAULT: Final = (
    rb"""(?:\n|\\{1,3}n)[ \t]*default[ \t]*=[ \t]*(?P<q>\\{0,3}")(?P<value>[^"\\\n]{1,500})(?P=q)"""
)
# A name given to Terraform's `variable "…" {` (its default is the value).
_HCL_VARIABLE_BEFORE: Final = rb"""(?:^|\n|\\{1,3}n|")variable[ \t]+\\{0,3}"\Z"""
_HCL_VARIABLE_AFTER: Final = rb"""\\{0,3}"[ \t]*\{"""
# A PuTTY key file up to its Private-MAC; cut short, up to the end of its private lines.
_PUTTY_KEY: Final = (
    rb"(?s)"
    rb"PuTTY-User-Key-File-[0-9]+:(?:(?!PuTTY-User-Key-File-).){0,32768}?"
    rb"Private-(?:MAC|Hash):[ \t]*[0-9a-fA-F]+"
)
_PUTTY_CUT: Final = (
    rb"(?s)"
    rb"PuTTY-User-Key-File-[0-9]+:(?:(?!PuTTY-User-Key-File-).){0,32768}?"
    rb"Private-Lines:[ \t]*[0-9]+(?:\s|\\{1,3}[nr])+[A-Za-z0-9+/=\s\\]*"
)
# A JSON member called just "api" holding a key (Snyk's `{"api": "<token>", "org": "acme"}`).
_API_MEMBER: Final = rb'"api\\{0,3}"[ \t]*:[ \t]*(?P<q>\\{0,3}")(?P<value>[^"\\\s]{16,200})(?P=q)'
# The scheme before the credential of an Authorization header's value.
_AUTH_SCHEME: Final = (
    rb"(?i:bearer|basic|token|digest|negotiate|ntlm|apikey|api-key|key|sso-key|otp|aws4-hmac-sha256)[ \t]+"
)
_REDIS_ACL: Final = rb"user[ \t]+[^\s>]+(?:[ \t]+[^\s>]+)*?[ \t]+>(?P<value>[^\s\"'\\]{4,})"
# SQL: `CREATE USER … IDENTIFIED BY 'password'` (also `IDENTIFIED WITH plugin BY '…'`).
_IDENTIFIED_BY: Final = (
    rb"(?im)"
    rb"""identified[ \t]+(?:with[ \t]+[^\s]+[ \t]+)?by[ \t]+(?:password[ \t]+)?"""
    rb"""(?:[nN]?(?P<q>\\{0,3}['"])(?P<value>[^'"\n\\]{3,500})(?P=q)"""
    # Oracle: `ALTER USER scott IDENTIFIED BY Tiger_2024;` (unquoted)
    rb"""|(?P<bare>[A-Za-z0-9!#%^*+=~_.@\-]{3,500})(?=[ \t]*(?:[;,)]|$|\r|\\[nr]|[ \t][a-z])))"""
)
# A JAAS login module's user, when it is an API key (Confluent, Event Hubs): `username="KEY"`.
_JAAS_USER: Final = rb"""[^\n]{0,200}?\busername=(?P<q>\\{0,3}["'])(?P<value>[^"'\n\\]{8,500})(?P=q)"""
# A statement's parameter as an ORM logs it bound: Hibernate 6's `binding parameter (3:VARCHAR) <- [VALUE]`,
# Hibernate 5's `binding parameter [3] as [VARCHAR] - [VALUE]` (the value to the `]` ending the line,
# or the JSON string holding it).
_BOUND_PARAMETER: Final = (
    rb"binding parameter (?:\((?P<n1>[0-9]{1,3}):[A-Za-z_0-9]{1,40}\) <- "
    rb"|\[(?P<n2>[0-9]{1,3})\] as \[[A-Za-z_0-9]{1,40}\] - )"
    rb"\[(?P<value>[^\n\\]{1,4000}?)\](?=[ \t]*(?:\r?\n|\Z|\\{1,3}[nr\"]|\"))"
)
# The statement it is bound to: the last `insert into T (a, b, …) values` or `update T set a=?, …`
# before it (within _BOUND_REACH), or the one on its line after it (a JSON log's `"sql":"…"`).
_BOUND_STATEMENT: Final = (
    rb"(?:insert into [^\s(]{1,128} ?\((?P<columns>[^)]{1,2000})\) values"
    rb"|update [^\s]{1,128} set (?P<set>[^\n]{1,2000}?)(?:\\{0,3}\"|\r?\n|\Z))"
)
_BOUND_SETTING: Final = rb"(?P<column>[A-Za-z_][A-Za-z0-9_.]{0,127})[ \t]*=[ \t]*\?"
_BOUND_REACH: Final = 4096
# Spring Boot's failure analysis of a property it could not bind: `Property: NAME`, then on the next
# line `Value: "…"` (quoted since Boot 2.x), then `Origin: …`.
_FAILED_PROPERTY: Final = (
    rb"Property: (?P<name>[A-Za-z0-9_.\-\[\]]{1,200})[ \t]*(?:\r?\n|\\{1,3}n)[ \t]*Value: "
    rb"(?P<q>\\{0,3}\"?)(?P<value>[^\n\"\\]{1,2000}?)(?P=q)[ \t]*(?=\r?\n|\\{1,3}[nr\"]|\Z)"
)
# A user's line of a realm file: `user: password,role,role` (or `=`), one role or more; a
# hash there (`MD5:…`, `CRYPT:…`, `{CRYPT}…`) stays.
_REALM_USER: Final = (
    rb"[ \t]*[A-Za-z0-9_.@\-]{1,64}[ \t]*[:=][ \t]*(?!MD5:|CRYPT:|\{)(?P<value>[^\s,\\\"]{1,500})"
    rb"(?:[ \t]*,[ \t]*[A-Za-z0-9_.:\-]{1,64})+[ \t]*\r?"
)
_REALM_LINES: Final = 200
# A `<user …>` element with its roles (tomcat-users.xml, a realm's users) whose password is a hex
# digest of a hash's length, maybe after a salt and an iteration count (`salt$1000$hex`).
_XML_USER: Final = rb"<user\b(?P<attributes>[^<>]{1,1000}?\broles=[^<>]{0,1000}?|[^<>]{1,1000}?)/?>"
_DIGEST_PASSWORD: Final = (
    rb"\bpassword=(?P<q>\\{0,3}[\"'])(?P<value>(?:[0-9a-fA-F]{1,128}\$[0-9]{1,7}\$)?"
    rb"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128}|[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64}|[0-9A-F]{128}))"
    rb"(?P=q)"
)
# What Jasypt's CLI prints under its `----OUTPUT----` rule (after blank lines): the line's text.
_CLI_OUTPUT: Final = (
    rb"----OUTPUT-{4,}[ \t]*(?:(?:\r?\n|\\{1,3}[rn])[ \t]*)+(?P<value>[^\s\\\"][^\n\\\"]{0,999}?)[ \t]*"
    rb"(?=\r?\n|\\{1,3}[rn\"]|\"|\Z)"
)
_CLI_OUTPUT_REACH: Final = 4096
# A string template printed (`println "${it.id} : ${it.password}"`, `println("$user:$token")`), and its
# fields (`${expression}`, `$name`).
_PRINTED_TEMPLATE: Final = (
    rb"""println[ \t]*\(?[ \t]*(?P<q>\\{0,3}["'])(?P<template>[^"'\n\\]{1,300}?)(?P=q)"""
)
_TEMPLATE_FIELD: Final = rb"\$\{(?P<expression>[^{}\n]{1,80})\}|\$(?P<variable>[A-Za-z_][A-Za-z0-9_]{0,63})"
_PRINTED_LINES: Final = 100
_LAST_MEMBER: Final = rb"[A-Za-z_][A-Za-z0-9_]*(?=[ \t()?!]*\Z)"
# A comment's last word after a colon or `=` (`# old one, rotated in March: …`), on the line above a
# secret setting whose value is now a reference (`password: ${DB_PASSWORD}`).
_COMMENTED_VALUE: Final = rb"[ \t]*#[^\n]*?[:=][ \t]+(?P<value>[^\s\\\"`']{6,200})[ \t]*\r?"
# The users a JAAS login module defines with their passwords (Kafka's PlainLoginModule, ZooKeeper's
# and Jetty's DigestLoginModule: `user_alice="…"`), up to the end of its entry (`};`).
_JAAS_USERS: Final = (
    rb"""(?<![A-Za-z0-9_])user_[A-Za-z0-9_.\-]{1,64}=(?P<q>\\{0,3}["'])(?P<value>[^"'\n\\]{1,500})(?P=q)"""
)
_JAAS_REACH: Final = 4096
# A cloud-init `chpasswd:` block's lines `user:password`.
_CHPASSWD_LINE: Final = (
    rb"""(?P<indent>[ \t]+)(?:-[ \t]+)?[A-Za-z_][A-Za-z0-9_.\-]*:(?P<value>[^\s"'\\]{4,})""" + _LINE_END
)
# (the driver splits at the last `@`, so the password may hold `@`: `app:p@ss#1@tcp(db)/x`)
_GO_DSN: Final = rb"[^\s:\"'/@]+:(?P<value>[^\s\"'`]{3,})@(?:tcp|unix)\("
# Arguments of a call, one at a time: a string literal (also JSON-escaped) or any other expression.
_CALL_ARG: Final = (
    rb"(?x)"
    rb"""(?:[ \t\r\n]|\\{1,3}[nrt]|[0-9]{1,7}(?:\xe2\x86\x92|\\{1,3}u2192))*
    (?:(?P<wrap>(?:[A-Za-z_][A-Za-z0-9_]*\.){0,3}
        (?:GetBytes|getBytes|\[\]byte|bytes|bytearray|Buffer\.from|from)\([ \t]*)?
      (?:value[ \t]*=[ \t]*)?(?:[fbrFBR]{0,2}|@(?=\\{0,3}"))(?P<q>\\{0,3}["'`])(?P<s>[^\n"'`\\]{0,500})(?P=q)
      (?P<more>(?:[ \t]*\+[ \t]*(?P=q)[^\n"'`\\]{1,500}(?P=q)){1,3})?
      (?:\.[A-Za-z_][A-Za-z0-9_]*(?:\([^()\n]{0,60}\))?!?){0,2}(?(wrap)(?:[ \t]*,[^()\n]{0,30})?\))
      |(?P<e>(?:[^,()"'`\n{}\\]++|\\(?![nrt])|"[^"\n]{0,200}"|'[^'\n]{0,200}'|\([^()\n]{0,200}\)|\{[^{}\n]{0,200}\})*+))
    (?:[ \t\r\n]|\\{1,3}[nrt])*(?P<end>[,)])"""
)
# A string literal joined to the one before it (the `more` of _CALL_ARG).
_JOINED_LITERAL: Final = rb"""\+[ \t]*(?P<q>\\{0,3}["'`])(?P<s>[^\n"'`\\]{1,500})(?P=q)"""

# What a function named for a credential returns, after its name (see _Scan._getter()).
# (also a debug line printing what a secret's method returned: Prefect's `secret.get() -> '…'`,
# `token.value() => "…"`)
_GETTER: Final = (
    rb"""(?:\.[A-Za-z_][A-Za-z0-9_]{0,30}\([^()\n]{0,60}\)[ \t]*(?:->|=>)"""
    rb"""|\([^()\n]{0,60}\)[ \t]*"""
    rb"""(?:(?:(?::|->)[ \t]*[A-Za-z_][A-Za-z0-9_<>?\[\]., ]{0,40}?[ \t]*)?(?:=|\{)|->)"""
    rb"""|(?P<short>(?:\(\))?,[ \t]*do:))[ \t]*(?:return[ \t]+)?(?:@|<<)?"""
    rb"""(?P<q>\\{0,3}["'`])(?P<value>[^"'`\n\\]{1,2000})(?P=q)"""
)
_DEF_BEFORE: Final = rb"(?<![A-Za-z0-9_])defp?[ \t]+(?:self\.)?\Z"
# The next piece of a literal after its closing quote: an operator that joins strings (`+`, `..`,
# `.`, `&`, `||`, `~`, `<>`, Visual Basic's `& _`) or none, maybe a line break, then the next literal.
_LITERAL_PIECE: Final = (
    rb"""[ \t]*(?P<op>\+|\.\.|\.|&|\|\||~|<>)?[ \t]*(?:_[ \t]*)?(?P<nl>\\?\r?\n|\\{1,3}n)?[ \t]*"""
    rb"""(?P<op2>\+|\.\.|&|\|\||~|<>)?[ \t]*[fbrFBR@]{0,2}"""
    rb"""(?P<q>\\{0,3}["'])(?P<piece>[^"'\n\\]{2,500})(?P=q)"""
    rb"""(?=[ \t]*(?:[;),+&.~|_]|\r?\n|\\{1,3}[nr]|\\{0,3}"|\Z))"""
)
# What follows a literal in parentheses that is one value (Python's `API_KEY = ("…"` then `"…")`):
# the closing parenthesis or the next piece on the next line, not a comma (a tuple).
_PARENTHESISED_END: Final = rb"""[ \t]*(?:\)|\r?\n|\\{1,3}n)"""
# Names of a secret's id, which may hold the secret (Vault AppRole's `secret_id`) or its name in a
# store (a Terraform data source's `secret_id = "orders/prod/stripe"`).
_SECRET_ID_NAMES: Final = (b"secret_id", b"secretid", b"secret-id")
# A user given in a URL's query before its password (`?user=postgres&password=postgres`).
_QUERY_STARTS: Final = (b"?", b"&", b";")
_QUERY_USER: Final = rb"[?&;](?:user|username|login)=(?P<user>[^&#\s\"'<>\\`;]{1,200})(?=[&;])"


def _query_users(data: bytes, name_start: int) -> list[str]:
    """The users given in the query of the URL before *name_start*."""
    return [
        match.group("user").decode("utf-8", "replace")
        for match in _rx[_QUERY_USER].finditer(data, max(0, name_start - 300), name_start)
    ]


# A user's name or address as a call's first literal, before the password.
_USER_LITERAL: Final = rb"[A-Za-z0-9_.@\-]{1,64}"
# A keyword argument (`type = "basic"`, `timeout: 30`), not a positional one.
_KEYWORD_ARGUMENT: Final = rb"[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*(?:=(?!=)|:(?!:))"

# The first argument of a database connection call naming its data source: a DSN's driver prefix
# (`dbi:Pg:`, `pgsql:`, `odbc:`, `jdbc:`), its settings (`host=`, `dbname=`, `Server=`) or a URL.
_DATA_SOURCE: Final = (
    rb"\A(?:dbi:[A-Za-z0-9_]+:|jdbc:|odbc:|(?:pgsql|mysql|sqlsrv|sqlite|oci|firebird|ibm|informix|dblib|cubrid):"
    rb"|[A-Za-z][A-Za-z0-9+.\-]{1,20}://)"
    rb"|(?i:\b(?:host|hostname|server|dbname|database|data source|dsn|driver|port)=)"
)

# An LDAP distinguished name (`OU=Staff,DC=corp,DC=local`): where an account is kept, given to a call
# where a password may stand too (.NET's `PrincipalContext(type, name, container)`), no password.
_DISTINGUISHED_NAME: Final = rb"(?:[A-Za-z]{1,8}=[^,=\"'\\]+,)+[A-Za-z]{1,8}=[^,=\"'\\]+"

# Oracle's EZConnect string as a call's last argument: `host:1521/service`, `db.example.com/orcl`.
_EZCONNECT_ARGUMENT: Final = rb"[A-Za-z0-9.\-]+(?::[0-9]{2,5})?/[A-Za-z0-9_.\-]+"

# Every anchor of the context rules, found by Aho-Corasick over the lower-cased text. The searcher
# stays fast (SIMD) only with a few dozen literals of three bytes or more, so the anchors are
# split into a few searches: secret names and fixed literals, output printers and function
# calls, command-line clients. At one position the first listed wins; anchors that start inside
# another are found again through _hidden().
_PAT_ENDS: Final = (b"_pat:", b"_pat=", b'pat"', b"pat\\")
_NAME_KEYWORDS: Final = (
    b"pass",
    b"pwd",
    b"pw",
    b"secret",
    b"token",
    b"key",
    b"author",
    b"auth",
    b"cred",
    b"bindpw",
    b"rootpw",
    b"psk",
    b"salt",
    # an account's recovery codes (`MFA recovery code: …`, `recovery_codes`)
    b"recovery",
    # a one-time password's seed (`"totp": "…"` in Bitwarden's items)
    b"totp",
    b"hotp",
    # Unifonic's API key, its `AppSid` (an SMS gateway's application's secret id); Amazon Payment
    # Services' (PayFort's) `access_code` and the phrases its SHA signatures are made with
    # (`sha_request_phrase`). The name is read around the anchor, so each anchor is a part of the name
    # whose first three bytes are rare in text (the search checks a candidate wherever those are:
    # `app`, `acc`, `req`, `res` and a leading `_` are everywhere in agent logs); none is as short as
    # `crc` (Przelewy24's CRC key is found after the Polish word for a key only, `KLUCZ_CRC`)
    b"ppsid",
    b"ss_code",
    b"a_request_phrase",
    b"a_response_phrase",
    # A personal access token's name ending in `_pat` (`AZURE_DEVOPS_EXT_PAT`, `GH_PAT`, `ado_pat`),
    # quoted also in a dotted setting's (`"azure-devops.pat"`): with the byte after it, as `_pat`
    # alone starts every `_path`.
    *_PAT_ENDS,
)
# Usage counters and other plural names ("input_tokens", "keys") are never secret: found as
# themselves, they cost no look at a name.
_SHADOWS: Final = (b'tokens"', b"tokens\\", b"tokens_", b"tokens:", b"tokens=", b"tokens ")
# …but a block or an object named `tokens` alone, holding UUIDs, holds an agent's ACL tokens
# (Consul's and Nomad's `acl { tokens { agent = "…" } }`, `"tokens": {"agent": "…"}`).
_TOKENS_OBJECT: Final = rb'(?:\\{0,3}")?[ \t]*[:=]?[ \t]*\{(?P<body>[^{}]{1,1000}?)\}'
_TOKENS_MEMBER: Final = (
    rb'(?:\\{0,3}")?[A-Za-z_][A-Za-z0-9_\-]{0,40}(?:\\{0,3}")?[ \t]*[:=][ \t]*\\{0,3}"(?P<value>'
    + rb"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
    + rb')\\{0,3}"'
)
# The secret after an API token's id (Proxmox's `full-tokenid`): a UUID named `value`, a JSON
# member's or a table row's (`│ value │ …`).
_VALUE_AFTER_TOKEN_ID: Final = (
    rb'(?:(?<![A-Za-z_\-])|(?<=\\[nt]))value(?:\\{0,3}")?'
    rb'[ \t]*(?::|\xe2\x94\x82|\\{1,3}u2502|\|)[ \t]*(?:\\{0,3}")?'
    rb"(?P<value>[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})"
)
# A WireGuard key in a block named `keys` or `key` (netplan's `keys:` with `public:` and `shared:`,
# a tunnel's `key:` with `private:`), on the block's next lines (JSON-escaped too).
# (what ends a block's name: its colon and the line's end, JSON-escaped too)
_BLOCK_OPENINGS: Final = (b":\n", b":\r\n", b":\\n", b":\\\\n")
_WIREGUARD_MEMBER: Final = (
    rb"(?:\r?\n|\\{1,3}n)[ \t]+(?:-[ \t]+)?(?:private|shared|preshared|psk)[ \t]*:[ \t]*(?:\\{0,3}[\"'])?"
    rb"(?P<value>[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])"
)
_NAMED_FIXED_ANCHORS: Final = (
    b"://",
    b"bearer",
    b"private key",
    b"kind",
    *_ARMOURED_SECRETS,
    b"cookie",
    b"curl",
    b"twilio",
    b"@tcp(",
    b"@unix(",
    b":5432",
    b":*:",
    b'" "',
    b'\\" \\"',
    b"]:587",
    b"]:465",
    b"]:submission",
    b"\nuser ",
    b"\\nuser ",
    b"setuser ",
    b'"user ',
    b"printf ",
    b"identified ",
    b"loginmodule",
    b"chpasswd:",
    b"auth=(",
    b"[redacted:",
    b"kty",
    b"<rsakeyvalue>",
    b":::",
    b"login ",
    b"authenticate ",
    b"ugfzc3dvcmq6",
    b"sensitive",
    b'"api',
    b"putty-user-key-file-",
    b"encrypted",
    b":thin:",
    b"@//",
    b": eap ",
    b": xauth ",
    b"encoded",
    b"phrase",
    b"mnemonic",
    b"seed",
    b"hdwalletprovider(",
    b"accounts",
    b"from_key",
    b"<value>",
    b'"result',
    b"x-honeycomb-team",
    b"$pat",
    b"u001b[",
    b"bundle",
    b"cmp(",
    b"write(",
    b"sendto(",
    b"securestring",
    b"session=",
    b"algolia",
    b"getpass(",
    b":3306",
    b":1433",
    b":6379",
    b":27017",
    b"\xe2\x86\x92user ",
    b"u2192user ",
    b"\tuser ",
    b"\\tuser ",
    b"basic ",
    # (the scheme and its credential as a call's first two arguments: C#'s target-typed
    # `AuthenticationHeaderValue auth = new("Basic", "…")`, also JSON-escaped)
    b'basic",',
    b"basic',",
    b"basic\\",
    b"<cookie ",
    b"&{",
    b"type=execve",
    b"dd *",
    b" / ",
    b":\\/\\/",
    b"\\\\/\\\\",
    b"enable:",
    b"1b47061264138c4ac30d75fd1eb44270",
    b"auth' => [",
    b'auth" => [',
    b'auth\\" => [',
    b'auth\\\\\\" => [',
    b"b64encode(",
    b"btoa(",
    b"encodetostring(",
    b"base64_encode(",
    b"encode64(",
    b"tobase64string(",
    # (the login made bytes first, encoded on a later line: .NET's `Encoding.ASCII.GetBytes("api:…")`,
    # Node's `Buffer.from("api:…")`)
    b"getbytes(",
    b"buffer.from(",
    b"<configuredvalue>",
    b"(windows credentials editor)",
    b"basicauth",
    b") from stdin;",
    b") values",
    # a browser driven by a test or a recording typing into a field (Playwright's and Puppeteer's
    # `fill`/`type`, Selenium's `send_keys`/`sendKeys`, WebdriverIO's `setValue`, Cypress's `type`)
    b".fill(",
    b".type(",
    b"send_keys(",
    b".sendkeys(",
    b".setvalue(",
    # Robot Framework's variable table (`*** Variables ***`, also `*** Variable ***`)
    b"*** variable",
    # an asciinema cast's output event (`[2.1, "o", "…"]`), as written and JSON-escaped once or twice
    b'"o", "',
    b'"o\\", ',
    b'"o\\\\\\", ',
    # a YAML list of SNMP communities (`snmp_communities:`, an item a line below it)
    b"communities:",
    # a JDBC statement's parameter as Hibernate logs it bound (`binding parameter (3:VARCHAR) <- […]`)
    b"binding parameter ",
    # Spring Boot's failure analysis of a property it could not bind (`Property: …` then `Value: …`)
    b"property: ",
    # a realm file of users, their passwords and roles (Jetty's `realm.properties` for its
    # HashLoginService)
    b"hashloginservice",
    b"realm.properties",
    # a user of Tomcat's `tomcat-users.xml` whose password is a digest (`digest.sh`'s hex, maybe after
    # its salt and iterations: `salt$1000$hex`)
    b"<user ",
    # Jasypt's command line decrypting: what it prints under `----OUTPUT----` is the plaintext
    b"decryptioncli",
    # a script printing records through a template that holds a secret's field (`println "${it.id} :
    # ${it.password}"` of Jenkins' script console, Groovy, Kotlin), then its output's lines
    b"println",
)
# Then the anchors of rules.SESSION_COOKIE_ANCHORS, rules.WEBHOOK_REQUEST_PATHS and rules.EXPECT_SENDS,
# numbered after the named ones.
_SESSION_COOKIE_AT: Final = len(_NAMED_FIXED_ANCHORS)
_WEBHOOK_PATH_AT: Final = _SESSION_COOKIE_AT + len(rules.SESSION_COOKIE_ANCHORS)
_EXPECT_SEND_AT: Final = _WEBHOOK_PATH_AT + len(rules.WEBHOOK_REQUEST_PATHS)
_LOGIN_ROW_AT: Final = _EXPECT_SEND_AT + len(rules.EXPECT_SENDS)
_FIXED_ANCHORS: Final = (
    *_NAMED_FIXED_ANCHORS,
    *(name.encode() for name in rules.SESSION_COOKIE_ANCHORS),
    *(anchor.encode() for anchor, _, _ in rules.WEBHOOK_REQUEST_PATHS),
    *(anchor.encode() for anchor in rules.EXPECT_SENDS),
    # an administrator's account between blanks that align a row of logins (see _Scan._login_row())
    # (searched from the word: an anchor led by blanks, found everywhere in logs, slows the search down)
    *(name.encode() + b"  " for name in sorted(rules.ADMIN_ACCOUNTS)),
)
(
    _URL,
    _BEARER_AT,
    _PEM_AT,
    _KIND_AT,
    _OPENVPN_AT,
    _NKEY_AT,
    _COOKIE_AT,
    _CURL_AT,
    _TWILIO_AT,
    _GO_DSN_AT,
    _GO_DSN_UNIX,
    _PGPASS_PORT,
    _PGPASS_ANY,
    _USERLIST_AT,
    _USERLIST_ESCAPED,
    _SASL_587,
    _SASL_465,
    _SASL_SUBMISSION,
    _ACL_LINE,
    _ACL_ESCAPED,
    _ACL_SETUSER,
    _ACL_STRING,
    _PRINTF,
    _IDENTIFIED,
    _LOGIN_MODULE,
    _CHPASSWD_AT,
    _AUTH_TUPLE,
    _MARKER_AT,
    _JWK_AT,
    _RSA_XML_AT,
    _SAM_ROW_AT,
    _LOGIN_AT,
    _AUTHENTICATE_AT,
    _SMTP_PASSWORD_AT,
    _SENSITIVE_AT,
    _API_AT,
    _PUTTY_AT,
    _ENCRYPTED_AT,
    _THIN_AT,
    _EZCONNECT_AT,
    _IPSEC_EAP,
    _IPSEC_XAUTH,
    _ENCODED_AT,
    _PHRASE_AT,
    _MNEMONIC_AT,
    _SEED_AT,
    _HDWALLET_AT,
    _ACCOUNTS_AT,
    _FROM_KEY_AT,
    _XML_VALUE_AT,
    _RESULT_AT,
    _HONEYCOMB_AT,
    _PAT_AT,
    _ANSI_ESCAPED,
    _BUNDLE_AT,
    _COMPARE_AT,
    _WRITE_AT,
    _SENDTO_AT,
    _SECURE_STRING,
    _SESSION_AT,
    _ALGOLIA_AT,
    _GETPASS_AT,
    _PORT_MYSQL,
    _PORT_MSSQL,
    _PORT_REDIS,
    _PORT_MONGO,
    _ACL_NUMBERED,
    _ACL_NUMBERED_ESCAPED,
    _ACL_CAT_N,
    _ACL_CAT_N_ESCAPED,
    _BASIC_AT,
    _BASIC_PAIR_AT,
    _BASIC_PAIR_SINGLE_AT,
    _BASIC_PAIR_ESCAPED_AT,
    _COOKIE_JAR_AT,
    _GO_POINTER_AT,
    _EXECVE_AT,
    _JCL_INSTREAM,
    _SLASH_PAIR,
    _URL_SLASHES,
    _URL_SLASHES_ESCAPED,
    _ENABLE_AT,
    _PULUMI_SECRET_AT,
    _AUTH_ARRAY,
    _AUTH_ARRAY_DQ,
    _AUTH_ARRAY_ESCAPED,
    _AUTH_ARRAY_TWICE,
    _B64ENCODE_AT,
    _BTOA_AT,
    _ENCODE_TO_STRING_AT,
    _BASE64_ENCODE_AT,
    _ENCODE64_AT,
    _TO_BASE64_STRING_AT,
    _GET_BYTES_AT,
    _BUFFER_FROM_AT,
    _CONFIGURED_VALUE_AT,
    _WCE_AT,
    _BASIC_AUTH_USERS_AT,
    _COPY_ROWS_AT,
    _INSERT_ROWS_AT,
    _FILL_AT,
    _TYPE_AT,
    _SEND_KEYS_AT,
    _SENDKEYS_AT,
    _SET_VALUE_AT,
    _ROBOT_VARIABLES_AT,
    _CAST_AT,
    _CAST_ESCAPED,
    _CAST_TWICE,
    _COMMUNITIES_AT,
    _BOUND_PARAMETER_AT,
    _FAILED_PROPERTY_AT,
    _REALM_SERVICE_AT,
    _REALM_FILE_AT,
    _XML_USER_AT,
    _DECRYPTION_CLI_AT,
    _PRINTLN_AT,
) = range(_SESSION_COOKIE_AT)
# The fixed anchors and the name shapes whose rules read other lines than the anchor's (a cookie
# list's items, a Kubernetes manifest, a Redis ACL file's lines, a JSON Web Key's YAML mapping; a
# name/value pair, a block under a name, a table's header): on a file reader's numbered lines,
# _scan() reads them again without numbers.
_ACROSS_LINES: Final = frozenset(
    (_COOKIE_AT, _KIND_AT, _ACL_NUMBERED, _ACL_NUMBERED_ESCAPED, _ACL_CAT_N, _ACL_CAT_N_ESCAPED, _JWK_AT)
)
# Roles of the other anchors (above every fixed anchor's number).
_NAME, _SHADOW, _PRINTER, _CLIENT, _CALL, _LISTER, _ANCHORED, _PROVIDER = range(1000, 1008)

# An S3-compatible client's `--access-key` (its key's id, of letters and digits) followed on its
# command by a `--secret-access-key` or `--secret-key` option (the secret).
_ACCESS_KEY_ID_OPTION: Final = (
    rb"""[ \t]*[= \t][ \t]*(?:\\{0,3}["'])?[A-Za-z0-9]{16,128}(?:\\{0,3}["'])?"""
    rb"""(?:[ \t]|\\{1,3}[\r\n]|\\{1,3}n)+--secret(?:-access)?-key[= \t]"""
)
# An id in parentheses after a value (`API token: restic-writer (id 4fa2…)`, `(key id …)`): the value
# is the credential's name.
_NAMED_BY_ID: Final = rb" \((?:key[ _\-]?|token[ _\-]?)?id[ :=]"
# The words that announce one-time codes (an account's recovery codes), and a code's shape:
# letters and digits in up to four groups, with a digit.
_CODES: Final = (b"recovery code", b"recovery_code", b"recovery-code")
_CODE_LEADS: Final = frozenset(b"r")  # (their first bytes, tested before the words)
_ONE_TIME_CODE: Final = rb"(?=[A-Za-z\-]*[0-9])[A-Za-z0-9]{4,10}(?:-[A-Za-z0-9]{4,10}){0,3}"
# A list of one-time codes after the words announcing it: its first code.
_CODE_LIST: Final = (
    rb"(?i:recovery)[ _\-]codes?(?:[ \t]*\([^()\n]{0,40}\))?[ \t]*[:=][ \t]*"
    rb"(?P<value>(?=[A-Za-z\-]*[0-9])[A-Za-z0-9]{4,10}(?:-[A-Za-z0-9]{4,10}){0,3})(?![A-Za-z0-9\-])"
)
# A line of `grep -n` or `grep -rn` output: the file's path and the line's number before the line.
_GREP_HIT: Final = rb"[ \t]*(?P<path>[A-Za-z0-9_.~/\-]{1,200}):[0-9]{1,7}:"
# The next code of a list of one-time codes (`Backup codes: 4F2K-…, 9QX1-…`, `abcde-12345 fghij-67890`).
_NEXT_CODE: Final = (
    rb"(?:[ \t]*,[ \t]*|[ \t]+)(?P<value>[A-Za-z0-9]{4,10}(?:-[A-Za-z0-9]{4,10}){0,3})(?![A-Za-z0-9\-])"
)
# A table row's value after its name and the blanks that align it, alone to the line's end.
_TABLE_ROW_VALUE: Final = rb"[ \t]{2,}[^\s\\]{8,200}[ \t]*(?=\r?$|\r?\n|\\{1,3}[rn]|\\{0,3}\")"
# The block of a node's settings that holds how it joins its cluster (Teleport's `join_params`).
_JOIN_PARAMS: Final = frozenset((b"join_params", b"joinParams"))
# Options that name a key of the keyring by its id or fingerprint (duplicity's, gpg's).
_KEY_ID_OPTIONS: Final = (b"encrypt-key", b"sign-key", b"signing-key", b"default-key")
