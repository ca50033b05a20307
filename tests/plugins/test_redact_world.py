"""The built-in redactor on text of teams outside the English-speaking world: translation files whose
keys name a secret and whose values are the translated label (they stay), placeholders written in
other languages (they stay), and real passwords with letters of other scripts (they go)."""

from __future__ import annotations

import base64
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
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
    "Mã truy cập",
    "Código de acceso",
    "Mã bí mật",
    "Sekret",
    "Rahasia",
    "Salaisuus",
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


def _wordlists() -> dict[str, list[str]]:
    from mnemonic import Mnemonic

    # (the package's Russian list holds one word whose letters were lost, `\ufffd` in their place:
    # no wallet can show it, and the redactor does not read it as a word of the list)
    return {
        language: [word for word in Mnemonic(language).wordlist if "\ufffd" not in word]
        for language in Mnemonic.list_languages()
    }


_WORDLISTS = _wordlists()
_SEED_LABELS = [
    "助记词（千万别丢）：\n",
    "助記詞：",
    "バックアップ用の復元フレーズ（12語）\n",
    "ニーモニック: ",
    "복구 구문 (절대 공유 금지)\n",
    "니모닉: ",
    "Frase de recuperación: ",
    "frase semente: ",
    "Мнемоническая фраза: ",
    "mnemonic: ",
]


@given(
    language=st.sampled_from(sorted(_WORDLISTS)),
    label=st.sampled_from(_SEED_LABELS),
    count=st.sampled_from([12, 15, 18, 24]),
    data=st.data(),
)
def test_a_seed_phrase_of_any_word_list_goes(language: str, label: str, count: int, data) -> None:
    """A seed phrase from any of BIP-39's word lists, after its name in any language, goes (raw,
    and in JSON that keeps UTF-8 as agents' logs do); its words apart by blanks or, in Japanese, by
    ideographic spaces."""
    import json
    import unicodedata

    from autopilot.plugins.redact.engine import redact_text

    words = data.draw(st.lists(st.sampled_from(_WORDLISTS[language]), min_size=count, max_size=count))
    gap = "\u3000" if language == "japanese" else " "
    phrase = unicodedata.normalize("NFC", gap.join(words))
    text = f"{label}{phrase}\n钱包地址：0x{rs.body(RNG, 40, rs.HEX)}\n"
    for form in (text, json.dumps({"content": text}, ensure_ascii=False)):
        assert phrase not in redact_text(form), form
    if label.isascii():
        rs.goes(text, phrase)  # (JSON-escaped too: `\u52a9 …` after an English name)


@pytest.mark.parametrize("label", _SEED_LABELS)
def test_eleven_words_or_words_of_no_list_stay(label: str) -> None:
    """Words that are no seed phrase stay: eleven of a list, or twelve with one of no list."""
    words = RNG.sample(_WORDLISTS["chinese_simplified"], 12)
    rs.survives(label + " ".join(words[:11]) + "\n")
    rs.survives(label + " ".join([*words[:11], "龘"]) + "\n")


@pytest.mark.parametrize("words", [["pin", "for", "kon", "pet", "sus"], ["ton", "vaso", "hier", "lamp"]])
def test_a_passphrase_holding_one_placeholder_word_still_goes(words: list[str]) -> None:
    """A passphrase of words that holds one word for "your" or "here" by chance is no placeholder."""
    secret = "-".join(words)
    rs.goes(f"my $dbh = DBI->connect('DBI:mysql:database=crm', 'crm', '{secret}');\n", secret)
    rs.goes(f'{{"password": "{secret}"}}\n', secret)


# A label of CJK prose, then its value: an aside in brackets before a full-width colon, or an
# ideographic space (U+3000) between them, in Chinese, Japanese and Korean.
_CJK_LABELS = [
    "秘密访问密钥（SK）：",
    "API Key（豆包模型）：",
    "パスワード（初期）：",
    "비밀번호(관리자)：",
    "Secret Key (SK)：",
    "パスワード\u3000",
    "密码\u3000",
    "비밀번호\u3000",
    "チャネルシークレット\u3000",
]


@given(seed=st.integers(min_value=0, max_value=2**32 - 1), label=st.sampled_from(_CJK_LABELS))
def test_a_value_after_a_cjk_label_with_an_aside_or_an_ideographic_space_goes(seed: int, label: str) -> None:
    """A value after such a label goes, as printed and JSON-escaped."""
    secret = rs.body(random.Random(seed), 28)
    rs.goes(f"华为云 OBS\n{label}{secret}\n区域：cn-north-4\n", secret)


@pytest.mark.parametrize(
    "text",
    [
        "秘密访问密钥（SK）：请联系管理员获取\n",
        "パスワード\u3000を変更してください\n",
        "パスワード（確認）：\n",
        "비밀번호\u3000확인\n",
        "API Key（豆包模型）：见控制台\n",
    ],
)
def test_a_cjk_label_without_a_value_stays(text: str) -> None:
    """A label whose aside or ideographic space is followed by words, not a value, stays."""
    rs.survives(text)


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_feishu_or_lark_bot_webhook_goes(seed: int) -> None:
    """A Feishu or Lark custom bot's webhook (on a private host too): the hook's id is the credential."""
    rng = random.Random(seed)
    hook = "-".join(rs.body(rng, n, rs.HEX) for n in (8, 4, 4, 4, 12))
    for host in ("open.feishu.cn", "open.larksuite.com", "feishu.example.internal"):
        rs.goes(f"webhook: https://{host}/open-apis/bot/v2/hook/{hook}\n", hook)
    rs.survives("see https://open.feishu.cn/open-apis/bot/v2/hook/{hook_id} for the format\n")


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_baidu_qianfan_api_key_goes(seed: int) -> None:
    """A Qianfan V2 API key (`bce-v3/ALTAK-…/…`) goes anywhere; one cut short stays."""
    rng = random.Random(seed)
    key = "bce-v3/" + "ALTAK-" + rs.body(rng, 21) + "/" + rs.body(rng, 40, rs.HEX)
    rs.goes(f"千帆 API Key（V2 鉴权）\n{key}\n", key)
    rs.goes(f'client = Qianfan(api_key="{key}")\n', key)
    rs.survives("bce-v3/ALTAK-xxxx/yyyy\n")


# Secret names in other languages as code and configs spell them: pinyin (`mima`, `kouling`,
# `miyao`), Italian `parola_chiave`, Korean and Japanese in Latin letters, whole words of a name
# split as English names are (snake_case, camelCase, UPPER_CASE).
@pytest.mark.parametrize(
    "name",
    ["mima", "db_mima", "dbMima", "DB_MIMA", "kouling", "parola_chiave", "parolaChiave", "bimilbeonho"],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_secret_named_in_another_language_in_code_goes(name: str, seed: int) -> None:
    """`mima = "…"`, `parola_chiave: …`: the value goes, in code and in a setting."""
    secret = rs.body(random.Random(seed), 16)
    rs.goes(f'\t{name}   = "{secret}" // db\n', secret)
    rs.goes(f"{name}: {secret}\n", secret)


@pytest.mark.parametrize(
    "text", ['mimalloc = "Xk2jd8Hs9Lq0"\n', 'mima = "${DB_MIMA}"\n', "mimaHint: Xk2jd8Hs9Lq0\n"]
)
def test_a_name_only_holding_such_letters_stays(text: str) -> None:
    """A word that only holds the letters (`mimalloc`), a name ending in another word, a reference."""
    rs.survives(text)


@given(
    first=st.sampled_from(
        ["Dahai", "Bandung", "Kourosh", "Liuyang", "Summer", "Käsekuchen", "Straße", "Bánh_Mì"]
    ),
    digits=st.integers(min_value=10, max_value=9999),
    last=st.sampled_from(["LiNa", "Pelangi", "Laleh", "Tiantian", "Hündchen", "Hạ_Long", "Winter"]),
)
def test_a_password_starting_with_a_dollar_sign_goes(first: str, digits: int, last: str) -> None:
    """`"$Dahai223LiNa"`, `"$Straße771Hündchen"`: no variable is named so; the password goes."""
    secret = f"${first}{digits}{last}"
    rs.goes(f'password: "{secret}"\n', secret)
    rs.goes(f'const 密码 = "{secret}";\n', secret)


@pytest.mark.parametrize("value", ["$DB_PASSWORD", "$dbPassword2", "$Password", "$HOME/секрет", "$Db2Pass"])
def test_a_variable_after_a_dollar_sign_stays(value: str) -> None:
    """A variable's name after `$` (upper case, camelCase, before a path in another script) stays."""
    rs.survives(f'password: "{value}"\n')


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_public_ids_of_regional_providers_stay_and_their_secrets_go(seed: int) -> None:
    """Razorpay's key id (its checkout hands it to the browser) and a key named for JavaScript
    (Kakao's) stay; the key secret and the REST API key beside them go."""
    rng = random.Random(seed)
    key_id = "rzp_" + rng.choice(["live", "test"]) + "_" + rs.body(rng, 14)
    rs.survives(f'key: "{key_id}"\norder_id: "order_{rs.body(rng, 14)}"\n')
    secret = rs.body(rng, 24)
    rs.goes(f"RAZORPAY_KEY_ID={key_id}\nRAZORPAY_KEY_SECRET={secret}\n", secret)
    public, private = rs.body(rng, 32, rs.HEX), rs.body(rng, 32, rs.HEX)
    rs.survives(f'{{"kakao": {{"javascriptKey": "{public}", "redirectUri": "https://example.kr/oauth"}}}}\n')
    rs.goes(f"KAKAO_JAVASCRIPT_KEY={public}\nKAKAO_REST_API_KEY={private}\n", private)


@pytest.mark.parametrize(
    "text",
    [
        "default * | AK:***tLWs          | Valid   | cn-hangzhou\n",
        "password: AK:****\n",
        "replyToken: （使用済み・30秒で失効）\n",
        "token: （管理画面で確認してください）\n",
    ],
)
def test_a_mask_or_a_note_in_full_width_brackets_stays(text: str) -> None:
    """A mask after the kind it masks (`AK:***tLWs`), a note in full-width brackets: no secret."""
    rs.survives(text)


def test_a_secret_after_a_short_kind_still_goes() -> None:
    """`AK:` before letters drawn at random is no mask."""
    secret = rs.body(RNG, 20)
    rs.goes(f"password: AK:{secret}\n", secret)


_CHATS = [
    "[15:39] Léa Martin : voilà la clé API Mistral de l’équipe data, ne la commitez pas svp\n"
    "[15:40] Léa Martin : {s}\n[16:25] Hugo Bernard : merci !\n",
    "[21/06/2026, 01:37] Carla: che te paso el access token de producción\n[21/06/2026, 01:37] Carla: {s}\n",
    "[2026-03-02 09:14] Jonas: hier ist das API-Token für Staging\n[2026-03-02 09:15] Jonas: {s}\n",
    "[09:14] Ann: here is the deploy token for staging, keep it safe\n[09:15] Ann: {s}\n",
]


@pytest.mark.parametrize("chat", _CHATS)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_secret_in_the_chat_message_after_the_one_naming_it_goes(chat: str, seed: int) -> None:
    """A message of a chat export names the secret, the next message is the secret alone."""
    secret = rs.body(random.Random(seed), 32)
    rs.goes(chat.format(s=secret), secret)


def test_a_chat_message_after_one_naming_a_secret_keeps_a_commit_or_words() -> None:
    """A commit's hash or a sentence in the next message is no answer."""
    rs.survives(
        "[10:00] Bob: I rotated the token yesterday\n[10:01] Ann: commit: 3f9ab2c41d0e9f8a7b6c5d4e3f2a1b0c\n"
        "[10:02] Bob: thanks, the old token is revoked\n"
    )


_CJK_COLON_LABELS = ["密码：", "数据库密码：", "账号：admin 密码：", "パスワード：", "비밀번호："]


@pytest.mark.parametrize("label", _CJK_COLON_LABELS)
@given(
    word=st.sampled_from(["xihu", "sora", "neko", "kavya", "liang", "minjun", "haru"]),
    digits=st.integers(min_value=100, max_value=99999),
)
def test_a_password_after_a_cjk_label_and_a_full_width_colon_goes(label: str, word: str, digits: int) -> None:
    """A password of letters and digits after such a label goes, as after `Password: `, also with
    a question's marks after it."""
    secret = f"{word}{digits}"
    rs.goes(f"主机：db-1\n{label}{secret}\n用完记得改\n", secret)
    rs.goes(f"{label}{secret}??\n", secret)


@pytest.mark.parametrize("text", ["密码：v2.3.1\n", "我们讨论了，密码：见群公告\n", "密码有效期：90天\n"])
def test_a_cjk_label_before_a_version_or_words_stays(text: str) -> None:
    """A version, words of a sentence or a setting after the label: no password."""
    rs.survives(text)


@pytest.mark.parametrize(
    "label", ["加签密钥：", "签名校验密钥：", "パスワード：", "비밀번호：", "App Secret："]
)
@pytest.mark.parametrize(
    "above",
    ["Webhook：https://oapi.example.cn/robot/send?x=1", "docs https://example.com/a/b", "cd /srv/app"],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_label_below_a_line_ending_in_a_url_or_a_path_still_hands_over(
    label: str, above: str, seed: int
) -> None:
    """The slashes of a URL or a path on the line above are not the label's (a path before the
    label on its own line names where a key is; one a line above does not)."""
    secret = rs.body(random.Random(seed), 6) + str(random.Random(seed).randint(100, 999))
    rs.goes(f"{above}\n{label}{secret}\n", secret)


def test_a_label_after_a_path_on_its_own_line_still_stays() -> None:
    """A path on the label's own line still names where a key is, no key."""
    rs.survives("wg pubkey < /etc/wireguard/privatekey\n")


@pytest.mark.parametrize("label", ["REST API 키: ", "Admin 키: ", "API 키：", "시크릿 키: "])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_key_after_the_korean_word_for_key_goes(label: str, seed: int) -> None:
    """Korean writes a key's kind before `키` as English does before `key` (`REST API 키: …`): a
    generated value after it goes, as after `API key: `."""
    secret = rs.body(random.Random(seed), 32, rs.HEX)
    rs.goes(f"카카오 앱 키 정리\n{label}{secret}\n", secret)


@pytest.mark.parametrize(
    "text",
    [
        "JavaScript 키: 7970f553ada0ae07ebe86753434439e7\n",
        "키보드: 한국어 2벌식\n",
        "네이티브 앱 키: (앱에 포함됨)\n",
        "키: 값\n",
    ],
)
def test_the_korean_word_for_key_before_a_public_key_or_words_stays(text: str) -> None:
    """A key named for JavaScript is public; a keyboard, a note in brackets or words are no key."""
    rs.survives(text)


# The first bytes of a private key's DER (their lengths those of the key below), and a public key's.
_DER_HEADERS = {
    "pkcs8 rsa": ("308204bd020100300d06092a864886f70d0101010500048204a7", 1191),
    "pkcs1 rsa": ("308204a40201000282010100", 1180),
    "pkcs8 ec": ("308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b", 109),
    "sec1 ec": ("30770201010420", 114),
    "pkcs8 ed25519": ("302e020100300506032b657004220420", 32),
}


@pytest.mark.parametrize("kind", list(_DER_HEADERS))
@pytest.mark.parametrize("wrap", [0, 64])
@settings(max_examples=5)  # (a key's text is long, each example redacts it in several forms)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_private_key_without_its_armour_goes(kind: str, wrap: int, seed: int) -> None:
    """A private key's DER in base64 with no PEM lines around it (a payment console's merchant key),
    on one line or wrapped, goes whole."""
    header, size = _DER_HEADERS[kind]
    der = bytes.fromhex(header) + random.Random(seed).randbytes(size)
    body = base64.b64encode(der).decode()
    if wrap:
        body = "\n".join(body[i : i + wrap] for i in range(0, len(body), wrap))
    text = f"支付宝开放平台 - 应用私钥（RSA2），不要提交到 Git：\n{body}\n"
    for line in body.splitlines()[:-1] or [body]:
        rs.goes(text, line)


@settings(max_examples=5)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_public_key_without_its_armour_stays(seed: int) -> None:
    """The platform's public key (SubjectPublicKeyInfo, no version 0) is made to be shared."""
    header = "30820122300d06092a864886f70d01010105000382010f003082010a0282010100"
    body = base64.b64encode(bytes.fromhex(header) + random.Random(seed).randbytes(261)).decode()
    rs.survives(f"支付宝公钥：\n{body}\n")


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_vk_token_goes_alone(seed: int) -> None:
    """VK's access tokens (`vk1.a.` and a long random body) go with no name beside them."""
    token = "vk1" + ".a." + rs.body(random.Random(seed), 200, rs.URLSAFE)
    rs.goes(f"Мария, [2026-10-25 15:42]\nтокен сообщества ВК для бота: {token}\n", token)
    rs.goes(f"{token}\n", token)


def test_words_like_a_vk_token_stay() -> None:
    rs.survives("vk1.a.example\nversion vk1.a.2 of the bot\n")


_QUOTED_IN_PROSE = [
    "Le compte « recette » est prêt. Mot de passe : « {s} »\nBien à toi,\n",
    "Le compte est prêt. Mot de passe : «\u00a0{s}\u00a0»\n",
    "Das neue Passwort: „{s}“ – bitte gleich ändern.\n",
    "Пароль от вайфая: «{s}», не забудь.\n",
    "ID は admin、パスワードは「{s}」です\n",
    "サーバーのパスワードは {s} です\n",
    "新しいパスワード：『{s}』\n",
    "La contraseña es «{s}» hasta el lunes.\n",
]


@pytest.mark.parametrize("sentence", _QUOTED_IN_PROSE)
@given(
    word=st.sampled_from(["noël", "Neko", "sora", "Hund", "Зайка", "amour"]),
    digits=st.integers(min_value=100, max_value=99999),
    symbol=st.sampled_from(["++", "#", "Yuki", "-Mai"]),
)
def test_a_password_in_the_quotes_of_another_language_goes(
    sentence: str, word: str, digits: int, symbol: str
) -> None:
    """Guillemets, German and CJK quotes, or Japanese's `は … です`, in the middle of a line."""
    secret = f"{word}{digits}{symbol}"
    rs.goes(sentence.format(s=secret), secret)


@pytest.mark.parametrize(
    "text",
    [
        "Le mot de passe est dans « Coffre-fort » comme d’habitude.\n",
        "Mot de passe : « votre mot de passe »\n",
        "Passwort: „********“\n",
        "パスワードは「管理画面」で確認してください\n",
        "パスワードは「設定」→「セキュリティ」から変更できます\n",
        "パスワードは 8 文字以上です\n",
        "Le compte « recette » est prêt.\n",
    ],
)
def test_words_in_the_quotes_of_another_language_stay(text: str) -> None:
    """A place, a mask, a UI's path or words in those quotes are no password."""
    rs.survives(text)


@pytest.mark.parametrize(
    "text",
    [
        '  -H "Authorization: KakaoAK {발급받은_키}" \\\n',
        "Authorization: GenieKey <your-api-key>\n",
        "api_key: <APIキー>\n",
        "password: {你的密码}\n",
        "sekretariat: biuro@example.pl\n",
    ],
)
def test_a_placeholder_naming_the_secret_in_another_language_stays(text: str) -> None:
    """Words in brackets naming the key (`{발급받은_키}`: the issued key), after a provider's own
    scheme too, stand in for it; an office's name holding the word for secret is none."""
    rs.survives(text)


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_key_after_a_providers_own_scheme_still_goes(seed: int) -> None:
    secret = rs.body(random.Random(seed), 32, rs.HEX)
    rs.goes(f'curl -H "Authorization: KakaoAK {secret}" https://dapi.kakao.com/v2/local\n', secret)
