"""A nineteenth labelled redaction corpus: the world outside English.

Written blind to the redactor's rules and to the other corpora. It holds the text an agent meets on
the codebases and servers of teams around the world: labels, comments, prose, chat messages, docs,
UI strings and log lines in German, French, Spanish, Portuguese, Italian, Dutch, Polish, Russian,
Ukrainian, Turkish, Arabic, Hebrew, Persian, Hindi, Chinese, Japanese, Korean, Vietnamese and
Indonesian; key names in those languages or transliterated; ``.env`` files and configs with local
comments; chat exports (WeChat, DingTalk, Feishu, LINE, Telegram); regional providers and their key
formats (Alibaba Cloud, Tencent Cloud, Baidu Qianfan, Huawei Cloud, Volcengine, Chinese LLM APIs,
Yandex Cloud, VK, Sber, Naver, Kakao, LINE, Rakuten, Mercado Pago, PagSeguro, Paytm, Razorpay,
iyzico, Payfort, regional SMS gateways); right-to-left text around values, full-width punctuation,
ideographic spaces, mojibake, local quotes, non-ASCII passwords and URL-encoded ones.

Hard negatives of the same world: the local words for password, key and token next to placeholders,
masked values and references; instructions that say where a key is without giving it; public ids
(app ids, client ids, publishable and JavaScript keys, and access-key ids alone: an Alibaba
``LTAI…``, Tencent ``AKID…``, Huawei, Baidu, Volcengine or Yandex key id without its secret is
treated like an AWS key id, a public identifier); national ids, phone, order and tracking numbers;
hashes, UUIDs, base64 of ordinary text; translation files whose keys are ``password``/``api_key``
and whose values are translated labels.

Template syntax. A template is plain text with placeholders ``{{S:gen}}`` (a secret) and
``{{N:gen}}`` (a value that is not a secret), where ``gen`` names a value generator in ``GEN``.
``{{S:gen@a}}`` stores the drawn value under the label ``a``; a later placeholder with the same
label reuses the same raw value. Filters after the name change how the value is written: ``|url``
(percent-encoded), ``|b64`` (base64), ``|json`` (JSON-escaped, no quotes), ``|jsona`` (the same
with non-ASCII as ``\\uXXXX``), ``|uesc`` (non-ASCII as Java ``.properties`` ``\\uXXXX`` escapes),
``|i2`` to ``|i10`` (lines after the first indented by that many spaces), ``|moj`` (UTF-8 read as
cp1252: mojibake). A secret is recorded as it is written, after its filters. A template with no
``{{S:`` placeholder is a negative. Every value is drawn at run time from parts; provider prefixes
and PEM armour are joined at run time, so this file holds no secret-shaped literal.

Judgement calls. Secrets: Kakao REST API and Admin keys (the JavaScript and native app keys are
public), Volcengine Ark API keys, SMS.ru ``api_id`` values, Yandex geocoder ``apikey`` values used
server-side and V2Ray ``uuid`` values in proxy configs, though all of these are UUID- or hex-shaped
like ids; the signatures of signed object-storage URLs (they grant access until they expire);
QQ Mail SMTP authorization codes. Not secrets: DingTalk ``sign`` and Alipay ``sign`` values
(signatures of one request), Jasypt ``ENC(…)`` values, bcrypt and MySQL password hashes, used
one-time codes, WeChat ``openid`` values, Razorpay ``key_id`` and Mercado Pago public keys.

Run: ``uv run python bench/redact_corpus_nineteenth.py`` (counts per context).
"""

# ruff: noqa: E501, W291 - templates read better on one line, and prompts end in a space
from __future__ import annotations

import base64
import functools
import hashlib
import json
import random
import re
import string
import sys
import urllib.parse
from collections import Counter
from dataclasses import dataclass

CONTEXTS = ("plain", "shell", "yaml", "source", "url", "json")


@dataclass(frozen=True)
class Document:
    text: str
    secrets: list[str]
    context: str
    kind: str
    split: str
    template: str


def leaked(secret: str, output: str) -> bool:
    """True if at least half of the secret survives in output, raw or JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    for form in (secret, once, json.dumps(once)[1:-1]):
        run = max(1, len(form) // 2)
        if any(form[i : i + run] in output for i in range(len(form) - run + 1)):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Value generators. Each takes a random.Random and returns a string.

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = LOWER + UPPER + DIGITS
LOWNUM = LOWER + DIGITS
UPNUM = UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def rs(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def pick(rng: random.Random, options: str) -> str:
    return rng.choice(options.split("|"))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def uuid4(rng: random.Random) -> str:
    h = rs(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


# Words people build passwords from, per language.
PW_WORDS = {
    "de": "Müller|Schäfer|Frühling|Sommer|Bärchen|Käsekuchen|Löwenzahn|Straße|Schnecke|Fußball|Grünkohl|Hündchen|Zuhause|Weißwurst|Tannenbaum",
    "fr": "Été|Château|Crêpe|Café|Soleil|Fraise|Chouchou|Bébé|Liberté|Forêt|Lumière|Pâtisserie|Étoile|Noël|Amour",
    "es": "Montaña|Niño|Señor|Mañana|Corazón|España|Piña|Cariño|Pequeño|Jalapeño|Cumpleaños|Ñandú|Alegría|Canción|Limón",
    "pt": "Coração|SãoPaulo|Açaí|Verão|Saudade|Pão|Irmão|Família|Maçã|Avó|Feijão|Limão|Cachaça|Sertão|Gatinho",
    "it": "Perché|Città|Caffè|Gelato|Bellissima|Tesoro|Amore|Università|Felicità|Farfalla|Napoli|Pizzeria|Gattino|Sole|Più",
    "nl": "Fietsen|Hagelslag|Gezellig|Stroopwafel|Tulpen|Molen|Kaaskop|Bitterbal|Drop|Konijn|Zonnetje|Lekker|Schatje|Paardje|Vlinder",
    "pl": "Żółw|Kraków|Zażółć|Gęś|Łódź|Słońce|Kotek|Wiśnia|Pączek|Źrebię|Jabłko|Misiek|Śnieg|Żabka|Ćma",
    "ru": "Привет|Москва|Солнце|Котик|Зайка|Ласточка|Родина|Медведь|Самовар|Весна|Звезда|Любовь|Машенька|Берёзка|Рыбка",
    "uk": "Київ|Їжачок|Сонечко|Україна|Ґанок|Калина|Вишня|Львів|Соловей|Зірочка|Мрія|Єнот|Бджілка|Квітка|Дніпро",
    "tr": "İstanbul|Güneş|Çiçek|Şeker|Gözlük|Ağaç|Kuşçu|Üzüm|Sevgilim|Çınar|Dağ|Öğretmen|Kıymet|Bülbül|Şahin",
    "zh": "woaini|Xiaohong|Dahai|LiNa|Liuyang|Chenjie|Xiaoming|Huanghe|Gugong|Xihu|Tiantian|Baobei|Laopo|Qinqin|Zhongguo",
    "ja": "sakura|Satoshi|Hiroshi|Yamada|Neko|Shibuya|Hanako|Kaze|Sora|Yuki|Ramen|Fujisan|Osaka|Kitsune|Momiji",
    "ko": "dkssud|tkfkdgo|Minji_Park|Seoul|Saranghae|Jiwoo|Hangang|Kimchi|Busan|Haneul|Doyoon|Seoyeon|Ddalgi|Gureum|Bada",
    "vi": "HàNội|SàiGòn|Hạ_Long|MậtKhẩu|Phở|Hoa_Sen|Tình_Yêu|Trâu|Biển|ĐàNẵng|Huế|Mùa_Thu|Bánh_Mì|Cà_Phê|Sông",
    "id": "Rahasia|Sayang|Jakarta|Bandung|Kucing|Merdeka|Bintang|Rendang|Semangat|Pelangi|Garuda|Melati|Surabaya|Cinta|Nasi",
    "ar": "Hamdan|Salam|Habibi|Fatima|Riyadh|Cairo|Noor|Yasmin|Amira|Khalid|Dubai|Layla|Omar|Sahar|Zaid",
    "he": "Shalom|Yerushalayim|Tel_Aviv|Noa|Moshe|Ahava|Shemesh|Yam|Eitan|Tamar|Haifa|Sababa|Chaim|Dvora|Kinneret",
    "fa": "Tehran|Parisa|Shiraz|Golnaz|Isfahan|Dariush|Nowruz|Mahsa|Arash|Shirin|Behnam|Zahra|Sepideh|Kourosh|Laleh",
    "hi": "Bharat|Namaste|Delhi|Mumbai|Kavya|Rahul|Ganesh|Lakshmi|Chai|Sundar|Pyaar|Dosti|Aarav|Ananya|Jaipur",
    "en": "Sunshine|Dragon|Monkey|Football|Princess|Shadow|Summer|Winter|Coffee|Tiger|Rainbow|Starlight|Pancake|Hunter|Cookie",
}
PW_YEARS = {
    "fa": "1375|1380|1399|1401|1402|1403",
    "default": "1988|1990|1995|2001|2010|2019|2023|2024|2025|1907|1313|520|1314|0521|88|77",
}
SYMBOLS = "!@#$%&*?._-+="


def human_password(rng: random.Random, lang: str) -> str:
    words = PW_WORDS[lang].split("|")
    year = pick(rng, PW_YEARS.get(lang, PW_YEARS["default"]))
    sym = rng.choice(SYMBOLS)
    w1, w2 = rng.choice(words), rng.choice(words)
    password = (
        f"{w1}{year}{sym}",
        f"{w1}{sym}{year}{w2.lower()}",
        f"{w1}_{w2}{year}",
        f"{sym}{w1}{rs(rng, DIGITS, 3)}{w2}",
        f"{w1.lower()}{rs(rng, DIGITS, 4)}{sym}{sym}",
        f"{w1}{rng.choice('.-_')}{w2}{sym}{rs(rng, DIGITS, 2)}",
    )[rng.randrange(6)]
    # Short ones get a second word in front, as people lengthen them when a policy asks.
    return password if len(password) >= 10 else rng.choice(words) + password


def random_password(rng: random.Random) -> str:
    chars = [rng.choice(LOWER), rng.choice(UPPER), rng.choice(DIGITS), rng.choice("!@#%^&*()-_=+[]")]
    chars += [rng.choice(ALNUM + "!@#%^&*-_=+") for _ in range(rng.randrange(12, 20))]
    rng.shuffle(chars)
    return "".join(chars)


def pw_any(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return random_password(rng)
    return human_password(rng, rng.choice(list(PW_WORDS)))


def pem_body(rng: random.Random, der_prefix: bytes, size: int) -> str:
    raw = b64(der_prefix + rng.randbytes(size))
    return "\n".join(raw[i : i + 64] for i in range(0, len(raw), 64))


def armour(label: str, body: str) -> str:
    dash = "-" * 5
    return f"{dash}BEGIN {label}{dash}\n{body}\n{dash}END {label}{dash}"


PRIV = "PRIVATE" + " KEY"


def pem_rsa(rng: random.Random) -> str:
    return armour("RSA " + PRIV, pem_body(rng, bytes.fromhex("308204a40201000282010100"), 1180))


def pem_pkcs8(rng: random.Random) -> str:
    return armour(
        PRIV, pem_body(rng, bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7"), 1190)
    )


def pem_ec(rng: random.Random) -> str:
    return armour("EC " + PRIV, pem_body(rng, bytes.fromhex("30770201010420"), 112))


def openssh_priv(rng: random.Random) -> str:
    body = b64(b"openssh-key-v1\x00" + rng.randbytes(380))
    lines = "\n".join(body[i : i + 70] for i in range(0, len(body), 70))
    return armour("OPENSSH " + PRIV, lines)


def raw_rsa_private(rng: random.Random) -> str:
    """The bare base64 body of a PKCS#8 RSA key, as Alipay and WeChat Pay SDK configs hold it."""
    return b64(bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7") + rng.randbytes(1190))


def raw_rsa_public(rng: random.Random) -> str:
    return b64(
        bytes.fromhex("30820122300d06092a864886f70d01010105000382010f003082010a0282010100")
        + rng.randbytes(262)
    )


def pem_pub(rng: random.Random) -> str:
    raw = raw_rsa_public(rng)
    return armour("PUBLIC KEY", "\n".join(raw[i : i + 64] for i in range(0, len(raw), 64)))


def pem_cert(rng: random.Random) -> str:
    return armour("CERTIFICATE", pem_body(rng, bytes.fromhex("308203"), 700))


def jwt(rng: random.Random) -> str:
    header = b64url(json.dumps({"alg": pick(rng, "HS256|RS256"), "typ": "JWT"}).encode())
    name = pick(rng, "张伟|Иван Петров|田中 太郎|김민준|Nguyễn Văn An|José Pérez|Müller|محمد")
    claims = {
        "sub": str(rng.randrange(10**6, 10**9)),
        "name": name,
        "iat": 1_760_000_000 + rng.randrange(10**7),
        "exp": 1_790_000_000 + rng.randrange(10**7),
    }
    payload = b64url(json.dumps(claims, ensure_ascii=False).encode())
    return f"{header}.{payload}.{b64url(rng.randbytes(32))}"


SEED_WORDS = {
    "zh": "的 一 是 在 不 了 有 和 人 这 中 大 为 上 个 国 我 以 要 他 时 来 用 们 生 到 作 地 于 出 就 分 对 成 会 可 主 发 年 动 同 工 也 能 下 过 子 说 产 种 面 而 方 后 多 定 行 学 法 所 民 得 经",
    "zh_tw": "的 一 是 在 不 了 有 和 人 這 中 大 為 上 個 國 我 以 要 他 時 來 用 們 生 到 作 地 於 出 就 分 對 成 會 可 主 發 年 動 同 工 也 能 下 過 子 說 產 種 面",
    "ja": "あいこくしん あいさつ あいだ あおぞら あかちゃん あきる あけがた あける あこがれる あさい あさひ あしあと あじわう あずかる あずき あそぶ あたえる あたためる あたりまえ あたる あっしゅく あつい あつかう あつまり あつめる あてな あてはまる あひる あぶら あぶる",
    "es": "ábaco abdomen abeja abierto abogado abono aborto abrazo abrir abuelo abuso acabar academia acceso acción aceite acelga acento aceptar ácido aclarar acné acoger acoso activo acto actriz actuar acudir acuerdo",
    "fr": "abaisser abandon abdiquer abeille abolir aborder aboutir aboyer abrasif abreuver abriter abroger abrupt absence absolu absurde abusif abyssal académie acajou acarien accabler accepter acclamer accolade accroche accuser acerbe achat acheter",
    "it": "abaco abbaglio abbinato abete abisso abolire abrasivo abrogato accadere accenno accusato acetone achille acido acqua acre acrilico acrobata acuto adagio addebito addome adeguato aderire adipe adottare adulare affabile affetto affisso",
    "pt": "abacate abaixo abalar abater abduzir abelha aberto abismo abotoar abranger abreviar abrigar abrupto absinto absoluto absurdo abutre acabado acalmar acampar acanhar acaso aceitar acelerar acenar acervo acessar acetona achatar acidez",
    "ko": "가격 가끔 가난 가능 가득 가르침 가뭄 가방 가상 가슴 가운데 가을 가이드 가입 가장 가정 가족 가죽 각오 각자 간격 간부 간섭 간장 간접 간판 갈등 갈비 갈색 갈증",
}


def seed_phrase(rng: random.Random, lang: str) -> str:
    words = SEED_WORDS[lang].split()
    sep = "\u3000" if lang == "ja" else " "
    return sep.join(rng.choice(words) for _ in range(12))


def mojibake(text: str) -> str:
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


CN_SURNAMES = "王|李|张|刘|陈|杨|黄|赵|吴|周"
CN_GIVEN = "伟|芳|娜|敏|静|磊|洋|勇|艳|杰|涛|明|超|秀英|建华|晓东"


def cn_id(rng: random.Random) -> str:
    area = pick(rng, "110101|310104|440305|330106|510107|420102")
    birth = f"{rng.randrange(1960, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    body = area + birth + rs(rng, DIGITS, 3)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def cpf(rng: random.Random) -> str:
    d = [rng.randrange(10) for _ in range(9)]
    for n in (10, 11):
        s = sum(v * w for v, w in zip(d, range(n, 1, -1), strict=False)) % 11
        d.append(0 if s < 2 else 11 - s)
    t = "".join(map(str, d))
    return f"{t[:3]}.{t[3:6]}.{t[6:9]}-{t[9:]}"


def ansible_vault(rng: random.Random) -> str:
    hexed = rs(rng, HEX, 80 * 4)
    lines = [hexed[i : i + 80] for i in range(0, len(hexed), 80)]
    return "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(lines)


def mp_token(rng: random.Random, prefix: str) -> str:
    return f"{prefix}-{rs(rng, DIGITS, 16)}-{rs(rng, DIGITS, 6)}-{rs(rng, HEX, 32)}-{rs(rng, DIGITS, 9)}"


GEN = {
    # human and random passwords
    **{f"pw_{lang}": functools.partial(human_password, lang=lang) for lang in PW_WORDS},
    "pw_rand": random_password,
    "pw": pw_any,
    "pw_ru_layout": lambda rng: (
        pick(rng, "ghbdtn|gfhjkm|rjnbr|vjcrdf|ckjy|ljvbr|pfqrf") + rs(rng, DIGITS, 4) + rng.choice("!@#")
    ),
    "pw_cyr": lambda rng: (
        pick(rng, "Пароль|Секрет|Ключик|Дверь|Замок")
        + rng.choice("_-.")
        + pick(rng, "Надёжный|Тайный|Мой|Новый")
        + rs(rng, DIGITS, 3)
        + rng.choice("!?#")
    ),
    "pw_cjk": lambda rng: (
        pick(rng, "我的密码|春眠不觉晓|吾輩は猫|사랑해요|天天向上")
        + rs(rng, DIGITS, 4)
        + pick(rng, "abc|Aa|xyz|!!")
        + rng.choice("!@#")
    ),
    "userpass": lambda rng: (
        pick(rng, "admin|deploy|zhangwei|ivan.petrov|tanaka|kim.minjun|jose|mueller|ops") + ":" + pw_any(rng)
    ),
    # China
    "ali_ak_id": lambda rng: "LTAI" + rs(rng, ALNUM, rng.choice((16, 20))),
    "ali_ak_secret": lambda rng: rs(rng, ALNUM, 30),
    "ali_sts": lambda rng: "STS." + rs(rng, ALNUM, 28),
    "ali_sts_token": lambda rng: "CAIS" + rs(rng, B64, 300) + "==",
    "tc_secret_id": lambda rng: "AKID" + rs(rng, ALNUM, 32),
    "tc_secret_key": lambda rng: rs(rng, ALNUM, 32),
    "bce_ak": lambda rng: rs(rng, HEX, 32),
    "bce_sk": lambda rng: rs(rng, HEX, 32),
    "qianfan_key": lambda rng: "bce-v3/ALTAK-" + rs(rng, ALNUM, 21) + "/" + rs(rng, HEX, 40),
    "baidu_api_key": lambda rng: rs(rng, ALNUM, 24),
    "baidu_secret_key": lambda rng: rs(rng, ALNUM, 32),
    "hw_ak": lambda rng: rs(rng, UPNUM, 20),
    "hw_sk": lambda rng: rs(rng, ALNUM, 40),
    "volc_ak": lambda rng: "AKLT" + rs(rng, ALNUM, 40),
    "volc_sk": lambda rng: b64(rs(rng, HEX, 32).encode()),
    "ark_key": uuid4,
    "zhipu_key": lambda rng: rs(rng, HEX, 32) + "." + rs(rng, ALNUM, 16),
    "moonshot_key": lambda rng: "sk-" + rs(rng, ALNUM, 48),
    "deepseek_key": lambda rng: "sk-" + rs(rng, HEX, 32),
    "dashscope_key": lambda rng: "sk-" + rs(rng, HEX, 32),
    "siliconflow_key": lambda rng: "sk-" + rs(rng, LOWER, 48),
    "feishu_app_id": lambda rng: "cli_" + rs(rng, HEX, 16),
    "feishu_app_secret": lambda rng: rs(rng, ALNUM, 32),
    "feishu_hook": uuid4,
    "feishu_sign": lambda rng: rs(rng, ALNUM, 22),
    "dingtalk_token": lambda rng: rs(rng, HEX, 64),
    "dingtalk_sign": lambda rng: "SEC" + rs(rng, HEX, 64),
    "dingtalk_appkey": lambda rng: "ding" + rs(rng, LOWNUM, 16),
    "dingtalk_appsecret": lambda rng: rs(rng, ALNUM + "-_", 64),
    "wecom_key": uuid4,
    "wecom_corpid": lambda rng: "ww" + rs(rng, HEX, 16),
    "wecom_secret": lambda rng: rs(rng, B64URL, 43),
    "wx_appid": lambda rng: "wx" + rs(rng, HEX, 16),
    "wx_secret": lambda rng: rs(rng, HEX, 32),
    "wxpay_key": lambda rng: rs(rng, ALNUM, 32),
    "wxpay_mchid": lambda rng: "16" + rs(rng, DIGITS, 8),
    "wxpay_serial": lambda rng: rs(rng, "0123456789ABCDEF", 40),
    "alipay_appid": lambda rng: "2021" + rs(rng, DIGITS, 12),
    "alipay_priv": raw_rsa_private,
    "alipay_pub": raw_rsa_public,
    # Russia and neighbours
    "yandex_oauth": lambda rng: "y0_" + "Ag" + rs(rng, "AEQ", 6) + rs(rng, B64URL, 50),
    "yandex_iam": lambda rng: "t1.9euelZ" + rs(rng, B64URL, 140) + "." + rs(rng, B64URL, 86),
    "yandex_api_key": lambda rng: "AQVN" + rs(rng, B64URL, 36),
    "yandex_key_id": lambda rng: "YCAJE" + rs(rng, B64URL, 20),
    "yandex_static_secret": lambda rng: "YCN" + rs(rng, B64URL, 37),
    "yc_folder": lambda rng: "b1g" + rs(rng, LOWNUM, 17),
    "vk_token": lambda rng: "vk1.a." + rs(rng, B64URL, 180),
    "vk_service": lambda rng: rs(rng, HEX, 85),
    "gigachat_auth": lambda rng: b64(f"{uuid4(rng)}:{uuid4(rng)}".encode()),
    "sms_ru_id": lambda rng: uuid4(rng).upper(),
    # Korea, Japan
    "naver_client_id": lambda rng: rs(rng, ALNUM + "_", 20),
    "naver_client_secret": lambda rng: rs(rng, ALNUM, 10),
    "ncp_access": lambda rng: rs(rng, ALNUM, 20),
    "ncp_secret": lambda rng: rs(rng, ALNUM, 40),
    "kakao_key": lambda rng: rs(rng, HEX, 32),
    "line_secret": lambda rng: rs(rng, HEX, 32),
    "line_token": lambda rng: rs(rng, B64, 171) + "=",
    "line_notify": lambda rng: rs(rng, ALNUM, 43),
    "line_channel_id": lambda rng: "16" + rs(rng, DIGITS, 8),
    "rakuten_app_id": lambda rng: "10" + rs(rng, DIGITS, 17),
    "rakuten_secret": lambda rng: rs(rng, HEX, 40),
    "rakuten_rms": lambda rng: "SP" + rs(rng, DIGITS, 6) + "_" + rs(rng, ALNUM, 16),
    # Latin America, India, Turkey, Middle East
    "mp_access": lambda rng: mp_token(rng, "APP" + "_USR"),
    "mp_test": lambda rng: mp_token(rng, "TE" + "ST"),
    "mp_ph_access": lambda rng: "APP" + "_USR-" + "x" * 16 + "-" + "x" * 6 + "-" + "x" * 32 + "-" + "x" * 9,
    "mp_ph_public": lambda rng: "APP" + "_USR-" + "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
    "mp_public": lambda rng: "APP" + "_USR-" + uuid4(rng),
    "pagseguro_token": lambda rng: rs(rng, "0123456789ABCDEF", 32),
    "paytm_key": lambda rng: "".join(rng.choice(ALNUM + "#@&%!_") for _ in range(16)),
    "paytm_mid": lambda rng: rs(rng, ALNUM, 6) + rs(rng, DIGITS, 14),
    "rzp_key_id": lambda rng: "rzp_" + pick(rng, "live|test") + "_" + rs(rng, ALNUM, 14),
    "rzp_secret": lambda rng: rs(rng, ALNUM, 24),
    "iyzico_key": lambda rng: "sandbox-" + rs(rng, ALNUM, 32),
    "iyzico_live": lambda rng: rs(rng, ALNUM, 32),
    "payfort_code": lambda rng: rs(rng, ALNUM, 20),
    "payfort_phrase": lambda rng: (
        "$" + rs(rng, DIGITS, 2) + rs(rng, ALNUM, 6) + rng.choice("#&*") + rs(rng, ALNUM, 8)
    ),
    "msg91_key": lambda rng: rs(rng, DIGITS, 6) + "A" + rs(rng, ALNUM, 17),
    "kavenegar_key": lambda rng: rs(rng, "0123456789ABCDEF", 88),
    "unifonic_sid": lambda rng: rs(rng, ALNUM, 30),
    "msegat_key": lambda rng: rs(rng, HEX, 32),
    "infobip_key": lambda rng: rs(rng, HEX, 32) + "-" + uuid4(rng),
    "zenvia_token": lambda rng: rs(rng, B64URL, 36),
    "telegram_bot": lambda rng: rs(rng, DIGITS, 10) + ":AA" + rs(rng, B64URL, 33),
    # global providers seen on the same servers
    "gh_pat": lambda rng: "gh" + "p_" + rs(rng, ALNUM, 36),
    "gitlab_pat": lambda rng: "gl" + "pat-" + rs(rng, B64URL, 20),
    "openai_key": lambda rng: "sk-" + "proj-" + rs(rng, B64URL, 120),
    "anthropic_key": lambda rng: "sk-" + "ant-api03-" + rs(rng, B64URL, 93) + "AA",
    "stripe_live": lambda rng: "sk_" + "live_" + rs(rng, ALNUM, 99),
    "aws_key_id": lambda rng: "AKIA" + rs(rng, UPNUM, 16),
    "aws_secret": lambda rng: rs(rng, ALNUM + "/+", 40),
    "google_key": lambda rng: "AIza" + rs(rng, B64URL, 35),
    "slack_hook": lambda rng: "T" + rs(rng, UPNUM, 10) + "/B" + rs(rng, UPNUM, 10) + "/" + rs(rng, ALNUM, 24),
    "discord_hook": lambda rng: rs(rng, DIGITS, 19) + "/" + rs(rng, B64URL, 68),
    "hex32": lambda rng: rs(rng, HEX, 32),
    "hex40": lambda rng: rs(rng, HEX, 40),
    "hex64": lambda rng: rs(rng, HEX, 64),
    "alnum32": lambda rng: rs(rng, ALNUM, 32),
    "alnum40": lambda rng: rs(rng, ALNUM, 40),
    "jwt": jwt,
    "session_django": lambda rng: rs(rng, LOWNUM, 32),
    "session_php": lambda rng: rs(rng, LOWNUM, 26),
    "session_java": lambda rng: rs(rng, "0123456789ABCDEF", 32),
    "session_laravel": lambda rng: b64(
        json.dumps(
            {"iv": b64(rng.randbytes(16)), "value": b64(rng.randbytes(48)), "mac": rs(rng, HEX, 64)}
        ).encode()
    ),
    "pem_rsa": pem_rsa,
    "pem_pkcs8": pem_pkcs8,
    "pem_ec": pem_ec,
    "openssh_priv": openssh_priv,
    "seed_zh": lambda rng: seed_phrase(rng, "zh"),
    "seed_zh_tw": lambda rng: seed_phrase(rng, "zh_tw"),
    "seed_ja": lambda rng: seed_phrase(rng, "ja"),
    "seed_es": lambda rng: seed_phrase(rng, "es"),
    "seed_fr": lambda rng: seed_phrase(rng, "fr"),
    "seed_it": lambda rng: seed_phrase(rng, "it"),
    "seed_pt": lambda rng: seed_phrase(rng, "pt"),
    "seed_ko": lambda rng: seed_phrase(rng, "ko"),
    "b64_32": lambda rng: b64(rng.randbytes(32)),
    "b64_24": lambda rng: b64(rng.randbytes(24)),
    "jasypt": lambda rng: "ENC(" + b64(rng.randbytes(rng.choice((32, 48)))) + ")",
    "qq_auth_code": lambda rng: rs(rng, LOWER, 16),
    "datagokr_key": lambda rng: b64(rng.randbytes(66)),
    "wp_salt": lambda rng: "".join(rng.choice(ALNUM + "!@#$%^&*()-_[]{}<>~+=,.;:/?|") for _ in range(64)),
    "mysql_hash": lambda rng: "*" + rs(rng, "0123456789ABCDEF", 40),
    "baidu_token": lambda rng: (
        f"24.{rs(rng, HEX, 32)}.2592000.{1_760_000_000 + rng.randrange(10**7)}.282335-{rs(rng, DIGITS, 8)}"
    ),
    "baidu_refresh": lambda rng: (
        f"25.{rs(rng, HEX, 32)}.315360000.{2_070_000_000 + rng.randrange(10**7)}.282335-{rs(rng, DIGITS, 8)}"
    ),
    "wx_session_key": lambda rng: b64(rng.randbytes(16)),
    "wx_openid": lambda rng: "o" + rs(rng, B64URL, 27),
    "feishu_tenant": lambda rng: "t-g104" + rs(rng, ALNUM, 36),
    "kakao_token": lambda rng: rs(rng, B64URL, 54),
    "naver_token": lambda rng: "AAAAO" + rs(rng, B64URL, 140),
    "mp_refresh": lambda rng: "TG-" + rs(rng, HEX, 24) + "-" + rs(rng, DIGITS, 9),
    "yandex_refresh": lambda rng: (
        "1:" + rs(rng, B64URL, 16) + ":" + rs(rng, B64URL, 100) + ":" + rs(rng, B64URL, 22)
    ),
    "tc_tmp_token": lambda rng: rs(rng, B64URL, 320),
    "gigachat_access": lambda rng: ".".join(
        (
            b64url(json.dumps({"cty": "jwt", "enc": "A256CBC-HS512", "alg": "RSA-OAEP-256"}).encode()),
            rs(rng, B64URL, 342),
            rs(rng, B64URL, 22),
            rs(rng, B64URL, 600),
            rs(rng, B64URL, 43),
        )
    ),
    "rsa_sig": lambda rng: b64(rng.randbytes(256)),
    "otp_secret": lambda rng: rs(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32),
    # public values, ids and noise
    "pem_pub": pem_pub,
    "pem_cert": pem_cert,
    "uuid": uuid4,
    "UUID": lambda rng: uuid4(rng).upper(),
    "sha1": lambda rng: rs(rng, HEX, 40),
    "sha256": lambda rng: rs(rng, HEX, 64),
    "md5": lambda rng: rs(rng, HEX, 32),
    "gitsha": lambda rng: rs(rng, HEX, 7),
    "digest": lambda rng: "sha256:" + rs(rng, HEX, 64),
    "integrity": lambda rng: "sha512-" + b64(rng.randbytes(64)),
    "req_id": lambda rng: (
        rs(rng, "0123456789ABCDEF", 8)
        + "-"
        + rs(rng, "0123456789ABCDEF", 4)
        + "-"
        + rs(rng, "0123456789ABCDEF", 4)
        + "-"
        + rs(rng, "0123456789ABCDEF", 4)
        + "-"
        + rs(rng, "0123456789ABCDEF", 12)
    ),
    "trace": lambda rng: rs(rng, HEX, 32),
    "ts": lambda rng: (
        f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    ),
    "date": lambda rng: f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
    "time": lambda rng: f"{rng.randrange(24):02d}:{rng.randrange(60):02d}",
    "epoch": lambda rng: str(1_760_000_000 + rng.randrange(30_000_000)),
    "ip": lambda rng: f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
    "pubip": lambda rng: (
        f"{rng.choice((47, 39, 120, 101, 81, 185))}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    ),
    "port": lambda rng: str(rng.choice((3306, 5432, 6379, 27017, 8080, 9092, 5672, 1433, 8443))),
    "int": lambda rng: str(rng.randrange(2, 999)),
    "pid": lambda rng: str(rng.randrange(1000, 65000)),
    "n6": lambda rng: rs(rng, DIGITS, 6),
    "n10": lambda rng: rs(rng, DIGITS, 10),
    "phone_cn": lambda rng: "1" + rng.choice("356789") + rs(rng, DIGITS, 9),
    "phone_ru": lambda rng: (
        f"+7 9{rs(rng, DIGITS, 2)} {rs(rng, DIGITS, 3)}-{rs(rng, DIGITS, 2)}-{rs(rng, DIGITS, 2)}"
    ),
    "phone_in": lambda rng: f"+91 {rng.choice('6789')}{rs(rng, DIGITS, 4)} {rs(rng, DIGITS, 5)}",
    "phone_br": lambda rng: f"+55 11 9{rs(rng, DIGITS, 4)}-{rs(rng, DIGITS, 4)}",
    "phone_tr": lambda rng: (
        f"+90 5{rs(rng, DIGITS, 2)} {rs(rng, DIGITS, 3)} {rs(rng, DIGITS, 2)} {rs(rng, DIGITS, 2)}"
    ),
    "phone_jp": lambda rng: f"090-{rs(rng, DIGITS, 4)}-{rs(rng, DIGITS, 4)}",
    "phone_kr": lambda rng: f"010-{rs(rng, DIGITS, 4)}-{rs(rng, DIGITS, 4)}",
    "phone_de": lambda rng: f"+49 151 {rs(rng, DIGITS, 8)}",
    "cn_id": cn_id,
    "cpf": cpf,
    "cnpj": lambda rng: (
        f"{rs(rng, DIGITS, 2)}.{rs(rng, DIGITS, 3)}.{rs(rng, DIGITS, 3)}/0001-{rs(rng, DIGITS, 2)}"
    ),
    "aadhaar": lambda rng: (
        f"{rng.randrange(2, 10)}{rs(rng, DIGITS, 3)} {rs(rng, DIGITS, 4)} {rs(rng, DIGITS, 4)}"
    ),
    "pan_in": lambda rng: rs(rng, UPPER, 5) + rs(rng, DIGITS, 4) + rs(rng, UPPER, 1),
    "gstin": lambda rng: (
        rs(rng, DIGITS, 2)
        + rs(rng, UPPER, 5)
        + rs(rng, DIGITS, 4)
        + rs(rng, UPPER, 1)
        + "1Z"
        + rs(rng, UPNUM, 1)
    ),
    "tckn": lambda rng: str(rng.randrange(1, 10)) + rs(rng, DIGITS, 10),
    "inn_ru": lambda rng: rs(rng, DIGITS, 12),
    "snils": lambda rng: (
        f"{rs(rng, DIGITS, 3)}-{rs(rng, DIGITS, 3)}-{rs(rng, DIGITS, 3)} {rs(rng, DIGITS, 2)}"
    ),
    "rrn_kr": lambda rng: f"{rs(rng, DIGITS, 6)}-{rng.choice('1234')}******",
    "my_number": lambda rng: f"{rs(rng, DIGITS, 4)} {rs(rng, DIGITS, 4)} {rs(rng, DIGITS, 4)}",
    "iban_de": lambda rng: (
        "DE"
        + rs(rng, DIGITS, 2)
        + " "
        + " ".join(rs(rng, DIGITS, 4) for _ in range(4))
        + " "
        + rs(rng, DIGITS, 2)
    ),
    "iban_tr": lambda rng: (
        "TR"
        + rs(rng, DIGITS, 2)
        + " 0006 "
        + " ".join(rs(rng, DIGITS, 4) for _ in range(4))
        + " "
        + rs(rng, DIGITS, 2)
    ),
    "order_tb": lambda rng: rng.choice("123") + rs(rng, DIGITS, 18),
    "order_jd": lambda rng: rs(rng, DIGITS, 12),
    "sf_track": lambda rng: "SF" + rs(rng, DIGITS, 13),
    "cdek_track": lambda rng: "10" + rs(rng, DIGITS, 8),
    "wx_txn": lambda rng: "42000" + rs(rng, DIGITS, 23),
    "alipay_trade": lambda rng: "2026" + rs(rng, DIGITS, 24),
    "mp_payment": lambda rng: "1" + rs(rng, DIGITS, 10),
    "rzp_order": lambda rng: "order_" + rs(rng, ALNUM, 14),
    "rzp_pay": lambda rng: "pay_" + rs(rng, ALNUM, 14),
    "ali_req": lambda rng: uuid4(rng).upper(),
    "tc_req": uuid4,
    "b64text": lambda rng: b64(
        pick(
            rng,
            "你好，世界！这是一个测试。|Привет, мир! Это просто текст.|こんにちは、世界。ただのテキストです。|안녕하세요, 세계. 그냥 텍스트입니다.|Olá, mundo! Apenas um texto qualquer.|Merhaba dünya, sadece bir metin.|مرحبا بالعالم، هذا نص عادي",
        ).encode()
    ),
    "b64json": lambda rng: b64(
        json.dumps(
            {
                "lang": pick(rng, "zh-CN|ru-RU|ja-JP|pt-BR"),
                "page": rng.randrange(1, 40),
                "theme": pick(rng, "dark|light"),
            }
        ).encode()
    ),
    "vault": ansible_vault,
    "sops": lambda rng: (
        "ENC[AES256_GCM,data:"
        + b64(rng.randbytes(rng.randrange(12, 30)))
        + ",iv:"
        + b64(rng.randbytes(32))
        + ",tag:"
        + b64(rng.randbytes(16))
        + ",type:str]"
    ),
    "sealed": lambda rng: "AgB" + rs(rng, B64, 340) + "==",
    "kms_blob": lambda rng: "AQICAHh" + rs(rng, B64, 180) + "==",
    "ali_kms": lambda rng: (
        rs(rng, HEX, 8) + "-" + rs(rng, HEX, 4) + "-" + rs(rng, HEX, 4) + rs(rng, B64, 60) + "=="
    ),
    "zh_name": lambda rng: rng.choice(CN_SURNAMES.split("|")) + rng.choice(CN_GIVEN.split("|")),
    "ru_name": lambda rng: pick(
        rng, "Иван Петров|Мария Смирнова|Алексей Кузнецов|Ольга Попова|Дмитрий Соколов"
    ),
    "user": lambda rng: pick(
        rng,
        "zhangwei|wangfang|ivan.petrov|tanaka.h|kim.minjun|jose.perez|mueller|ahmed.k|nguyen.an|budi.s|priya.r|mehmet.y",
    ),
    "email": lambda rng: pick(
        rng,
        "zhang.wei@example.cn|ivan@example.ru|tanaka@example.jp|minjun@example.kr|jose@example.com.br|budi@example.co.id|mehmet@example.com.tr|priya@example.in",
    ),
    "host": lambda rng: pick(
        rng, "db-master-01|mysql-prod|pg-main|redis-cache-2|mq-01|app-bj-03|api-sh-1|msk-db-02|tyo-app-1"
    ),
    "word": lambda rng: pick(rng, "alpha|beta|gamma|delta|zeta|kappa|sigma|omega"),
    "ver": lambda rng: f"{rng.randrange(1, 6)}.{rng.randrange(0, 20)}.{rng.randrange(0, 30)}",
    "lrm": lambda rng: "\u200e",
    "rlm": lambda rng: "\u200f",
    "fsi": lambda rng: "\u2068",
    "pdi": lambda rng: "\u2069",
    "nbsp": lambda rng: "\u00a0",
    "zwsp": lambda rng: "\u200b",
    "ideo": lambda rng: "\u3000",
    "bom": lambda rng: "\ufeff",
    "otp6": lambda rng: rs(rng, DIGITS, 6),
    "ak_tail": lambda rng: rs(rng, ALNUM, 4),
}


def _indent(n: int):
    return lambda value: value.replace("\n", "\n" + " " * n)


FILTERS = {
    "url": lambda value: urllib.parse.quote(value, safe=""),
    "b64": lambda value: b64(value.encode()),
    "json": lambda value: json.dumps(value, ensure_ascii=False)[1:-1],
    "i2": _indent(2),
    "i4": _indent(4),
    "i6": _indent(6),
    "i8": _indent(8),
    "i10": _indent(10),
    "moj": mojibake,
    "jsona": lambda value: json.dumps(value)[1:-1],
    "uesc": lambda value: value.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00"),
}

PLACEHOLDER = re.compile(r"\{\{([SN]):(\w+)(?:@(\w+))?((?:\|\w+)*)\}\}")


def instantiate(template: str, rng: random.Random) -> tuple[str, list[str]]:
    labelled: dict[str, str] = {}
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        kind, gen, label, filters = match.groups()
        if label and label in labelled:
            value = labelled[label]
        else:
            value = GEN[gen](rng)
            if label:
                labelled[label] = value
        for name in filter(None, filters.split("|")):
            value = FILTERS[name](value)
        if kind == "S" and value not in secrets:
            secrets.append(value)
        return value

    return PLACEHOLDER.sub(fill, template), secrets


# --------------------------------------------------------------------------------------------
# Agent-log envelopes for the JSON-escaped copies. Each returns the line and how many times the text
# was JSON-escaped in it. All write non-ASCII as UTF-8, as Claude Code, Codex and MCP servers do.


def _toolu(rng: random.Random) -> str:
    return "toolu_01" + rs(rng, ALNUM, 22)


def _claude_stream(text: str, rng: random.Random) -> tuple[str, int]:
    line = {
        "type": "user",
        "message": {
            "role": "user",
            "content": [{"tool_use_id": _toolu(rng), "type": "tool_result", "content": text}],
        },
        "parent_tool_use_id": None,
        "session_id": uuid4(rng),
        "uuid": uuid4(rng),
    }
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")), 1


def _claude_transcript(text: str, rng: random.Random) -> tuple[str, int]:
    parent = uuid4(rng)
    line = {
        "parentUuid": parent,
        "isSidechain": False,
        "userType": "external",
        "cwd": "/home/" + GEN["user"](rng).split(".")[0] + "/src/" + pick(rng, "shop-api|crm|infra|bot|app"),
        "sessionId": uuid4(rng),
        "version": pick(rng, "2.0.14|2.1.29|2.1.38"),
        "gitBranch": pick(rng, "main|master|develop|feature/i18n"),
        "type": "user",
        "message": {
            "role": "user",
            "content": [
                {"tool_use_id": _toolu(rng), "type": "tool_result", "content": text, "is_error": False}
            ],
        },
        "uuid": uuid4(rng),
        "timestamp": GEN["ts"](rng) + f".{rng.randrange(1000):03d}Z",
        "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        "sourceToolAssistantUUID": parent,
    }
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")), 1


def _codex_rollout(text: str, rng: random.Random) -> tuple[str, int]:
    output = json.dumps(
        {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random(), 1)}},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    line = {
        "timestamp": GEN["ts"](rng) + f".{rng.randrange(1000):03d}Z",
        "type": "response_item",
        "payload": {
            "type": "function_call_output",
            "call_id": "call_" + rs(rng, ALNUM, 24),
            "output": output,
        },
    }
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")), 2


def _codex_exec(text: str, rng: random.Random) -> tuple[str, int]:
    item = {
        "id": f"item_{rng.randrange(1, 40)}",
        "type": "command_execution",
        "command": "bash -lc " + pick(rng, "'cat config.txt'|'sed -n 1,120p notes.md'|'./run.sh'|'cat .env'"),
        "aggregated_output": text,
        "exit_code": 0,
        "status": "completed",
    }
    return json.dumps({"type": "item.completed", "item": item}, ensure_ascii=False, separators=(",", ":")), 1


def _mcp_result(text: str, rng: random.Random) -> tuple[str, int]:
    line = {
        "jsonrpc": "2.0",
        "id": rng.randrange(1, 200),
        "result": {"content": [{"type": "text", "text": text}], "isError": False},
    }
    return json.dumps(line, ensure_ascii=False), 1


ENVELOPES = (_claude_stream, _claude_transcript, _codex_rollout, _codex_exec, _mcp_result)


def _escaped(secret: str, depth: int) -> str:
    for _ in range(depth):
        secret = json.dumps(secret, ensure_ascii=False)[1:-1]
    return secret


# --------------------------------------------------------------------------------------------
# Templates: (context, kind, text). They are appended below, context by context.

TEMPLATES: list[tuple[str, str, str]] = []

# ---- plain: chat, tickets, docs, wiki pages, logs -------------------------------------------
TEMPLATES += [
    (
        "plain",
        "wechat export alibaba accesskey pair",
        r"""{{N:date}} 10:22:31 {{N:zh_name}}
阿里云的 key 发你了，别外传
AccessKey ID：{{N:ali_ak_id}}
AccessKey Secret：{{S:ali_ak_secret}}
{{N:date}} 10:23:05 {{N:zh_name}}
收到👌 我先配到测试环境""",
    ),
    (
        "plain",
        "dingtalk group message tencent secretkey",
        r"""【运维群】{{N:zh_name}} {{N:time}}
@所有人 腾讯云 COS 的密钥换了，新的如下：
SecretId：{{N:tc_secret_id}}
SecretKey：{{S:tc_secret_key}}
旧的今晚 23:00 停用，请各位更新 CI 变量。""",
    ),
    (
        "plain",
        "feishu chat db password full-width colon",
        r"""{{N:zh_name}}：生产库连接信息
主机：{{N:host}}.internal　端口：{{N:port}}
用户名：app_rw
密码：{{S:pw_zh}}
用完记得改密码哈""",
    ),
    (
        "plain",
        "wiki page chinese mysql account table",
        r"""## 数据库账号（仅限内部）

| 环境 | 地址 | 账号 | 密码 |
|------|------|------|------|
| 测试 | {{N:ip}}:3306 | test_user | {{S:pw_zh}} |
| 预发 | {{N:ip}}:3306 | pre_user | {{S:pw_rand}} |

> 最后更新：{{N:date}} by {{N:zh_name}}""",
    ),
    (
        "plain",
        "line chat export japanese password",
        r"""[LINE] {{N:date}} 開発チームのトーク履歴
{{N:time}}	田中	ステージングの管理画面、ログインできないです
{{N:time}}	山本	ID は admin、パスワードは「{{S:pw_ja}}」です
{{N:time}}	田中	ありがとうございます！入れました""",
    ),
    (
        "plain",
        "kakaotalk export korean password",
        r"""{{N:date}} 오후 {{N:time}}, 김민준 : 서버 비밀번호 알려드릴게요
{{N:date}} 오후 {{N:time}}, 김민준 : 계정: deploy / 비밀번호: {{S:pw_ko}}
{{N:date}} 오후 {{N:time}}, 이서연 : 감사합니다 ㅎㅎ 접속 확인했어요""",
    ),
    (
        "plain",
        "telegram export russian password",
        r"""Иван Петров, [{{N:date}} {{N:time}}]
Пароль от админки: {{S:pw_ru}}
Логин тот же, что и раньше.

Мария Смирнова, [{{N:date}} {{N:time}}]
Спасибо, зашла 👍""",
    ),
    (
        "plain",
        "telegram message yandex oauth token",
        r"""Алексей Кузнецов, [{{N:date}} {{N:time}}]
Вот OAuth-токен для Яндекс Облака, на неделю хватит:
{{S:yandex_oauth}}
потом выпущу сервисный аккаунт""",
    ),
    (
        "plain",
        "ukrainian ticket with password",
        r"""Заявка #{{N:n6}} — Доступ до VPN
Статус: Виконано
Коментар від Олени ({{N:date}}):
Ваш тимчасовий пароль: {{S:pw_uk}}
Змініть його після першого входу, будь ласка.""",
    ),
    (
        "plain",
        "german ticket temporary password",
        r"""Ticket #{{N:n6}} – Zugang zum Testsystem
Hallo Herr Wagner,
Ihr Benutzername lautet „m.wagner“, das Passwort lautet „{{S:pw_de}}“.
Bitte ändern Sie das Passwort nach der ersten Anmeldung.
Mit freundlichen Grüßen
IT-Service-Desk""",
    ),
    (
        "plain",
        "german email smtp zugangsdaten",
        r"""Betreff: Zugangsdaten SMTP-Relay
Hallo zusammen,
für den Mailversand aus der Shop-Anwendung:
  Server: smtp.example.de:587
  Benutzer: shop@example.de
  Passwort: {{S:pw_de}}
Gruß, Jürgen""",
    ),
    (
        "plain",
        "french email mot de passe guillemets",
        r"""Objet : Accès au serveur de recette
Bonjour Camille,
Le compte « recette » est prêt. Mot de passe : « {{S:pw_fr}} »
N’hésite pas si tu as un souci.
Bien à toi,
Thomas""",
    ),
    (
        "plain",
        "french slack message clé api",
        r"""[{{N:time}}] Léa Martin : voilà la clé API Mistral de l’équipe data, ne la commitez pas svp
[{{N:time}}] Léa Martin : {{S:alnum32}}
[{{N:time}}] Hugo Bernard : merci !""",
    ),
    (
        "plain",
        "spanish ticket contraseña",
        r"""Incidencia #{{N:n6}}: No puedo acceder al panel
Respuesta del soporte ({{N:date}}):
Hola José, hemos restablecido tu acceso.
Usuario: jperez
Contraseña: {{S:pw_es}}
Un saludo, el equipo de Sistemas""",
    ),
    (
        "plain",
        "spanish whatsapp mercado pago token",
        r"""[{{N:date}}, {{N:time}}] Carla: che te paso el access token de Mercado Pago de producción
[{{N:date}}, {{N:time}}] Carla: {{S:mp_access}}
[{{N:date}}, {{N:time}}] Martín: genial, lo cargo en el servidor""",
    ),
    (
        "plain",
        "portuguese email senha",
        r"""Assunto: Acesso ao banco de homologação
Oi Fernanda,
Seguem os dados de acesso:
- host: {{N:host}}.homolog.local
- usuário: app_homolog
- senha: {{S:pw_pt}}
Abraços, Rafael""",
    ),
    (
        "plain",
        "portuguese whatsapp pagseguro token",
        r"""[{{N:time}}, {{N:date}}] Lucas: o token do PagSeguro da loja é esse aqui
[{{N:time}}, {{N:date}}] Lucas: {{S:pagseguro_token}}
[{{N:time}}, {{N:date}}] Bruna: valeu! vou colocar no painel""",
    ),
    (
        "plain",
        "italian email parola d'ordine",
        r"""Oggetto: Credenziali VPN
Ciao Marco,
ecco le credenziali per la VPN aziendale:
nome utente: m.rossi
password: {{S:pw_it}}
Ricordati di cambiarla entro 7 giorni.
Saluti, Giulia""",
    ),
    (
        "plain",
        "dutch teams message wachtwoord",
        r"""Sanne de Vries {{N:time}}
Het wachtwoord van de testomgeving is gewijzigd, nieuw wachtwoord: {{S:pw_nl}}
Daan Jansen {{N:time}}
Top, dank je!""",
    ),
    (
        "plain",
        "polish ticket hasło",
        r"""Zgłoszenie #{{N:n6}} – reset hasła
Dzień dobry,
nowe hasło do konta „kowalski”: {{S:pw_pl}}
Prosimy o zmianę hasła po zalogowaniu.
Pozdrawiamy, Dział IT""",
    ),
    (
        "plain",
        "turkish ticket parola",
        r"""Talep No: {{N:n6}}
Konu: Sunucu erişimi
Merhaba Mehmet Bey,
Kullanıcı adınız: myilmaz
Parolanız: {{S:pw_tr}}
İlk girişte parolanızı değiştirmeniz gerekmektedir.""",
    ),
    (
        "plain",
        "arabic message password rtl",
        r"""{{N:rlm}}مرحباً أحمد،
{{N:rlm}}اسم المستخدم: admin
{{N:rlm}}كلمة المرور: {{N:lrm}}{{S:pw_ar}}{{N:lrm}}
{{N:rlm}}يرجى تغييرها بعد أول تسجيل دخول.""",
    ),
    (
        "plain",
        "hebrew message password rtl",
        r"""{{N:rlm}}היי נועה,
{{N:rlm}}הסיסמה לשרת הבדיקות: {{N:fsi}}{{S:pw_he}}{{N:pdi}}
{{N:rlm}}תחליפי אותה אחרי הכניסה הראשונה.""",
    ),
    (
        "plain",
        "persian message رمز عبور",
        r"""{{N:rlm}}سلام آرش جان
{{N:rlm}}نام کاربری: deploy
{{N:rlm}}رمز عبور: {{S:pw_fa}}
{{N:rlm}}لطفاً بعد از ورود عوضش کن.""",
    ),
    (
        "plain",
        "hindi message पासवर्ड",
        r"""नमस्ते राहुल,
स्टेजिंग सर्वर का यूज़रनेम: ubuntu
पासवर्ड: {{S:pw_hi}}
कृपया इसे किसी के साथ साझा न करें।""",
    ),
    (
        "plain",
        "vietnamese chat mật khẩu",
        r"""[{{N:time}}] Nguyễn Văn An: anh gửi em mật khẩu database nhé
[{{N:time}}] Nguyễn Văn An: mật khẩu: {{S:pw_vi}}
[{{N:time}}] Trần Thị Bình: dạ em cảm ơn anh""",
    ),
    (
        "plain",
        "indonesian chat kata sandi",
        r"""[{{N:date}} {{N:time}}] Budi: ini kata sandi server staging ya
[{{N:date}} {{N:time}}] Budi: kata sandi: {{S:pw_id}}
[{{N:date}} {{N:time}}] Sari: oke makasih, udah bisa login""",
    ),
    (
        "plain",
        "japanese wiki page api key",
        r"""# 外部API連携メモ

楽天ウェブサービスのアプリID：{{N:rakuten_app_id}}
アプリケーションシークレット：{{S:rakuten_secret}}

※本番用なので取り扱い注意。更新日：{{N:date}}""",
    ),
    (
        "plain",
        "korean wiki naver api credentials",
        r"""## 네이버 검색 API 설정

- Client ID: {{N:naver_client_id}}
- Client Secret: {{S:naver_client_secret}}

발급일: {{N:date}} / 담당자: 박지우""",
    ),
    (
        "plain",
        "korean notion page kakao admin key",
        r"""카카오 디벨로퍼스 앱 키 정리
네이티브 앱 키: (앱에 포함됨)
REST API 키: {{S:kakao_key}}
Admin 키: {{S:kakao_key}}
※ Admin 키는 서버에서만 사용할 것""",
    ),
    (
        "plain",
        "line developers channel secret memo",
        r"""LINE公式アカウント（本番）
チャネルID：{{N:line_channel_id}}
チャネルシークレット：{{S:line_secret}}
チャネルアクセストークン（長期）：
{{S:line_token}}""",
    ),
    (
        "plain",
        "chinese readme deepseek key pasted",
        r"""## 快速开始

1. 安装依赖：`pip install -r requirements.txt`
2. 在 `.env` 里填入 DeepSeek 的 API Key（下面这个是我自己的，先用着）：
   {{S:deepseek_key}}
3. 运行 `python main.py`""",
    ),
    (
        "plain",
        "chinese issue comment moonshot key",
        r"""{{N:zh_name}} commented on {{N:date}}
我这边也报 401，用的 key 是 {{S:moonshot_key}} ，换了 base_url 为 https://api.moonshot.cn/v1 也不行""",
    ),
    (
        "plain",
        "zhipu api key in chinese forum post",
        r"""求助：调用智谱 GLM-4 一直返回"鉴权失败"
代码里 api_key 是直接写的：{{S:zhipu_key}}
时间戳也同步了，请问是哪里的问题？""",
    ),
    (
        "plain",
        "qwen dashscope key in chat",
        r"""{{N:zh_name}} {{N:time}}
通义千问的 DASHSCOPE_API_KEY 给你：{{S:dashscope_key}}
额度不多，省着点用😂""",
    ),
    (
        "plain",
        "qianfan key in wiki",
        r"""千帆大模型平台 API Key（V2 鉴权）
{{S:qianfan_key}}
适用于 ERNIE-4.0-8K，限流 300 RPM""",
    ),
    (
        "plain",
        "huawei cloud ak sk handover",
        r"""华为云 OBS 访问密钥
访问密钥ID（AK）：{{N:hw_ak}}
秘密访问密钥（SK）：{{S:hw_sk}}
区域：cn-north-4""",
    ),
    (
        "plain",
        "volcengine keys in chat",
        r"""{{N:zh_name}}：火山引擎的 AK/SK 发群里了，用完撤回
AccessKeyId：{{N:volc_ak}}
SecretAccessKey：{{S:volc_sk}}""",
    ),
    (
        "plain",
        "volcengine ark api key uuid-shaped",
        r"""方舟平台 API Key（豆包模型）：{{S:ark_key}}
Endpoint ID：ep-{{N:date}}-{{N:ak_tail}}""",
    ),
    (
        "plain",
        "wecom webhook url in chat",
        r"""{{N:zh_name}} {{N:time}}
告警机器人的地址：https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={{S:wecom_key}}
直接 POST JSON 就行""",
    ),
    (
        "plain",
        "dingtalk robot token and sign secret",
        r"""钉钉机器人配置（安全设置：加签）
Webhook：https://oapi.dingtalk.com/robot/send?access_token={{S:dingtalk_token}}
加签密钥：{{S:dingtalk_sign}}""",
    ),
    (
        "plain",
        "feishu bot webhook and sign",
        r"""飞书自定义机器人
webhook: https://open.feishu.cn/open-apis/bot/v2/hook/{{S:feishu_hook}}
签名校验密钥：{{S:feishu_sign}}""",
    ),
    (
        "plain",
        "wechat official account appsecret",
        r"""公众号开发配置
开发者ID(AppID)：{{N:wx_appid}}
开发者密码(AppSecret)：{{S:wx_secret}}
IP白名单：{{N:pubip}}""",
    ),
    (
        "plain",
        "wechat pay merchant apiv3 key",
        r"""微信支付商户平台
商户号：{{N:wxpay_mchid}}
APIv3密钥：{{S:wxpay_key}}
证书序列号：{{N:wxpay_serial}}""",
    ),
    (
        "plain",
        "traditional chinese message password",
        r"""{{N:date}} {{N:time}} 陳志明：
測試機的登入資訊如下
帳號：admin
密碼：{{S:pw_zh}}
用完請告訴我，我會改掉。""",
    ),
    (
        "plain",
        "chinese seed phrase in note",
        r"""助记词（千万别丢）：
{{S:seed_zh}}
钱包地址：0x{{N:hex40}}""",
    ),
    (
        "plain",
        "japanese seed phrase memo",
        r"""バックアップ用の復元フレーズ（12語）
{{S:seed_ja}}
作成日：{{N:date}}""",
    ),
    (
        "plain",
        "spanish seed phrase in ticket",
        r"""Hola, perdí acceso a mi billetera. Estas son mis 12 palabras de recuperación:
{{S:seed_es}}
¿Pueden ayudarme a recuperar los fondos?""",
    ),
    (
        "plain",
        "korean seed phrase note",
        r"""복구 구문 (절대 공유 금지)
{{S:seed_ko}}
지갑 생성일: {{N:date}}""",
    ),
    (
        "plain",
        "mojibake russian password label",
        r"""Ð›Ð¾Ð³Ð¸Ð½: admin
ÐŸÐ°Ñ€Ð¾Ð»ÑŒ: {{S:pw_rand}}
Ð¡ÐµÑ€Ð²ÐµÑ€: {{N:ip}}""",
    ),
    (
        "plain",
        "mojibake german password value",
        r"""Benutzer: buchhaltung
Kennwort: {{S:pw_de|moj}}
(Export aus der alten Access-Datenbank, Umlaute kaputt)""",
    ),
    (
        "plain",
        "cyrillic password in chat",
        r"""Дмитрий Соколов, [{{N:date}} {{N:time}}]
пароль от вайфая в переговорке: {{S:pw_cyr}}""",
    ),
    (
        "plain",
        "russian layout password",
        r"""Ольга Попова, [{{N:date}} {{N:time}}]
пароль на сервере: {{S:pw_ru_layout}}
(это «привет» в английской раскладке, если что)""",
    ),
    (
        "plain",
        "cjk password in note",
        r"""新员工入职须知
Wi-Fi：Office-5G
Wi-Fi 密码：{{S:pw_cjk}}
打印机在三楼东侧。""",
    ),
    (
        "plain",
        "yandex cloud static key in docs",
        r"""Статический ключ доступа для Object Storage
Идентификатор ключа: {{N:yandex_key_id}}
Секретный ключ: {{S:yandex_static_secret}}
Каталог: {{N:yc_folder}}""",
    ),
    (
        "plain",
        "yandex api key in ticket",
        r"""Задача OPS-{{N:int}}: подключить SpeechKit
API-ключ сервисного аккаунта: {{S:yandex_api_key}}
Сервисный аккаунт: aje{{N:ak_tail}}{{N:ak_tail}}""",
    ),
    (
        "plain",
        "yandex iam token in terminal paste",
        r"""Вот что выдаёт yc iam create-token:
{{S:yandex_iam}}
живёт 12 часов, потом надо заново""",
    ),
    (
        "plain",
        "vk api token in chat",
        r"""Мария Смирнова, [{{N:date}} {{N:time}}]
токен сообщества ВК для бота: {{S:vk_token}}""",
    ),
    (
        "plain",
        "sber gigachat authorization key",
        r"""Ключ авторизации GigaChat API (Authorization key):
{{S:gigachat_auth}}
Scope: GIGACHAT_API_PERS""",
    ),
    (
        "plain",
        "razorpay keys in slack hinglish",
        r"""Priya: bhai razorpay ke live keys ye rahe
Priya: key_id = {{N:rzp_key_id}}
Priya: key_secret = {{S:rzp_secret}}
Rahul: thanks, dashboard mein daal deta hoon""",
    ),
    (
        "plain",
        "paytm merchant key email",
        r"""Subject: Paytm PG production credentials
Hi team,
MID: {{N:paytm_mid}}
Merchant Key: {{S:paytm_key}}
Website: DEFAULT
Regards, Aarav""",
    ),
    (
        "plain",
        "iyzico keys turkish message",
        r"""Ahmet: iyzico canlı anahtarları şöyle
API Anahtarı: {{N:iyzico_live}}
Güvenlik Anahtarı: {{S:iyzico_live}}
Ayşe: teşekkürler, panele ekliyorum""",
    ),
    (
        "plain",
        "payfort credentials arabic ticket",
        r"""{{N:rlm}}بيانات Amazon Payment Services (PayFort):
Merchant Identifier: {{N:alnum32}}
Access Code: {{S:payfort_code}}
SHA Request Phrase: {{S:payfort_phrase}}""",
    ),
    (
        "plain",
        "msg91 authkey hindi note",
        r"""एसएमएस गेटवे (MSG91)
Auth Key: {{S:msg91_key}}
Sender ID: SHOPIN""",
    ),
    (
        "plain",
        "kavenegar api key persian",
        r"""{{N:rlm}}کلید API کاوه‌نگار: {{S:kavenegar_key}}
{{N:rlm}}شماره خط: 10008663""",
    ),
    (
        "plain",
        "sms.ru api_id russian",
        r"""SMS.ru — api_id: {{S:sms_ru_id}}
баланс пополнен на 500 ₽ ({{N:date}})""",
    ),
    (
        "plain",
        "unifonic appsid arabic",
        r"""{{N:rlm}}إعدادات بوابة الرسائل Unifonic
AppSid: {{S:unifonic_sid}}
SenderID: MyStore""",
    ),
    (
        "plain",
        "telegram bot token russian note",
        r"""Бот для алертов: @alerts_{{N:word}}_bot
Токен от BotFather: {{S:telegram_bot}}""",
    ),
    (
        "plain",
        "line notify token japanese",
        r"""LINE Notify のトークン（障害通知用）：{{S:line_notify}}
発行者：佐藤""",
    ),
    (
        "plain",
        "basic auth header in russian bug report",
        r"""Шаги воспроизведения:
1. curl -H "Authorization: Basic {{S:userpass|b64}}" https://api.example.ru/v2/orders
2. Получаем 500 вместо списка заказов.""",
    ),
    (
        "plain",
        "jwt in chinese log excerpt",
        r"""[{{N:ts}}] 用户登录成功 uid={{N:n6}}
[{{N:ts}}] 下发令牌：{{S:jwt}}
[{{N:ts}}] 令牌有效期 7200 秒""",
    ),
    (
        "plain",
        "ssh private key in german wiki",
        r"""### Zugang zum Bastion-Host
Den folgenden privaten Schlüssel als ~/.ssh/bastion speichern (chmod 600):

{{S:openssh_priv}}""",
    ),
    (
        "plain",
        "alipay private key in chinese doc",
        r"""支付宝开放平台 - 应用私钥（RSA2），不要提交到 Git：
{{S:alipay_priv}}""",
    ),
    (
        "plain",
        "github token spanish issue",
        r"""Al ejecutar el workflow falla con 403. Probé con mi token personal {{S:gh_pat}} y funciona localmente, ¿alguna idea?""",
    ),
    (
        "plain",
        "openai key portuguese forum",
        r"""Pessoal, meu código dá erro 429. Minha chave é {{S:openai_key}} , alguém sabe se é limite da conta gratuita?""",
    ),
    (
        "plain",
        "aws secret japanese qiita style",
        r"""以下の設定で `aws s3 ls` を実行するとエラーになります。
aws_access_key_id = {{N:aws_key_id}}
aws_secret_access_key = {{S:aws_secret}}
リージョンは ap-northeast-1 です。""",
    ),
    (
        "plain",
        "url-encoded non-ascii password in german log",
        r"""2026-01-{{N:int}} WARN Verbindung fehlgeschlagen: postgresql://buchhaltung:{{S:pw_de|url}}@{{N:host}}:5432/erp
Grund: Zeitüberschreitung""",
    ),
    (
        "plain",
        "ideographic space before password",
        r"""ログイン情報
ユーザー名{{N:ideo}}admin
パスワード{{N:ideo}}{{S:pw_rand}}""",
    ),
    (
        "plain",
        "vietnamese zalo message api key",
        r"""Minh Anh {{N:time}}: key của Google Maps cho app admin nè {{S:google_key}} — nhớ giới hạn IP nha""",
    ),
    (
        "plain",
        "indonesian wiki midtrans server key",
        r"""Konfigurasi Midtrans (Production)
Server Key: Mid-server-{{S:alnum32}}
Client Key: Mid-client-{{N:alnum32}}""",
    ),
    (
        "plain",
        "ncp naver cloud keys korean",
        r"""NCP 인증키 (서브계정 devops)
Access Key ID: {{N:ncp_access}}
Secret Key: {{S:ncp_secret}}""",
    ),
    (
        "plain",
        "rakuten rms service secret japanese",
        r"""RMS WEB SERVICE 認証情報
serviceSecret：{{S:rakuten_rms}}
licenseKey：{{S:rakuten_rms}}
有効期限：{{N:date}}""",
    ),
    (
        "plain",
        "session cookie in spanish bug report",
        r"""Pasos: iniciar sesión, copiar la cookie y abrir en otra pestaña.
Cookie: sessionid={{S:session_django}}; csrftoken={{N:alnum32}}
Resultado: se mantiene la sesión.""",
    ),
    (
        "plain",
        "french mercado pago test token",
        r"""Pour tester les paiements en bac à sable, utilise ce jeton d’accès : {{S:mp_test}}""",
    ),
    (
        "plain",
        "polish standup notes aws keys",
        r"""Notatki ze stand-upu {{N:date}}:
- Kasia: wygenerowała nowe klucze do S3
  AWS_SECRET_ACCESS_KEY={{S:aws_secret}}
- Tomek: migracja bazy w piątek""",
    ),
    (
        "plain",
        "hebrew chat slack webhook",
        r"""{{N:rlm}}הנה ה-webhook של הערוץ: https://hooks.slack.com/services/{{S:slack_hook}}""",
    ),
    (
        "plain",
        "italian standup stripe key",
        r"""Riunione del {{N:date}}
- Luca ha aggiornato la chiave segreta Stripe: {{S:stripe_live}}
- Da fare: ruotare le chiavi vecchie""",
    ),
    (
        "plain",
        "chinese ticket reply with sts token",
        r"""工单回复：临时凭证已生成，有效期 1 小时
AccessKeyId: {{N:ali_sts}}
AccessKeySecret: {{S:ali_ak_secret}}
SecurityToken: {{S:ali_sts_token}}""",
    ),
]

TEMPLATES += [
    (
        "plain",
        "chinese doc placeholder 请填写",
        r"""## 配置说明
在 `.env` 中填写以下内容：
- DEEPSEEK_API_KEY：请填写你自己的 API Key（在 platform.deepseek.com 的「API keys」页面创建）
- 数据库密码：请向运维申请，不要写在代码里""",
    ),
    (
        "plain",
        "wechat message masked secret",
        r"""{{N:date}} 14:02:11 {{N:zh_name}}
AccessKey ID：{{N:ali_ak_id}}
AccessKey Secret：********（已隐藏，去 RAM 控制台看）
{{N:date}} 14:02:40 {{N:zh_name}}
好的，我自己去控制台查""",
    ),
    (
        "plain",
        "alibaba accesskey id alone in ticket",
        r"""工单 #{{N:n6}}：请禁用以下 AccessKey
AccessKey ID：{{N:ali_ak_id}}
原因：员工离职（{{N:zh_name}}），最后使用时间 {{N:ts}}""",
    ),
    (
        "plain",
        "tencent secretid alone audit log",
        r"""云审计事件
事件名称：DescribeInstances
SecretId：{{N:tc_secret_id}}
源IP：{{N:pubip}}　结果：成功　RequestId：{{N:tc_req}}""",
    ),
    (
        "plain",
        "russian doc placeholder ваш ключ",
        r"""### Настройка
Скопируйте `.env.example` в `.env` и укажите:
YANDEX_API_KEY=<ваш-ключ>
DB_PASSWORD=<пароль от базы>
Ключ можно получить в консоли Yandex Cloud → Сервисные аккаунты → Создать API-ключ.""",
    ),
    (
        "plain",
        "russian masked password log",
        r"""[{{N:ts}}] INFO  Подключение к БД: host={{N:host}} user=app пароль=[ЗАМАСКИРОВАНО]
[{{N:ts}}] INFO  Миграции применены: {{N:int}}""",
    ),
    (
        "plain",
        "german doc Ihr Passwort placeholder",
        r"""Melden Sie sich mit Ihrem Benutzernamen und Ihrem Passwort an.
Beispiel für die Konfiguration:
  benutzer = max.mustermann
  passwort = <Ihr Passwort>
Das Passwort erhalten Sie per Post.""",
    ),
    (
        "plain",
        "french doc votre mot de passe",
        r"""Pour vous connecter, saisissez votre identifiant et votre mot de passe.
Exemple : mot_de_passe = "votre_mot_de_passe"
Mot de passe oublié ? Cliquez sur « Réinitialiser ».""",
    ),
    (
        "plain",
        "spanish doc tu clave aquí",
        r"""Configura tu clave de API en el archivo `.env`:
CLAVE_API=tu-clave-aquí
Nunca compartas tu contraseña ni tu clave con nadie, ni siquiera con soporte.""",
    ),
    (
        "plain",
        "portuguese doc sua senha aqui",
        r"""Exemplo de conexão:
usuario: seu_usuario
senha: sua_senha_aqui
Troque os valores acima pelos dados fornecidos pelo administrador.""",
    ),
    (
        "plain",
        "japanese doc password instructions",
        r"""パスワードは 1Password の「開発環境」保管庫に保存されています。
チャットに貼り付けないでください。
分からない場合は情報システム部（内線 {{N:int}}）までお問い合わせください。""",
    ),
    (
        "plain",
        "korean doc password policy",
        r"""비밀번호 정책 안내
- 비밀번호는 8자 이상, 영문/숫자/특수문자를 포함해야 합니다.
- 비밀번호는 90일마다 변경해야 합니다.
- 예시: ******** (실제 비밀번호를 입력하지 마세요)""",
    ),
    (
        "plain",
        "turkish doc parola yerine",
        r"""Bağlantı için aşağıdaki ayarları kullanın:
kullanici_adi: <kullanıcı adınız>
parola: <parolanız>
Parolanızı kimseyle paylaşmayın.""",
    ),
    (
        "plain",
        "arabic doc placeholder password",
        r"""{{N:rlm}}أدخل كلمة المرور الخاصة بك في الحقل أدناه.
{{N:rlm}}كلمة المرور: ‹كلمة_المرور_هنا›
{{N:rlm}}لا تشارك كلمة المرور مع أي شخص.""",
    ),
    (
        "plain",
        "hebrew doc placeholder",
        r"""{{N:rlm}}הגדרת חיבור:
{{N:rlm}}סיסמה: <הסיסמה שלך>
{{N:rlm}}את הסיסמה ניתן לקבל מצוות ה-IT.""",
    ),
    (
        "plain",
        "hindi doc placeholder",
        r"""सेटअप निर्देश:
1. `.env` फ़ाइल बनाएँ
2. RAZORPAY_KEY_SECRET=<आपकी-सीक्रेट-की> डालें
3. सीक्रेट की डैशबोर्ड → Settings → API Keys में मिलेगी।""",
    ),
    (
        "plain",
        "vietnamese doc placeholder",
        r"""Cấu hình kết nối:
tên_đăng_nhập = <tên của bạn>
mật_khẩu = <mật khẩu của bạn>
Không chia sẻ mật khẩu cho người khác.""",
    ),
    (
        "plain",
        "indonesian doc placeholder",
        r"""Isi file konfigurasi berikut:
MIDTRANS_SERVER_KEY=isi_dengan_server_key_anda
DB_PASSWORD=ganti_dengan_kata_sandi
Jangan commit file .env ke repository.""",
    ),
    (
        "plain",
        "chinese phone and id card in ticket",
        r"""客户信息（已脱敏前的原始记录，仅客服可见）
姓名：{{N:zh_name}}
手机号：{{N:phone_cn}}
身份证号：{{N:cn_id}}
订单号：{{N:order_tb}}""",
    ),
    (
        "plain",
        "brazil cpf and order",
        r"""Pedido nº {{N:order_jd}}
Cliente: Ana Souza — CPF {{N:cpf}}
Telefone: {{N:phone_br}}
Pagamento aprovado via Mercado Pago (id {{N:mp_payment}})""",
    ),
    (
        "plain",
        "india aadhaar pan kyc",
        r"""KYC status: VERIFIED
Name: Priya Sharma
PAN: {{N:pan_in}}
Aadhaar (masked): XXXX XXXX {{N:ak_tail}}
GSTIN: {{N:gstin}}
Mobile: {{N:phone_in}}""",
    ),
    (
        "plain",
        "turkish tc kimlik and iban",
        r"""Fatura bilgileri
Ad Soyad: Mehmet Yılmaz
T.C. Kimlik No: {{N:tckn}}
IBAN: {{N:iban_tr}}
Telefon: {{N:phone_tr}}""",
    ),
    (
        "plain",
        "russian inn snils",
        r"""Карточка сотрудника
ФИО: {{N:ru_name}}
ИНН: {{N:inn_ru}}
СНИЛС: {{N:snils}}
Телефон: {{N:phone_ru}}""",
    ),
    (
        "plain",
        "japanese shipping notice",
        r"""ご注文ありがとうございます。
注文番号：{{N:order_jd}}
お問い合わせ番号：{{N:n10}}{{N:int}}
電話番号：{{N:phone_jp}}
お届け予定日：{{N:date}}""",
    ),
    (
        "plain",
        "korean delivery notice",
        r"""[배송 안내] 주문번호 {{N:order_jd}}
운송장 번호: {{N:n10}}
연락처: {{N:phone_kr}}
주민등록번호: {{N:rrn_kr}}""",
    ),
    (
        "plain",
        "chinese sf express tracking",
        r"""【顺丰速运】您的快件 {{N:sf_track}} 已签收，签收人：{{N:zh_name}}，如有疑问请拨打 95338。取件码：{{N:otp6}}（已使用）""",
    ),
    (
        "plain",
        "chinese verification sms used",
        r"""【阿里云】验证码 {{N:otp6}}，您正在进行身份验证，5分钟内有效。（{{N:date}} 已验证，该验证码已失效）""",
    ),
    (
        "plain",
        "long chinese prose about keys",
        r"""关于密钥管理的说明：所有访问密钥都应当保存在 KMS 或者 Vault 里面，应用程序在启动的时候通过实例角色去获取临时凭证，而不是把长期有效的密钥写进配置文件。这样即使代码仓库泄露，攻击者也拿不到可以直接使用的凭证。负责人：{{N:zh_name}}，更新于 {{N:date}}。""",
    ),
    (
        "plain",
        "long japanese prose about tokens",
        r"""アクセストークンの有効期限は1時間です。期限が切れた場合は、リフレッシュトークンを使って新しいアクセストークンを取得してください。リフレッシュトークン自体はサーバー側のデータベースに暗号化して保存しており、クライアントには返しません。""",
    ),
    (
        "plain",
        "korean prose about secrets",
        r"""시크릿 키는 절대로 깃 저장소에 올리면 안 됩니다. 대신 AWS Secrets Manager 에 저장하고, 애플리케이션은 IAM 역할을 통해 읽어옵니다. 키 이름은 prod/payment/api-key 입니다.""",
    ),
    (
        "plain",
        "vault reference russian",
        r"""Пароль от базы лежит в Vault: `vault kv get -field=password secret/prod/postgres`.
Доступ к пути выдаёт дежурный DevOps ({{N:ru_name}}).""",
    ),
    (
        "plain",
        "key rotation notice chinese with key id",
        r"""【安全通告】{{N:date}}
以下 AccessKey 已于今日轮换，旧密钥已禁用：
- {{N:ali_ak_id}}（应用：订单服务）
- {{N:ali_ak_id}}（应用：日志采集）
新密钥已写入 KMS 凭据管家，名称 acs/ram/order-svc。""",
    ),
    (
        "plain",
        "huawei ak only iam listing",
        r"""访问密钥列表（IAM 用户 devops）
访问密钥ID            状态    创建时间
{{N:hw_ak}}  启用    {{N:ts}}
{{N:hw_ak}}  停用    {{N:ts}}""",
    ),
    (
        "plain",
        "yandex key id only",
        r"""Список статических ключей сервисного аккаунта sa-deploy:
ID: {{N:yandex_key_id}}  создан {{N:ts}}  описание: «для CI»
ID: {{N:yandex_key_id}}  создан {{N:ts}}  описание: «старый, удалить»""",
    ),
    (
        "plain",
        "mercado pago public key docs",
        r"""Para el checkout en el frontend usa la Public Key (no la del access token):
PUBLIC_KEY = {{N:mp_public}}
La Public Key puede estar en el navegador; el Access Token nunca.""",
    ),
    (
        "plain",
        "razorpay key id only in checkout doc",
        r"""Checkout integration: pass only the Key ID to the browser.
key: "{{N:rzp_key_id}}"
order_id: "{{N:rzp_order}}"
Payment captured: {{N:rzp_pay}}""",
    ),
    (
        "plain",
        "wechat appid only",
        r"""小程序信息
AppID(小程序ID)：{{N:wx_appid}}
原始ID：gh_{{N:hex32}}
AppSecret(小程序密钥)：已设置（平台不再显示，如遗忘请重置）""",
    ),
    (
        "plain",
        "feishu app id and masked secret",
        r"""飞书应用凭证
App ID：{{N:feishu_app_id}}
App Secret：••••••••••••••••（点击“查看”需管理员验证）""",
    ),
    (
        "plain",
        "line channel id only",
        r"""LINEログイン設定
チャネルID：{{N:line_channel_id}}
チャネルシークレット：（管理画面で確認してください）
コールバックURL：https://example.jp/auth/line/callback""",
    ),
    (
        "plain",
        "naver client id only",
        r"""네이버 로그인 API
Client ID: {{N:naver_client_id}}
Client Secret: [숨김] — 관리자에게 문의
Callback URL: https://example.kr/oauth/naver""",
    ),
    (
        "plain",
        "chinese order and transaction ids",
        r"""支付成功通知
商户订单号：{{N:order_tb}}
微信支付订单号：{{N:wx_txn}}
支付宝交易号：{{N:alipay_trade}}
金额：¥{{N:int}}.00""",
    ),
    (
        "plain",
        "git log chinese commit messages",
        r"""{{N:gitsha}} 修复：密码错误时提示信息不正确
{{N:gitsha}} 新增：支持使用 API Key 登录
{{N:gitsha}} 重构：把 token 刷新逻辑抽到单独模块
{{N:gitsha}} 文档：补充密钥轮换说明""",
    ),
    (
        "plain",
        "sha256 checksums with japanese labels",
        r"""ダウンロードファイルのチェックサム（SHA-256）
installer-{{N:ver}}-x64.msi  {{N:sha256}}
installer-{{N:ver}}-arm64.msi  {{N:sha256}}
署名キーの指紋：{{N:sha1}}""",
    ),
    (
        "plain",
        "base64 of chinese text",
        r"""接口返回的 data 字段是 Base64 编码的文本：
{{N:b64text}}
解码后就是一句普通的问候语。""",
    ),
    (
        "plain",
        "uuids and request ids in russian log",
        r"""[{{N:ts}}] запрос {{N:uuid}} обработан за {{N:int}} мс
[{{N:ts}}] trace_id={{N:trace}} span_id={{N:hex32}}
[{{N:ts}}] ошибка авторизации: неверный пароль для пользователя {{N:user}}""",
    ),
    (
        "plain",
        "german log failed login",
        r"""{{N:ts}} WARN  Anmeldung fehlgeschlagen für Benutzer „{{N:user}}“: falsches Passwort (Versuch 3 von 5)
{{N:ts}} INFO  Konto gesperrt bis {{N:time}}""",
    ),
    (
        "plain",
        "french log token expired",
        r"""{{N:ts}} ERREUR jeton d’accès expiré pour le client {{N:uuid}}
{{N:ts}} INFO  renouvellement du jeton via le jeton de rafraîchissement… OK""",
    ),
    (
        "plain",
        "spanish log masked",
        r"""{{N:ts}} INFO conectando a mysql://app:****@{{N:host}}:3306/tienda
{{N:ts}} INFO conexión establecida (pool=10)""",
    ),
    (
        "plain",
        "ssh public key and fingerprint korean",
        r"""서버에 아래 공개키를 등록해 주세요:
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{{N:alnum40}} kim.minjun@laptop
지문: SHA256:{{N:alnum40}}""",
    ),
    (
        "plain",
        "public key pem chinese doc",
        r"""支付宝公钥（用于验签，可以公开）：
{{N:pem_pub}}""",
    ),
    (
        "plain",
        "alipay public key raw",
        r"""alipay_public_key（支付宝公钥，非应用私钥）：
{{N:alipay_pub}}""",
    ),
    (
        "plain",
        "ansible vault in russian runbook",
        r"""Зашифрованный файл group_vars/prod/vault.yml (так и коммитим):
{{N:vault}}""",
    ),
    (
        "plain",
        "sops encrypted value japanese",
        r"""SOPS で暗号化された値（このままコミットして OK）：
db_password: {{N:sops}}""",
    ),
    (
        "plain",
        "used otp in portuguese chat",
        r"""[{{N:time}}, {{N:date}}] Bruna: chegou o código {{N:otp6}} aqui, já usei, pode ignorar
[{{N:time}}, {{N:date}}] Lucas: blz""",
    ),
    (
        "plain",
        "chinese wifi sign placeholder",
        r"""会议室 Wi-Fi：Meeting-Room
密码：见白板（每周一更换）
访客请扫前台二维码登记。""",
    ),
    (
        "plain",
        "secret names only in chinese runbook",
        r"""需要在 GitHub Actions 中配置的 Secrets：
- ALIYUN_ACCESS_KEY_ID
- ALIYUN_ACCESS_KEY_SECRET
- DINGTALK_WEBHOOK_TOKEN
在仓库 Settings → Secrets and variables → Actions 中添加。""",
    ),
    (
        "plain",
        "cjk words that look like values",
        r"""项目代号：青龙-白虎-朱雀-玄武
版本名称：春风十里
分支说明：feature/密码强度校验、fix/令牌过期
构建号：{{N:int}}""",
    ),
    (
        "plain",
        "persian date and ids",
        r"""{{N:rlm}}شماره سفارش: {{N:order_jd}}
{{N:rlm}}تاریخ: ۱۴۰۳/۰۵/۱۲
{{N:rlm}}کد رهگیری: {{N:n10}}""",
    ),
    (
        "plain",
        "sizes and masked in indonesian",
        r"""Kunci API: disimpan di Secret Manager (panjang 40 karakter)
Kata sandi DB: ******** (8 karakter, diganti tiap bulan)
Terakhir diperbarui: {{N:date}}""",
    ),
    (
        "plain",
        "dutch doc wachtwoord via vault",
        r"""Het wachtwoord voor de database staat in Azure Key Vault onder de naam `db-wachtwoord-prod`.
Gebruik `az keyvault secret show --vault-name kv-prod --name db-wachtwoord-prod` om het op te halen.""",
    ),
    (
        "plain",
        "polish doc hasło placeholder",
        r"""Przykładowa konfiguracja:
uzytkownik=twoj_login
haslo=twoje_haslo
Hasło otrzymasz od administratora.""",
    ),
    (
        "plain",
        "italian doc placeholder",
        r"""Inserisci la tua chiave API nel file di configurazione:
chiave_api = "inserisci-qui-la-tua-chiave"
La chiave si trova nel pannello sotto Impostazioni → API.""",
    ),
    (
        "plain",
        "ukrainian masked",
        r"""Пароль: ******** (приховано)
Токен: [ПРИХОВАНО]
Ключ доступу: зберігається у Vault, шлях secret/data/prod/app""",
    ),
    (
        "plain",
        "kakao javascript key in html doc",
        r"""카카오 지도 SDK 설정 (JavaScript 키는 웹에 노출되는 공개 키입니다)
<script src="//dapi.kakao.com/v2/maps/sdk.js?appkey={{N:kakao_key}}"></script>
플랫폼 > Web 사이트 도메인에 https://example.kr 등록 필요""",
    ),
    (
        "plain",
        "line user ids and message ids",
        r"""Webhook受信ログ
userId: U{{N:hex32}}
replyToken: （使用済み・30秒で失効）
messageId: {{N:n10}}{{N:n6}}
type: message / text: 「パスワードを忘れました」""",
    ),
]

# ---- shell: commands and sessions with localized comments and messages -----------------------
TEMPLATES += [
    (
        "shell",
        "export alibaba keys chinese comment",
        r"""# 阿里云 OSS 上传用的密钥（临时，下周删）
export ALIBABA_CLOUD_ACCESS_KEY_ID={{N:ali_ak_id}}
export ALIBABA_CLOUD_ACCESS_KEY_SECRET={{S:ali_ak_secret}}
ossutil cp -r ./dist oss://static-{{N:word}}/web/ --update""",
    ),
    (
        "shell",
        "aliyun configure interactive session",
        r"""$ aliyun configure --profile prod
Configuring profile 'prod' in 'AK' authenticate mode...
Access Key Id []: {{N:ali_ak_id}}
Access Key Secret []: {{S:ali_ak_secret}}
Default Region Id []: cn-hangzhou
Default Output Format [json]: json (Only support json)
Default Language [zh|en] en: zh
Saving profile[prod] ...Done.""",
    ),
    (
        "shell",
        "ossutil config flags",
        r"""# 配置 ossutil（华东1）
ossutil config -e oss-cn-hangzhou.aliyuncs.com -i {{N:ali_ak_id}} -k {{S:ali_ak_secret}} -L CH
ossutil ls oss://backup-{{N:word}}""",
    ),
    (
        "shell",
        "tccli configure set",
        r"""# 腾讯云 CLI 初始化
tccli configure set secretId {{N:tc_secret_id}} secretKey {{S:tc_secret_key}} region ap-guangzhou output json
tccli cvm DescribeInstances --Limit 10""",
    ),
    (
        "shell",
        "coscmd config",
        r"""$ coscmd config -a {{N:tc_secret_id}} -s {{S:tc_secret_key}} -b images-1250000000 -r ap-shanghai
Created configuration file in /home/deploy/.cos.conf""",
    ),
    (
        "shell",
        "obsutil config huawei",
        r"""# 华为云 OBS 工具配置
./obsutil config -i={{N:hw_ak}} -k={{S:hw_sk}} -e=obs.cn-north-4.myhuaweicloud.com
Config file url:
  /root/.obsutilconfig
Update config file successfully!""",
    ),
    (
        "shell",
        "hcloud configure set",
        r"""hcloud configure set --cli-region=cn-north-4 --cli-access-key={{N:hw_ak}} --cli-secret-key={{S:hw_sk}}
# 配置成功后可以执行 hcloud ECS ListServersDetails 验证""",
    ),
    (
        "shell",
        "volcengine cli configure",
        r"""# 火山引擎 CLI
ve configure set --profile default --region cn-beijing --access-key {{N:volc_ak}} --secret-key {{S:volc_sk}}
ve ecs DescribeInstances""",
    ),
    (
        "shell",
        "bce cli interactive",
        r"""$ bce -c
BOS Access Key ID []: {{N:bce_ak}}
BOS Secret Access Key []: {{S:bce_sk}}
Default region name [bj]: gz
Default domain [gz.bcebos.com]:""",
    ),
    (
        "shell",
        "curl qianfan bearer chinese prompt",
        r"""curl -s https://qianfan.baidubce.com/v2/chat/completions \
  -H 'Content-Type: application/json' \
  -H 'Authorization: Bearer {{S:qianfan_key}}' \
  -d '{"model":"ernie-4.0-8k","messages":[{"role":"user","content":"用一句话介绍北京"}]}'""",
    ),
    (
        "shell",
        "curl deepseek chat chinese",
        r"""# 测试 DeepSeek 接口是否通
curl https://api.deepseek.com/chat/completions \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer {{S:deepseek_key}}" \
  -d '{"model":"deepseek-chat","messages":[{"role":"user","content":"你好"}],"stream":false}'""",
    ),
    (
        "shell",
        "curl zhipu glm",
        r"""curl --location 'https://open.bigmodel.cn/api/paas/v4/chat/completions' \
--header 'Authorization: Bearer {{S:zhipu_key}}' \
--header 'Content-Type: application/json' \
--data '{"model":"glm-4-flash","messages":[{"role":"user","content":"写一首关于秋天的诗"}]}'""",
    ),
    (
        "shell",
        "export moonshot and dashscope keys",
        r"""# ~/.zshrc 里加的几个大模型 key
export MOONSHOT_API_KEY="{{S:moonshot_key}}"
export DASHSCOPE_API_KEY="{{S:dashscope_key}}"
export HF_ENDPOINT=https://hf-mirror.com""",
    ),
    (
        "shell",
        "siliconflow curl",
        r"""curl --request POST \
  --url https://api.siliconflow.cn/v1/chat/completions \
  --header 'authorization: Bearer {{S:siliconflow_key}}' \
  --header 'content-type: application/json' \
  --data '{"model":"Qwen/Qwen2.5-7B-Instruct","messages":[{"role":"user","content":"翻译成英文：密钥已过期"}]}'""",
    ),
    (
        "shell",
        "ark api key curl volcengine",
        r"""curl https://ark.cn-beijing.volces.com/api/v3/chat/completions \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer {{S:ark_key}}" \
  -d '{"model":"doubao-pro-32k","messages":[{"role":"user","content":"你好"}]}'""",
    ),
    (
        "shell",
        "dingtalk robot curl deploy notice",
        r"""# 部署完成后通知钉钉群
curl 'https://oapi.dingtalk.com/robot/send?access_token={{S:dingtalk_token}}' \
  -H 'Content-Type: application/json' \
  -d '{"msgtype":"text","text":{"content":"【发布】订单服务 v{{N:ver}} 已上线"}}'""",
    ),
    (
        "shell",
        "wecom robot curl",
        r"""curl 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={{S:wecom_key}}' \
   -H 'Content-Type: application/json' \
   -d '{"msgtype": "markdown", "markdown": {"content": "构建失败，请 <@{{N:user}}> 查看"}}'""",
    ),
    (
        "shell",
        "feishu bot curl",
        r"""curl -X POST -H "Content-Type: application/json" \
  -d '{"msg_type":"text","content":{"text":"夜间备份完成 ✅"}}' \
  https://open.feishu.cn/open-apis/bot/v2/hook/{{S:feishu_hook}}""",
    ),
    (
        "shell",
        "wechat access token fetch with appsecret",
        r"""# 获取公众号 access_token
curl "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid={{N:wx_appid}}&secret={{S:wx_secret}}"
{"access_token":"{{S:alnum40}}{{S:alnum40}}","expires_in":7200}""",
    ),
    (
        "shell",
        "docker login aliyun registry",
        r"""$ docker login --username=devops@{{N:n10}} -p '{{S:pw_rand}}' registry.cn-hangzhou.aliyuncs.com
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded""",
    ),
    (
        "shell",
        "mysql client german umlaut password",
        r"""# Verbindung zur Produktivdatenbank (nur lesend!)
mysql -h {{N:host}} -P 3306 -u leser -p'{{S:pw_de}}' shop_prod -e 'SELECT COUNT(*) FROM bestellungen;'""",
    ),
    (
        "shell",
        "psql PGPASSWORD russian comment",
        r"""# Бэкап базы перед миграцией
PGPASSWORD='{{S:pw_ru}}' pg_dump -h {{N:host}} -U postgres -Fc billing > billing_{{N:date}}.dump""",
    ),
    (
        "shell",
        "sshpass russian password",
        r"""# заходим на старый сервер, ключи там не настроены
sshpass -p '{{S:pw_ru}}' ssh -o StrictHostKeyChecking=no root@{{N:pubip}} 'df -h; free -m'""",
    ),
    (
        "shell",
        "redis-cli auth portuguese comment",
        r"""# limpar cache de sessões (produção)
redis-cli -h {{N:host}} -p 6379 -a '{{S:pw_pt}}' --no-auth-warning KEYS 'sess:*' | head""",
    ),
    (
        "shell",
        "mongosh url-encoded spanish password",
        r"""# conexión a la réplica de lectura
mongosh "mongodb://lector:{{S:pw_es|url}}@{{N:host}}:27017/tienda?authSource=admin&readPreference=secondary" """,
    ),
    (
        "shell",
        "smbclient german share",
        r"""# Freigabe der Buchhaltung mounten
smbclient //fileserver/buchhaltung -U 'buchhaltung%{{S:pw_de}}' -c 'ls'""",
    ),
    (
        "shell",
        "wget user password french",
        r"""# récupérer l’export nocturne
wget --user=export --password='{{S:pw_fr}}' https://exports.example.fr/nuit/{{N:date}}.csv.gz""",
    ),
    (
        "shell",
        "lftp polish",
        r"""# wgranie paczki na serwer klienta
lftp -u 'wdrozenie,{{S:pw_pl}}' ftp://ftp.klient.pl -e 'put paczka-{{N:ver}}.zip; bye'""",
    ),
    (
        "shell",
        "chpasswd turkish comment",
        r"""# yeni kullanıcı oluştur ve parolasını ayarla
useradd -m -s /bin/bash operator
echo 'operator:{{S:pw_tr}}' | chpasswd""",
    ),
    (
        "shell",
        "htpasswd spanish",
        r"""# proteger el panel de administración
htpasswd -b -c /etc/nginx/.htpasswd admin '{{S:pw_es}}'""",
    ),
    (
        "shell",
        "kubectl create secret chinese",
        r"""# 创建数据库密码的 Secret
kubectl -n prod create secret generic mysql-auth \
  --from-literal=username=root \
  --from-literal=password='{{S:pw_zh}}'""",
    ),
    (
        "shell",
        "docker run mysql root password japanese",
        r"""# ローカル検証用のMySQL
docker run -d --name mysql8 -p 3306:3306 -e MYSQL_ROOT_PASSWORD='{{S:pw_ja}}' -e TZ=Asia/Tokyo mysql:8.0""",
    ),
    (
        "shell",
        "expect russian prompt",
        r"""#!/usr/bin/expect -f
spawn ssh admin@{{N:ip}}
expect "Пароль:"
send "{{S:pw_ru}}\r"
expect "$ "
send "systemctl restart nginx\r"
interact""",
    ),
    (
        "shell",
        "yc config set token",
        r"""$ yc config set token {{S:yandex_oauth}}
$ yc config set folder-id {{N:yc_folder}}
$ yc compute instance list""",
    ),
    (
        "shell",
        "yc config list prints token",
        r"""$ yc config list
token: {{S:yandex_oauth}}
cloud-id: b1g{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}
folder-id: {{N:yc_folder}}
compute-default-zone: ru-central1-a""",
    ),
    (
        "shell",
        "curl yandex api-key speechkit",
        r"""# Синтез речи
curl -H "Authorization: Api-Key {{S:yandex_api_key}}" \
  -d "text=Привет, мир" -d "lang=ru-RU" -d "voice=alena" \
  "https://tts.api.cloud.yandex.net/speech/v1/tts:synthesize" > speech.ogg""",
    ),
    (
        "shell",
        "curl yandex iam bearer",
        r"""curl -X GET -H "Authorization: Bearer {{S:yandex_iam}}" \
  "https://resource-manager.api.cloud.yandex.net/resource-manager/v1/clouds" """,
    ),
    (
        "shell",
        "s3cmd yandex storage",
        r"""# Яндекс Object Storage через s3cmd
s3cmd --access_key={{N:yandex_key_id}} --secret_key={{S:yandex_static_secret}} \
  --host=storage.yandexcloud.net --host-bucket='%(bucket)s.storage.yandexcloud.net' ls s3://backups""",
    ),
    (
        "shell",
        "mc alias set with secret",
        r"""# MinIO-клиент для бакета в Яндексе
mc alias set yc https://storage.yandexcloud.net {{N:yandex_key_id}} {{S:yandex_static_secret}}
Added `yc` successfully.""",
    ),
    (
        "shell",
        "telegram bot send russian",
        r"""# уведомление о деплое
curl -s "https://api.telegram.org/bot{{S:telegram_bot}}/sendMessage" \
  -d chat_id=-100{{N:n10}} -d text="✅ Деплой завершён: $(git rev-parse --short HEAD)" """,
    ),
    (
        "shell",
        "vk api curl",
        r"""curl "https://api.vk.com/method/wall.post?owner_id=-{{N:n6}}&message=Новый%20пост&access_token={{S:vk_token}}&v=5.199" """,
    ),
    (
        "shell",
        "gigachat oauth curl",
        r"""curl -L -X POST 'https://ngw.devices.sberbank.ru:9443/api/v2/oauth' \
-H 'Content-Type: application/x-www-form-urlencoded' \
-H 'RqUID: {{N:uuid}}' \
-H 'Authorization: Basic {{S:gigachat_auth}}' \
--data-urlencode 'scope=GIGACHAT_API_PERS'""",
    ),
    (
        "shell",
        "line messaging push japanese",
        r"""# 本番のLINE公式アカウントからテスト送信
curl -v -X POST https://api.line.me/v2/bot/message/push \
-H 'Content-Type: application/json' \
-H 'Authorization: Bearer {{S:line_token}}' \
-d '{"to": "U{{N:hex32}}","messages":[{"type":"text","text":"テスト配信です"}]}'""",
    ),
    (
        "shell",
        "line notify curl",
        r"""curl -X POST -H 'Authorization: Bearer {{S:line_notify}}' -F 'message=バッチ処理が完了しました' https://notify-api.line.me/api/notify""",
    ),
    (
        "shell",
        "naver papago curl headers",
        r"""curl "https://naveropenapi.apigw.ntruss.com/nmt/v1/translation" \
  -H "X-NCP-APIGW-API-KEY-ID: {{N:naver_client_id}}" \
  -H "X-NCP-APIGW-API-KEY: {{S:alnum40}}" \
  -d "source=ko&target=en&text=비밀번호를 잊어버렸어요" """,
    ),
    (
        "shell",
        "kakao rest api curl",
        r"""# 카카오 로컬 API 테스트
curl -G "https://dapi.kakao.com/v2/local/search/address.json" \
  -H "Authorization: KakaoAK {{S:kakao_key}}" \
  --data-urlencode "query=서울 강남구 테헤란로 152" """,
    ),
    (
        "shell",
        "mercado pago curl payment",
        r"""curl -X POST 'https://api.mercadopago.com/v1/payments' \
  -H 'Authorization: Bearer {{S:mp_access}}' \
  -H 'X-Idempotency-Key: {{N:uuid}}' \
  -d '{"transaction_amount": 100, "description": "Pedido de prueba", "payment_method_id": "pix", "payer": {"email": "{{N:email}}"}}'""",
    ),
    (
        "shell",
        "razorpay curl basic",
        r"""curl -u {{N:rzp_key_id}}:{{S:rzp_secret}} \
  -X POST https://api.razorpay.com/v1/orders \
  -H "content-type: application/json" \
  -d '{"amount": 50000, "currency": "INR", "receipt": "rcpt_{{N:int}}"}'""",
    ),
    (
        "shell",
        "msg91 curl authkey",
        r"""curl --request POST --url https://control.msg91.com/api/v5/flow/ \
  --header 'authkey: {{S:msg91_key}}' \
  --header 'content-type: application/json' \
  --data '{"template_id":"{{N:hex32}}","recipients":[{"mobiles":"91{{N:n10}}","OTP":"{{N:otp6}}"}]}'""",
    ),
    (
        "shell",
        "kavenegar curl path key",
        r"""# ارسال پیامک تست
curl -X POST "https://api.kavenegar.com/v1/{{S:kavenegar_key}}/sms/send.json" -d receptor=0912{{N:n6}}0 -d message="کد تایید شما""",
    ),
    (
        "shell",
        "infobip curl app key",
        r"""curl -L -g 'https://{{N:word}}.api.infobip.com/sms/2/text/advanced' \
  -H 'Authorization: App {{S:infobip_key}}' \
  -H 'Content-Type: application/json' \
  -d '{"messages":[{"destinations":[{"to":"90{{N:n10}}"}],"from":"MAGAZA","text":"Siparişiniz kargoya verildi"}]}'""",
    ),
    (
        "shell",
        "git clone gitee with password",
        r"""# 从码云拉私有仓库（临时）
git clone https://{{N:user}}:{{S:pw_zh|url}}@gitee.com/{{N:user}}/order-service.git""",
    ),
    (
        "shell",
        "pip config mirror with credentials",
        r"""# 使用公司内部 PyPI 镜像
pip config set global.index-url https://ci-bot:{{S:pw_rand|url}}@nexus.example.cn/repository/pypi-group/simple""",
    ),
    (
        "shell",
        "npm config registry token chinese",
        r"""npm config set registry https://npm.example.cn/
npm config set //npm.example.cn/:_authToken={{S:uuid}}
# 发布私有包
npm publish --access restricted""",
    ),
    (
        "shell",
        "cat .env german comments",
        r"""$ cat .env
# Datenbank (Staging)
DB_HOST={{N:host}}
DB_BENUTZER=app
DB_PASSWORT={{S:pw_de}}
# Zahlungsanbieter
STRIPE_GEHEIMSCHLUESSEL={{S:stripe_live}}""",
    ),
    (
        "shell",
        "cat .env spanish comments",
        r"""$ cat .env
# Configuración de la base de datos
DB_USUARIO=tienda
DB_CONTRASENA={{S:pw_es}}
# Mercado Pago (producción)
MP_ACCESS_TOKEN={{S:mp_access}}
MP_PUBLIC_KEY={{N:mp_public}}""",
    ),
    (
        "shell",
        "env dump portuguese app",
        r"""$ env | grep -i -E 'senha|chave|token'
BANCO_SENHA={{S:pw_pt}}
PAGSEGURO_TOKEN={{S:pagseguro_token}}
CHAVE_PUBLICA_MP={{N:mp_public}}""",
    ),
    (
        "shell",
        "set -x trace leaking password",
        r"""+ echo 'Подключаемся к базе...'
Подключаемся к базе...
+ mysql -h {{N:host}} -u app '-p{{S:pw_ru}}' -e 'SHOW DATABASES;'
+ echo 'Готово'
Готово""",
    ),
    (
        "shell",
        "bash history turkish",
        r"""  501  cd /var/www/magaza
  502  nano .env
  503  mysql -u root -p'{{S:pw_tr}}' magaza < yedek.sql
  504  php artisan migrate --force
  505  history""",
    ),
    (
        "shell",
        "iyzico env export turkish",
        r"""# iyzico sandbox anahtarları
export IYZICO_API_KEY={{N:iyzico_key}}
export IYZICO_SECRET_KEY={{S:iyzico_key}}
export IYZICO_BASE_URL=https://sandbox-api.iyzipay.com""",
    ),
    (
        "shell",
        "paytm env export hindi comment",
        r"""# पेटीएम प्रोडक्शन क्रेडेंशियल्स
export PAYTM_MID={{N:paytm_mid}}
export PAYTM_MERCHANT_KEY='{{S:paytm_key}}'""",
    ),
    (
        "shell",
        "ssh-add key heredoc vietnamese",
        r"""# thêm khóa triển khai tạm thời
cat > ~/.ssh/deploy_key <<'KEY'
{{S:openssh_priv}}
KEY
chmod 600 ~/.ssh/deploy_key""",
    ),
    (
        "shell",
        "rclone yandex config create",
        r"""rclone config create yandex s3 provider=Other \
  access_key_id={{N:yandex_key_id}} secret_access_key={{S:yandex_static_secret}} \
  endpoint=storage.yandexcloud.net
# Готово: remote «yandex» создан""",
    ),
    (
        "shell",
        "curl basic auth hindi comment",
        r"""# स्टेजिंग API पर टेस्ट कॉल
curl -H "Authorization: Basic {{S:userpass|b64}}" https://staging.example.in/api/v1/health""",
    ),
    (
        "shell",
        "curl cookie japanese",
        r"""# ブラウザからコピーしたセッションで再現
curl 'https://admin.example.jp/orders?page=2' -H 'Cookie: PHPSESSID={{S:session_php}}; lang=ja'""",
    ),
    (
        "shell",
        "aws cli korean comment secret",
        r"""# 서울 리전 S3 백업 스크립트
export AWS_ACCESS_KEY_ID={{N:aws_key_id}}
export AWS_SECRET_ACCESS_KEY={{S:aws_secret}}
aws s3 sync /data/backup s3://backup-kr/{{N:date}} --region ap-northeast-2""",
    ),
    (
        "shell",
        "gh auth with token french comment",
        r"""# connexion à GitHub pour le script de release
echo {{S:gh_pat}} | gh auth login --with-token
gh release create v{{N:ver}} --notes "Corrections de bugs" """,
    ),
    (
        "shell",
        "unifonic curl arabic",
        r"""# إرسال رسالة تجريبية
curl -X POST "https://el.cloud.unifonic.com/rest/SMS/messages" \
  -d "AppSid={{S:unifonic_sid}}" -d "SenderID=MyStore" -d "Recipient=9665{{N:n6}}00" -d "Body=رمز التحقق الخاص بك" """,
    ),
    (
        "shell",
        "sms.ru curl",
        r"""# отправка тестовой СМС
curl "https://sms.ru/sms/send?api_id={{S:sms_ru_id}}&to=79{{N:n6}}0000&msg=%D0%9A%D0%BE%D0%B4&json=1" """,
    ),
    (
        "shell",
        "mysql url-encoded cyrillic password",
        r"""# подключение из скрипта миграций
export DATABASE_URL='mysql://app:{{S:pw_cyr|url}}@{{N:host}}:3306/crm?charset=utf8mb4'
./migrate up""",
    ),
]

TEMPLATES += [
    (
        "shell",
        "sudo prompt german",
        r"""$ sudo systemctl restart postgresql
[sudo] Passwort für {{N:user}}: 
$ systemctl status postgresql | head -3""",
    ),
    (
        "shell",
        "sudo prompt russian wrong password",
        r"""$ sudo apt update
[sudo] пароль для {{N:user}}: 
Попробуйте ещё раз.
[sudo] пароль для {{N:user}}: 
Чтение списков пакетов… Готово""",
    ),
    (
        "shell",
        "passwd german output",
        r"""$ passwd
Passwort für {{N:user}} wird geändert.
Aktuelles Passwort: 
Neues Passwort: 
Geben Sie das neue Passwort erneut ein: 
passwd: Passwort erfolgreich geändert""",
    ),
    (
        "shell",
        "passwd french output",
        r"""$ passwd
Changement du mot de passe pour {{N:user}}.
Mot de passe actuel : 
Nouveau mot de passe : 
Retapez le nouveau mot de passe : 
passwd : le mot de passe a été mis à jour avec succès""",
    ),
    (
        "shell",
        "mysql enter password chinese",
        r"""$ mysql -h {{N:host}} -u root -p
Enter password: 
ERROR 1045 (28000): Access denied for user 'root'@'{{N:ip}}' (using password: YES)
# 密码不对，去问一下 DBA""",
    ),
    (
        "shell",
        "export from vault chinese comment",
        r"""# 密钥从 Vault 读取，不要写死
export ALIBABA_CLOUD_ACCESS_KEY_ID={{N:ali_ak_id}}
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=$(vault kv get -field=secret kv/aliyun/oss-uploader)
ossutil cp -r ./dist oss://static-site/""",
    ),
    (
        "shell",
        "yc create-token subshell",
        r"""# IAM-токен получаем на лету, нигде не храним
export IAM_TOKEN=$(yc iam create-token)
curl -H "Authorization: Bearer ${IAM_TOKEN}" https://resource-manager.api.cloud.yandex.net/resource-manager/v1/clouds""",
    ),
    (
        "shell",
        "curl with env var japanese",
        r"""# トークンは環境変数から（.env は読み込み済み）
curl -X POST https://api.line.me/v2/bot/message/broadcast \
  -H "Authorization: Bearer ${LINE_CHANNEL_ACCESS_TOKEN}" \
  -H 'Content-Type: application/json' \
  -d '{"messages":[{"type":"text","text":"メンテナンスのお知らせ"}]}'""",
    ),
    (
        "shell",
        "aliyun configure list masked",
        r"""$ aliyun configure list
Profile   | Credential         | Valid   | Region           | Language
--------- | ------------------ | ------- | ---------------- | --------
default * | AK:***{{N:ak_tail}}          | Valid   | cn-hangzhou      | zh
prod      | AK:***{{N:ak_tail}}          | Valid   | cn-shanghai      | zh""",
    ),
    (
        "shell",
        "tccli output request ids",
        r"""$ tccli cvm DescribeInstances --Limit 1
{
    "TotalCount": 3,
    "InstanceSet": [{"InstanceId": "ins-{{N:ak_tail}}{{N:ak_tail}}", "InstanceName": "订单服务-01", "PrivateIpAddresses": ["{{N:ip}}"]}],
    "RequestId": "{{N:tc_req}}"
}""",
    ),
    (
        "shell",
        "sha256sum chinese filenames",
        r"""$ sha256sum 发布包/*.tar.gz
{{N:sha256}}  发布包/订单服务-{{N:ver}}.tar.gz
{{N:sha256}}  发布包/用户中心-{{N:ver}}.tar.gz""",
    ),
    (
        "shell",
        "ssh-keygen fingerprint russian",
        r"""$ ssh-keygen -lf ~/.ssh/id_ed25519.pub
256 SHA256:{{N:alnum40}} ivan@рабочий-ноутбук (ED25519)
$ # отпечаток совпадает с тем, что в GitLab""",
    ),
    (
        "shell",
        "gpg list keys german locale",
        r"""$ gpg --list-secret-keys
/home/{{N:user}}/.gnupg/pubring.kbx
-----------------------------------
sec   ed25519 2024-03-01 [SC] [verfällt: 2027-03-01]
      {{N:sha1}}
uid        [ ultimativ ] Jürgen Müller <juergen@example.de>""",
    ),
    (
        "shell",
        "grep password labels in i18n",
        r"""$ grep -rn "password" src/locales/
src/locales/de.json:12:  "password": "Passwort",
src/locales/fr.json:12:  "password": "Mot de passe",
src/locales/zh-CN.json:12:  "password": "密码",
src/locales/ja.json:12:  "password": "パスワード",""",
    ),
    (
        "shell",
        "msgfmt statistics",
        r"""$ msgfmt --statistics -o locale/ru/LC_MESSAGES/django.mo locale/ru/LC_MESSAGES/django.po
412 переведённых сообщений, 3 неточных перевода, 7 непереведённых сообщений.""",
    ),
    (
        "shell",
        "cat env example placeholders spanish",
        r"""$ cat .env.example
# Copia este archivo a .env y rellena los valores
DB_USUARIO=tu_usuario
DB_CONTRASENA=tu_contraseña
MP_ACCESS_TOKEN={{N:mp_ph_access}}
MP_PUBLIC_KEY={{N:mp_ph_public}}""",
    ),
    (
        "shell",
        "cat env example chinese placeholders",
        r"""$ cat .env.example
# 阿里云访问密钥（请填写自己的）
ALIYUN_AK_ID=请填写
ALIYUN_AK_SECRET=请填写
# 大模型
DEEPSEEK_API_KEY=sk-...
DASHSCOPE_API_KEY=<你的DashScope密钥>""",
    ),
    (
        "shell",
        "kubectl get secrets names",
        r"""$ kubectl -n prod get secrets
NAME                    TYPE                                  DATA   AGE
mysql-auth              Opaque                                2      41d
aliyun-oss-ak           Opaque                                2      12d
dingtalk-robot-token    Opaque                                1      3d
# 只列名字，内容请用 kubectl get secret xxx -o yaml 查看（需要权限）""",
    ),
    (
        "shell",
        "docker images digests japanese",
        r"""$ docker images --digests | head -3
REPOSITORY                                      TAG     DIGEST                  IMAGE ID       CREATED
registry.cn-hangzhou.aliyuncs.com/shop/api     {{N:ver}}   {{N:digest}}   {{N:gitsha}}{{N:ak_tail}}   2日前
# ↑ ダイジェストはリリースノートに記載""",
    ),
    (
        "shell",
        "base64 decode russian text",
        r"""$ echo '{{N:b64text}}' | base64 -d
# это просто тестовая строка из фикстуры, не секрет""",
    ),
    (
        "shell",
        "git log russian",
        r"""$ git log --oneline -5
{{N:gitsha}} Убрал пароль из конфига, теперь читаем из переменной окружения
{{N:gitsha}} Добавил ротацию токенов
{{N:gitsha}} Исправил опечатку в сообщении «Неверный пароль»
{{N:gitsha}} Обновил зависимости""",
    ),
    (
        "shell",
        "aws sts identity korean",
        r"""$ aws sts get-caller-identity
{
    "UserId": "AIDA{{N:hw_ak}}",
    "Account": "{{N:n10}}12",
    "Arn": "arn:aws:iam::{{N:n10}}12:user/배포봇"
}""",
    ),
    (
        "shell",
        "ossutil ls chinese objects",
        r"""$ ossutil ls oss://backup-prod/数据库/
LastModifiedTime                   Size(B)  StorageClass   ETAG                                  ObjectName
{{N:date}} 03:00:12 +0800 CST     {{N:n10}}  Standard       {{N:md5}}      oss://backup-prod/数据库/订单库-{{N:date}}.sql.gz
Object Number is: 1""",
    ),
    (
        "shell",
        "pass insert without value",
        r"""# пароли команды храним в pass
$ pass insert prod/postgres/app
Enter password for prod/postgres/app: 
Retype password for prod/postgres/app: 
[main {{N:gitsha}}] Add given password for prod/postgres/app to store.""",
    ),
    (
        "shell",
        "read -s prompt portuguese",
        r"""#!/bin/bash
read -rp "Usuário: " USUARIO
read -rsp "Senha: " SENHA
echo
curl -u "$USUARIO:$SENHA" https://api.example.com.br/v1/relatorios""",
    ),
    (
        "shell",
        "echo masked chinese",
        r"""$ ./check_config.sh
数据库地址：{{N:host}}:3306
数据库用户：app
数据库密码：******（已隐藏）
Redis 密码：未设置
检查通过 ✅""",
    ),
    (
        "shell",
        "iconv password word",
        r"""$ echo 'пароль' | iconv -f utf-8 -t cp1251 | xxd
00000000: efe0 f0ee ebfc 0a                        .......
$ # просто проверяем кодировку слова «пароль» в старой базе""",
    ),
    (
        "shell",
        "locale output",
        r"""$ locale
LANG=zh_CN.UTF-8
LC_CTYPE="zh_CN.UTF-8"
LC_MESSAGES="zh_CN.UTF-8"
LC_ALL=
# 终端中文显示正常，但密码输入框是英文提示""",
    ),
    (
        "shell",
        "openssl x509 output japanese cn",
        r"""$ openssl x509 -in server.crt -noout -subject -fingerprint -sha256
subject=C = JP, ST = 東京都, O = 株式会社サンプル, CN = api.example.jp
sha256 Fingerprint={{N:sha256}}""",
    ),
    (
        "shell",
        "cat public key pem korean",
        r"""$ cat keys/toss_public.pem   # 공개키라서 저장소에 포함
{{N:pem_pub}}""",
    ),
    (
        "shell",
        "kubectl secret ref yaml echo",
        r"""# пароль берётся из секрета, сам секрет создаёт оператор
kubectl -n prod set env deploy/api --from=secret/postgres-credentials --prefix=DB_
deployment.apps/api env updated""",
    ),
    (
        "shell",
        "curl with placeholder korean",
        r"""# 아래 {발급받은_키} 부분을 본인 키로 바꿔서 실행하세요
curl -G "https://dapi.kakao.com/v2/local/search/keyword.json" \
  -H "Authorization: KakaoAK {발급받은_키}" \
  --data-urlencode "query=카페" """,
    ),
    (
        "shell",
        "curl placeholder turkish",
        r"""# <API_ANAHTARINIZ> yerine kendi anahtarınızı yazın
curl -H "Authorization: Bearer <API_ANAHTARINIZ>" https://api.example.com.tr/v1/siparisler""",
    ),
    (
        "shell",
        "history with secret references",
        r"""  812  export DB_PASSWORD="$(pass show prod/postgres/app)"
  813  psql "host={{N:host}} user=app dbname=crm"
  814  # Пароль берём из pass, в историю не попадает""",
    ),
    (
        "shell",
        "sops decrypt command no output",
        r"""# 解密只在 CI 里做，本地不要执行
sops -d secrets/prod.enc.yaml > /dev/null && echo "解密成功"
解密成功""",
    ),
    (
        "shell",
        "ansible vault view refused",
        r"""$ ansible-vault view group_vars/prod/vault.yml
Vault password: 
ERROR! Decryption failed (no vault secrets were found that could decrypt) on group_vars/prod/vault.yml
# Пароль от vault у тимлида""",
    ),
    (
        "shell",
        "npm audit chinese integrity",
        r"""$ grep -A2 '"node_modules/axios"' package-lock.json
    "node_modules/axios": {
      "version": "{{N:ver}}",
      "integrity": "{{N:integrity}}",""",
    ),
]

# ---- yaml: configs with localized comments, i18n YAML --------------------------------------
TEMPLATES += [
    (
        "yaml",
        "spring boot application.yml chinese comments",
        r"""spring:
  datasource:
    # 主库（生产）
    url: jdbc:mysql://{{N:host}}:3306/order_db?useUnicode=true&characterEncoding=utf8
    username: order_rw
    password: {{S:pw_zh}}
  redis:
    host: {{N:host}}
    password: {{S:pw_rand}}   # 缓存密码""",
    ),
    (
        "yaml",
        "spring aliyun oss config",
        r"""aliyun:
  oss:
    endpoint: oss-cn-shenzhen.aliyuncs.com
    bucket-name: mall-images
    # 访问密钥
    access-key-id: {{N:ali_ak_id}}
    access-key-secret: {{S:ali_ak_secret}}""",
    ),
    (
        "yaml",
        "tencent cos spring config",
        r"""tencent:
  cos:
    region: ap-guangzhou
    secret-id: {{N:tc_secret_id}}
    secret-key: {{S:tc_secret_key}}   # 腾讯云 API 密钥
    bucket: avatar-1250000000""",
    ),
    (
        "yaml",
        "tencent sms config",
        r"""sms:
  tencent:
    sdk-app-id: "14000{{N:n6}}"
    sign-name: 某某科技
    template-id: "{{N:n6}}"
    secret-id: {{N:tc_secret_id}}
    secret-key: {{S:tc_secret_key}}""",
    ),
    (
        "yaml",
        "aliyun sms config",
        r"""# 阿里云短信
aliyun:
  sms:
    access-key-id: {{N:ali_ak_id}}
    access-key-secret: "{{S:ali_ak_secret}}"
    sign-name: 阿里云短信测试
    template-code: SMS_{{N:n10}}""",
    ),
    (
        "yaml",
        "nacos and redis passwords",
        r"""spring:
  cloud:
    nacos:
      discovery:
        server-addr: {{N:ip}}:8848
        namespace: {{N:uuid}}
        username: nacos
        password: {{S:pw_rand}}   # 生产 nacos 密码
      config:
        file-extension: yaml""",
    ),
    (
        "yaml",
        "xxl-job access token",
        r"""xxl:
  job:
    admin:
      addresses: http://{{N:ip}}:8080/xxl-job-admin
    accessToken: {{S:alnum32}}
    executor:
      appname: 订单服务-executor
      port: 9999""",
    ),
    (
        "yaml",
        "rocketmq acl chinese",
        r"""# RocketMQ ACL 配置（plain_acl.yml）
globalWhiteRemoteAddresses:
  - 10.10.*.*
accounts:
  - accessKey: order-producer
    secretKey: {{S:alnum32}}
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY""",
    ),
    (
        "yaml",
        "docker compose chinese comments mysql",
        r"""version: "3.8"
services:
  mysql:
    image: mysql:8.0
    environment:
      MYSQL_ROOT_PASSWORD: "{{S:pw_zh}}"   # root 密码，别改
      MYSQL_DATABASE: shop
      TZ: Asia/Shanghai
    ports:
      - "3306:3306"
    volumes:
      - ./数据:/var/lib/mysql""",
    ),
    (
        "yaml",
        "k8s secret stringData chinese",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: order-db
  namespace: prod
  annotations:
    说明: 订单库账号
type: Opaque
stringData:
  username: order_rw
  password: "{{S:pw_zh}}" """,
    ),
    (
        "yaml",
        "k8s secret data base64 password",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: postgres-credentials   # учётка для биллинга
type: Opaque
data:
  username: YmlsbGluZw==
  password: {{S:pw_ru|b64}}""",
    ),
    (
        "yaml",
        "helm values russian comments",
        r"""# Значения для продового релиза
postgresql:
  auth:
    username: billing
    password: "{{S:pw_ru}}"
    database: billing
redis:
  auth:
    enabled: true
    password: "{{S:pw_rand}}"   # пароль Redis, менять вместе с приложением""",
    ),
    (
        "yaml",
        "gitlab ci russian hardcoded vars",
        r"""variables:
  # TODO: вынести в настройки CI/CD, пока так
  DOCKER_REGISTRY: cr.yandex/{{N:yc_folder}}
  YC_OAUTH_TOKEN: "{{S:yandex_oauth}}"
deploy:
  stage: deploy
  script:
    - echo "$YC_OAUTH_TOKEN" | docker login --username oauth --password-stdin cr.yandex""",
    ),
    (
        "yaml",
        "gitlab ci ssh key block russian",
        r"""deploy_prod:
  stage: deploy
  variables:
    # приватный ключ деплоя (временно!)
    SSH_PRIVATE_KEY: |
      {{S:openssh_priv|i6}}
  script:
    - eval $(ssh-agent -s)
    - echo "$SSH_PRIVATE_KEY" | ssh-add -""",
    ),
    (
        "yaml",
        "github actions dingtalk hardcoded",
        r"""name: 构建并发布
on:
  push:
    branches: [main]
jobs:
  notify:
    runs-on: ubuntu-latest
    steps:
      - name: 通知钉钉群
        run: |
          curl 'https://oapi.dingtalk.com/robot/send?access_token={{S:dingtalk_token}}' \
            -H 'Content-Type: application/json' \
            -d '{"msgtype":"text","text":{"content":"发布完成"}}'""",
    ),
    (
        "yaml",
        "ansible vars turkish comments",
        r"""# Veritabanı ayarları (üretim)
veritabani_sunucu: {{N:host}}
veritabani_kullanici: magaza
veritabani_parola: "{{S:pw_tr}}"
# Ödeme
iyzico_api_anahtari: {{N:iyzico_live}}
iyzico_gizli_anahtar: {{S:iyzico_live}}""",
    ),
    (
        "yaml",
        "ansible inventory german",
        r"""all:
  hosts:
    webserver-01:
      ansible_host: {{N:ip}}
      ansible_user: verwalter
      ansible_password: "{{S:pw_de@p}}"   # Passwort des Verwalters
      ansible_become_password: "{{S:pw_de@p}}" """,
    ),
    (
        "yaml",
        "rails database.yml portuguese",
        r"""# Banco de dados da loja (produção)
production:
  adapter: postgresql
  encoding: unicode
  database: loja_producao
  username: loja
  password: <%= ENV.fetch("DB_SENHA", "{{S:pw_pt}}") %>
  host: {{N:host}}""",
    ),
    (
        "yaml",
        "hexo deploy token chinese",
        r"""# 部署配置
deploy:
  type: git
  repo: https://{{S:gh_pat}}@github.com/{{N:user}}/{{N:user}}.github.io.git
  branch: main
  message: "站点更新：{{ now('YYYY-MM-DD') }}" """,
    ),
    (
        "yaml",
        "hugo algolia admin key",
        r"""# Algolia 搜索（注意：这里应该用 Search-Only Key，不是 Admin Key）
params:
  algolia:
    appId: "{{N:hw_ak}}"
    adminApiKey: "{{S:hex32}}"
    indexName: "博客"
""",
    ),
    (
        "yaml",
        "serverless devs s.yaml aliyun access",
        r"""edition: 1.0.0
name: 图片处理
access: default
vars:
  region: cn-hangzhou
services:
  image-resize:
    component: fc
    props:
      environmentVariables:
        OSS_AK_ID: {{N:ali_ak_id}}
        OSS_AK_SECRET: {{S:ali_ak_secret}}""",
    ),
    (
        "yaml",
        "serverless tencent scf credentials",
        r"""component: scf
name: 定时任务
inputs:
  src: ./
  region: ap-guangzhou
  environment:
    variables:
      TENCENTCLOUD_SECRETID: {{N:tc_secret_id}}
      TENCENTCLOUD_SECRETKEY: {{S:tc_secret_key}}""",
    ),
    (
        "yaml",
        "chatchat model_settings yaml llm keys",
        r"""# 模型平台配置
MODEL_PLATFORMS:
  - platform_name: zhipu
    platform_type: openai
    api_base_url: https://open.bigmodel.cn/api/paas/v4
    api_key: {{S:zhipu_key}}
  - platform_name: qwen
    api_base_url: https://dashscope.aliyuncs.com/compatible-mode/v1
    api_key: {{S:dashscope_key}}""",
    ),
    (
        "yaml",
        "dify style provider config moonshot",
        r"""providers:
  moonshot:
    # 月之暗面 Kimi
    api_key: "{{S:moonshot_key}}"
    base_url: https://api.moonshot.cn/v1
  deepseek:
    api_key: "{{S:deepseek_key}}"
    base_url: https://api.deepseek.com""",
    ),
    (
        "yaml",
        "clash proxies password",
        r"""# 机场订阅（自用）
proxies:
  - {name: "🇭🇰 香港 01", type: ss, server: hk1.{{N:word}}.net, port: 443, cipher: aes-256-gcm, password: "{{S:pw_rand}}"}
  - {name: "🇯🇵 日本 02", type: trojan, server: jp2.{{N:word}}.net, port: 443, password: {{S:alnum32}}, sni: jp2.{{N:word}}.net}
proxy-groups:
  - {name: 节点选择, type: select, proxies: ["🇭🇰 香港 01", "🇯🇵 日本 02"]}""",
    ),
    (
        "yaml",
        "clash vmess uuid credential",
        r"""proxies:
  - name: "🇸🇬 新加坡 vmess"
    type: vmess
    server: sg.{{N:word}}.net
    port: 443
    uuid: {{S:uuid}}
    alterId: 0
    cipher: auto
    tls: true""",
    ),
    (
        "yaml",
        "alertmanager wechat api_secret",
        r"""# 告警发送到企业微信
receivers:
  - name: 企业微信-运维
    wechat_configs:
      - corp_id: {{N:wecom_corpid}}
        agent_id: "1000002"
        api_secret: {{S:wecom_secret}}
        to_party: "2"
        send_resolved: true""",
    ),
    (
        "yaml",
        "prometheus webhook dingtalk config",
        r"""## prometheus-webhook-dingtalk 配置
targets:
  ops:
    url: https://oapi.dingtalk.com/robot/send?access_token={{S:dingtalk_token}}
    secret: {{S:dingtalk_sign}}
    mention:
      mobiles: ['{{N:phone_cn}}']""",
    ),
    (
        "yaml",
        "grafana datasource russian",
        r"""apiVersion: 1
datasources:
  - name: ClickHouse (прод)
    type: grafana-clickhouse-datasource
    jsonData:
      host: {{N:host}}
      username: grafana_ro
    secureJsonData:
      password: "{{S:pw_ru}}"   # только чтение""",
    ),
    (
        "yaml",
        "home assistant secrets german",
        r"""# secrets.yaml – NICHT ins Git!
wlan_name: FritzBox-Wohnzimmer
wlan_passwort: "{{S:pw_de}}"
telegram_bot_token: "{{S:telegram_bot}}"
mqtt_passwort: {{S:pw_rand}}""",
    ),
    (
        "yaml",
        "esphome dutch wifi and api key",
        r"""esphome:
  name: woonkamer-sensor
wifi:
  ssid: "Ziggo{{N:n6}}"
  password: "{{S:pw_nl}}"   # wachtwoord van het wifi-netwerk
api:
  encryption:
    key: "{{S:b64_32}}"
ota:
  password: "{{S:hex32}}" """,
    ),
    (
        "yaml",
        "netplan wifi spanish",
        r"""# Configuración de red de la Raspberry
network:
  version: 2
  wifis:
    wlan0:
      dhcp4: true
      access-points:
        "Casa_Pérez_5G":
          password: "{{S:pw_es}}" """,
    ),
    (
        "yaml",
        "configmap with password chinese",
        r"""apiVersion: v1
kind: ConfigMap
metadata:
  name: report-config
data:
  # TODO 密码应该放到 Secret 里
  application.properties: |
    spring.datasource.url=jdbc:mysql://{{N:host}}:3306/report
    spring.datasource.username=report
    spring.datasource.password={{S:pw_zh}}""",
    ),
    (
        "yaml",
        "compose smtp portuguese",
        r"""services:
  chatwoot:
    image: chatwoot/chatwoot:latest
    environment:
      SMTP_ADDRESS: smtp.example.com.br
      SMTP_USERNAME: atendimento@example.com.br
      SMTP_PASSWORD: "{{S:pw_pt}}"   # senha do e-mail de atendimento
      SECRET_KEY_BASE: {{S:hex64}}{{S:hex64}}""",
    ),
    (
        "yaml",
        "argocd repo secret korean",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: 사내-깃-저장소
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  url: https://git.example.kr/platform/manifests.git
  username: argocd
  password: {{S:gitlab_pat}}""",
    ),
    (
        "yaml",
        "line bot config japanese",
        r"""# LINE Bot 設定（本番）
line:
  bot:
    channel-token: {{S:line_token}}
    channel-secret: {{S:line_secret}}
    handler:
      path: /callback""",
    ),
    (
        "yaml",
        "rakuten api settings japanese",
        r"""rakuten:
  # 楽天ウェブサービス
  application_id: "{{N:rakuten_app_id}}"
  application_secret: "{{S:rakuten_secret}}"
  affiliate_id: {{N:hex32}}.{{N:ak_tail}}""",
    ),
    (
        "yaml",
        "spring mercado pago spanish",
        r"""mercadopago:
  # Credenciales de producción (¡no compartir!)
  access-token: {{S:mp_access}}
  public-key: {{N:mp_public}}
  webhook-secret: {{S:hex64}}""",
    ),
    (
        "yaml",
        "razorpay config indian team",
        r"""payment:
  razorpay:
    key-id: {{N:rzp_key_id}}
    key-secret: {{S:rzp_secret}}
    webhook-secret: "{{S:pw_hi}}"   # webhook ka secret""",
    ),
    (
        "yaml",
        "wechat pay private key block",
        r"""wechat:
  pay:
    mch-id: {{N:wxpay_mchid}}
    mch-serial-no: {{N:wxpay_serial}}
    api-v3-key: {{S:wxpay_key}}
    # 商户 API 私钥
    private-key: |
      {{S:pem_pkcs8|i6}}""",
    ),
    (
        "yaml",
        "alipay config raw private key",
        r"""alipay:
  app-id: {{N:alipay_appid}}
  # 应用私钥
  private-key: {{S:alipay_priv}}
  # 支付宝公钥
  alipay-public-key: {{N:alipay_pub}}
  gateway: https://openapi.alipay.com/gateway.do""",
    ),
    (
        "yaml",
        "feishu app config chinese",
        r"""feishu:
  app_id: {{N:feishu_app_id}}
  app_secret: {{S:feishu_app_secret}}
  encrypt_key: {{S:alnum32}}
  verification_token: {{S:alnum32}}""",
    ),
    (
        "yaml",
        "dingtalk app config",
        r"""dingtalk:
  agent-id: "{{N:n10}}"
  app-key: {{N:dingtalk_appkey}}
  app-secret: {{S:dingtalk_appsecret}}
  # 回调加解密
  aes-key: {{S:alnum40}}""",
    ),
    (
        "yaml",
        "yandex function spec russian",
        r"""# Облачная функция для бота
name: bot-webhook
runtime: python312
entrypoint: main.handler
environment:
  TELEGRAM_TOKEN: "{{S:telegram_bot}}"
  YDB_ENDPOINT: grpcs://ydb.serverless.yandexcloud.net:2135
  YANDEX_GPT_API_KEY: "{{S:yandex_api_key}}" """,
    ),
    (
        "yaml",
        "naver cloud config korean",
        r"""# NCP Object Storage 설정
ncp:
  endpoint: https://kr.object.ncloudstorage.com
  region: kr-standard
  access-key: {{N:ncp_access}}
  secret-key: {{S:ncp_secret}}   # 서브계정 시크릿 키""",
    ),
    (
        "yaml",
        "kakao oauth spring korean",
        r"""spring:
  security:
    oauth2:
      client:
        registration:
          kakao:
            client-id: {{N:kakao_key}}
            client-secret: {{S:alnum32}}   # 카카오 로그인 보안 > Client Secret
            redirect-uri: "{baseUrl}/login/oauth2/code/kakao"
            client-name: 카카오""",
    ),
    (
        "yaml",
        "naver oauth spring korean",
        r"""          naver:
            client-id: {{N:naver_client_id}}
            client-secret: {{S:naver_client_secret}}
            authorization-grant-type: authorization_code
            client-name: 네이버""",
    ),
    (
        "yaml",
        "vietnamese app config",
        r"""# Cấu hình ứng dụng (môi trường production)
co_so_du_lieu:
  may_chu: {{N:host}}
  ten_dang_nhap: app
  mat_khau: "{{S:pw_vi}}"
momo:
  partner_code: MOMO{{N:ak_tail}}
  access_key: {{N:alnum32}}
  secret_key: {{S:alnum32}}""",
    ),
    (
        "yaml",
        "indonesian midtrans config",
        r"""# Konfigurasi pembayaran
midtrans:
  is_production: true
  server_key: "Mid-server-{{S:alnum32}}"
  client_key: "Mid-client-{{N:alnum32}}"
basis_data:
  kata_sandi: "{{S:pw_id}}" """,
    ),
    (
        "yaml",
        "polish config hasło",
        r"""# Konfiguracja bazy danych
baza:
  host: {{N:host}}
  uzytkownik: sklep
  haslo: "{{S:pw_pl}}"
przelewy24:
  merchant_id: {{N:n6}}
  crc: {{S:alnum32}}
  api_key: {{S:hex32}}""",
    ),
    (
        "yaml",
        "french config mot_de_passe",
        r"""# Paramètres de connexion
base_de_donnees:
  hote: {{N:host}}
  utilisateur: boutique
  mot_de_passe: « {{S:pw_fr}} »
messagerie:
  mot_de_passe_smtp: '{{S:pw_fr}}'""",
    ),
    (
        "yaml",
        "italian config",
        r"""# Configurazione del gestionale
database:
  utente: gestionale
  parola_d_ordine: "{{S:pw_it}}"
fatturazione_elettronica:
  chiave_api: {{S:alnum40}}""",
    ),
    (
        "yaml",
        "arabic comments config",
        r"""# إعدادات قاعدة البيانات
database:
  host: {{N:host}}
  user: store
  password: "{{S:pw_ar}}"   # كلمة المرور
# بوابة الدفع
payfort:
  access_code: {{S:payfort_code}}
  sha_request_phrase: "{{S:payfort_phrase}}" """,
    ),
    (
        "yaml",
        "persian comments config",
        r"""# تنظیمات پیامک
sms:
  provider: kavenegar
  api_key: {{S:kavenegar_key}}
  sender: "10008663"
# تنظیمات پایگاه داده
db_password: "{{S:pw_fa}}" """,
    ),
    (
        "yaml",
        "hebrew comments config",
        r"""# הגדרות סביבת ייצור
db:
  user: app
  password: "{{S:pw_he}}"   # סיסמה
tranzila:
  terminal: {{N:word}}shop
  api_key: {{S:alnum40}}""",
    ),
    (
        "yaml",
        "url-encoded password in yaml dsn",
        r"""# Verbindungszeichenfolge (Passwort URL-kodiert wegen Umlaut)
database_url: "postgresql://lager:{{S:pw_de|url}}@{{N:host}}:5432/lager?sslmode=require" """,
    ),
    (
        "yaml",
        "gigachat config russian",
        r"""gigachat:
  # ключ авторизации из личного кабинета
  credentials: {{S:gigachat_auth}}
  scope: GIGACHAT_API_PERS
  verify_ssl_certs: false""",
    ),
    (
        "yaml",
        "vk bot config",
        r"""vk:
  group_id: {{N:n6}}
  token: {{S:vk_token}}
  confirmation: "{{N:ak_tail}}{{N:ak_tail}}"
  secret: "{{S:pw_rand}}" """,
    ),
]

TEMPLATES += [
    (
        "yaml",
        "rails i18n ja devise labels",
        r"""ja:
  activerecord:
    attributes:
      user:
        email: メールアドレス
        password: パスワード
        password_confirmation: パスワード（確認用）
        api_key: APIキー
        current_password: 現在のパスワード""",
    ),
    (
        "yaml",
        "rails i18n ru labels",
        r"""ru:
  activerecord:
    attributes:
      user:
        password: Пароль
        password_confirmation: Подтверждение пароля
        api_token: API-токен
  errors:
    messages:
      too_short: "недостаточной длины (не может быть меньше %{count} символов)" """,
    ),
    (
        "yaml",
        "i18n zh-CN labels",
        r"""zh-CN:
  login:
    username: 用户名
    password: 密码
    forgot_password: 忘记密码？
    secret_key: 密钥
    access_key_id: AccessKey ID
    access_key_secret: AccessKey Secret
    submit: 登录""",
    ),
    (
        "yaml",
        "i18n zh-TW labels",
        r"""zh-TW:
  auth:
    password: 密碼
    token: 權杖
    api_key: API 金鑰
    placeholder_password: 請輸入密碼
    placeholder_token: 請貼上您的權杖""",
    ),
    (
        "yaml",
        "i18n de labels",
        r"""de:
  auth:
    password: Passwort
    password_hint: Mindestens 12 Zeichen, davon eine Zahl
    api_key: API-Schlüssel
    secret: Geheimnis
    token_expired: "Ihr Zugangstoken ist abgelaufen. Bitte melden Sie sich erneut an." """,
    ),
    (
        "yaml",
        "i18n fr labels",
        r"""fr:
  auth:
    password: « Mot de passe »
    api_key: Clé d’API
    secret_key: Clé secrète
    reset: "Réinitialiser le mot de passe"
    wrong_password: "Mot de passe incorrect, il vous reste %{count} essais." """,
    ),
    (
        "yaml",
        "i18n es labels",
        r"""es:
  devise:
    failure:
      invalid: "%{authentication_keys} o contraseña inválidos."
      locked: "Tu cuenta está bloqueada."
  labels:
    password: Contraseña
    api_key: Clave de API
    token: Token de acceso""",
    ),
    (
        "yaml",
        "i18n pt-BR labels",
        r"""pt-BR:
  campos:
    senha: Senha
    confirmar_senha: Confirmar senha
    chave_api: Chave da API
    chave_secreta: Chave secreta
    token: Token de acesso""",
    ),
    (
        "yaml",
        "i18n ko labels",
        r"""ko:
  auth:
    password: 비밀번호
    password_confirm: 비밀번호 확인
    api_key: API 키
    secret_key: 시크릿 키
    invalid: 아이디 또는 비밀번호가 올바르지 않습니다.""",
    ),
    (
        "yaml",
        "i18n ar labels",
        r"""ar:
  auth:
    password: كلمة المرور
    confirm_password: تأكيد كلمة المرور
    api_key: مفتاح الواجهة البرمجية
    forgot: نسيت كلمة المرور؟""",
    ),
    (
        "yaml",
        "i18n tr he fa labels",
        r"""tr:
  sifre: Şifre
  parola_tekrar: Parolayı tekrar girin
  api_anahtari: API anahtarı
he:
  password: סיסמה
  api_key: מפתח API
fa:
  password: رمز عبور
  api_key: کلید API""",
    ),
    (
        "yaml",
        "i18n hi vi id labels",
        r"""hi:
  password: पासवर्ड
  api_key: एपीआई कुंजी
vi:
  password: Mật khẩu
  api_key: Khóa API
id:
  password: Kata sandi
  api_key: Kunci API""",
    ),
    (
        "yaml",
        "spring yaml env references chinese",
        r"""spring:
  datasource:
    url: jdbc:mysql://${MYSQL_HOST:127.0.0.1}:3306/order_db
    username: ${MYSQL_USER}
    password: ${MYSQL_PASSWORD}   # 从环境变量读取，不要写死
aliyun:
  oss:
    access-key-id: {{N:ali_ak_id}}
    access-key-secret: ${ALIYUN_AK_SECRET}""",
    ),
    (
        "yaml",
        "jasypt encrypted values chinese",
        r"""# 使用 jasypt 加密，密钥通过启动参数传入
spring:
  datasource:
    password: {{N:jasypt}}
  redis:
    password: {{N:jasypt}}
jasypt:
  encryptor:
    password: ${JASYPT_PASSWORD}""",
    ),
    (
        "yaml",
        "sops encrypted k8s secret russian",
        r"""apiVersion: v1
kind: Secret
metadata:
  name: billing-db
type: Opaque
stringData:
  password: {{N:sops}}
sops:
  kms: []
  age:
    - recipient: age1{{N:alnum40}}
  lastmodified: "{{N:ts}}Z"
  mac: {{N:sops}}
  version: 3.8.1""",
    ),
    (
        "yaml",
        "sealed secret japanese comment",
        r"""# SealedSecret（暗号化済みなのでコミット可）
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: line-bot
  namespace: prod
spec:
  encryptedData:
    channel-secret: {{N:sealed}}
    channel-token: {{N:sealed}}""",
    ),
    (
        "yaml",
        "github actions secret refs chinese steps",
        r"""jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - name: 登录阿里云镜像仓库
        uses: docker/login-action@v3
        with:
          registry: registry.cn-hangzhou.aliyuncs.com
          username: ${{ secrets.ALIYUN_REGISTRY_USER }}
          password: ${{ secrets.ALIYUN_REGISTRY_PASSWORD }}
      - name: 通知钉钉
        run: curl "https://oapi.dingtalk.com/robot/send?access_token=${{ secrets.DINGTALK_TOKEN }}" -d '{}'""",
    ),
    (
        "yaml",
        "helm values existing secret russian",
        r"""postgresql:
  auth:
    # пароль не храним в values, берём из существующего секрета
    existingSecret: billing-postgres
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password""",
    ),
    (
        "yaml",
        "compose password file german",
        r"""services:
  datenbank:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_passwort   # Passwort kommt aus Docker-Secret
    secrets:
      - db_passwort
secrets:
  db_passwort:
    file: ./geheim/db_passwort.txt""",
    ),
    (
        "yaml",
        "esphome secret references",
        r"""wifi:
  ssid: !secret wlan_ssid
  password: !secret wlan_passwort
api:
  encryption:
    key: !secret api_schluessel
ota:
  - platform: esphome
    password: !secret ota_passwort""",
    ),
    (
        "yaml",
        "ansible vault inline turkish",
        r"""# Parola ansible-vault ile şifrelendi
veritabani_parola: !vault |
          {{N:vault|i10}}""",
    ),
    (
        "yaml",
        "clash placeholders chinese",
        r"""proxies:
  - name: "示例节点"
    type: ss
    server: 你的服务器地址
    port: 8388
    cipher: aes-256-gcm
    password: "你的密码"
  # 把上面的中文替换成机场给你的信息""",
    ),
    (
        "yaml",
        "alertmanager secret file ref",
        r"""receivers:
  - name: 企业微信-运维
    wechat_configs:
      - corp_id: {{N:wecom_corpid}}
        agent_id: "1000002"
        api_secret_file: /etc/alertmanager/secrets/wechat_api_secret
        to_party: "2" """,
    ),
    (
        "yaml",
        "openapi spec chinese descriptions",
        r"""components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-Api-Key
      description: 在控制台「密钥管理」页面获取 API Key，格式为 32 位字符串
    BearerAuth:
      type: http
      scheme: bearer
      description: 通过 /oauth/token 获取访问令牌""",
    ),
    (
        "yaml",
        "hugo algolia search-only key",
        r"""# Algolia（前端只能放 Search-Only API Key，可以公开）
params:
  algolia:
    appId: "{{N:hw_ak}}"
    searchOnlyKey: "{{N:hex32}}"
    indexName: "博客文章"
""",
    ),
    (
        "yaml",
        "mercado pago public only",
        r"""mercadopago:
  # Solo la clave pública en el frontend
  public-key: {{N:mp_public}}
  access-token: ${MP_ACCESS_TOKEN}
  sandbox: false""",
    ),
    (
        "yaml",
        "razorpay key id only with env",
        r"""razorpay:
  key-id: {{N:rzp_key_id}}   # public, checkout mein jaata hai
  key-secret: ${RAZORPAY_KEY_SECRET}""",
    ),
    (
        "yaml",
        "configmap feature flags chinese text",
        r"""apiVersion: v1
kind: ConfigMap
metadata:
  name: app-settings
data:
  SITE_TITLE: 某某商城
  NOTICE: "双十一活动期间，部分订单可能延迟发货，敬请谅解。"
  PASSWORD_MIN_LENGTH: "8"
  TOKEN_TTL_SECONDS: "7200"
  FEATURE_WECHAT_LOGIN: "true" """,
    ),
    (
        "yaml",
        "kubernetes deployment with secretKeyRef korean",
        r"""        env:
          - name: DB_PASSWORD   # 비밀번호는 Secret 에서 읽음
            valueFrom:
              secretKeyRef:
                name: 결제-db
                key: password
          - name: TOSS_SECRET_KEY
            valueFrom:
              secretKeyRef: {name: toss, key: secret-key}""",
    ),
    (
        "yaml",
        "docker image digests yaml",
        r"""# 镜像锁定（按 digest）
images:
  api: registry.cn-beijing.aliyuncs.com/shop/api@{{N:digest}}
  worker: registry.cn-beijing.aliyuncs.com/shop/worker@{{N:digest}}
  nginx: nginx@{{N:digest}}""",
    ),
    (
        "yaml",
        "line channel id only yaml",
        r"""line:
  login:
    channel-id: "{{N:line_channel_id}}"
    channel-secret: ${LINE_LOGIN_CHANNEL_SECRET}   # 環境変数から
    callback-url: https://example.jp/login/callback""",
    ),
    (
        "yaml",
        "yandex ids only",
        r"""# Идентификаторы ресурсов (не секреты)
cloud_id: b1g{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}ab
folder_id: {{N:yc_folder}}
service_account_id: aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}cd
static_key_id: {{N:yandex_key_id}}""",
    ),
    (
        "yaml",
        "masked yaml with sizes german",
        r"""# Ausgabe von `config show` (Werte maskiert)
datenbank:
  passwort: "********"
  token: "[ENTFERNT]"
  schluessel_laenge: 32
smtp:
  passwort: "<verborgen>" """,
    ),
    (
        "yaml",
        "wechat appid only",
        r"""wechat:
  miniapp:
    appid: {{N:wx_appid}}
    secret: ${WX_MINIAPP_SECRET}
    msgDataFormat: JSON""",
    ),
    (
        "yaml",
        "tencent secret id only with env",
        r"""tencent:
  cos:
    secret-id: {{N:tc_secret_id}}
    secret-key: ${TENCENT_SECRET_KEY:}   # 通过 K8s Secret 注入
    region: ap-beijing""",
    ),
    (
        "yaml",
        "localized mkdocs nav with password pages",
        r"""site_name: 运维手册
nav:
  - 首页: index.md
  - 密码管理: security/passwords.md
  - 密钥轮换: security/key-rotation.md
  - 令牌申请流程: security/tokens.md
theme:
  name: material
  language: zh""",
    ),
    (
        "yaml",
        "hashed passwords in yaml config",
        r"""# 管理员账号（bcrypt 哈希，不是明文）
users:
  - name: admin
    password_hash: "$2a$12${{N:alnum40}}{{N:ak_tail}}{{N:ak_tail}}ab"
  - name: 审计员
    password_hash: "sha256:{{N:sha256}}" """,
    ),
    (
        "yaml",
        "kms ciphertext yaml",
        r"""# 阿里云 KMS 加密后的密文（部署时解密）
encrypted:
  db_password: "{{N:kms_blob}}"
  kms_key_id: {{N:uuid}}
  region: cn-hangzhou""",
    ),
]

# ---- source: code with localized identifiers and comments, .properties, .po ------------------
TEMPLATES += [
    (
        "source",
        "python german identifiers",
        r"""# Verbindung zur Lagerdatenbank
benutzer = "lager_app"
passwort = "{{S:pw_de}}"  # Passwort für die Datenbank
verbindung = psycopg2.connect(host="{{N:host}}", user=benutzer, password=passwort, dbname="lager")""",
    ),
    (
        "source",
        "python french identifiers",
        r"""# Paramètres de connexion au serveur SFTP
hote = "sftp.example.fr"
utilisateur = "import_compta"
mot_de_passe = '{{S:pw_fr}}'
client.connect(hote, username=utilisateur, password=mot_de_passe)""",
    ),
    (
        "source",
        "python spanish clave_api",
        r"""import requests

# Clave de la API de facturación electrónica (producción)
CLAVE_API = "{{S:alnum40}}"

def emitir_factura(datos):
    return requests.post(URL_FACTURAS, json=datos, headers={"X-Api-Key": CLAVE_API})""",
    ),
    (
        "source",
        "java portuguese constant",
        r"""public final class Configuracao {
    // chave do PagSeguro (produção) — mover para o cofre depois
    public static final String CHAVE_SECRETA = "{{S:pagseguro_token}}";
    public static final String EMAIL_VENDEDOR = "{{N:email}}";
}""",
    ),
    (
        "source",
        "java aliyun sdk profile",
        r"""// 初始化阿里云客户端（杭州区域）
DefaultProfile profile = DefaultProfile.getProfile(
        "cn-hangzhou",
        "{{N:ali_ak_id}}",            // AccessKey ID
        "{{S:ali_ak_secret}}");        // AccessKey Secret
IAcsClient client = new DefaultAcsClient(profile);""",
    ),
    (
        "source",
        "java tencent credential",
        r"""// 实例化一个认证对象，入参需要传入腾讯云账户 SecretId 和 SecretKey
Credential cred = new Credential("{{N:tc_secret_id}}", "{{S:tc_secret_key}}");
HttpProfile httpProfile = new HttpProfile();
httpProfile.setEndpoint("sms.tencentcloudapi.com");""",
    ),
    (
        "source",
        "go huawei credentials builder",
        r"""// 华为云 SDK 认证
auth := basic.NewCredentialsBuilder().
	WithAk("{{N:hw_ak}}").
	WithSk("{{S:hw_sk}}").
	WithProjectId("{{N:hex32}}").
	Build()""",
    ),
    (
        "source",
        "go const mima",
        r"""package config

const (
	// 数据库配置
	dbUser = "root"
	mima   = "{{S:pw_zh}}" // 密码
	dbName = "shop"
)""",
    ),
    (
        "source",
        "js chinese identifier password",
        r"""// 旧版后台登录脚本
const 用户名 = "admin";
const 密码 = "{{S:pw_zh}}";
await page.type("#username", 用户名);
await page.type("#password", 密码);""",
    ),
    (
        "source",
        "python cyrillic identifiers",
        r"""# Скрипт выгрузки отчётов
логин = "otchety"
пароль = "{{S:pw_ru}}"
сессия = requests.Session()
сессия.post("https://crm.example.ru/login", data={"login": логин, "password": пароль})""",
    ),
    (
        "source",
        "python arabic identifier",
        r"""# الاتصال بقاعدة البيانات
اسم_المستخدم = "store"
كلمة_المرور = "{{S:pw_ar}}"
conn = pymysql.connect(host="{{N:host}}", user=اسم_المستخدم, password=كلمة_المرور)""",
    ),
    (
        "source",
        "js japanese himitsu",
        r"""// 本番用の署名シークレット（あとで環境変数に移す）
const himitsu = "{{S:hex64}}";
const token = jwt.sign({ uid: user.id }, himitsu, { expiresIn: "1h" });""",
    ),
    (
        "source",
        "kotlin turkish parola",
        r"""// Sunucu bağlantı bilgileri
object Ayarlar {
    const val KULLANICI = "mobil_api"
    const val PAROLA = "{{S:pw_tr}}"
    const val SUNUCU = "https://api.example.com.tr"
}""",
    ),
    (
        "source",
        "php turkish sifre",
        r"""<?php
// Veritabanı bağlantısı
$sunucu = "localhost";
$kullanici = "magaza";
$sifre = '{{S:pw_tr}}';
$baglanti = new mysqli($sunucu, $kullanici, $sifre, "magaza_db");""",
    ),
    (
        "source",
        "php spanish contrasena",
        r"""<?php
// Configuración de correo
$mail->Host = 'smtp.example.es';
$mail->Username = 'pedidos@example.es';
$mail->Password = '{{S:pw_es}}'; // contraseña del buzón
$mail->Port = 587;""",
    ),
    (
        "source",
        "wp-config french comments",
        r"""/** Le nom de la base de données de WordPress. */
define( 'DB_NAME', 'boutique' );
/** Utilisateur de la base de données MySQL. */
define( 'DB_USER', 'wp_boutique' );
/** Mot de passe de la base de données MySQL. */
define( 'DB_PASSWORD', '{{S:pw_fr}}' );
define( 'AUTH_KEY',         '{{S:wp_salt}}' );
define( 'SECURE_AUTH_KEY',  '{{S:wp_salt}}' );""",
    ),
    (
        "source",
        "laravel config portuguese default",
        r"""<?php
// config/pagamentos.php
return [
    // chave do Mercado Pago (fallback para desenvolvimento)
    'mercadopago_token' => env('MP_ACCESS_TOKEN', '{{S:mp_access}}'),
    'mercadopago_publica' => env('MP_PUBLIC_KEY', '{{N:mp_public}}'),
];""",
    ),
    (
        "source",
        "csharp portuguese senha",
        r"""// Conexão com o banco legado
var senha = "{{S:pw_pt}}";
var conexao = new SqlConnection($"Server={{N:host}};Database=Vendas;User Id=vendas;Password={senha};");""",
    ),
    (
        "source",
        "ruby portuguese constant",
        r"""# Cliente da transportadora
module Transportadora
  USUARIO = "loja_{{N:int}}"
  SENHA = "{{S:pw_pt}}"
  TOKEN_API = "{{S:alnum40}}"
end""",
    ),
    (
        "source",
        "swift japanese comment api key",
        r"""// 本番用（審査前に必ず差し替えること）
enum APIConfig {
    static let baseURL = URL(string: "https://api.example.jp/v2")!
    static let apiKey = "{{S:alnum40}}"
}""",
    ),
    (
        "source",
        "dart korean kakao rest key",
        r"""// 카카오 REST API 키 (서버에서만 써야 하는데 일단 앱에 넣어둠)
const String kakaoRestApiKey = '{{S:kakao_key}}';
const String kakaoNativeAppKey = '{{N:kakao_key}}';""",
    ),
    (
        "source",
        "python qianfan env literal",
        r"""import os
import qianfan

# 千帆 安全认证 AK/SK
os.environ["QIANFAN_ACCESS_KEY"] = "{{N:bce_ak}}"
os.environ["QIANFAN_SECRET_KEY"] = "{{S:bce_sk}}"
chat = qianfan.ChatCompletion(model="ERNIE-Speed-128K")""",
    ),
    (
        "source",
        "python dashscope api_key",
        r"""import dashscope

dashscope.api_key = "{{S:dashscope_key}}"  # 通义千问
resp = dashscope.Generation.call(model="qwen-turbo", prompt="用三句话介绍杭州")
print(resp.output.text)""",
    ),
    (
        "source",
        "python openai client deepseek",
        r"""from openai import OpenAI

# DeepSeek 兼容 OpenAI 接口
client = OpenAI(api_key="{{S:deepseek_key}}", base_url="https://api.deepseek.com")
resp = client.chat.completions.create(model="deepseek-chat", messages=[{"role": "user", "content": "你好"}])""",
    ),
    (
        "source",
        "python zhipuai client",
        r"""from zhipuai import ZhipuAI

client = ZhipuAI(api_key="{{S:zhipu_key}}")  # 填写您自己的APIKey
response = client.chat.completions.create(model="glm-4", messages=[{"role": "user", "content": "作为童话之王，请以始终保持一颗善良的心为主题，写一篇简短的童话故事。"}])""",
    ),
    (
        "source",
        "python moonshot kimi",
        r"""client = OpenAI(
    api_key="{{S:moonshot_key}}",  # Kimi 开放平台
    base_url="https://api.moonshot.cn/v1",
)""",
    ),
    (
        "source",
        "python yandex cloud ml sdk",
        r"""from yandex_cloud_ml_sdk import YCloudML

# Ключ сервисного аккаунта с ролью ai.languageModels.user
sdk = YCloudML(folder_id="{{N:yc_folder}}", auth="{{S:yandex_api_key}}")
model = sdk.models.completions("yandexgpt")""",
    ),
    (
        "source",
        "python gigachat client",
        r"""from gigachat import GigaChat

# Ключ авторизации из личного кабинета Studio
with GigaChat(credentials="{{S:gigachat_auth}}", verify_ssl_certs=False) as giga:
    print(giga.chat("Привет! Как дела?").choices[0].message.content)""",
    ),
    (
        "source",
        "python vk_api token",
        r"""import vk_api

# токен сообщества (права: сообщения, стена)
vk_session = vk_api.VkApi(token="{{S:vk_token}}")
vk = vk_session.get_api()""",
    ),
    (
        "source",
        "python aiogram bot russian",
        r"""from aiogram import Bot, Dispatcher

# Токен бота, выданный @BotFather
TOKEN = "{{S:telegram_bot}}"
bot = Bot(token=TOKEN)
dp = Dispatcher()""",
    ),
    (
        "source",
        "python line bot sdk japanese",
        r"""from linebot.v3 import WebhookHandler
from linebot.v3.messaging import Configuration

# チャネルアクセストークン（長期）とチャネルシークレット
configuration = Configuration(access_token="{{S:line_token}}")
handler = WebhookHandler("{{S:line_secret}}")""",
    ),
    (
        "source",
        "python mercadopago sdk spanish",
        r"""import mercadopago

# Credenciales de producción
sdk = mercadopago.SDK("{{S:mp_access}}")
preferencia = sdk.preference().create({"items": [{"title": "Remera", "quantity": 1, "unit_price": 7500}]})""",
    ),
    (
        "source",
        "node razorpay instance",
        r"""const Razorpay = require("razorpay");

// live keys — TODO .env mein daalna hai
const instance = new Razorpay({
  key_id: "{{N:rzp_key_id}}",
  key_secret: "{{S:rzp_secret}}",
});""",
    ),
    (
        "source",
        "php iyzico options",
        r"""<?php
// iyzico ayarları
$options = new \Iyzipay\Options();
$options->setApiKey("{{N:iyzico_key}}");
$options->setSecretKey("{{S:iyzico_key}}");
$options->setBaseUrl("https://sandbox-api.iyzipay.com");""",
    ),
    (
        "source",
        "java paytm checksum key",
        r"""// Paytm merchant key — DO NOT SHARE
private static final String MERCHANT_KEY = "{{S:paytm_key}}";
private static final String MID = "{{N:paytm_mid}}";
String checksum = PaytmChecksum.generateSignature(body.toString(), MERCHANT_KEY);""",
    ),
    (
        "source",
        "go alipay raw private key",
        r"""// 支付宝客户端初始化
const appID = "{{N:alipay_appid}}"
const privateKey = `{{S:alipay_priv}}` // 应用私钥
client, err := alipay.New(appID, privateKey, true)""",
    ),
    (
        "source",
        "java wechat pay apiv3",
        r"""// 微信支付 APIv3 自动更新证书配置
Config config = new RSAAutoCertificateConfig.Builder()
        .merchantId("{{N:wxpay_mchid}}")
        .privateKeyFromPath("/data/cert/apiclient_key.pem")
        .merchantSerialNumber("{{N:wxpay_serial}}")
        .apiV3Key("{{S:wxpay_key}}")
        .build();""",
    ),
    (
        "source",
        "java properties unicode-escaped chinese comment",
        r"""# \u6570\u636e\u5e93\u914d\u7f6e
jdbc.driver=com.mysql.cj.jdbc.Driver
jdbc.url=jdbc:mysql://{{N:host}}:3306/erp?useUnicode=true
jdbc.username=erp
# \u5bc6\u7801
jdbc.password={{S:pw_rand}}""",
    ),
    (
        "source",
        "java properties escaped non-ascii password",
        r"""# Datenbankzugang (native2ascii)
db.benutzer=lager
db.passwort={{S:pw_de|uesc}}
db.url=jdbc:postgresql://{{N:host}}:5432/lager""",
    ),
    (
        "source",
        "properties japanese comments",
        r"""# 本番環境の設定
mail.smtp.host=smtp.example.jp
mail.smtp.user=noreply@example.jp
# メールパスワード
mail.smtp.password={{S:pw_ja}}""",
    ),
    (
        "source",
        "python korean data.go.kr service key",
        r"""# 공공데이터포털 일반 인증키 (Decoding)
SERVICE_KEY = "{{S:datagokr_key}}"
params = {"serviceKey": SERVICE_KEY, "pageNo": 1, "numOfRows": 100, "dataType": "JSON"}
resp = requests.get("http://apis.data.go.kr/1360000/VilageFcstInfoService_2.0/getVilageFcst", params=params)""",
    ),
    (
        "source",
        "java spring value default password",
        r"""@Configuration
public class RedisConfig {
    // 默认值仅用于本地调试
    @Value("${spring.redis.password:{{S:pw_rand}}}")
    private String password;
}""",
    ),
    (
        "source",
        "sql create user chinese comment",
        r"""-- 创建应用账号
CREATE USER 'order_app'@'10.%' IDENTIFIED BY '{{S:pw_zh}}';
GRANT SELECT, INSERT, UPDATE ON order_db.* TO 'order_app'@'10.%';
FLUSH PRIVILEGES;""",
    ),
    (
        "source",
        "sql alter role russian comment",
        r"""-- Сменили пароль после увольнения админа
ALTER ROLE billing WITH LOGIN PASSWORD '{{S:pw_ru}}';
-- проверить: \du billing""",
    ),
    (
        "source",
        "dockerfile chinese env",
        r"""FROM openjdk:17-slim
# 设置时区
ENV TZ=Asia/Shanghai
# 数据库密码（临时写死，后面改成 secret）
ENV SPRING_DATASOURCE_PASSWORD={{S:pw_zh}}
COPY target/app.jar /app.jar
ENTRYPOINT ["java", "-jar", "/app.jar"]""",
    ),
    (
        "source",
        "makefile german comment",
        r"""# Bereitstellung auf dem Testsystem
DEPLOY_HOST = {{N:ip}}
DEPLOY_PASSWORT = {{S:pw_de}}

deploy:
	sshpass -p '$(DEPLOY_PASSWORT)' rsync -avz dist/ verwalter@$(DEPLOY_HOST):/srv/www/""",
    ),
    (
        "source",
        "terraform yandex provider russian",
        r"""# Провайдер Яндекс Облака
provider "yandex" {
  token     = "{{S:yandex_oauth}}"
  cloud_id  = "b1g{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}ab"
  folder_id = "{{N:yc_folder}}"
  zone      = "ru-central1-a"
}""",
    ),
    (
        "source",
        "terraform alicloud provider chinese",
        r"""# 阿里云 Provider
provider "alicloud" {
  access_key = "{{N:ali_ak_id}}"
  secret_key = "{{S:ali_ak_secret}}"
  region     = "cn-beijing"
}""",
    ),
    (
        "source",
        "terraform tencentcloud provider",
        r"""provider "tencentcloud" {
  secret_id  = "{{N:tc_secret_id}}"
  secret_key = "{{S:tc_secret_key}}" # 腾讯云 API 密钥
  region     = "ap-shanghai"
}""",
    ),
    (
        "source",
        "rust japanese comment line secret",
        r"""// LINE Messaging API の設定
const LINE_CHANNEL_SECRET: &str = "{{S:line_secret}}";
const LINE_CHANNEL_ACCESS_TOKEN: &str = "{{S:line_token}}";""",
    ),
    (
        "source",
        "csharp persian comment",
        r"""// تنظیمات درگاه پیامک
public static class SmsSettings
{
    public const string ApiKey = "{{S:kavenegar_key}}";
    public const string Sender = "10008663";
}""",
    ),
    (
        "source",
        "python hindi comments razorpay",
        r"""# रेज़रपे क्लाइंट — लाइव कुंजियाँ
client = razorpay.Client(auth=("{{N:rzp_key_id}}", "{{S:rzp_secret}}"))
order = client.order.create({"amount": 50000, "currency": "INR"})""",
    ),
    (
        "source",
        "js hebrew comment",
        r"""// הגדרות חיבור לשרת התשלומים
const config = {
  terminal: "{{N:word}}shop",
  apiKey: "{{S:alnum40}}", // מפתח סודי — לא לשתף
  currency: "ILS",
};""",
    ),
    (
        "source",
        "java vietnamese matKhau",
        r"""// Cấu hình kết nối cơ sở dữ liệu
String tenDangNhap = "quanly";
String matKhau = "{{S:pw_vi}}";
Connection ketNoi = DriverManager.getConnection(url, tenDangNhap, matKhau);""",
    ),
    (
        "source",
        "kotlin indonesian kataSandi",
        r"""// Konfigurasi koneksi ke server
val namaPengguna = "admin_toko"
val kataSandi = "{{S:pw_id}}"
val kunciServerMidtrans = "Mid-server-{{S:alnum32}}"
""",
    ),
    (
        "source",
        "python requests auth spanish",
        r"""# Consultar el inventario del proveedor
r = requests.get(
    "https://api.proveedor.com.mx/v1/inventario",
    auth=("tienda_norte", "{{S:pw_es}}"),
    timeout=30,
)""",
    ),
    (
        "source",
        "python smtplib qq authorization code",
        r"""import smtplib

# QQ邮箱 SMTP，注意这里填的是授权码，不是QQ密码
server = smtplib.SMTP_SSL("smtp.qq.com", 465)
server.login("{{N:n10}}@qq.com", "{{S:qq_auth_code}}")
server.sendmail(sender, receivers, msg.as_string())""",
    ),
    (
        "source",
        "python pymysql chinese comment",
        r"""# 连接数据库
conn = pymysql.connect(
    host="{{N:host}}",
    user="report",
    password="{{S:pw_zh}}",  # 报表库密码
    database="report",
    charset="utf8mb4",
)""",
    ),
    (
        "source",
        "js ethers chinese mnemonic",
        r"""// 测试钱包（主网也在用……）
const 助记词 = "{{S:seed_zh}}";
const wallet = ethers.Wallet.fromPhrase(助记词, null, ethers.wordlists.zh_cn);""",
    ),
    (
        "source",
        "python italian identifiers",
        r"""# Connessione al gestionale
utente = "magazzino"
parola_chiave = "{{S:pw_it}}"
chiave_api = "{{S:alnum32}}"
sessione = gestionale.accedi(utente, parola_chiave)""",
    ),
    (
        "source",
        "python dutch identifiers",
        r"""# Koppeling met het boekhoudpakket
gebruikersnaam = "koppeling"
wachtwoord = "{{S:pw_nl}}"
api_sleutel = "{{S:hex32}}"
""",
    ),
    (
        "source",
        "java polish identifiers",
        r"""// Dane logowania do systemu płatności
private static final String UZYTKOWNIK = "sklep";
private static final String HASLO = "{{S:pw_pl}}";
private static final String KLUCZ_CRC = "{{S:alnum32}}";""",
    ),
    (
        "source",
        "python ukrainian comments",
        r"""# Підключення до бази даних (продакшн)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "magazyn",
        "USER": "magazyn",
        "PASSWORD": "{{S:pw_uk}}",  # пароль
        "HOST": "{{N:host}}",
    }
}""",
    ),
    (
        "source",
        "django settings secret key spanish",
        r"""# ADVERTENCIA DE SEGURIDAD: ¡mantén en secreto la clave usada en producción!
SECRET_KEY = "django-insecure-{{S:wp_salt}}"
DEBUG = False
LANGUAGE_CODE = "es-mx"
TIME_ZONE = "America/Mexico_City" """,
    ),
    (
        "source",
        "diff hunk adding key chinese",
        r"""diff --git a/config/llm.py b/config/llm.py
@@ -3,4 +3,5 @@
 # 大模型配置
-QWEN_API_KEY = os.getenv("QWEN_API_KEY")
+QWEN_API_KEY = "{{S:dashscope_key}}"  # 临时调试用
 QWEN_MODEL = "qwen-plus"
 TIMEOUT = 60""",
    ),
    (
        "source",
        "jupyter cell korean comments openai",
        r"""# [셀 3] API 키 설정
import os
os.environ["OPENAI_API_KEY"] = "{{S:openai_key}}"
os.environ["NAVER_CLIENT_SECRET"] = "{{S:naver_client_secret}}" """,
    ),
    (
        "source",
        "go wechat appsecret",
        r"""// 微信小程序登录
var (
	appID     = "{{N:wx_appid}}"
	appSecret = "{{S:wx_secret}}" // 小程序密钥
)
url := fmt.Sprintf("https://api.weixin.qq.com/sns/jscode2session?appid=%s&secret=%s&js_code=%s&grant_type=authorization_code", appID, appSecret, code)""",
    ),
    (
        "source",
        "python feishu app secret",
        r"""# 飞书机器人获取 tenant_access_token
payload = {"app_id": "{{N:feishu_app_id}}", "app_secret": "{{S:feishu_app_secret}}"}
r = requests.post("https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal", json=payload)""",
    ),
    (
        "source",
        "java dingtalk sign secret",
        r"""// 钉钉机器人加签
String secret = "{{S:dingtalk_sign}}";
Long timestamp = System.currentTimeMillis();
String stringToSign = timestamp + "\n" + secret;""",
    ),
]

TEMPLATES += [
    (
        "source",
        "po file german",
        r"""#: templates/login.html:14
msgid "Password"
msgstr "Passwort"

#: templates/login.html:18
msgid "API key"
msgstr "API-Schlüssel"

#: views/auth.py:52
msgid "Your password is incorrect."
msgstr "Ihr Passwort ist falsch."
""",
    ),
    (
        "source",
        "po file french",
        r"""#: accounts/forms.py:31
msgid "password"
msgstr "mot de passe"

#: accounts/forms.py:44
msgid "Secret key"
msgstr "Clé secrète"

#, python-format
msgid "Your token expires in %(days)s days."
msgstr "Votre jeton expire dans %(days)s jours."
""",
    ),
    (
        "source",
        "po file russian plural",
        r"""#: api/views.py:88
msgid "Access token"
msgstr "Токен доступа"

#: api/views.py:91
#, python-format
msgid "Password must be at least %(n)d character."
msgid_plural "Password must be at least %(n)d characters."
msgstr[0] "Пароль должен содержать не менее %(n)d символа."
msgstr[1] "Пароль должен содержать не менее %(n)d символов."
msgstr[2] "Пароль должен содержать не менее %(n)d символов."
""",
    ),
    (
        "source",
        "po file chinese",
        r"""msgid ""
msgstr ""
"Language: zh_CN\n"
"Content-Type: text/plain; charset=UTF-8\n"

msgid "Password"
msgstr "密码"

msgid "AccessKey Secret"
msgstr "AccessKey 密钥"

msgid "Enter your API key"
msgstr "请输入您的 API Key"
""",
    ),
    (
        "source",
        "po file japanese korean",
        r"""#: src/settings.py:12
msgid "Secret"
msgstr "シークレット"

#: src/settings.py:13
msgid "Show password"
msgstr "パスワードを表示"

#: src/settings.py:20
msgid "Token copied to clipboard"
msgstr "トークンをクリップボードにコピーしました"
""",
    ),
    (
        "source",
        "po file spanish portuguese",
        r"""#: app/auth.py:10
msgid "Forgot your password?"
msgstr "¿Olvidaste tu contraseña?"

#: app/auth.py:22
msgid "Invalid secret key"
msgstr "Clave secreta no válida"
""",
    ),
    (
        "source",
        "properties zh_CN unicode escaped messages",
        r"""# messages_zh_CN.properties
login.username=\u7528\u6237\u540d
login.password=\u5bc6\u7801
login.password.placeholder=\u8bf7\u8f93\u5165\u5bc6\u7801
login.error=\u7528\u6237\u540d\u6216\u5bc6\u7801\u9519\u8bef""",
    ),
    (
        "source",
        "properties de messages",
        r"""# messages_de.properties
password.label=Passwort
password.repeat=Passwort wiederholen
password.invalid=Das Passwort ist falsch.
apikey.label=API-Schlüssel
token.expired=Ihr Token ist abgelaufen.""",
    ),
    (
        "source",
        "properties ja messages native2ascii",
        r"""# messages_ja.properties
label.password=\u30d1\u30b9\u30ef\u30fc\u30c9
label.apiKey=API\u30ad\u30fc
error.password.required=\u30d1\u30b9\u30ef\u30fc\u30c9\u3092\u5165\u529b\u3057\u3066\u304f\u3060\u3055\u3044""",
    ),
    (
        "source",
        "properties ru messages",
        r"""# messages_ru.properties
auth.password=Пароль
auth.password.forgot=Забыли пароль?
auth.secret=Секретный ключ
auth.token.invalid=Недействительный токен""",
    ),
    (
        "source",
        "android strings xml spanish",
        r"""<resources>
    <string name="app_name">Mi Tienda</string>
    <string name="password">Contraseña</string>
    <string name="api_key_hint">Introduce tu clave de API</string>
    <string name="error_wrong_password">La contraseña no es correcta</string>
</resources>""",
    ),
    (
        "source",
        "android strings xml arabic",
        r"""<resources>
    <string name="password">كلمة المرور</string>
    <string name="show_password">إظهار كلمة المرور</string>
    <string name="token_expired">انتهت صلاحية الرمز، يرجى تسجيل الدخول مجددًا</string>
</resources>""",
    ),
    (
        "source",
        "ios localizable strings japanese",
        r"""/* ログイン画面 */
"password" = "パスワード";
"password_placeholder" = "8文字以上";
"api_key" = "APIキー";
"secret_key" = "シークレットキー";""",
    ),
    (
        "source",
        "ios localizable strings korean",
        r"""/* 로그인 */
"password" = "비밀번호";
"forgot_password" = "비밀번호를 잊으셨나요?";
"access_token" = "액세스 토큰";""",
    ),
    (
        "source",
        "python env lookup german",
        r"""import os

# Passwort kommt aus der Umgebung, niemals im Code speichern!
passwort = os.environ["DB_PASSWORT"]
api_schluessel = os.getenv("API_SCHLUESSEL", "")""",
    ),
    (
        "source",
        "go env lookup mima",
        r"""// 密码从环境变量读取
mima := os.Getenv("MYSQL_MIMA")
if mima == "" {
	log.Fatal("请设置环境变量 MYSQL_MIMA")
}""",
    ),
    (
        "source",
        "java env lookup with alibaba id",
        r"""// AccessKey ID 可以写在配置里，Secret 必须从环境变量读取
String accessKeyId = "{{N:ali_ak_id}}";
String accessKeySecret = System.getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
DefaultProfile profile = DefaultProfile.getProfile("cn-hangzhou", accessKeyId, accessKeySecret);""",
    ),
    (
        "source",
        "python chinese error messages",
        r"""class 登录错误(Exception):
    pass

def 校验密码(密码: str) -> None:
    if len(密码) < 8:
        raise 登录错误("密码长度不能少于8位")
    if 密码.isdigit():
        raise 登录错误("密码不能全是数字")""",
    ),
    (
        "source",
        "js password regex localized",
        r"""// Проверка сложности пароля
const ПРАВИЛО_ПАРОЛЯ = /^(?=.*[a-zа-я])(?=.*[A-ZА-Я])(?=.*\d).{10,}$/;
export function проверитьПароль(пароль) {
  return ПРАВИЛО_ПАРОЛЯ.test(пароль) ? null : "Пароль слишком простой";
}""",
    ),
    (
        "source",
        "python key name constants",
        r"""# 本地存储里用的键名
KEY_PASSWORD = "password"
KEY_ACCESS_TOKEN = "access_token"
KEY_REFRESH_TOKEN = "refresh_token"
密钥字段名 = "secret_key"
令牌过期时间 = 7200""",
    ),
    (
        "source",
        "python placeholders chinese",
        r"""# 请在这里填写你自己的 API Key
API_KEY = "在这里填写你的API Key"
SECRET_KEY = "你的Secret Key"
client = AipOcr(APP_ID, API_KEY, SECRET_KEY)""",
    ),
    (
        "source",
        "python placeholder spanish",
        r"""# Reemplaza con tus credenciales
CLAVE_API = "TU_CLAVE_AQUI"
CONTRASENA = "tu_contraseña"
if CLAVE_API == "TU_CLAVE_AQUI":
    raise SystemExit("Configura tu clave de API primero")""",
    ),
    (
        "source",
        "java placeholder german",
        r"""// Zugangsdaten bitte in der lokalen Konfiguration eintragen
private String passwort = "<bitte eintragen>";
private String apiSchluessel = "<API-Schlüssel hier einfügen>";""",
    ),
    (
        "source",
        "python masked logging chinese",
        r"""def 打印配置(配置):
    for 键, 值 in 配置.items():
        if "密码" in 键 or "secret" in 键.lower():
            值 = "*" * 8  # 敏感信息脱敏
        logger.info("%s：%s", 键, 值)""",
    ),
    (
        "source",
        "sql mysql hashed password",
        r"""-- 迁移旧用户（密码为 mysql_native_password 哈希）
CREATE USER 'legacy'@'%' IDENTIFIED WITH mysql_native_password AS '{{N:mysql_hash}}';
GRANT SELECT ON legacy_db.* TO 'legacy'@'%';""",
    ),
    (
        "source",
        "js kakao javascript key init",
        r"""// 카카오 SDK 초기화 (JavaScript 키는 도메인 제한된 공개 키)
Kakao.init("{{N:kakao_key}}");
Kakao.Auth.authorize({ redirectUri: "https://example.kr/oauth" });""",
    ),
    (
        "source",
        "html naver map client id",
        r"""<!-- 네이버 지도 API (Client ID만 사용, 공개 가능) -->
<script type="text/javascript" src="https://oapi.map.naver.com/openapi/v3/maps.js?ncpKeyId={{N:naver_client_id}}"></script>""",
    ),
    (
        "source",
        "python chinese id validator with sample",
        r"""def 校验身份证(号码: str) -> bool:
    权重 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    校验码 = "10X98765432"
    return 校验码[sum(int(a) * b for a, b in zip(号码[:17], 权重)) % 11] == 号码[17]

assert 校验身份证("{{N:cn_id}}")""",
    ),
    (
        "source",
        "python cpf validator sample",
        r"""def validar_cpf(cpf: str) -> bool:
    numeros = [int(d) for d in cpf if d.isdigit()]
    ...

# exemplo de uso
print(validar_cpf("{{N:cpf}}"))  # True""",
    ),
    (
        "source",
        "java order number generator",
        r"""// 生成订单号：日期 + 机器号 + 序列
String 订单号 = LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE) + 机器号 + String.format("%06d", 序列.incrementAndGet());
// 示例：{{N:order_tb}}""",
    ),
    (
        "source",
        "python hash test vector cjk",
        r"""# 测试：中文字符串的 SHA-256
def test_中文哈希():
    assert hashlib.sha256("密码".encode()).hexdigest() == "{{N:sha256}}"
    assert hashlib.md5("令牌".encode()).hexdigest() == "{{N:md5}}"
""",
    ),
    (
        "source",
        "terraform with variables russian",
        r"""# Токен передаётся через переменную окружения YC_TOKEN
provider "yandex" {
  cloud_id  = var.cloud_id
  folder_id = "{{N:yc_folder}}"
  zone      = "ru-central1-a"
}
variable "cloud_id" {}""",
    ),
    (
        "source",
        "terraform alicloud env chinese",
        r"""# 凭证通过环境变量 ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY 提供
provider "alicloud" {
  region = "cn-hangzhou"
}
resource "alicloud_oss_bucket" "静态资源" {
  bucket = "static-{{N:word}}"
}""",
    ),
    (
        "source",
        "dockerfile arg no default",
        r"""FROM python:3.12-slim
# 构建时传入：docker build --build-arg PIP_INDEX_URL=...
ARG PIP_INDEX_URL
ENV LANG=zh_CN.UTF-8
RUN pip install -i ${PIP_INDEX_URL} -r requirements.txt""",
    ),
    (
        "source",
        "django settings env french",
        r"""# Les secrets sont lus depuis l’environnement (voir docs/deploiement.md)
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DATABASES["default"]["PASSWORD"] = os.environ.get("MOT_DE_PASSE_BDD", "")
LANGUAGE_CODE = "fr-fr" """,
    ),
    (
        "source",
        "csharp resx password labels",
        r"""  <data name="Password" xml:space="preserve">
    <value>Senha</value>
  </data>
  <data name="ApiKey" xml:space="preserve">
    <value>Chave de API</value>
  </data>""",
    ),
    (
        "source",
        "vue i18n messages ts",
        r"""export default {
  'zh-CN': { password: '密码', token: '令牌', secret: '密钥', apiKey: 'API 密钥' },
  'ru-RU': { password: 'Пароль', token: 'Токен', secret: 'Секрет', apiKey: 'API-ключ' },
  'ko-KR': { password: '비밀번호', token: '토큰', secret: '비밀 키', apiKey: 'API 키' },
};""",
    ),
    (
        "source",
        "alipay public key constant",
        r"""// 支付宝公钥（验签用，公开信息）
const alipayPublicKey = `{{N:alipay_pub}}`""",
    ),
    (
        "source",
        "base64 of text constant",
        r"""# Приветственное сообщение, закодированное в Base64 (для старого клиента)
ПРИВЕТСТВИЕ_B64 = "{{N:b64text}}"
print(base64.b64decode(ПРИВЕТСТВИЕ_B64).decode())""",
    ),
    (
        "source",
        "uuid constants go",
        r"""// 固定的业务 ID（不是密钥）
const (
	默认租户ID = "{{N:uuid}}"
	系统用户ID = "{{N:uuid}}"
)""",
    ),
]

# ---- url: connection strings, webhooks, API calls, signed links ------------------------------
TEMPLATES += [
    (
        "url",
        "postgres url-encoded german password",
        r"""postgresql://lager:{{S:pw_de|url}}@{{N:host}}.intern:5432/warenwirtschaft?sslmode=require""",
    ),
    (
        "url",
        "mysql url-encoded chinese password",
        r"""mysql://root:{{S:pw_cjk|url}}@{{N:ip}}:3306/订单库?charset=utf8mb4""",
    ),
    (
        "url",
        "mongodb srv url-encoded cyrillic",
        r"""mongodb+srv://crm_app:{{S:pw_cyr|url}}@cluster0.{{N:ak_tail}}.mongodb.net/crm?retryWrites=true&w=majority""",
    ),
    ("url", "redis url with french password", r"""redis://:{{S:pw_fr|url}}@{{N:host}}:6379/2"""),
    (
        "url",
        "amqp url spanish password",
        r"""amqp://pedidos:{{S:pw_es|url}}@rabbit.interno.example.mx:5672/%2Fpedidos""",
    ),
    (
        "url",
        "jdbc url password param chinese",
        r"""jdbc:mysql://{{N:host}}:3306/erp?user=erp&password={{S:pw_zh}}&useUnicode=true&characterEncoding=UTF-8&serverTimezone=Asia/Shanghai""",
    ),
    (
        "url",
        "ftp url cyrillic password encoded",
        r"""ftp://buh:{{S:pw_ru|url}}@ftp.example.ru/выгрузка/{{N:date}}.xml""",
    ),
    (
        "url",
        "smb url german password",
        r"""smb://BUERO;buchhaltung:{{S:pw_de|url}}@fileserver/Rechnungen/2026""",
    ),
    (
        "url",
        "git https credentials idn host",
        r"""https://deploy:{{S:pw_rand|url}}@git.пример.рф/команда/сайт.git""",
    ),
    (
        "url",
        "git token in url korean repo",
        r"""https://oauth2:{{S:gitlab_pat}}@gitlab.example.kr/결제팀/payment-api.git""",
    ),
    (
        "url",
        "turkish password in sftp url",
        r"""sftp://yedek:{{S:pw_tr|url}}@{{N:pubip}}:22/home/yedek/veritabani""",
    ),
    (
        "url",
        "portuguese password postgres url",
        r"""postgres://loja:{{S:pw_pt|url}}@db.loja.example.com.br:5432/loja_producao""",
    ),
    ("url", "polish password mysql url", r"""mysql://sklep:{{S:pw_pl|url}}@{{N:host}}:3306/sklep"""),
    (
        "url",
        "dingtalk robot webhook url",
        r"""https://oapi.dingtalk.com/robot/send?access_token={{S:dingtalk_token}}""",
    ),
    (
        "url",
        "dingtalk signed webhook url",
        r"""https://oapi.dingtalk.com/robot/send?access_token={{S:dingtalk_token}}&timestamp={{N:epoch}}123&sign={{N:b64_32|url}}""",
    ),
    ("url", "wecom webhook url", r"""https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={{S:wecom_key}}"""),
    ("url", "feishu webhook url", r"""https://open.feishu.cn/open-apis/bot/v2/hook/{{S:feishu_hook}}"""),
    ("url", "lark webhook url", r"""https://open.larksuite.com/open-apis/bot/v2/hook/{{S:feishu_hook}}"""),
    (
        "url",
        "telegram bot api url",
        r"""https://api.telegram.org/bot{{S:telegram_bot}}/sendMessage?chat_id=-100{{N:n10}}&text=%D0%94%D0%B5%D0%BF%D0%BB%D0%BE%D0%B9%20%D0%B3%D0%BE%D1%82%D0%BE%D0%B2""",
    ),
    (
        "url",
        "wechat token url appsecret",
        r"""https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid={{N:wx_appid}}&secret={{S:wx_secret}}""",
    ),
    (
        "url",
        "dingtalk gettoken appsecret",
        r"""https://oapi.dingtalk.com/gettoken?appkey={{N:dingtalk_appkey}}&appsecret={{S:dingtalk_appsecret}}""",
    ),
    (
        "url",
        "amap web service key",
        r"""https://restapi.amap.com/v3/geocode/geo?address=%E5%8C%97%E4%BA%AC%E5%B8%82%E6%9C%9D%E9%98%B3%E5%8C%BA&output=JSON&key={{S:hex32}}""",
    ),
    (
        "url",
        "baidu map ak url",
        r"""https://api.map.baidu.com/geocoding/v3/?address=%E4%B8%8A%E6%B5%B7%E5%B8%82%E6%B5%A6%E4%B8%9C%E6%96%B0%E5%8C%BA&output=json&ak={{S:alnum32}}""",
    ),
    (
        "url",
        "yandex geocoder apikey uuid",
        r"""https://geocode-maps.yandex.ru/1.x/?apikey={{S:uuid}}&geocode=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0,+%D0%A2%D0%B2%D0%B5%D1%80%D1%81%D0%BA%D0%B0%D1%8F+7&format=json""",
    ),
    (
        "url",
        "vk oauth redirect fragment token",
        r"""https://oauth.vk.com/blank.html#access_token={{S:vk_token}}&expires_in=86400&user_id={{N:n10}}""",
    ),
    (
        "url",
        "naver token url client secret",
        r"""https://nid.naver.com/oauth2.0/token?grant_type=authorization_code&client_id={{N:naver_client_id}}&client_secret={{S:naver_client_secret}}&code={{N:alnum32}}&state={{N:hex32}}""",
    ),
    (
        "url",
        "mercado pago access_token query",
        r"""https://api.mercadopago.com/v1/payments/search?access_token={{S:mp_access}}&sort=date_created&criteria=desc""",
    ),
    (
        "url",
        "sms.ru send url",
        r"""https://sms.ru/sms/send?api_id={{S:sms_ru_id}}&to=7{{N:n10}}&msg=%D0%92%D0%B0%D1%88+%D0%BA%D0%BE%D0%B4&json=1""",
    ),
    (
        "url",
        "kavenegar url key in path",
        r"""https://api.kavenegar.com/v1/{{S:kavenegar_key}}/sms/send.json?receptor=0912{{N:n6}}0&message=%DA%A9%D8%AF+%D8%AA%D8%A7%DB%8C%DB%8C%D8%AF""",
    ),
    (
        "url",
        "msg91 sendhttp authkey",
        r"""https://api.msg91.com/api/sendhttp.php?authkey={{S:msg91_key}}&mobiles=91{{N:n10}}&message=Your%20OTP%20is%20{{N:otp6}}&sender=SHOPIN&route=4""",
    ),
    (
        "url",
        "netgsm url password turkish message",
        r"""https://api.netgsm.com.tr/sms/send/get?usercode=850{{N:n6}}0&password={{S:pw_tr|url}}&gsmno=905{{N:n6}}000&message=Sipari%C5%9Finiz+kargoya+verildi&msgheader=MAGAZA""",
    ),
    (
        "url",
        "unifonic url appsid",
        r"""https://el.cloud.unifonic.com/rest/SMS/messages?AppSid={{S:unifonic_sid}}&SenderID=MyStore&Body=%D8%B1%D9%85%D8%B2&Recipient=9665{{N:n6}}00""",
    ),
    (
        "url",
        "data.go.kr encoded service key",
        r"""http://apis.data.go.kr/1360000/VilageFcstInfoService_2.0/getUltraSrtNcst?serviceKey={{S:datagokr_key|url}}&pageNo=1&numOfRows=1000&dataType=JSON&base_date=20260315&base_time=0600&nx=55&ny=127""",
    ),
    (
        "url",
        "aliyun oss presigned url",
        r"""https://backup-prod.oss-cn-hangzhou.aliyuncs.com/%E6%95%B0%E6%8D%AE%E5%BA%93/orders.sql.gz?OSSAccessKeyId={{N:ali_ak_id}}&Expires={{N:epoch}}&Signature={{S:b64_24|url}}""",
    ),
    (
        "url",
        "yandex storage presigned url",
        r"""https://storage.yandexcloud.net/reports/%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={{N:yandex_key_id}}%2F20260315%2Fru-central1%2Fs3%2Faws4_request&X-Amz-Date=20260315T101500Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature={{S:hex64}}""",
    ),
    ("url", "slack webhook url", r"""https://hooks.slack.com/services/{{S:slack_hook}}"""),
    ("url", "discord webhook url", r"""https://discord.com/api/webhooks/{{S:discord_hook}}"""),
    (
        "url",
        "basic auth in url hindi path",
        r"""https://admin:{{S:pw_hi|url}}@staging.example.in/प्रबंधन/रिपोर्ट""",
    ),
    ("url", "arabic password url-encoded", r"""postgres://store:{{S:pw_ar|url}}@db.example.sa:5432/store"""),
    (
        "url",
        "vietnamese password url-encoded",
        r"""mysql://quanly:{{S:pw_vi|url}}@{{N:host}}:3306/ban_hang""",
    ),
]

TEMPLATES += [
    (
        "url",
        "baidu search password reset query",
        r"""https://www.baidu.com/s?wd=%E5%AF%86%E7%A0%81%E9%87%8D%E7%BD%AE%20%E9%98%BF%E9%87%8C%E4%BA%91&rsv_spt=1&rsv_iqid=0x{{N:hex32}}""",
    ),
    (
        "url",
        "yandex search query password",
        r"""https://yandex.ru/search/?text=%D0%BA%D0%B0%D0%BA+%D1%81%D0%B1%D1%80%D0%BE%D1%81%D0%B8%D1%82%D1%8C+%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8C+postgres&lr=213&reqid={{N:n10}}{{N:n6}}-{{N:hex32}}""",
    ),
    (
        "url",
        "google search japanese query",
        r"""https://www.google.co.jp/search?q=%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89+%E5%BF%98%E3%82%8C%E3%81%9F&hl=ja&ei={{N:alnum32}}""",
    ),
    (
        "url",
        "idn url with cyrillic path",
        r"""https://пример.рф/личный-кабинет/вход?вернуться=/профиль/пароль""",
    ),
    (
        "url",
        "punycode url",
        r"""https://xn--e1afmkfd.xn--p1ai/api/v1/%D0%BF%D0%BE%D0%BB%D1%8C%D0%B7%D0%BE%D0%B2%D0%B0%D1%82%D0%B5%D0%BB%D0%B8?page=2""",
    ),
    (
        "url",
        "amap url placeholder key",
        r"""https://restapi.amap.com/v3/weather/weatherInfo?city=110101&key=%E6%82%A8%E7%9A%84key""",
    ),
    (
        "url",
        "yandex maps placeholder apikey",
        r"""https://api-maps.yandex.ru/2.1/?apikey=<ваш API-ключ>&lang=ru_RU""",
    ),
    (
        "url",
        "url with env placeholder token",
        r"""https://oapi.dingtalk.com/robot/send?access_token=${DINGTALK_TOKEN}""",
    ),
    (
        "url",
        "wechat oauth authorize appid",
        r"""https://open.weixin.qq.com/connect/oauth2/authorize?appid={{N:wx_appid}}&redirect_uri=https%3A%2F%2Fm.example.cn%2Fauth%2Fcallback&response_type=code&scope=snsapi_userinfo&state=STATE#wechat_redirect""",
    ),
    (
        "url",
        "naver login authorize url",
        r"""https://nid.naver.com/oauth2.0/authorize?response_type=code&client_id={{N:naver_client_id}}&redirect_uri=https%3A%2F%2Fexample.kr%2Fcallback&state={{N:hex32}}""",
    ),
    (
        "url",
        "line login authorize url",
        r"""https://access.line.me/oauth2/v2.1/authorize?response_type=code&client_id={{N:line_channel_id}}&redirect_uri=https%3A%2F%2Fexample.jp%2Fcallback&state={{N:hex32}}&scope=profile%20openid""",
    ),
    (
        "url",
        "mercado pago checkout pref id",
        r"""https://www.mercadopago.com.ar/checkout/v1/redirect?pref_id={{N:n10}}-{{N:uuid}}""",
    ),
    ("url", "razorpay payment link", r"""https://rzp.io/i/{{N:ak_tail}}{{N:ak_tail}}"""),
    (
        "url",
        "wechat article link sn hash",
        r"""https://mp.weixin.qq.com/s?__biz=MzI{{N:alnum32}}==&mid=22475{{N:n6}}&idx=1&sn={{N:hex32}}&chksm={{N:hex32}}{{N:hex32}}#rd""",
    ),
    (
        "url",
        "taobao item link spm",
        r"""https://item.taobao.com/item.htm?id={{N:n10}}{{N:int}}&spm=a21n57.1.0.0.{{N:hex32}}&ali_trackid=2:mm_{{N:n10}}_0_0:{{N:epoch}}_{{N:int}}""",
    ),
    (
        "url",
        "shop order detail link",
        r"""https://m.shop.example.cn/订单/详情?orderNo={{N:order_tb}}&from=wechat&traceId={{N:trace}}""",
    ),
    (
        "url",
        "github compare url chinese branch",
        r"""https://github.com/{{N:user}}/shop/compare/main...feature/%E5%AF%86%E7%A0%81%E5%BC%BA%E5%BA%A6%E6%A0%A1%E9%AA%8C""",
    ),
    (
        "url",
        "dsn masked password",
        r"""postgresql://app:****@{{N:host}}:5432/billing?application_name=%D0%B1%D0%B8%D0%BB%D0%BB%D0%B8%D0%BD%D0%B3""",
    ),
    ("url", "dsn without password", r"""mysql://root@localhost:3306/商城?charset=utf8mb4&parseTime=true"""),
    (
        "url",
        "mirror index urls",
        r"""https://mirrors.aliyun.com/pypi/simple/
https://pypi.tuna.tsinghua.edu.cn/simple
https://registry.npmmirror.com/""",
    ),
    (
        "url",
        "line official account link",
        r"""https://line.me/R/ti/p/@{{N:ak_tail}}{{N:ak_tail}}?from=page&openQrModal=true&searchId={{N:ak_tail}}""",
    ),
    (
        "url",
        "zhihu question link",
        r"""https://www.zhihu.com/question/{{N:n6}}{{N:int}}/answer/{{N:n10}}?utm_source=wechat_session&utm_medium=social&utm_oi={{N:n10}}{{N:int}}""",
    ),
    (
        "url",
        "rakuten search app id only",
        r"""https://app.rakuten.co.jp/services/api/IchibaItem/Search/20220601?format=json&keyword=%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89%E7%AE%A1%E7%90%86&applicationId={{N:rakuten_app_id}}""",
    ),
    (
        "url",
        "oss public object url",
        r"""https://static-site.oss-cn-hangzhou.aliyuncs.com/%E5%9B%BE%E7%89%87/banner-{{N:date}}.png?x-oss-process=image/resize,w_750""",
    ),
    (
        "url",
        "kakao map link",
        r"""https://map.kakao.com/link/map/{{N:n10}}
https://place.map.kakao.com/{{N:n10}}""",
    ),
    (
        "url",
        "wikipedia localized article about passwords",
        r"""https://zh.wikipedia.org/wiki/%E5%AF%86%E7%A2%BC
https://ru.wikipedia.org/wiki/%D0%9F%D0%B0%D1%80%D0%BE%D0%BB%D1%8C
https://ja.wikipedia.org/wiki/%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89""",
    ),
    (
        "url",
        "reset password link used expired",
        r"""https://account.example.de/passwort-vergessen?schritt=2&sprache=de
https://account.example.de/hilfe/passwort-aendern#anleitung""",
    ),
]

# ---- json: API bodies and responses, chat exports, settings, logs, i18n JSON ----------------
TEMPLATES += [
    (
        "json",
        "yandex service account authorized key file",
        r"""{
   "id": "aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}q1",
   "service_account_id": "aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}x9",
   "created_at": "{{N:ts}}.123456789Z",
   "key_algorithm": "RSA_2048",
   "public_key": "{{N:pem_pub|json}}\n",
   "private_key": "PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <aje{{N:ak_tail}}>\n{{S:pem_pkcs8|json}}\n"
}""",
    ),
    (
        "json",
        "yc access-key create output",
        r"""{
  "access_key": {
    "id": "aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}",
    "service_account_id": "aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}",
    "created_at": "{{N:ts}}Z",
    "description": "для бэкапов",
    "key_id": "{{N:yandex_key_id}}"
  },
  "secret": "{{S:yandex_static_secret}}"
}""",
    ),
    (
        "json",
        "yc api-key create output",
        r"""{"api_key":{"id":"aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}","service_account_id":"aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}","created_at":"{{N:ts}}Z","description":"ключ для SpeechKit"},"secret":"{{S:yandex_api_key}}"}""",
    ),
    (
        "json",
        "yandex oauth token response",
        r"""{"token_type": "bearer", "access_token": "{{S:yandex_oauth}}", "expires_in": 31536000, "refresh_token": "{{S:yandex_refresh}}"}""",
    ),
    (
        "json",
        "aliyun ram create access key response",
        r"""{
	"RequestId": "{{N:ali_req}}",
	"AccessKey": {
		"Status": "Active",
		"AccessKeySecret": "{{S:ali_ak_secret}}",
		"CreateDate": "{{N:ts}}Z",
		"AccessKeyId": "{{N:ali_ak_id}}"
	}
}""",
    ),
    (
        "json",
        "aliyun sts assumerole response",
        r"""{
  "RequestId": "{{N:ali_req}}",
  "AssumedRoleUser": {"AssumedRoleId": "3{{N:n10}}:上传会话", "Arn": "acs:ram::{{N:n10}}:role/oss-uploader/上传会话"},
  "Credentials": {
    "SecurityToken": "{{S:ali_sts_token}}",
    "AccessKeyId": "{{N:ali_sts}}",
    "AccessKeySecret": "{{S:alnum40}}",
    "Expiration": "{{N:ts}}Z"
  }
}""",
    ),
    (
        "json",
        "tencent cam create access key response",
        r"""{"Response":{"AccessKey":{"AccessKeyId":"{{N:tc_secret_id}}","SecretAccessKey":"{{S:tc_secret_key}}","Status":"Active","CreateTime":"{{N:ts}}"},"RequestId":"{{N:tc_req}}"}}""",
    ),
    (
        "json",
        "tencent sts federation token",
        r"""{
  "Response": {
    "Credentials": {
      "Token": "{{S:tc_tmp_token}}",
      "TmpSecretId": "{{N:tc_secret_id}}",
      "TmpSecretKey": "{{S:alnum32}}"
    },
    "ExpiredTime": {{N:epoch}},
    "Expiration": "{{N:ts}}Z",
    "RequestId": "{{N:tc_req}}"
  }
}""",
    ),
    (
        "json",
        "huawei iam create access key response",
        r"""{"credential":{"access":"{{N:hw_ak}}","secret":"{{S:hw_sk}}","status":"active","user_id":"{{N:hex32}}","create_time":"{{N:ts}}.000000Z","description":"OBS 备份"}}""",
    ),
    (
        "json",
        "volcengine create access key response",
        r"""{"ResponseMetadata":{"RequestId":"{{N:n10}}{{N:hex32}}","Action":"CreateAccessKey","Version":"2018-01-01","Service":"iam","Region":"cn-north-1"},"Result":{"AccessKey":{"AccessKeyId":"{{N:volc_ak}}","SecretAccessKey":"{{S:volc_sk}}","Status":"active","UserName":"部署账号","CreateDate":"{{N:ts}}Z"}}}""",
    ),
    (
        "json",
        "baidu oauth token response",
        r"""{"refresh_token":"{{S:baidu_refresh}}","expires_in":2592000,"session_key":"{{S:alnum40}}{{S:alnum40}}","access_token":"{{S:baidu_token}}","scope":"public brain_all_scope","session_secret":"{{S:hex32}}"}""",
    ),
    (
        "json",
        "wechat jscode2session response",
        r"""{"session_key":"{{S:wx_session_key}}","openid":"{{N:wx_openid}}","unionid":"{{N:wx_openid}}"}""",
    ),
    (
        "json",
        "dingtalk gettoken response",
        r"""{"errcode":0,"access_token":"{{S:hex32}}","errmsg":"ok","expires_in":7200}""",
    ),
    (
        "json",
        "feishu tenant token response",
        r"""{"code":0,"expire":7200,"msg":"ok","tenant_access_token":"{{S:feishu_tenant}}"}""",
    ),
    (
        "json",
        "line channel access token issue response",
        r"""{"access_token":"{{S:jwt}}","token_type":"Bearer","expires_in":2592000,"key_id":"{{N:b64_24}}"}""",
    ),
    (
        "json",
        "kakao token response",
        r"""{"access_token":"{{S:kakao_token}}","token_type":"bearer","refresh_token":"{{S:kakao_token}}","id_token":"{{S:jwt}}","expires_in":21599,"scope":"account_email profile_nickname openid","refresh_token_expires_in":5183999}""",
    ),
    (
        "json",
        "naver login token response",
        r"""{"access_token":"{{S:naver_token}}","refresh_token":"{{S:alnum40}}","token_type":"bearer","expires_in":"3600"}""",
    ),
    (
        "json",
        "gigachat oauth response",
        r"""{"access_token":"{{S:gigachat_access}}","expires_at":{{N:epoch}}123}""",
    ),
    (
        "json",
        "mercado pago oauth response",
        r"""{
  "access_token": "{{S:mp_access}}",
  "token_type": "Bearer",
  "expires_in": 15552000,
  "scope": "offline_access read write",
  "user_id": {{N:n10}},
  "refresh_token": "{{S:mp_refresh}}",
  "public_key": "{{N:mp_public}}",
  "live_mode": true
}""",
    ),
    (
        "json",
        "telegram desktop export result json",
        r"""{
 "name": "Команда бэкенда",
 "type": "private_group",
 "id": {{N:n10}},
 "messages": [
  {"id": {{N:n6}}, "type": "message", "date": "{{N:ts}}", "from": "Иван Петров", "from_id": "user{{N:n10}}", "text": "пароль от прод-базы: {{S:pw_ru}}"},
  {"id": {{N:n6}}, "type": "message", "date": "{{N:ts}}", "from": "Мария Смирнова", "from_id": "user{{N:n10}}", "text": "спасибо, удали потом сообщение"}
 ]
}""",
    ),
    (
        "json",
        "wechat chat export json",
        r"""[
  {"talker": "wxid_{{N:alnum32}}", "nickname": "{{N:zh_name}}", "type": 1, "createTime": {{N:epoch}}, "content": "腾讯云的 SecretKey 是 {{S:tc_secret_key}} ，SecretId 我单独发"},
  {"talker": "wxid_{{N:alnum32}}", "nickname": "{{N:zh_name}}", "type": 1, "createTime": {{N:epoch}}, "content": "好的收到"}
]""",
    ),
    (
        "json",
        "feishu bot message body leaking password",
        r"""{"msg_type":"post","content":{"post":{"zh_cn":{"title":"新环境已就绪","content":[[{"tag":"text","text":"管理后台账号：admin 密码：{{S:pw_zh}}"}],[{"tag":"a","text":"点击登录","href":"https://admin.test.example.cn"}]]}}}}""",
    ),
    (
        "json",
        "dingtalk markdown message leaking key",
        r"""{"msgtype":"markdown","markdown":{"title":"部署通知","text":"### 部署完成\n- 环境：预发\n- OSS 密钥：{{S:ali_ak_secret}}\n- 时间：{{N:ts}}"},"at":{"isAtAll":false}}""",
    ),
    (
        "json",
        "line webhook event with password text",
        r"""{"destination":"U{{N:hex32}}","events":[{"type":"message","message":{"type":"text","id":"{{N:n10}}{{N:n6}}","text":"サーバーのパスワードは {{S:pw_ja}} です"},"timestamp":{{N:epoch}}000,"source":{"type":"group","groupId":"C{{N:hex32}}","userId":"U{{N:hex32}}"},"replyToken":"{{N:hex32}}","mode":"active"}]}""",
    ),
    (
        "json",
        "slack export french message",
        r"""[
    {"type": "message", "user": "U0{{N:hw_ak}}", "text": "le mot de passe du compte de service est {{S:pw_fr}} (à changer après la démo)", "ts": "{{N:epoch}}.000200", "user_profile": {"real_name": "Léa Martin"}},
    {"type": "message", "user": "U0{{N:hw_ak}}", "text": "merci, noté", "ts": "{{N:epoch}}.000300"}
]""",
    ),
    (
        "json",
        "discord export portuguese",
        r"""{"guild":{"id":"{{N:n10}}","name":"Dev BR"},"channel":{"name":"geral"},"messages":[{"id":"{{N:n10}}{{N:n6}}","timestamp":"{{N:ts}}+00:00","author":{"name":"Lucas"},"content":"galera, o token do bot é {{S:telegram_bot}} , não vazem"}]}""",
    ),
    (
        "json",
        "vscode settings chinese extension keys",
        r"""{
  // 通义灵码 / 其它插件配置
  "editor.fontFamily": "Sarasa Mono SC, monospace",
  "http.proxy": "http://{{N:user}}:{{S:pw_zh|url}}@proxy.corp.example.cn:8080",
  "deepseek.apiKey": "{{S:deepseek_key}}",
  "files.autoGuessEncoding": true
}""",
    ),
    (
        "json",
        "mcp config amap key",
        r"""{
  "mcpServers": {
    "amap-maps": {
      "command": "npx",
      "args": ["-y", "@amap/amap-maps-mcp-server"],
      "env": {"AMAP_MAPS_API_KEY": "{{S:hex32}}"}
    },
    "zhipu-search": {
      "url": "https://open.bigmodel.cn/api/mcp/web_search/sse?Authorization={{S:zhipu_key}}"
    }
  }
}""",
    ),
    (
        "json",
        "mcp config yandex tracker russian",
        r"""{
  "mcpServers": {
    "yandex-tracker": {
      "command": "uvx",
      "args": ["yandex-tracker-mcp"],
      "env": {"TRACKER_TOKEN": "{{S:yandex_oauth}}", "TRACKER_ORG_ID": "{{N:n6}}{{N:int}}"}
    }
  }
}""",
    ),
    (
        "json",
        "cherry studio style provider export",
        r"""{"providers":[{"id":"silicon","name":"硅基流动","apiKey":"{{S:siliconflow_key}}","apiHost":"https://api.siliconflow.cn"},{"id":"moonshot","name":"月之暗面","apiKey":"{{S:moonshot_key}}","apiHost":"https://api.moonshot.cn"},{"id":"ollama","name":"Ollama","apiKey":"","apiHost":"http://localhost:11434"}]}""",
    ),
    (
        "json",
        "firebase service account japanese project",
        r"""{
  "type": "service_account",
  "project_id": "tokyo-shop-{{N:n6}}",
  "private_key_id": "{{N:sha1}}",
  "private_key": "{{S:pem_pkcs8|json}}\n",
  "client_email": "firebase-adminsdk-{{N:ak_tail}}@tokyo-shop-{{N:n6}}.iam.gserviceaccount.com",
  "client_id": "1{{N:n10}}{{N:n10}}"
}""",
    ),
    (
        "json",
        "postman environment spanish",
        r"""{
  "id": "{{N:uuid}}",
  "name": "Producción (México)",
  "values": [
    {"key": "url_base", "value": "https://api.tienda.example.mx", "enabled": true},
    {"key": "usuario", "value": "integracion", "enabled": true},
    {"key": "contraseña", "value": "{{S:pw_es}}", "enabled": true, "type": "secret"},
    {"key": "token_mp", "value": "{{S:mp_access}}", "enabled": true}
  ]
}""",
    ),
    (
        "json",
        "structured log leaking password chinese",
        r"""{"level":"info","ts":"{{N:ts}}.512+0800","caller":"auth/login.go:88","msg":"用户登录请求","username":"{{N:user}}","password":"{{S:pw_zh}}","ip":"{{N:pubip}}","trace_id":"{{N:trace}}"}""",
    ),
    (
        "json",
        "structured log leaking token russian",
        r"""{"time":"{{N:ts}}Z","level":"DEBUG","logger":"integrations.yandex","message":"Запрос к API Яндекса","headers":{"Authorization":"OAuth {{S:yandex_oauth}}","X-Request-Id":"{{N:uuid}}"}}""",
    ),
    (
        "json",
        "terraform state alicloud access key",
        r"""{
  "mode": "managed",
  "type": "alicloud_ram_access_key",
  "name": "上传",
  "instances": [{"schema_version": 0, "attributes": {"id": "{{N:ali_ak_id}}", "secret": "{{S:ali_ak_secret}}", "status": "Active", "user_name": "oss-uploader", "secret_file": null}}]
}""",
    ),
    (
        "json",
        "composer auth json turkish team",
        r"""{
    "gitlab-token": {
        "gitlab.example.com.tr": "{{S:gitlab_pat}}"
    },
    "http-basic": {
        "repo.packagist.com": {"username": "token", "password": "{{S:hex40}}"}
    }
}""",
    ),
    (
        "json",
        "json config ascii-escaped german password",
        r"""{"datenbank": {"host": "{{N:host}}", "benutzer": "lager", "passwort": "{{S:pw_de|jsona}}"}, "sprache": "de-DE"}""",
    ),
    (
        "json",
        "json config ascii-escaped chinese password",
        r"""{"数据库": {"地址": "{{N:host}}", "用户": "report", "密码": "{{S:pw_cjk|jsona}}"}}""",
    ),
    (
        "json",
        "json config ascii-escaped cyrillic password",
        r"""{"db": {"user": "crm", "password": "{{S:pw_cyr|jsona}}", "\u043f\u0440\u0438\u043c\u0435\u0447\u0430\u043d\u0438\u0435": "\u0442\u0435\u0441\u0442"}, "locale": "ru_RU"}""",
    ),
    (
        "json",
        "api body create user portuguese",
        r"""{"nome": "Fernanda Lima", "email": "{{N:email}}", "cpf": "{{N:cpf}}", "senha": "{{S:pw_pt@p}}", "confirmarSenha": "{{S:pw_pt@p}}", "perfil": "administrador"}""",
    ),
    (
        "json",
        "api body login korean",
        r"""{"아이디": "minjun.kim", "비밀번호": "{{S:pw_ko}}", "자동로그인": true}""",
    ),
    (
        "json",
        "api body login vietnamese",
        r"""{"ten_dang_nhap": "nguyen.an", "mat_khau": "{{S:pw_vi}}", "ghi_nho": true, "ngon_ngu": "vi"}""",
    ),
    (
        "json",
        "api body iyzico turkish",
        r"""{"locale":"tr","conversationId":"{{N:n10}}","price":"1.0","paidPrice":"1.2","currency":"TRY","apiKey":"{{N:iyzico_live}}","secretKey":"{{S:iyzico_live}}","buyer":{"name":"Mehmet","surname":"Yılmaz","identityNumber":"{{N:tckn}}"}}""",
    ),
    (
        "json",
        "har cookie header korean site",
        r"""{"request":{"method":"GET","url":"https://shop.example.kr/마이페이지/주문내역","headers":[{"name":"Cookie","value":"JSESSIONID={{S:session_java}}; lang=ko"},{"name":"User-Agent","value":"Mozilla/5.0"}]},"response":{"status":200}}""",
    ),
    (
        "json",
        "appsettings persian comments",
        r"""{
  // تنظیمات اتصال
  "ConnectionStrings": {
    "Default": "Server={{N:host}};Database=Shop;User Id=shop;Password={{S:pw_fa}};TrustServerCertificate=True"
  },
  "Zarinpal": {"MerchantId": "{{N:uuid}}", "AccessToken": "{{S:alnum40}}"}
}""",
    ),
    (
        "json",
        "pagseguro notification config",
        r"""{"pagseguro": {"email": "{{N:email}}", "token": "{{S:pagseguro_token}}", "ambiente": "producao", "notificacao_url": "https://loja.example.com.br/pagseguro/retorno"}}""",
    ),
    (
        "json",
        "razorpay keys json export",
        r"""{"razorpay": {"key_id": "{{N:rzp_key_id}}", "key_secret": "{{S:rzp_secret}}", "webhook_secret": "{{S:alnum32}}"}, "currency": "INR"}""",
    ),
    (
        "json",
        "payfort request body signature phrase",
        r"""{"command":"PURCHASE","access_code":"{{S:payfort_code}}","merchant_identifier":"{{N:alnum32}}","merchant_reference":"{{N:order_jd}}","amount":"10000","currency":"SAR","language":"ar","customer_email":"{{N:email}}","signature":"{{N:sha256}}"}""",
    ),
    (
        "json",
        "line bot config json with notify",
        r"""{"lineNotifyToken":"{{S:line_notify}}","channelSecret":"{{S:line_secret}}","channelId":"{{N:line_channel_id}}","メモ":"本番用"}""",
    ),
    (
        "json",
        "japanese seed in wallet export",
        r"""{"version": 3, "name": "メインウォレット", "mnemonic": "{{S:seed_ja}}", "language": "japanese", "address": "0x{{N:hex40}}"}""",
    ),
    (
        "json",
        "spanish mnemonic export",
        r"""{"cartera": "principal", "frase_semilla": "{{S:seed_es}}", "idioma": "es", "creada": "{{N:date}}"}""",
    ),
    (
        "json",
        "french and italian seed json",
        r"""{"portefeuille": {"phrase_de_récupération": "{{S:seed_fr}}"}, "portafoglio": {"frase_di_recupero": "{{S:seed_it}}"}}""",
    ),
    (
        "json",
        "portuguese seed and traditional chinese seed",
        r"""{"carteira": {"frase_secreta": "{{S:seed_pt}}"}, "錢包": {"助記詞": "{{S:seed_zh_tw}}"}}""",
    ),
    (
        "json",
        "wechat pay apiv3 config json",
        r"""{"mchid": "{{N:wxpay_mchid}}", "serial_no": "{{N:wxpay_serial}}", "apiv3_key": "{{S:wxpay_key}}", "private_key": "{{S:pem_pkcs8|json}}", "notify_url": "https://pay.example.cn/回调"}""",
    ),
    (
        "json",
        "vk callback config",
        r"""{"group_id": {{N:n6}}, "access_token": "{{S:vk_token}}", "secret_key": "{{S:pw_rand}}", "api_version": "5.199", "язык": "ru"}""",
    ),
]

TEMPLATES += [
    (
        "json",
        "i18n zh-CN json",
        r"""{
  "login": {
    "title": "登录",
    "username": "用户名",
    "password": "密码",
    "passwordPlaceholder": "请输入密码",
    "apiKey": "API 密钥",
    "secretKey": "密钥（Secret Key）",
    "forgot": "忘记密码？"
  }
}""",
    ),
    (
        "json",
        "i18n ja json",
        r"""{"password": "パスワード", "password_confirm": "パスワード（確認）", "api_key": "APIキー", "token": "トークン", "secret": "シークレット", "errors": {"password_too_short": "パスワードは{{count}}文字以上で入力してください"}}""",
    ),
    (
        "json",
        "i18n ru json",
        r"""{"auth": {"password": "Пароль", "passwordRepeat": "Повторите пароль", "token": "Токен доступа", "apiKey": "API-ключ", "secretKey": "Секретный ключ", "wrongPassword": "Неверный логин или пароль"}}""",
    ),
    (
        "json",
        "i18n ar json",
        r"""{"auth": {"password": "كلمة المرور", "apiKey": "مفتاح API", "token": "رمز الوصول", "forgotPassword": "هل نسيت كلمة المرور؟"}}""",
    ),
    (
        "json",
        "i18n he fa json",
        r"""{"he": {"password": "סיסמה", "token": "אסימון", "apiKey": "מפתח API"}, "fa": {"password": "رمز عبور", "token": "توکن", "apiKey": "کلید API"}}""",
    ),
    (
        "json",
        "i18n es pt json",
        r"""{"es": {"password": "Contraseña", "apiKey": "Clave de API", "secretKey": "Clave secreta"}, "pt-BR": {"password": "Senha", "apiKey": "Chave de API", "secretKey": "Chave secreta"}}""",
    ),
    (
        "json",
        "i18n tr vi id json",
        r"""{"tr": {"password": "Şifre", "token": "Erişim anahtarı"}, "vi": {"password": "Mật khẩu", "token": "Mã truy cập"}, "id": {"password": "Kata sandi", "token": "Token akses"}}""",
    ),
    (
        "json",
        "i18n hi json",
        r"""{"password": "पासवर्ड", "confirmPassword": "पासवर्ड की पुष्टि करें", "apiKey": "एपीआई कुंजी", "secretKey": "गुप्त कुंजी"}""",
    ),
    (
        "json",
        "i18n de fr it nl pl json",
        r"""{"de": {"password": "Passwort", "secret": "Geheimnis"}, "fr": {"password": "Mot de passe", "secret": "Secret"}, "it": {"password": "Password", "secret": "Segreto"}, "nl": {"password": "Wachtwoord"}, "pl": {"password": "Hasło", "secret": "Sekret"}}""",
    ),
    (
        "json",
        "flutter arb korean",
        r"""{
  "@@locale": "ko",
  "password": "비밀번호",
  "@password": {"description": "로그인 화면의 비밀번호 입력란 라벨"},
  "apiKey": "API 키",
  "tokenExpired": "토큰이 만료되었습니다. 다시 로그인해 주세요."
}""",
    ),
    (
        "json",
        "chrome extension messages json",
        r"""{
  "password": {"message": "Mot de passe", "description": "Libellé du champ mot de passe"},
  "apiKey": {"message": "Clé d’API", "description": "Libellé du champ clé"},
  "secret": {"message": "Secret partagé"}
}""",
    ),
    (
        "json",
        "react-intl icu messages ukrainian",
        r"""{"auth.password": "Пароль", "auth.attempts": "{count, plural, one {Залишилась # спроба} few {Залишилося # спроби} other {Залишилося # спроб}}", "auth.token": "Токен", "auth.secret": "Секретний ключ"}""",
    ),
    (
        "json",
        "aliyun list access keys ids only",
        r"""{"RequestId":"{{N:ali_req}}","AccessKeys":{"AccessKey":[{"Status":"Active","AccessKeyId":"{{N:ali_ak_id}}","CreateDate":"{{N:ts}}Z"},{"Status":"Inactive","AccessKeyId":"{{N:ali_ak_id}}","CreateDate":"{{N:ts}}Z"}]}}""",
    ),
    (
        "json",
        "tencent list access keys",
        r"""{"Response":{"AccessKeys":[{"AccessKeyId":"{{N:tc_secret_id}}","Status":"Active","CreateTime":"{{N:ts}}","Description":"日志采集"}],"RequestId":"{{N:tc_req}}"}}""",
    ),
    (
        "json",
        "huawei list access keys",
        r"""{"credentials":[{"access":"{{N:hw_ak}}","status":"active","create_time":"{{N:ts}}.000000Z","user_id":"{{N:hex32}}","description":"OBS 备份"}]}""",
    ),
    (
        "json",
        "yc iam key list public key only",
        r"""[{"id": "aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}", "service_account_id": "aje{{N:ak_tail}}{{N:ak_tail}}{{N:ak_tail}}", "created_at": "{{N:ts}}Z", "description": "ключ для Terraform", "key_algorithm": "RSA_2048", "public_key": "{{N:pem_pub|json}}\n"}]""",
    ),
    (
        "json",
        "wechat jscode2session error",
        r"""{"errcode":40029,"errmsg":"invalid code, rid: {{N:hex32}}"}""",
    ),
    (
        "json",
        "wechat pay notify encrypted resource",
        r"""{"id":"{{N:uuid}}","create_time":"{{N:ts}}+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"{{N:sealed}}","associated_data":"transaction","nonce":"{{N:alnum32}}"}}""",
    ),
    (
        "json",
        "dingtalk message masked password",
        r"""{"msgtype":"text","text":{"content":"【数据库变更】订单库密码已轮换，新密码已写入 KMS 凭据管家（acs/rds/order），请勿在群内索要。旧密码：******"}}""",
    ),
    (
        "json",
        "telegram export masked password",
        r"""{"messages": [{"id": {{N:n6}}, "type": "message", "date": "{{N:ts}}", "from": "Дмитрий Соколов", "text": "пароль: ******** — пишу в личку, сюда не буду"}]}""",
    ),
    (
        "json",
        "mercado pago payment response ids",
        r"""{"id": {{N:mp_payment}}, "status": "approved", "status_detail": "accredited", "payment_method_id": "pix", "transaction_amount": 150.5, "currency_id": "BRL", "payer": {"email": "{{N:email}}", "identification": {"type": "CPF", "number": "{{N:cpf}}"}}, "external_reference": "pedido-{{N:order_jd}}"}""",
    ),
    (
        "json",
        "razorpay order response",
        r"""{"id":"{{N:rzp_order}}","entity":"order","amount":50000,"amount_paid":0,"currency":"INR","receipt":"rcpt_{{N:int}}","status":"created","notes":{"ग्राहक":"प्रिया"},"created_at":{{N:epoch}}}""",
    ),
    (
        "json",
        "alipay trade query response with sign",
        r"""{"alipay_trade_query_response":{"code":"10000","msg":"Success","buyer_logon_id":"159****{{N:ak_tail}}","trade_no":"{{N:alipay_trade}}","out_trade_no":"{{N:order_tb}}","trade_status":"TRADE_SUCCESS","total_amount":"88.00"},"sign":"{{N:rsa_sig}}"}""",
    ),
    (
        "json",
        "structured log chinese wrong password",
        r"""{"level":"warn","ts":"{{N:ts}}.118+0800","msg":"登录失败：密码错误","username":"{{N:user}}","attempt":3,"ip":"{{N:pubip}}","request_id":"{{N:uuid}}"}""",
    ),
    (
        "json",
        "structured log masked token japanese",
        r"""{"time":"{{N:ts}}+09:00","level":"INFO","msg":"LINE APIを呼び出しました","endpoint":"/v2/bot/message/push","authorization":"Bearer ****","status":200,"x-line-request-id":"{{N:uuid}}"}""",
    ),
    (
        "json",
        "mcp config env references",
        r"""{
  "mcpServers": {
    "amap-maps": {"command": "npx", "args": ["-y", "@amap/amap-maps-mcp-server"], "env": {"AMAP_MAPS_API_KEY": "${AMAP_MAPS_API_KEY}"}},
    "飞书": {"command": "npx", "args": ["-y", "@larksuiteoapi/lark-mcp", "mcp", "-a", "{{N:feishu_app_id}}", "-s", "${LARK_APP_SECRET}"]}
  }
}""",
    ),
    (
        "json",
        "vscode settings chinese no secrets",
        r"""{
  "editor.fontFamily": "'Sarasa Mono SC', 'Microsoft YaHei', monospace",
  "files.encoding": "utf8",
  "files.autoGuessEncoding": true,
  "cSpell.language": "en,zh",
  "search.exclude": {"**/密钥备份/**": true},
  "i18n-ally.localesPaths": ["src/locales"]
}""",
    ),
    (
        "json",
        "postman environment placeholders",
        r"""{"name": "Ambiente de homologação", "values": [{"key": "senha", "value": "{{senha}}", "enabled": true}, {"key": "token", "value": "", "enabled": true}, {"key": "url", "value": "https://homolog.example.com.br", "enabled": true}]}""",
    ),
    (
        "json",
        "json schema russian descriptions",
        r"""{
  "type": "object",
  "properties": {
    "password": {"type": "string", "minLength": 12, "description": "Пароль пользователя (не менее 12 символов)"},
    "api_key": {"type": "string", "pattern": "^[A-Za-z0-9]{40}$", "description": "API-ключ из личного кабинета"}
  },
  "required": ["password"]
}""",
    ),
    (
        "json",
        "sentry event filtered",
        r"""{"event_id":"{{N:hex32}}","level":"error","message":"Ошибка входа","request":{"url":"https://crm.example.ru/login","data":{"login":"{{N:user}}","password":"[Filtered]"}},"tags":{"locale":"ru"}}""",
    ),
    (
        "json",
        "geojson chinese places",
        r"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"名称":"密码大厦","编号":"{{N:n6}}"},"geometry":{"type":"Point","coordinates":[116.4{{N:int}},39.9{{N:int}}]}}]}""",
    ),
    (
        "json",
        "package lock integrity",
        r"""{"name":"商城前端","lockfileVersion":3,"packages":{"node_modules/vue-i18n":{"version":"{{N:ver}}","resolved":"https://registry.npmmirror.com/vue-i18n/-/vue-i18n-{{N:ver}}.tgz","integrity":"{{N:integrity}}"}}}""",
    ),
    (
        "json",
        "kyc api response ids",
        r"""{"estado":"verificado","nombre":"José Pérez","curp":"PEPJ{{N:n6}}HDFRRS0{{N:int}}","telefono":"+52 55 {{N:n10}}","folio":"{{N:uuid}}"}""",
    ),
    (
        "json",
        "chinese user profile api response",
        r"""{"code":0,"data":{"userId":"{{N:n10}}","nickname":"{{N:zh_name}}","mobile":"{{N:phone_cn}}","idCard":"{{N:cn_id}}","avatar":"https://cdn.example.cn/头像/{{N:md5}}.jpg","passwordSet":true},"msg":"成功"}""",
    ),
    (
        "json",
        "base64 json payload field",
        r"""{"事件":"page_view","载荷":"{{N:b64json}}","签名算法":"HMAC-SHA256","校验和":"{{N:sha256}}"}""",
    ),
    (
        "json",
        "kakao js key public config",
        r"""{"kakao": {"javascriptKey": "{{N:kakao_key}}", "redirectUri": "https://example.kr/oauth/kakao"}, "naver": {"clientId": "{{N:naver_client_id}}"}}""",
    ),
    (
        "json",
        "mercado pago public key config",
        r"""{"mercadoPago": {"publicKey": "{{N:mp_public}}", "locale": "es-AR"}, "razorpay": {"keyId": "{{N:rzp_key_id}}"}}""",
    ),
    (
        "json",
        "wecom corp id agent id",
        r"""{"corpid": "{{N:wecom_corpid}}", "agentid": 1000002, "corpsecret": "（在企业微信后台 → 应用管理 → 查看 Secret）", "说明": "Secret 不要写在这里"}""",
    ),
    (
        "json",
        "line webhook event no secret",
        r"""{"destination":"U{{N:hex32}}","events":[{"type":"message","message":{"type":"text","id":"{{N:n10}}","text":"パスワードを忘れました。リセット方法を教えてください"},"timestamp":{{N:epoch}}000,"source":{"type":"user","userId":"U{{N:hex32}}"},"mode":"active"}]}""",
    ),
]


# --------------------------------------------------------------------------------------------


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, text) of every template."""
    return list(TEMPLATES)


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def corpus(seed: int, copies: int = 6) -> list[Document]:
    """Each template ``copies`` times in its own context and ``copies`` times inside agent-log lines."""
    texts = [text for _, _, text in TEMPLATES]
    duplicated = [text for text, count in Counter(texts).items() if count > 1]
    assert not duplicated, f"templates written twice: {duplicated[:2]}"
    documents: list[Document] = []
    for index, (context, kind, template) in enumerate(TEMPLATES):
        assert context in CONTEXTS, context
        rng = random.Random(seed * 1_000_003 + index)
        split = _split(template)
        positive = "{{S:" in template
        for _ in range(copies):
            text, secrets = instantiate(template, rng)
            assert bool(secrets) == positive, (kind, secrets)
            assert all(secret in text for secret in secrets), kind
            documents.append(Document(text, secrets, context, kind, split, template))
        for copy in range(copies):
            text, secrets = instantiate(template, rng)
            line, depth = ENVELOPES[(index + copy) % len(ENVELOPES)](text, rng)
            wrapped = [_escaped(secret, depth) for secret in secrets]
            assert all(secret in line for secret in wrapped), kind
            documents.append(Document(line, wrapped, "json", kind, split, template))
    return documents


def main() -> int:
    counts: dict[str, list[int]] = {context: [0, 0] for context in CONTEXTS}
    for context, _, text in TEMPLATES:
        counts[context][0 if "{{S:" in text else 1] += 1
    print(f"{'context':8} {'positive':>8} {'negative':>8}")
    for context in CONTEXTS:
        print(f"{context:8} {counts[context][0]:8d} {counts[context][1]:8d}")
    positives = sum(p for p, _ in counts.values())
    negatives = sum(n for _, n in counts.values())
    print(f"{'all':8} {positives:8d} {negatives:8d}")
    documents = corpus(113)
    # A redactor that removed exactly the planted secrets would score a recall of 1: no half of a
    # secret may also stand elsewhere in its document.
    for doc in documents:
        rest = doc.text
        for secret in sorted(doc.secrets, key=len, reverse=True):
            rest = rest.replace(secret, "\u2588")
        assert not any(leaked(secret, rest) for secret in doc.secrets), (doc.kind, doc.context)
    planted = sum(len(doc.secrets) for doc in documents)
    holdout = sum(doc.split == "holdout" for doc in documents)
    print(f"documents: {len(documents)} ({holdout} holdout), planted secrets: {planted}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
