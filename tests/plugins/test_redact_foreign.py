"""The built-in redactor on secrets named in other languages (keys, labels, prose) and on chat quoting
a credential in the middle of a sentence (issue 15, the sixth corpus's biggest group of misses)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact import rules
from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

RNG = random.Random(6)


def _secret() -> str:
    """A generated password: letters and digits, with symbols in it."""
    return rs.body(RNG, 9) + "#" + rs.body(RNG, 6) + "!"


# Every word of the tables, joined as a name or a label would join it.
_WORDS = sorted(
    {word for table in (rules.FOREIGN_SECRET_WORDS,) for group in table.values() for word in group}
    | set(rules.FOREIGN_WHOLE_WORDS["password"])
)
_KEYS = ["{w}", "DB_{w}", "{w}_admin", "app.{w}"]
_SYNTAXES = ["{n}={s}\n", "{n}: {s}\n", '{{"{n}": "{s}"}}\n', '<Conn {n}="{s}" />\n', "  {n}: '{s}'\n"]


@pytest.mark.parametrize("word", _WORDS)
@given(
    key=st.sampled_from(_KEYS),
    syntax=st.sampled_from(_SYNTAXES),
    case=st.sampled_from([str, str.upper, str.capitalize]),
)
def test_a_secret_named_in_another_language_never_survives(word: str, key: str, syntax: str, case) -> None:
    """A value under a name holding a secret word of another language goes, in any case and syntax."""
    if word in rules.FOREIGN_SECRET_WORDS["key"]:
        word = word + "_api" if word.isascii() else "API" + word
    secret = _secret()
    name = key.format(w=case(word))
    for text in rs.forms(syntax.format(n=name, s=secret)):
        assert secret not in redact_text(text), text


@pytest.mark.parametrize(
    "template",
    [
        "Ich habe das Passwort für den Staging-Server gefunden: {s} – es steht in deploy/staging.sh.",
        "La contraseña del usuario admin de Grafana es `{s}` (la encontré en docker-compose.yml).",
        "我在 settings.py 里发现了数据库密码：{s}，建议改为从环境变量读取。",
        "배포 스크립트에 AWS 시크릿 키가 하드코딩되어 있습니다: {s}",
        "Ho trovato la password di root di MySQL nel file docker-compose.yml: {s}. Meglio spostarla.",
        "W pliku config/local.php jest hasło do bazy: '{s}'. Trzeba je zmienić.",
        "I found the staging password in deploy.sh: {s} - it is in plain text, rotate it.",
        "Usuario creado.\n  contraseña temporal: {s}\n  expira: 2026-04-28",
        "初期管理者アカウントを作成しました\nユーザー名: admin\n初期パスワード: {s}",
        "dein neues VPN-Passwort lautet: {s}\nBitte nach der ersten Anmeldung ändern.",
    ],
)
def test_chat_quoting_a_credential_mid_sentence_loses_it(template: str) -> None:
    """A credential quoted in a sentence after its name (any language) goes, JSON-escaped too."""
    secret = _secret()
    for text in rs.forms(template.format(s=secret)):
        assert secret not in redact_text(text), text


@pytest.mark.parametrize(
    "text",
    [
        '{"mot_de_passe": "Mot de passe", "mot_de_passe_oublie": "Mot de passe oublié ?"}',
        "'haslo' => 'Hasło musi mieć co najmniej :min znaków.',\n"
        "'haslo_potwierdzenie' => 'Hasła nie są zgodne.',",
        '{"password_forgot": "Forgot password?"}',
        "Wir haben Ihr Passwort zur=C3=BCckgesetzt. Falls Sie das nicht waren, melden Sie sich.",
        "Das Passwort muss mindestens 12 Zeichen lang sein: Ziffern, Groß- und Kleinbuchstaben.",
        "La contraseña debe tener al menos 12 caracteres.",
        "密码：请输入至少八位字符。",
        "I added `PASSWORD_MIN_LENGTH=12` and `RESET_TOKEN_TTL=15m` to the settings.",
        "ED25519 key fingerprint is SHA256:uCDHBxGs7dfdat0h50+PbqOMvAt4nwgpIk6NjhBr.",
        "chave_primaria: id_usuario",
    ],
)
def test_prose_and_labels_about_a_secret_survive(text: str) -> None:
    """Labels, messages and prose about a password, in any language, with no value, stay as they are."""
    for form in rs.forms(text):
        assert redact_text(form) == form


@pytest.mark.parametrize("template", ["WIFI_PASSWORD='my {w} garden {n}'", 'password: "{w} handshake {n}"'])
@pytest.mark.parametrize("word", ["secret", "password", "Passwort", "clave"])
def test_a_passphrase_holding_a_secret_word_and_a_digit_is_no_message(template: str, word: str) -> None:
    """A passphrase of words with a digit is redacted even when one of its words names a secret."""
    text = template.format(w=word, n=RNG.randint(10, 99))
    value = text.split("'" if "'" in text else '"')[1]
    for form in rs.forms(text):
        assert value.split(" ")[-1] not in redact_text(form)
