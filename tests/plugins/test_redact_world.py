"""The built-in redactor on text of teams outside the English-speaking world: translation files whose
keys name a secret and whose values are the translated label (they stay), placeholders written in
other languages (they stay), and real passwords with letters of other scripts (they go)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

RNG = random.Random(24)

# The word for "password", "API key", "token" or "secret" in many languages, as a UI shows it.
_LABELS = [
    "Contraseña",
    "Passwort",
    "Kennwort",
    "Wachtwoord",
    "Lösenord",
    "Salasana",
    "Senha",
    "Şifre",
    "Hasło",
    "Heslo",
    "Пароль",
    "Токен",
    "Секрет",
    "API-ключ",
    "סיסמה",
    "كلمة المرور",
    "पासवर्ड",
    "รหัสผ่าน",
    "密码",
    "密鑰",
    "パスワード",
    "パスワード（確認）",
    "비밀번호",
    "비밀번호 확인",
    "एपीआई कुंजी",
    "مفتاح الواجهة البرمجية",
    "Parolayı tekrar girin",
]
_FILES = [
    '{{"password": "{v}", "apiKey": "{v}", "title": "Login"}}\n',
    "labels:\n  password: {v}\n  api_key: {v}\n  login: Login\n",
    '"password" = "{v}";\n"token" = "{v}";\n',
    '  <data name="Password" xml:space="preserve">\n    <value>{v}</value>\n  </data>\n',
    "  auth: {{ password: '{v}', secret: '{v}' }},\n",
]


@pytest.mark.parametrize("label", _LABELS)
@pytest.mark.parametrize("file", _FILES)
def test_a_translation_file_keeps_its_labels(label: str, file: str) -> None:
    """A file of UI strings whose keys name a secret keeps its translated labels, in any script."""
    rs.survives(file.format(v=label))


@pytest.mark.parametrize("word", ["Contraseña", "Пароль", "Passwort", "密码", "パスワード", "Şifre"])
@pytest.mark.parametrize("file", _FILES[:3])
def test_a_password_holding_a_label_and_a_digit_still_goes(word: str, file: str) -> None:
    """A password made of the word and a digit or a symbol is no label (`Contraseña2024!`)."""
    secret = word + str(RNG.randint(10, 9999)) + RNG.choice("!#%&")
    rs.goes(file.format(v=secret), secret)


@given(
    letters=st.text(alphabet="äöüßéèçñåøæłśżčřşğıабвгдежзийклмнопрстуфхцчшщыэюя", min_size=4, max_size=8),
    digits=st.integers(min_value=10, max_value=99999),
    symbol=st.sampled_from("!#%&*+?@"),
)
def test_a_password_of_letters_of_another_script_goes(letters: str, digits: int, symbol: str) -> None:
    """A password with letters outside ASCII, a digit and a symbol goes in a setting and in JSON."""
    secret = letters.capitalize() + str(digits) + symbol
    rs.goes(f"password: {secret}\n", secret)
    rs.goes(f'{{"password": "{secret}"}}\n', secret)


@pytest.mark.parametrize(
    "value",
    [
        "tu-clave-aquí",
        "tu_contraseña",
        "sua_senha_aqui",
        "votre-mot-de-passe-ici",
        "dein_passwort_hier",
        "inserisci-qui-la-tua-chiave",
        "isi_dengan_server_key_anda",
        "ganti_dengan_kata_sandi",
        "<ваш-ключ>",
        "‹كلمة_المرور_هنا›",
        "{발급받은_키}",
        "您的密钥",
        "あなたのパスワード",
        "%E6%82%A8%E7%9A%84key",
    ],
)
def test_a_placeholder_in_another_language_stays(value: str) -> None:
    """A value saying "your …", "… here", "insert …" in another language stands in for a secret (a
    bare one as printed and in JSON that keeps UTF-8; a quoted one JSON-escaped too)."""
    import json

    from autopilot.plugins.redact.engine import redact_text

    text = f"DB_PASSWORD={value}\nAPI_KEY={value}\n"
    for form in (text, json.dumps({"content": text}, ensure_ascii=False)):
        assert redact_text(form) == form
    rs.survives(f'{{"password": "{value}", "api_key": "{value}"}}\n')


@pytest.mark.parametrize("template", ["tu-clave-{s}", "sua_senha_{s}", "{s}_aqui", "ваш-{s}"])
def test_a_password_beside_a_placeholder_word_still_goes(template: str) -> None:
    """A placeholder word beside letters drawn at random and digits is no placeholder."""
    secret = template.format(s=rs.body(RNG, 12))
    rs.goes(f"DB_PASSWORD={secret}\n", secret)


@pytest.mark.parametrize("words", [["pin", "for", "kon", "pet", "sus"], ["ton", "vaso", "hier", "lamp"]])
def test_a_passphrase_holding_one_placeholder_word_still_goes(words: list[str]) -> None:
    """A passphrase of words that holds one word for "your" or "here" by chance is no placeholder."""
    secret = "-".join(words)
    rs.goes(f"my $dbh = DBI->connect('DBI:mysql:database=crm', 'crm', '{secret}');\n", secret)
    rs.goes(f'{{"password": "{secret}"}}\n', secret)
