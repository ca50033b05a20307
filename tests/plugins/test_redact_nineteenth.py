"""The built-in redactor on text written in other languages and scripts, and on the providers of
their markets (the nineteenth corpus's families): credentials announced in CJK prose inside JSON
messages, prompts of localised systems, a key named with its adjective first, SMS gateways' keys in
their URLs; and the look-alikes that must stay."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

from autopilot.plugins.redact.engine import redact_text

SEEDS = st.integers(min_value=0, max_value=2**32)


def _password(rng: random.Random) -> str:
    """A password as people make them: letters of both cases, digits and a symbol (not a dot: a
    value that reads as `name.attribute` is code to every rule, in English too)."""
    return rs.body(rng, 10) + rng.choice("!#%*-_+=") + rs.body(rng, 3)


def goes_everywhere(text: str, secret: str) -> None:
    """*secret* goes from *text* in the forms of rs.goes() and in JSON that keeps other scripts as
    they are (`ensure_ascii=False`, as agents' logs and chat exports hold them)."""
    rs.goes(text, secret)
    for form in (
        json.dumps({"text": text}, ensure_ascii=False),
        json.dumps([{"content": text}], ensure_ascii=False),
    ):
        assert secret not in redact_text(form), form


@given(
    layout=st.sampled_from(
        [
            "管理后台账号：admin 密码：{v}",
            "钉钉机器人配置\nWebhook：https://oapi.dingtalk.com/robot/send\n加签密钥：{v}",
            "飞书自定义机器人\n签名校验密钥：{v}",
            "主机：db-02.internal\n用户名：app_rw\n密码：{v}",
            "ログイン情報\nユーザー名\u3000admin\nパスワード\u3000{v}",
            "계정 정보\n아이디：admin\n비밀번호：{v}",
        ]
    ),
    seed=SEEDS,
)
def test_a_credential_after_a_cjk_label_goes_where_a_json_string_ends(layout: str, seed: int) -> None:
    """A full-width colon or an ideographic space after the label, the value ending a chat message."""
    value = _password(random.Random(seed))
    text = layout.format(v=value)
    goes_everywhere(text, value)
    # (the message inside a bot's JSON body, other members after it)
    body = json.dumps(
        {"msg_type": "post", "content": [[{"tag": "text", "text": text}]], "n": 1}, ensure_ascii=False
    )
    assert value not in redact_text(body)


def test_words_after_a_cjk_label_stay() -> None:
    """Prose after a CJK label, that a password was reset or changed, is no password."""
    for text in ("密码：已重置", "パスワード\u3000を変更しました", "비밀번호：변경됨", "令牌\u3000abcdefgh"):
        rs.survives(text)
        form = json.dumps({"text": text}, ensure_ascii=False)

        assert form == redact_text(form)


@given(
    prompt=st.sampled_from(
        ["Пароль:", "пароль:", "Passwort:", "Kennwort:", "Contraseña:", "Senha:", "密码：", "パスワード:"]
    ),
    seed=SEEDS,
)
def test_what_expect_sends_after_a_localised_password_prompt_goes(prompt: str, seed: int) -> None:
    """A scripted session on a system in another language answers its password prompt."""
    value = _password(random.Random(seed))
    script = (
        f'#!/usr/bin/expect -f\nspawn ssh admin@10.0.0.7\nexpect "{prompt}"\nsend "{value}\\r"\nexpect "$ "\n'
    )
    goes_everywhere(script + 'send "uptime\\r"\n', value)


def test_what_expect_sends_after_a_localised_login_prompt_stays() -> None:
    """The user's name sent after a login prompt, and a command after the password, stay."""
    script = 'spawn ssh 10.0.0.7\nexpect "Логин:"\nsend "deploy\\r"\nexpect "$ "\n'
    rs.survives(script + 'send "systemctl restart nginx\\r"')


@given(
    label=st.sampled_from(
        ["Секретный ключ", "Закрытый ключ", "Geheimer Schlüssel", "Privater Schlüssel", "Prywatny klucz"]
    ),
    seed=SEEDS,
)
def test_a_key_named_with_its_adjective_first_goes(label: str, seed: int) -> None:
    """German, Polish and Russian put a key's qualifier before it (`Секретный ключ: …`)."""
    value = rs.body(random.Random(seed), 40)
    goes_everywhere(
        f"Статический ключ доступа\nИдентификатор ключа: YCAJ{value[:20]}\n{label}: {value}\n", value
    )


@given(seed=SEEDS)
def test_a_key_said_public_or_an_identifier_stays(seed: int) -> None:
    """A public key and a key's identifier, named in another language, stay."""
    value = rs.body(random.Random(seed), 40)
    for label in ("Публичный ключ", "Öffentlicher Schlüssel", "Идентификатор ключа"):
        text = f"{label}: {value}"

        assert text == redact_text(text)


@given(
    layout=st.sampled_from(
        [
            'curl "https://sms.ru/sms/send?api_id={uuid}&to=79990001122&msg=%D0%9A%D0%BE%D0%B4&json=1"',
            "https://sms.ru/my/balance?api_id={uuid}&json=1",
            "https://el.cloud.unifonic.com/rest/SMS/messages?AppSid={key}&SenderID=MyStore&Recipient=9665",
            "POST https://basic.unifonic.com/rest/SMS/messages?Recipient=9665&AppSid={key}",
            "https://api.kavenegar.com/v1/{hexkey}/sms/send.json?receptor=09120000000&message=hi",
            "https://smsc.ru/sys/send.php?login=shop&psw={key}&phones=79990001122&mes=code",
        ]
    ),
    seed=SEEDS,
)
def test_an_sms_gateways_key_in_its_url_goes(layout: str, seed: int) -> None:
    """SMS.ru's `api_id`, Unifonic's `AppSid`, Kavenegar's key in its path, SMSC's `psw`."""
    rng = random.Random(seed)
    hexkey = rs.body(rng, 88, "0123456789ABCDEF")
    uuid = "-".join(rs.body(rng, n, "0123456789ABCDEF") for n in (8, 4, 4, 4, 12))
    key = rs.body(rng, 30)
    text = layout.format(uuid=uuid, key=key, hexkey=hexkey)
    secret = uuid if "{uuid}" in layout else hexkey if "{hexkey}" in layout else key
    rs.goes(text, secret)


@given(
    layout=st.sampled_from(
        ["AppSid: {v}\nSenderID: MyStore", '{{"AppSid": "{v}", "Recipient": "9665"}}', "UNIFONIC_APPSID={v}"]
    ),
    seed=SEEDS,
)
def test_unifonics_app_sid_goes_under_its_name(layout: str, seed: int) -> None:
    """Unifonic calls its API key `AppSid`: a configuration's line, a request's body, a variable."""
    value = rs.body(random.Random(seed), 30)
    rs.goes(layout.format(v=value), value)


def test_sms_gateways_urls_without_a_key_stay() -> None:
    """Their documentation's URLs, a placeholder for the key, a sender's name stay."""
    for text in (
        "https://sms.ru/sms/send?api_id=YOUR_API_ID&to=79990001122",
        "https://api.kavenegar.com/v1/{API-KEY}/sms/send.json",
        "see https://sms.ru/api/send and https://api.kavenegar.com/v1/ for the docs",
        "AppSid: ${UNIFONIC_APPSID}\nSenderID: MyStore",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            "ossutil config -e oss-cn-hangzhou.aliyuncs.com -i LTAI{id} -k {v} -L CH",
            "ossutil cp ./a.txt oss://backup/a.txt --access-key-id LTAI{id} --access-key-secret {v}",
            "./obsutil config -i={id} -k={v} -e=obs.cn-north-4.myhuaweicloud.com",
            "coscmd config -a AKID{id} -s {v} -b backup-1250000000 -r ap-beijing",
        ]
    ),
    seed=SEEDS,
)
def test_an_object_stores_cli_given_its_secret_as_a_flag_goes(layout: str, seed: int) -> None:
    """Alibaba's ossutil, Huawei's obsutil and Tencent's coscmd take the key pair as flags."""
    rng = random.Random(seed)
    value = rs.body(rng, 30)
    rs.goes(layout.format(id=rs.body(rng, 20), v=value), value)


def test_an_object_stores_cli_without_a_secret_stays() -> None:
    """A flag with no value, a reference, a number after `-t` stay."""
    for text in (
        "ossutil ls oss://backup -k",
        "ossutil cp a.txt oss://b/a.txt -k ${OSS_SECRET}",
        "ossutil cp -r ./dist oss://site/ -t 30",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            "payfort:\n  merchant_identifier: {n}\n  access_code: {v}\n",
            'payfort:\n  sha_request_phrase: "{p}"\n  sha_response_phrase: "{p}"\n',
            "PAYFORT_SHA_REQUEST_PHRASE={p}",
            '{{"access_code": "{v}", "merchant_identifier": "{n}"}}',
            'private static final String KLUCZ_CRC = "{v}";',
            "$KLUCZ_CRC = '{v}';",
        ]
    ),
    seed=SEEDS,
)
def test_a_payment_gateways_credential_under_its_own_name_goes(layout: str, seed: int) -> None:
    """PayFort's `access_code` and SHA phrases, Przelewy24's CRC key under its Polish name (the key's
    word, `klucz`, is an anchor): names without a secret word in English."""
    rng = random.Random(seed)
    value, phrase = rs.body(rng, 32), _password(rng)
    text = layout.format(v=value, p=phrase, n=rng.randint(100000, 999999))
    rs.goes(text, phrase if "{p}" in layout else value)


def test_a_checksum_stays() -> None:
    """A CRC of a file or a frame, in hex or as a number, and a short access code stay."""
    for text in (
        "crc: 3a4b5c6d",
        '{"crc32": "0x1A2B3C4D", "file_crc": "9f8e7d6c5b4a3928"}',
        "frame 12 crc=2874519283 ok",
        "error=invalid_access_code&error_description=expired",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            'handler = WebhookHandler("{hex}")',
            "parser = WebhookParser('{hex}')",
            'line_bot_api = LineBotApi("{token}")',
            'LineSignatureValidator validator = new LineSignatureValidator("{hex}".getBytes());',
            'Config config = new RSAAutoCertificateConfig.Builder()\n        .merchantId("1900000001")\n'
            '        .apiV3Key("{v}")\n        .build();',
            "WECHAT_API_V3_KEY={v}",
        ]
    ),
    seed=SEEDS,
)
def test_a_bots_or_a_payment_sdks_secret_in_code_goes(layout: str, seed: int) -> None:
    """LINE's SDK given its channel secret or token, WeChat Pay's `apiV3Key` builder."""
    rng = random.Random(seed)
    secrets = {
        "hex": rs.body(rng, 32, rs.HEX),
        "token": rs.body(rng, 120, rs.B64) + "=",
        "v": rs.body(rng, 32),
    }
    key = next(name for name in secrets if "{" + name + "}" in layout)
    rs.goes(layout.format(**secrets), secrets[key])


def test_a_bots_secret_read_from_elsewhere_stays() -> None:
    """The channel secret read from the environment or a variable stays."""
    rs.survives('handler = WebhookHandler(os.environ["LINE_CHANNEL_SECRET"])')
    rs.survives("handler = WebhookHandler(channel_secret)")


@given(
    layout=st.sampled_from(
        [
            "方舟平台 API Key（豆包模型）：{v}\nEndpoint ID：ep-20261211-gzie",
            "火山引擎 API Key：{v}",
            "API 키：{v}",
        ]
    ),
    seed=SEEDS,
)
def test_a_uuid_after_a_keys_cjk_label_goes(layout: str, seed: int) -> None:
    """Volcengine Ark's API keys are UUIDs: after `API Key` and a full-width colon, as after `: `."""
    rng = random.Random(seed)
    value = "-".join(rs.body(rng, n, rs.HEX) for n in (8, 4, 4, 4, 12))
    goes_everywhere(layout.format(v=value), value)


def test_an_id_after_a_cjk_label_stays() -> None:
    """A request's or an endpoint's id after a full-width colon, and words after a key's label, stay."""
    for text in (
        "Request ID：ab693795-80f2-465d-a911-4514e52d2b2a",
        "方舟平台 API Key（豆包模型）：见控制台",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            '{{"type":"message","message":{{"type":"text","text":"サーバーのパスワードは {v} です"}},'
            '"timestamp":1764744753000,"source":{{"type":"group","groupId":"C{pad}"}}}}',
            '{{"type":"tool_result","content":"钉钉机器人配置\\nWebhook：https://oapi.dingtalk.com/robot/send\\n'
            '加签密钥：{v}"}}]}},"parent_tool_use_id":null,"session_id":"{pad}","uuid":"{pad}"}}',
        ]
    ),
    seed=SEEDS,
)
def test_a_credential_announced_in_cjk_inside_a_long_json_line_goes(layout: str, seed: int) -> None:
    """A message of a chat bot's event or an agent's log is a string in a line of JSON that runs on:
    the announcement ends where the string does."""
    rng = random.Random(seed)
    value = _password(rng)
    text = layout.format(v=value, pad=rs.body(rng, 120, rs.HEX))
    assert value not in redact_text(text)
    assert value not in redact_text(json.dumps({"output": text}, ensure_ascii=False))


@given(seed=SEEDS)
def test_a_password_under_a_russian_label_read_as_windows_1252_goes(seed: int) -> None:
    """Russian's UTF-8 shown as Windows-1252 (`ÐŸÐ°Ñ€Ð¾Ð»ÑŒ`, mojibake of `Пароль`) still names it."""
    value = _password(random.Random(seed))
    for label in ("Пароль", "пароль", "Ключ API"):
        mojibake = label.encode().decode("cp1252")
        goes_everywhere(f"{'Логин'.encode().decode('cp1252')}: admin\n{mojibake}: {value}\n", value)


@given(seed=SEEDS)
def test_a_mapbox_public_token_in_base64s_alphabet_stays(seed: int) -> None:
    """Mapbox's `pk.` tokens are made to be published, whatever alphabet their body was drawn from;
    its secret `sk.` tokens still go."""
    rng = random.Random(seed)
    body = "eyJ1Ijoi" + rs.body(rng, 40, rs.B64) + "." + rs.body(rng, 22, rs.B64)
    url = "https://api.mapbox.com/styles/v1/acme/{s}/tiles/256/1/2/3?access_token={t}"
    rs.survives(url.format(s=rs.body(rng, 22), t="pk." + body))
    rs.goes(f"MAPBOX_SECRET_TOKEN=sk.{body}", body)
