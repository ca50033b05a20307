"""The rule tables of the built-in redactor: what is a secret, by kind. Data only.

The engine (:mod:`autopilot.plugins.redact.engine`) builds its automata and matchers from these tables
on first use; docs/redaction.md says how to add a rule. Everything here is plain data: token
formats with their literal prefixes, the words that make a name secret (or not), the command-line
clients and functions that take a credential, the commands that print one, and what placeholders
and masked values look like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


def words(text: str) -> frozenset[str]:
    """The blank-separated words of *text* (the word lists below read better as running text)."""
    return frozenset(text.split())


# ------------------------------------------------------------------------------------------------
# Token formats: recognised anywhere, by their literal prefix.


@dataclass(frozen=True, slots=True)
class TokenFormat:
    """A secret recognised by its shape alone.

    *anchors* are the literal prefixes the engine searches for (case-sensitive); *pattern* is a
    regular expression that must match at an anchor (a word boundary is added after it);
    *guard* is an optional lookahead that must follow an anchor before *pattern* is even tried
    (for short anchors that also start ordinary words); *body_start* is where the random part of a
    match starts and *check_random* rejects matches whose random part does not look random.
    *before*, for a format whose literal part is in its middle (a Telegram bot token's ``:AA``),
    is what must come right before the anchor; the secret then starts there. *apart* puts the
    anchors in a search of their own (two-byte anchors, and those that would slow the shared search
    of short anchors down; bench/bench_redact.py measures it), and such a token is looked for only
    where its anchor starts a word or follows an escape (``\\n``) or a colour. *direct* tries
    *pattern* at every hit of an anchor that starts a word (or follows an escape or a colour; with
    *before*, wherever that matches), for bodies that may hold ``+``, ``/``, ``=`` or ``.`` (which
    split runs of token characters) and for anchors inside or at the end of a token; anchors holding
    such a character are always tried right there. *glued_to*, with *before*, is a literal the
    token may follow without a break: a word an API's path glues it to (Telegram's ``/bot<token>``,
    in request lines and access logs without the host).
    """

    kind: str
    anchors: tuple[str, ...]
    pattern: str
    body_start: int = 0
    check_random: bool = False
    guard: str = ""
    before: str = ""
    apart: bool = False
    direct: bool = False
    glued_to: str = ""


# A Discord bot token starts with its bot's id (17 to 20 digits) in base64: every group of four
# characters encodes three ASCII digits, so each character comes from a small set.
_B64_DIGITS = "(?:[MN][DTjz]|O[DT])[AEIMQUYcgk][w-z0-5]"
_DISCORD = (
    "(?:M[Tjz]|N[DTjz]|O[DT])[AEIMQUYcgk][w-z0-5]"  # the first digit is not 0
    + "(?:" + _B64_DIGITS + "){4,5}(?:[MNO][DTjz][AEIMQUYcgk]|[MNO][AQgw])?"
    + r"\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40}"
)  # fmt: skip


# The rest of a key's DER in base64 after its first bytes: the first line's run, then lines of 40 or
# more (a wrapped body, JSON-escaped too), its padding.
_DER_BODY = (
    r"[A-Za-z0-9+/]{20,}(?:(?:\r?\n|\\{1,3}(?:r\\{1,3})?n)[ \t]*[A-Za-z0-9+/]{40,})*"
    r"(?:={1,2}|(?![A-Za-z0-9+/]))"
)


TOKEN_FORMATS: Final = (
    TokenFormat("anthropic_api_key", ("sk-",), r"sk-ant-(?:[a-z]+[0-9]{2}-)?[A-Za-z0-9_\-]{20,}", 7),
    TokenFormat("openrouter_api_key", ("sk-",), r"sk-or-v1-[0-9a-f]{64}", 9),
    TokenFormat(
        "openai_api_key",
        ("sk-",),
        r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}",
        3,
        check_random=True,
    ),
    TokenFormat("stripe_key", ("sk_", "rk_"), r"[sr]k_(?:live|test|prod)_[A-Za-z0-9]{16,}", 8),
    TokenFormat("elevenlabs_api_key", ("sk_",), r"sk_[0-9a-f]{48}", 3),
    TokenFormat("stripe_webhook_secret", ("whsec_",), r"whsec_[A-Za-z0-9+/=]{24,}", 6),
    TokenFormat("github_token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), r"gh[pousr]_[A-Za-z0-9]{30,}", 4),
    TokenFormat("github_token", ("github_pat_",), r"github_pat_[A-Za-z0-9_]{30,}", 11),
    TokenFormat(
        "gitlab_token",
        tuple(
            f"gl{kind}-"
            for kind in ("pat", "dt", "rt", "ptt", "cbt", "ft", "imt", "agent", "oas", "soat", "wt", "ffct")
        ),
        r"gl(?:pat|dt|rt|ptt|cbt|ft|imt|agent|oas|soat|wt|ffct)-[A-Za-z0-9_.\-]{20,}",
        6,
    ),
    TokenFormat("gitlab_token", ("GR1348941",), r"GR1348941[A-Za-z0-9_\-]{20,}", 9),
    TokenFormat("slack_token", ("xox",), r"xox[abposre]-[A-Za-z0-9\-]{10,}", 5),
    TokenFormat("slack_token", ("xapp-",), r"xapp-[0-9]-[A-Za-z0-9\-]{10,}", 7),
    TokenFormat("google_api_key", ("AIza",), r"AIza[0-9A-Za-z_\-]{35}", 4),
    TokenFormat("google_oauth_client_secret", ("GOCSPX-",), r"GOCSPX-[0-9A-Za-z_\-]{20,}", 7),
    TokenFormat("google_oauth_token", ("ya29.",), r"ya29\.[0-9A-Za-z_\-]{20,}", 5),
    # Google's OAuth refresh tokens (`1//0` and a random body, as `gcloud` and the OAuth playground
    # print them), and Firebase Cloud Messaging's legacy server keys (`AAAA` + 7, `:APA91b` and 134)
    TokenFormat(
        "google_oauth_token", ("1//0",), r"1//0[0-9A-Za-z_\-]{40,}", 4, check_random=True, direct=True
    ),
    TokenFormat(
        "fcm_server_key",
        (":APA91b",),
        r":APA91b[0-9A-Za-z_\-]{100,}",
        7,
        before=r"AAAA[0-9A-Za-z_\-]{7}",
        direct=True,
    ),
    TokenFormat("npm_token", ("npm_",), r"npm_[A-Za-z0-9]{36}", 4),
    TokenFormat("pypi_token", ("pypi-",), r"pypi-AgE[A-Za-z0-9_\-]{40,}", 8),
    # nuget.org's API keys: `oy2` and 43 lower-case letters and digits (NuGetGallery's ApiKeyV4,
    # Microsoft's security-utilities SEC101/030); not inside base64, as crates.io's below
    TokenFormat(
        "nuget_api_key",
        ("oy2",),
        r"(?:(?<![A-Za-z0-9+/])|(?<=\\[nrt]))oy2[a-z0-9]{43}",
        3,
        check_random=True,
        apart=True,
    ),
    TokenFormat("huggingface_token", ("hf_",), r"hf_[A-Za-z0-9]{30,}", 3, check_random=True),
    TokenFormat("huggingface_token", ("api_org_",), r"api_org_[A-Za-z]{34}", 8, check_random=True),
    TokenFormat("sendgrid_api_key", ("SG.",), r"SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}", 3),
    TokenFormat(
        "aws_access_key_id",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        r"A(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z0-9]{16}",
        4,
    ),
    # AWS STS session tokens (`aws sts assume-role`, `get-session-token`, SSO credentials): base64 of
    # a protobuf that starts the same way in every generation of them
    TokenFormat(
        "aws_session_token",
        ("IQoJb3JpZ2luX2", "FwoGZXIvYXdz", "FQoGZXIvYXdz", "AQoDYXdz"),
        r"(?:IQoJb3JpZ2luX2|FwoGZXIvYXdz|FQoGZXIvYXdz|AQoDYXdz)[A-Za-z0-9+/]{100,}={0,2}",
        direct=True,
    ),
    TokenFormat("twilio_account_sid", ("AC",), r"AC[0-9a-f]{32}", 2, guard="[0-9a-f]{8}"),
    TokenFormat("twilio_api_key", ("SK",), r"SK[0-9a-fA-F]{32}", 2, guard="[0-9a-fA-F]{8}"),
    TokenFormat("jwt", ("eyJ",), r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"),
    # A JWT in base64 again: its header {"alg" / {"typ" / {"kid" encoded twice.
    TokenFormat(
        "jwt",
        ("ZXlKaGJHY2lPaU", "ZXlKMGVYQWlPaU", "ZXlKcmFXUWlPaU"),
        r"ZXlK[A-Za-z0-9+/]{40,}={0,2}",
        direct=True,
    ),
    TokenFormat("xai_api_key", ("xai-",), r"xai-[A-Za-z0-9]{40,}", 4, check_random=True),
    TokenFormat("groq_api_key", ("gsk_",), r"gsk_[A-Za-z0-9]{40,}", 4, check_random=True),
    TokenFormat("perplexity_api_key", ("pplx-",), r"pplx-[A-Za-z0-9]{40,}", 5, check_random=True),
    # Together AI's keys (`tgp_v1_` + 43 base64url), Fireworks AI's (`fw_` + 24 letters and digits),
    # LangSmith's personal and service keys (`lsv2_pt_`/`lsv2_sk_` + 32 hex + `_` + 10 hex)
    TokenFormat("together_api_key", ("tgp_v1_",), r"tgp_v1_[A-Za-z0-9_\-]{40,}", 7, check_random=True),
    TokenFormat("fireworks_api_key", ("fw_",), r"fw_[A-Za-z0-9]{24,}", 3, check_random=True, apart=True),
    TokenFormat("langsmith_api_key", ("lsv2_",), r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}", 8),
    TokenFormat("replicate_api_token", ("r8_",), r"r8_[A-Za-z0-9]{30,}", 3, check_random=True),
    TokenFormat("digitalocean_token", ("dop_v1_", "doo_v1_", "dor_v1_"), r"do[por]_v1_[0-9a-f]{64}", 7),
    TokenFormat(
        "vault_token", ("hvs.", "hvb.", "hvr."), r"hv[sbr]\.[A-Za-z0-9_\-]{24,}", 4, check_random=True
    ),
    TokenFormat("linear_api_key", ("lin_api_",), r"lin_api_[A-Za-z0-9]{40}", 8),
    TokenFormat("notion_token", ("secret_",), r"secret_[A-Za-z0-9]{43}", 7, check_random=True),
    TokenFormat("notion_token", ("ntn_",), r"ntn_[A-Za-z0-9]{40,}", 4, check_random=True),
    TokenFormat("databricks_token", ("dapi",), r"dapi[0-9a-f]{32}(?:-[0-9])?", 4, guard="[0-9a-f]{8}"),
    TokenFormat(
        "shopify_token", ("shpat_", "shpss_", "shpca_", "shppa_"), r"shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}", 6
    ),
    TokenFormat("postman_api_key", ("PMAK-",), r"PMAK-[0-9a-f]{24}-[0-9a-f]{34}", 5),
    TokenFormat("pulumi_token", ("pul-",), r"pul-[0-9a-f]{40}", 4),
    TokenFormat(
        "doppler_token",
        ("dp.",),
        r"dp\.(?:st|pt|ct|sa|scim|audit)\.(?:[a-z0-9_\-]{2,35}\.)?[A-Za-z0-9]{40,}",
        6,
    ),
    TokenFormat("supabase_token", ("sbp_",), r"sbp_[0-9a-f]{40}", 4),
    # Supabase's secret API keys (2025), which replace the `service_role` JWT; their publishable
    # counterparts (`sb_publishable_…`) are public (PUBLIC_KEYS)
    TokenFormat("supabase_secret_key", ("sb_secret_",), r"sb_secret_[A-Za-z0-9_\-]{24,64}", 10, True),
    # HubSpot's private app tokens: `pat-` + region + a UUID
    TokenFormat(
        "hubspot_token",
        ("pat-",),
        r"pat-(?:na|eu|ap)[0-9]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ),
    # Braintree's access tokens: `access_token$production$<merchant id>$<32 hex>` (`$` splits runs)
    TokenFormat(
        "braintree_access_token",
        ("access_token$",),
        r"access_token\$(?:production|sandbox|development|qa)\$[0-9a-z]{16}\$[0-9a-f]{32}",
        direct=True,
    ),
    TokenFormat("grafana_token", ("glsa_",), r"glsa_[A-Za-z0-9]{32}_[0-9a-fA-F]{8}", 5),
    TokenFormat(
        "grafana_token", ("glc_",), r"glc_[A-Za-z0-9+/]{32,}={0,2}", 4, check_random=True, direct=True
    ),
    TokenFormat("grafana_token", ("eyJrIjoi",), r"eyJrIjoi[A-Za-z0-9]{50,}={0,2}", 8, check_random=True),
    TokenFormat("netlify_token", ("nfp_",), r"nfp_[A-Za-z0-9]{36}", 4),
    # Laravel's APP_KEY as `php artisan key:generate --show` prints it: 32 random bytes in base64
    TokenFormat(
        "laravel_app_key", ("base64:",), r"base64:[A-Za-z0-9+/]{43}=", 7, check_random=True, direct=True
    ),
    # PostHog's personal API keys and feature-flag secure keys (its project keys `phc_` are public)
    TokenFormat("posthog_api_key", ("phx_", "phs_"), r"ph[xs]_[A-Za-z0-9]{32,}", 4, check_random=True),
    TokenFormat("pinecone_api_key", ("pcsk_",), r"pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,}", 5),
    # Atlassian's API tokens `ATATT3…` and Bitbucket's repository, project and workspace access
    # tokens `ATCTT3…` (the same scheme, GitHub secret scanning's "Bitbucket Access Token")
    TokenFormat("atlassian_api_token", ("ATATT", "ATCTT"), r"AT[AC]TT[A-Za-z0-9_\-=]{100,}", 5),
    # Bitbucket's app passwords: `ATBB` and 32 characters or more (a checksum at the end)
    TokenFormat("bitbucket_app_password", ("ATBB",), r"ATBB[A-Za-z0-9_\-=]{32,}", 4, check_random=True),
    # (not `pubkey-` + 32 hex: Mailgun's public validation key, made for a web page's code)
    TokenFormat("mailgun_api_key", ("key-",), r"(?<!pub)key-[0-9a-f]{32}", 4, guard="[0-9a-f]{8}"),
    # Statsig's server secret keys (its client SDK keys, `client-…`, are public)
    TokenFormat("statsig_secret_key", ("secret-",), r"secret-[A-Za-z0-9]{40,}", 7, check_random=True),
    # Mapbox's secret tokens (`sk.` and a JWT-like body; its public ones are `pk.eyJ…`)
    TokenFormat("mapbox_secret_token", ("sk.eyJ",), r"sk\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{20,}", 3),
    TokenFormat("sentry_token", ("sntry",), r"sntry[su]_[A-Za-z0-9+/=_\-]{40,}", 7, direct=True),
    # Honeycomb's ingest keys (`hcaik_`, `hcxik_`: the key's id and its secret, 58 in all)
    TokenFormat("honeycomb_key", ("hcaik_", "hcxik_"), r"hc[ax]ik_[a-z0-9]{58}", 6, check_random=True),
    # age's identities: bech32 after a prefix nothing else carries, so any letters and digits go
    # after it (a mistyped or hand-made key is as secret as a valid one)
    TokenFormat("age_secret_key", ("AGE-SECRET-KEY-",), r"AGE-SECRET-KEY-1[A-Z0-9]{50,}", 16),
    TokenFormat(
        "telegram_bot_token",
        (":AA",),
        r":AA[A-Za-z0-9_\-]{33}",
        3,
        check_random=True,
        before=r"[0-9]{5,16}",
        apart=True,
        glued_to="/bot",
    ),
    TokenFormat(
        "discord_bot_token",
        ("MT", "Mj", "Mz", "ND", "NT", "Nj", "Nz", "OD", "OT"),
        _DISCORD,
        guard="[AEIMQUYcgk][w-z0-5](?:[MN][DTjz]|O[DT])",
        apart=True,
    ),
    # WooCommerce's REST API keys: the consumer key `ck_` and its secret `cs_`, each 40 hex digits
    # (sent together as basic auth, `-u ck_…:cs_…`)
    TokenFormat(
        "woocommerce_key", ("ck_", "cs_"), r"c[ks]_[0-9a-f]{40}", 3, guard="[0-9a-f]{40}", apart=True
    ),
    TokenFormat(
        "resend_api_key",
        ("re_",),
        r"re_[A-Za-z0-9]{6,12}_[A-Za-z0-9]{20,}",
        3,
        check_random=True,
        guard="[A-Za-z0-9]{6,12}_[A-Za-z0-9]{20}",
        apart=True,
    ),
    TokenFormat("figma_token", ("figd_",), r"figd_[A-Za-z0-9_\-]{40,}", 5, check_random=True),
    TokenFormat(
        "launchdarkly_key",
        ("sdk-", "mob-", "api-"),
        r"(?:sdk|mob|api)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        4,
        apart=True,
    ),
    TokenFormat(
        "airtable_token",
        ("pat",),
        r"pat[A-Za-z0-9]{14}\.[0-9a-f]{64}",
        3,
        guard=r"[A-Za-z0-9]{14}\.",
        apart=True,
    ),
    TokenFormat(
        "fly_token",
        ("FlyV1 ",),
        r"FlyV1 fm[12][a-z]?_[A-Za-z0-9+/=_\-]{20,}(?:,fm[12][a-z]?_[A-Za-z0-9+/=_\-]{20,})*",
        6,
        apart=True,
    ),
    # BIP-32 extended private keys (Bitcoin's xprv and its SLIP-132 variants, testnet tprv …):
    # a version prefix, then base58 (111 characters in all).
    TokenFormat(
        "crypto_private_key",
        ("xprv", "tprv", "yprv", "zprv", "uprv", "vprv", "Yprv", "Zprv", "Uprv", "Vprv"),
        r"[xtyzuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{100,112}",
        4,
    ),
    # A nostr secret key in bech32 (NIP-19); its public half `npub1…` stays.
    TokenFormat("crypto_private_key", ("nsec1",), r"nsec1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}", 5),
    # A private key's DER in base64 without its PEM armour, on one line or wrapped (payment
    # consoles hand merchants their RSA key so, as Java's `getEncoded()` and SDK settings do): PKCS#8
    # with version 0 and RSA's or an EC curve's algorithm, PKCS#1 RSA with version 0 (1024 to 4096
    # bits), SEC1 EC (P-256, P-384), PKCS#8 Ed25519. Public keys (`MIIBIjANBgkq…AAOCAQ8A…`) hold no
    # version 0 and stay.
    TokenFormat(
        "private_key",
        ("IBADANBgkqhkiG9w0BAQEFAASC", "IBAAKCAQEA", "IBAAKCAgEA", "IBAAKCAYEA", "IBAAKBgQ"),
        r"(?:IBADANBgkqhkiG9w0BAQEFAASC|IBAAK(?:CAQEA|CAgEA|CAYEA|BgQ))" + _DER_BODY,
        before="MII[A-Za-z0-9+/]{3}",
        direct=True,
    ),
    TokenFormat(
        "private_key",
        ("GByqGSM49AgEG",),
        r"GByqGSM49AgEG" + _DER_BODY,
        before="MIG[A-Za-z0-9+/]AgEAMB[A-Za-z0-9+/]",
        direct=True,
    ),
    TokenFormat(
        "private_key",
        ("MHcCAQEEI", "MIGkAgEBBDA", "MC4CAQAwBQYDK2VwBCIEI"),
        r"(?:MHcCAQEEI|MIGkAgEBBDA|MC4CAQAwBQYDK2VwBCIEI)" + _DER_BODY,
        direct=True,
    ),
    TokenFormat(
        "tailscale_key",
        ("tskey-",),
        r"tskey-(?:[a-z]{1,10}-)?[A-Za-z0-9]{6,}(?:-[A-Za-z0-9]{6,})?",
        6,
        check_random=True,
    ),
    # The formats of gitleaks' default rules (bench/redact_formats.py probes them all).
    TokenFormat(
        "onepassword_secret_key",
        ("A3-",),
        r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
        3,
        guard="[A-Z0-9]{6}-",
    ),
    TokenFormat("onepassword_token", ("ops_eyJ",), r"ops_eyJ[A-Za-z0-9+/]{100,}={0,3}", 7, direct=True),
    TokenFormat("adobe_client_secret", ("p8e-",), r"p8e-[A-Za-z0-9]{32}", 4, check_random=True),
    TokenFormat("alibaba_access_key_id", ("LTAI",), r"LTAI[A-Za-z0-9]{20}", 4, check_random=True),
    # Tencent Cloud's SecretId, the key id of a SecretKey as AWS's `AKIA…` is (its secret beside it goes)
    TokenFormat("tencent_secret_id", ("AKID",), r"AKID[A-Za-z0-9]{32}", 4, check_random=True),
    # Baidu Qianfan's API key (its V2 authentication): the access key id and its secret in one string
    TokenFormat("baidu_qianfan_api_key", ("bce-v3/",), r"bce-v3/ALTAK-[A-Za-z0-9]{16,32}/[0-9a-f]{40}", 7),
    TokenFormat("artifactory_token", ("AKCp",), r"AKCp[A-Za-z0-9]{60,}", 4, check_random=True),
    TokenFormat("artifactory_token", ("cmVmd",), r"cmVmd[A-Za-z0-9]{59}", 5, check_random=True),
    TokenFormat(
        "authress_key",
        (".acc_", ".acc-"),
        r"\.acc[_-][a-z0-9\-]{10,32}\.[A-Za-z0-9+/_=\-]{30,}",
        6,
        before=r"(?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}",
    ),
    TokenFormat("clickhouse_api_key", ("4b1d",), r"4b1d[A-Za-z0-9]{38}", 4, check_random=True),
    TokenFormat("clojars_token", ("CLOJARS_",), r"CLOJARS_[A-Za-z0-9]{60}", 8, check_random=True),
    TokenFormat("cloudflare_origin_ca_key", ("v1.0-",), r"v1\.0-[0-9a-f]{24}-[0-9a-f]{146}", 5),
    TokenFormat(
        "defined_networking_token",
        ("dnkey-",),
        r"dnkey-[A-Za-z0-9=_\-]{26}-[A-Za-z0-9=_\-]{52}",
        6,
        direct=True,
    ),
    TokenFormat(
        "dropbox_token",
        ("sl.",),
        r"sl\.(?:[A-Za-z]\.)?[A-Za-z0-9_\-]{130,}",
        3,
        check_random=True,
        direct=True,
    ),
    TokenFormat(
        "duffel_token",
        ("duffel_",),
        r"duffel_(?:test|live)_[A-Za-z0-9_\-=]{43}",
        12,
        check_random=True,
        direct=True,
    ),
    TokenFormat("dynatrace_token", ("dt0c01.",), r"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}", 7),
    TokenFormat("easypost_token", ("EZAK", "EZTK"), r"EZ[AT]K[A-Za-z0-9]{54}", 4, check_random=True),
    # Square's EAAA + 60, and Meta's EAAB, EAAG, EAAM … + 100 or more letters and digits.
    TokenFormat("square_token", ("EAA",), r"EAAA[A-Za-z0-9_\-]{60}(?![_\-])", 4, check_random=True),
    TokenFormat("facebook_access_token", ("EAA",), r"EAA[A-Z][A-Za-z0-9]{96,}", 4, check_random=True),
    TokenFormat("square_token", ("sq0atp-", "sq0csp-"), r"sq0(?:atp|csp)-[A-Za-z0-9_\-]{22,}", 7),
    TokenFormat(
        "flutterwave_key", ("FLWSECK",), r"FLWSECK(?:_TEST)?-?[A-Za-z0-9]{12,}(?:-X)?", 7, check_random=True
    ),
    TokenFormat(
        "fly_token",
        ("fo1_", "fm1a_", "fm1r_", "fm2_"),
        r"(?:fo1_[A-Za-z0-9_\-]{43}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,}={0,3})",
        4,
        check_random=True,
        direct=True,
    ),
    TokenFormat(
        "frameio_token", ("fio-u-",), r"fio-u-[A-Za-z0-9_\-=]{64}", 6, check_random=True, direct=True
    ),
    TokenFormat("gitlab_token", ("_gitlab_session=",), r"_gitlab_session=[0-9a-z]{32}", 16),
    TokenFormat(
        "harness_token",
        ("pat.", "sat."),
        r"[ps]at\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}",
        4,
    ),
    TokenFormat(
        "terraform_token",
        (".atlasv1.",),
        r"\.atlasv1\.[A-Za-z0-9_\-=]{60,}",
        9,
        before=r"[A-Za-z0-9]{14}",
    ),
    TokenFormat("heroku_api_key", ("HRKU-",), r"HRKU-AA[A-Za-z0-9_\-]{58}", 7),
    TokenFormat("infracost_token", ("ico-",), r"ico-[A-Za-z0-9]{32}", 4, check_random=True),
    TokenFormat("intra42_secret", ("s-s4t2",), r"s-s4t2(?:ud|af)-[0-9a-f]{64}", 9),
    TokenFormat(  # 32 hex digits and the data centre: "-us" is the anchor
        "mailchimp_api_key", ("-us",), r"-us[0-9]{1,2}", before="[0-9a-f]{32}", direct=True
    ),
    TokenFormat(  # "_mmk" ends the key
        "maxmind_license_key", ("_mmk",), r"_mmk", before="[A-Za-z0-9]{6}_[A-Za-z0-9]{29}", direct=True
    ),
    # New Relic's user keys `NRAK-`, insert keys `NRII-`; its browser keys `NRJS-` sit in every
    # instrumented page and are public (PUBLIC_KEYS)
    TokenFormat("newrelic_key", ("NRAK-", "NRII-"), r"NR(?:AK-[A-Z0-9]{27}|II-[A-Za-z0-9\-]{32})", 5),
    TokenFormat(  # an ingest license key: 36 hex digits and "NRAL", which ends it and is its anchor
        "newrelic_key", ("NRAL",), r"NRAL", before="[0-9a-f]{36}", direct=True
    ),
    TokenFormat(
        "octopus_api_key", ("API-",), r"API-[A-Z0-9]{26}", 4, check_random=True, guard="[A-Z0-9]{26}"
    ),
    TokenFormat("openshift_token", ("sha256~",), r"sha256~[A-Za-z0-9_\-]{43}", 7, check_random=True),
    TokenFormat(
        "plaid_token",
        ("access-sandbox-", "access-development-", "access-production-"),
        r"access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        7,
    ),
    TokenFormat(
        "planetscale_token",
        ("pscale_",),
        r"pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.\-]{32,}",
        10,
        check_random=True,
        direct=True,
    ),
    TokenFormat("prefect_token", ("pnu_",), r"pnu_[A-Za-z0-9]{36}", 4, check_random=True),
    TokenFormat("readme_token", ("rdme_",), r"rdme_[a-z0-9]{70}", 5, check_random=True),
    TokenFormat("rubygems_token", ("rubygems_",), r"rubygems_[0-9a-f]{48}", 9),
    # crates.io's API tokens (`cio` + 32 letters and digits, crates.io's token.rs) and its
    # trusted-publishing tokens (`cio_tp_` + 32); not inside base64 (see PagerDuty's below)
    TokenFormat(
        "crates_io_token",
        ("cio",),
        r"(?:(?<![A-Za-z0-9+/])|(?<=\\[nrt]))cio(?:_tp_)?[A-Za-z0-9]{32}",
        3,
        check_random=True,
        apart=True,
    ),
    # SonarQube's and SonarCloud's user, project and global analysis tokens
    TokenFormat("sonarqube_token", ("squ_", "sqp_", "sqa_"), r"sq[upa]_[0-9a-f]{40}", 4),
    # Neon's API keys and Render's (GitHub secret scanning partners)
    TokenFormat("neon_api_key", ("napi_",), r"napi_[a-z0-9]{64}", 5, check_random=True),
    TokenFormat("render_api_key", ("rnd_",), r"rnd_[A-Za-z0-9]{32}", 4, check_random=True),
    # Asana's personal access tokens: `1/` + the user's id + `:` + 32 hex, and since 2023 `2/` +
    # the user's id + `/` + the token's id + `:` + 32 hex
    TokenFormat(
        "asana_token",
        ("1/", "2/"),
        r"(?:1|2/[0-9]{10,19})/[0-9]{10,19}:[0-9a-f]{32}",
        apart=True,
    ),
    # Intercom's access tokens: "tok:" + the token's id + ":1:0", in base64 (`dG9rOj…`)
    TokenFormat("intercom_token", ("dG9rO",), r"dG9rO[A-Za-z0-9+/]{40,}={0,2}", 5, direct=True),
    # Adyen's API keys: `AQE`, then base64 parts joined by `=-`
    TokenFormat(
        "adyen_api_key",
        ("AQE",),
        r"AQE[A-Za-z0-9+/]{40,}={0,2}-[A-Za-z0-9+/]{30,}={0,2}(?:-[^\s\"'\\`,]{4,40})?",
        3,
        direct=True,
    ),
    # A Salesforce session id or access token: the org's id (`00D` + 12 or 15), `!`, then 80 or more
    TokenFormat(
        "salesforce_token", ("!A",), r"!A[A-Za-z0-9._]{80,}", before="00D[A-Za-z0-9]{12,15}", direct=True
    ),
    # PagerDuty's user API tokens: `u+` and 18 characters
    # (not inside base64, whose `+` and `/` are as often followed by a `u` or `cio`: `…/1+u+6gLEr3…`,
    # nor followed by base64's `+` or `/`: `v1:u+ey…+Mb0…` of a Pulumi ciphertext;
    # after an escaped line break, `\\nu+…`, it starts a line)
    TokenFormat(
        "pagerduty_token",
        ("u+",),
        r"(?:(?<![A-Za-z0-9+/])|(?<=\\[nrt]))u\+[A-Za-z0-9_\-]{18}(?![+/])",
        2,
        check_random=True,
        apart=True,
    ),
    TokenFormat("scalingo_token", ("tk-us-",), r"tk-us-[A-Za-z0-9_\-]{48}", 6, check_random=True),
    TokenFormat(
        "brevo_api_key", ("xkeysib-", "xsmtpsib-"), r"x(?:key|smtp)sib-[0-9a-f]{64}-[A-Za-z0-9]{16}", 8
    ),
    TokenFormat(
        "settlemint_token",
        ("sm_aat_", "sm_pat_", "sm_sat_"),
        r"sm_[aps]at_[A-Za-z0-9]{16,}",
        7,
        check_random=True,
    ),
    TokenFormat("shippo_token", ("shippo_",), r"shippo_(?:live|test)_[0-9a-fA-F]{40}", 12),
    TokenFormat(
        "sourcegraph_token", ("sgp_",), r"sgp_(?:[0-9a-f]{16}_|local_)?[0-9a-f]{40}", 4, check_random=True
    ),
    TokenFormat(  # 22 "A"s, then the random part (with %-escapes)
        "twitter_bearer_token",
        ("AAAAAAAAAAAAAAAAAAAAA",),
        r"A{21}[A-Za-z0-9%]{80,}(?![A-Za-z0-9+/=%])",
        21,
        check_random=True,
        apart=True,
    ),
    TokenFormat("typeform_token", ("tfp_",), r"tfp_[A-Za-z0-9_\-.=]{40,}", 4, check_random=True, direct=True),
    TokenFormat("yandex_api_key", ("AQVN",), r"AQVN[A-Za-z0-9_\-]{35,38}", 4, check_random=True),
    # A password kept in a reversible encoding, with no key of its own: WebSphere's `{xor}` + base64,
    # Jetty's `OBF:` (Password.obfuscate), JBoss PicketBox's `MASK-` (made with a key every install
    # shares; its salt and iteration count after `;`). Their hashes (Jetty's `MD5:`, `CRYPT:`) and
    # values encrypted under a key kept elsewhere (`{AES}`, Jasypt's `ENC(…)`, `{cipher}`) stay.
    TokenFormat("password", ("{xor}",), r"\{xor\}[A-Za-z0-9+/]{4,}={0,2}", 5, direct=True),
    TokenFormat("password", ("OBF:",), r"OBF:[0-9a-z]{8,}", 4, direct=True),
    TokenFormat(
        "password",
        ("MASK-",),
        r"MASK-[A-Za-z0-9+/]{8,}={0,2}(?:;[A-Za-z0-9]{1,64};[0-9]{1,7})?",
        5,
        direct=True,
    ),
    # A password kept in the clear behind a storage scheme that says so: Spring Security's `{noop}`,
    # Dovecot's and LDAP's `{PLAIN}`, `{CLEAR}`, `{CLEARTEXT}` (a hash's scheme, `{bcrypt}`, `{SSHA}`, stays)
    *(
        TokenFormat(
            "password",
            (scheme,),
            re.escape(scheme) + body,
            len(scheme),
            check_random=True,
            direct=True,
        )
        for scheme, body in (
            ("{noop}", r"[^\s\"'\\<>,;)]{4,200}"),
            # (a passwd-file's fields end at `:`)
            *((scheme, r"[^\s\"'\\<>,;):]{4,200}") for scheme in ("{PLAIN}", "{CLEAR}", "{CLEARTEXT}")),
        )
    ),
    # VK's access tokens (`vk1.a.` and a base64url body), Proxmox VE's, Backup Server's and Mail
    # Gateway's login tickets (`PVE:user@realm:<hex time>::<base64 signature>`, the session cookie)
    TokenFormat("vk_token", ("vk1.a.",), r"vk1\.a\.[A-Za-z0-9_\-]{60,}", 6, check_random=True),
    TokenFormat(
        "proxmox_ticket",
        ("PVE:", "PBS:", "PMG:"),
        r"P(?:VE|BS|MG):[A-Za-z0-9_.\-]{1,64}@[A-Za-z0-9_.\-]{1,64}:[0-9A-F]{8,64}::[A-Za-z0-9+/]{40,}={0,2}",
        direct=True,
    ),
)
# Azure AD client secrets hold "~" and ".", which split runs of token characters: "Q~" is their anchor.
AZURE_CLIENT_SECRET: Final = r"[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}(?![A-Za-z0-9_~.\-])"

# ------------------------------------------------------------------------------------------------
# Secret names: a variable, key, flag or header called like this holds a secret.

#: Substrings that make a word of a name secret (``DB_PASSWORD``, ``githubToken``, ``myapikey``).
STRONG_SUBSTRINGS: Final = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "appkey",
    "accesskey",
    "privatekey",
    "secretkey",
    "accountkey",
    "credential",
    "authtok",
    "authkey",
)
#: Whole words that make a name secret (``db_pass``, ``ldap_bindpw``, ``wifi.psk``), and their kind.
STRONG_PARTS: Final = {
    **dict.fromkeys(
        ["pass", "pwd", "pw", "psk", "bindpw", "rootpw", "requirepass", "masterauth", "passcode"], "password"
    ),
    **dict.fromkeys(["auth", "creds", "cred"], "secret"),
    # a one-time password's seed (`"totp": "…"` of Bitwarden's `bw list items`); a code is a number
    **dict.fromkeys(["totp", "hotp"], "secret"),
    # a Kerberos keytab (`"keytab": "BQIAAA…"` of a Vault KV read, `KRB5_KEYTAB_B64=…`): a principal's
    # keys, which log in as it without its password (a path or a file's name there stays)
    "keytab": "secret",
    "pat": "token",
}
#: A word of a name made of another word and a password's short name glued to its end (``dbpass``,
#: ``adminpwd``, ``rootpw``, ``smtppass``, as Perl, PHP and INI files name them) is a password's
#: name; these words end in ``pass`` and are not (``bypass``, ``compass``, a render pass, a filter).
GLUED_PASSWORD_ENDS: Final = ("pass", "pwd", "pw", "psk")
NOT_GLUED_PASSWORDS: Final = words(
    "bypass compass encompass overpass underpass trespass surpass multipass bandpass highpass lowpass "
    "allpass renderpass subpass firstpass secondpass onepass twopass singlepass multipass lastpass "
    "nopass oldpwd cwd"
)
#: Query parameters that providers name for their API key without a secret word (OpenWeather's
#: ``appid``; openvscode-server's and code-server's connection token, ``?tkn=``; a lone ``key`` has its
#: rule beside the other lone keys): a generated value goes.
QUERY_KEY_PARAMETERS: Final = words(
    "appid tkn "
    # a one-time code that signs in or resets a password (Firebase Auth's e-mail links, `oobCode=`),
    # Vercel's token that passes a deployment's protection (`x-vercel-protection-bypass=`)
    "oobcode x-vercel-protection-bypass"
)
#: ``key`` is secret after one of these words (``api_key``, ``PrivateKey``, ``STRIPE_KEY``).
KEY_QUALIFIERS: Final = words(
    "access account admin algolia anthropic api app application auth aws azure cf claude client "
    "cloudflare cohere consumer datadog dd deepseek deploy encryption firebase gcp gemini github "
    "gitlab google gpg groq heroku hf huggingface licence license mailchimp mailgun mapbox master "
    "mistral netlify npm openai openrouter pgp pinecone private pypi replicate root secret sendgrid "
    "service session shared sign signing slack ssh storage stripe subscription supabase symmetric twilio "
    "vercel webhook xai preshared hmac jwt global "
    # (and one of a list of keys a server accepts: `allowed_keys`, see PLURAL_KEY_QUALIFIERS)
    "allowed accepted valid "
    # a network's shared key (Zigbee's `network_key`, LoRaWAN's `nwk_key`)
    "network nwk "
    # the keys that open a sealed store (Vault's `Unseal Key 1:`, `unseal_keys_b64`, `recovery_keys`)
    "unseal recovery "
    # an application's key for its own ciphers (Magento's `'crypt' => ['key' => …]`, `crypt_key`),
    # a key named for its cipher (Airflow's `fernet_key`, `AES_KEY`, `cipher_key`)
    "crypt fernet aes cipher "
    # Azure Cosmos DB's account key (`"CosmosDb": {"Key": …}` in appsettings.json, `COSMOS_KEY`)
    "cosmos cosmosdb documentdb"
)
#: Names whose words no other table calls secret but whose value is a credential: AWX's and Ansible
#: Tower's provisioning callback key (``host_config_key``: whoever holds it has a job template run
#: against a host, `?host_config_key=…`, `"host_config_key": "…"`).
SECRET_NAME_WORDS: Final = frozenset({("host", "config", "key")})
#: The words before ``keys`` that make a list of secret keys (``unseal_keys_b64``, ``api_keys``);
#: elsewhere ``keys`` is a list of anything (JWKS's public ``keys``, ``ssh_keys``, ``partition_keys``).
PLURAL_KEY_QUALIFIERS: Final = words(
    "api unseal recovery private master signing encryption "
    # an application's keys (Strapi's `APP_KEYS`; Datadog's `"type": "application_keys"` resources)
    "app application "
    # the keys a server accepts from its clients (Weaviate's `apikey: allowed_keys:`,
    # `AUTHENTICATION_APIKEY_ALLOWED_KEYS`, `valid_keys`): a generated string there is one
    "allowed accepted valid "
    # the keys that sign an application's cookies, newest first (Koa's `app.keys`, Strapi's `APP_KEYS`)
    "app"
)
#: A name whose last word is one of these describes a secret instead of holding it (``token_url``,
#: ``authMechanism``; a hash or digest of a secret: ``secret_hash``, ``token_sha256``, ``password_md5``,
#: whose number is skipped).
EXCLUDED_LAST: Final = words(
    "alg algorithm allowed arn bucket budget cfg check class cmd command config count dir directory "
    "disabled email enable enabled endpoint env error errors exp expiration expires expiry field file "
    "files fingerprint fmt format hash hashed header headers helper hint id ids idx index kind label "
    "len length lifetime limit location manager max message method min mode msg name names option "
    "options opts param params path paths pattern placeholder policy prefix prompt provider rate re "
    "ref regex required reset rotation rule rules scope scopes settings sha size source spec status "
    "stdin store strength suffix timeout ttl type types uri url urls usage user username valid "
    "validation validator var variable vars vault version accessor digest table arns identifier "
    "identifiers mechanism mechanisms checksum checksums sha md crc hashes digests fingerprints thumbprint "
    # whom a pre-shared key belongs to, sent in clear with the handshake (Zabbix's `TLSPSKIdentity`)
    "identity "
    # a part or a view of a secret, shown to tell keys apart (`api_key_last4`, `token_preview`;
    # GitHub's `token_last_eight`: a number word after them counts as a number; Sentry's
    # `tokenLastCharacters`)
    "last first four digits preview masked truncated characters chars "
    # the authentication tag of a ciphertext (a Chef encrypted data bag's `auth_tag`, AES-GCM's
    # `authTag`), or a label given to a secret
    "tag tags "
    # whom a mail server authenticated the sender as (Exchange's `X-MS-Exchange-CrossTenant-AuthAs`)
    "as "
    # where secrets are kept or checked, not a secret: `SECRETS_BACKEND=vault`, `SecretsFilter: prod-*`,
    # `AUTH0_DOMAIN=…`, `TOKEN_ISSUER=https://…`, `AUTH_PROVIDER=okta`
    "backend backends filter filters selector engine driver plugin resolver issuer audience domain "
    "realm strategy host server port region protocol scheme "
    # a JSON Web Token's id and its key's (`token jti is …`, `kid`), a commit's hash
    "jti kid commit "
    # when a password was set or changed, or is to be (Active Directory's `pwdLastSet`,
    # `passwordLastChanged`, the registry's `PasswordExpiryWarning`)
    "set changed updated modified created warning "
    # when, or how often (`password_reset_at`, `password_changes_90d`)
    "at changes resets attempts "
    # a feature that looks for secrets (`secret_detection: enabled`, `secret_scanning`)
    "detection scanning scanner "
    # the text a form shows beside a field (an i18n file's `api_key_help: "Find it under …"`)
    "help tooltip caption"
)
#: The items of a Kubernetes Secret that are settings beside its credential, not one (an Argo CD
#: repository's or cluster's `type`, `project`, `name`, `url`): left when they hold plain words, or a
#: URL without a user, a query or a random-looking path segment.
SECRET_MANIFEST_SETTINGS: Final = words("type project name url server insecure enableoci enablelfs")
#: Numbers in words: at a name's end they count as digits do (`token_last_eight` as `token_last8`).
NUMBER_WORDS: Final = words("one two three four five six seven eight nine ten eleven twelve sixteen")
#: A name containing one of these words anywhere is not a secret (``max_tokens``, ``existingSecret``,
#: ``hashed_secret`` in a detect-secrets baseline, Drone's ``from_secret: docker_password``).
EXCLUDED_ANY: Final = words(
    "bos cache cached cancellation cls completion continuation endpoint eos file idempotency input "
    "keyboard keys mask max min next num output pad page path pub public publishable reasoning sep "
    "special sync tokenization tokenize tokenized tokenizer tokens total unk uri url existing "
    "external hashed checksum from"
)
#: The word before ``key`` in a name no table calls secret (``routing_key``, ``LOGGED_IN_KEY``) that
#: says the key indexes or routes data (``sort_key``, ``partition_key``) or is public by design (a
#: captcha's ``siteKey``, Supabase's ``anon_key``): such a key is no secret, whatever its value.
NOT_SECRET_KEYS: Final = words(
    "primary foreign sort partition hash range row column field table index unique composite lookup "
    "map dict group dedup dedupe grouping order shard distribution join message event record item entity "
    "object file image bucket upload s3 host label metric env config lock trace span request correlation "
    "tracking i18n translation react list state store cursor feature flag experiment version "
    "sticky natural surrogate registry public hotkey shortcut site anon "
    # an alert's key that groups its events (PagerDuty's `incident_key`, as `dedup_key`)
    "incident "
    # Sentry's DSN key (`?sentry_key=…` in a CSP report URI, `X-Sentry-Auth: Sentry sentry_key=…`):
    # public by Sentry's documentation, as in the DSN itself
    "sentry"
)
#: Words of :data:`NOT_SECRET_KEYS` that may also name what a cipher's key protects: a key of 16, 24,
#: 32 or 64 bytes written as its bytes (`static const uint8_t kConfigKey[32] = {0x7a, …}`) after one
#: of them is that key, where a `sort_key` or a `kPublicKey` of bytes stays.
KEYED_DATA: Final = words(
    "config env file object item record entity message event image upload bucket store state"
)
#: The word before ``salt`` that names a salt a framework keeps in its committed configuration, no
#: secret without the key it salts: Phoenix's ``signing_salt`` and ``encryption_salt`` (the
#: endpoint's, LiveView's, ``Plug.Session``'s), Rails' ``signed_cookie_salt`` and
#: ``encrypted_cookie_salt``. WordPress's ``AUTH_SALT``, ``NONCE_SALT`` … still go.
PUBLIC_SALTS: Final = words("signing encryption cookie")
#: Providers whose token or key is made to be carried by a client (a web page, a mobile app) and
#: documented as public: Mixpanel's project token, Amplitude's API key, Azure Application Insights'
#: instrumentation key, Pusher's app key; and a key named for JavaScript, what a provider issues for
#: web pages (Kakao's `javascriptKey`, beside its REST API and Admin keys). A name of theirs ending
#: in ``token`` or ``key`` holds no secret, unless it also says ``secret`` (``AMPLITUDE_SECRET_KEY``
#: still goes).
PUBLIC_TOKEN_OWNERS: Final = words("mixpanel amplitude instrumentation pusher javascript")
#: Two words in a row in a name that say its key is made for browsers, whoever the provider: the
#: search-only keys of Algolia, Typesense and Meilisearch (`search_only_api_key`, `searchOnlyKey`).
PUBLIC_KEY_PAIRS: Final = frozenset({("search", "only")})
#: Words before a lone ``key`` in prose that name no kind of key but say one is given (`New key: …`,
#: `we get 401 with our key …`): only a value of 24 characters or more with digits, upper and lower
#: case goes after them.
KEY_DETERMINERS: Final = words(
    "new my our your their the this that current fresh rotated temporary shared personal"
)
#: Words of :data:`EXCLUDED_LAST` that own a key rather than describe one (``server_key``, ``domain_key``,
#: ASP.NET's ``<machineKey validationKey="…">``, Pushover's and 3scale's ``user_key``).
KEY_OWNERS: Final = words("server provider domain backend engine plugin realm validation user")
#: A name's last word made of a secret word and one of these glued to it names a command or a file
#: that gives the secret (msmtp's ``passwordeval``, offlineimap's ``remotepasseval``, ``tokenfile``).
GLUED_EXCLUDED_LAST: Final = ("eval", "cmd", "command", "file", "path", "helper")
#: A name holding this word holds ciphertext, made to be committed (``encrypted_password``, Terraform's
#: ``encrypted_secret``), unless it also names the key that encrypts
#: (``encryptedSavedObjects.encryptionKey``).
CIPHERTEXT_WORDS: Final = words("encrypted ciphertext")
KEY_MATERIAL_WORDS: Final = words("encryption decryption")
#: Blocks and objects whose values are ciphertext made to be committed: Renovate's ``encrypted:``,
#: a SealedSecret's ``encryptedData:`` (YAML, JSON; also JSON-escaped).
CIPHERTEXT_BLOCKS: Final = ("encrypted", "encrypteddata", "encrypted_data", "encryptedvalues")
#: Ciphertext by its shape, left alone wherever it is: SOPS and hiera-eyaml ``ENC[…]``, Jasypt
#: ``ENC(…)``, EJSON ``EJ[1:…]``, Ansible Vault ``$ANSIBLE_VAULT;…``, Spring Cloud Config
#: ``{cipher}…``, the base64 body of an OpenPGP message (Renovate's encrypted values, Terraform's
#: ``encrypted_secret``), which starts with a public-key-encrypted session key packet, and what
#: ``openssl enc -a`` writes (``U2FsdGVkX1…``: ``Salted__`` and the salt, then the ciphertext).
CIPHERTEXT: Final = (
    r"ENC\[[A-Za-z0-9_,:]|ENC\([A-Za-z0-9+/=]{16,}\)|EJ\[[0-9]:|\$ANSIBLE_VAULT;|\{cipher\}"
    r"|(?:wcBMA|wcFMA|wV4D|hQEMA|hQIMA|hF4D)[A-Za-z0-9+/]{80,}={0,2}$|U2FsdGVkX1[A-Za-z0-9+/]{20,}={0,2}$"
    # a Windows DPAPI blob (its version and provider's GUID, in hex or base64), bound to the machine or
    # the user that made it: `ConvertFrom-SecureString`'s output, a protected Wi-Fi profile's
    # `<keyMaterial>`, an `.rdp` file's `password 51:b:`
    r"|(?:51:b:)?(?i:01000000d08c9ddf0115d1118c7a00c04fc297eb)[0-9A-Fa-f]{16,}$"
    r"|AQAAANCMnd8BFdERjHoAwE/Cl\+s[A-Za-z0-9+/]{16,}={0,2}$"
    # a Fernet token (Airflow's encrypted connections and variables, `cryptography`'s Fernet: version
    # 0x80 and a timestamp, then the ciphertext and its HMAC, in base64url), AWS KMS's ciphertext blob
    # (`aws kms encrypt`, a `CiphertextBlob`: version, then the wrapped key's header, `AQICAHh…`)
    r"|gAAAAA[A-Za-z0-9_\-]{80,}={0,2}$|AQ[EI][BC]AH[A-Za-z0-9+/]{100,}={0,2}$"
    # dotenvx's encrypted values (`encrypted:` and the ECIES ciphertext in base64, opened by the
    # private key kept apart in `.env.keys`; `B`: the ephemeral public key, uncompressed, opens it)
    r"|encrypted:B[A-Za-z0-9+/]{40,}={0,2}$"
)
#: The first letters of a word that names an anti-forgery token (``csrfToken``, Django's
#: ``csrfmiddlewaretoken``, Angular's ``XSRF-TOKEN``, Rails' ``authenticity_token``): a page renders it
#: for its own forms and it grants nothing without the session cookie, so a name ending in ``token``
#: after one holds no secret (``CSRF_SECRET``, Flask's ``WTF_CSRF_SECRET_KEY`` still go).
ANTI_FORGERY_WORDS: Final = ("csrf", "xsrf", "authenticity")
#: Password managers, named where a secret is kept (`stored in 1Password "Stripe prod webhook"`): the
#: name of an item after one is no password.
PASSWORD_MANAGERS: Final = words("1password lastpass keepass keepassxc keepassx bitwarden passbolt")
#: Names ending in these two words name a key of a secret store, not a secret (``userPasswordKey``).
EXCLUDED_PAIRS: Final = frozenset({("password", "key"), ("token", "key"), ("secret", "keys")})

# ------------------------------------------------------------------------------------------------
# Secret words in other languages: a name, a label or a sentence holding one of them is read as if it
# held the English word (`Passwort`, `mot_de_passe`, `contraseña`, `DB_비밀번호`, `jeton_api`). The
# engine searches each in its lower-case, capitalised and upper-case UTF-8 forms, JSON-escaped
# (`contrase\u00f1a`) too, and words of two with a blank, `_`, `-` or nothing between them.

#: Words that say "password", "token", "secret" or "credentials" even glued to other words (German
#: compounds such as `Datenbankpasswort`, CJK labels such as `初期パスワード`), by the English word.
FOREIGN_SECRET_WORDS: Final = {
    "password": words(
        # German, Dutch, Scandinavian, Finnish, Spanish, Portuguese, Turkish, Polish, Czech, Hungarian,
        # Romanian, Indonesian and Malay, Vietnamese, French
        "passwort kennwort wachtwoord lösenord losenord passord adgangskode salasana contraseña "
        "contrasena senha şifre sifre hasł haslo hasla hesl jelszó jelszo parolă "
        "kata_sandi kata_laluan mật_khẩu mat_khau mot_de_passe "
        # (Italian `parola_chiave`, as a name; the Korean and Japanese words in Latin letters)
        "parola_chiave bimilbeonho pasuwado pasuwaado "
        # (Turkish `parola` with a suffix: "your password", "the password")
        "parolanız parolanızı parolayı parolası "
        # Russian, Bulgarian and Ukrainian, Greek, Hebrew, Arabic, Persian, Hindi, Thai
        "пароль парол κωδικός_πρόσβασης συνθηματικό סיסמה סיסמא كلمة_المرور كلمة_السر رمز_عبور "
        "पासवर्ड รหัสผ่าน "
        # Chinese (simplified, traditional), Japanese, Korean
        "密码 密碼 口令 パスワード 暗証番号 비밀번호 패스워드 "
        # Russian's UTF-8 read as Windows-1252 (mojibake: `ÐŸÐ°Ñ€Ð¾Ð»ÑŒ` for `Пароль`), the end of the word
        # in lower case (its upper-case form is the mojibake as it shows, whatever the word's first letter)
        "ð°ñ€ð¾ð»ñœ"
    ),
    "token": words("jeton токен トークン 토큰 令牌 belirteç"),
    "secret": words("secreto segredo segreto geheimnis секрет シークレット 시크릿 秘密 机密"),
    "credentials": words("credenciales credenciais credenziali zugangsdaten 凭据 凭证 資格情報"),
    "key": words(
        "schlüssel schluessel sleutel klucz klíč kulcs nyckel nøkkel nøgle avain cheie anahtar ключ "
        # Greek, Hebrew, Arabic, Persian, Hindi, Thai
        "κλειδί מפתח مفتاح کلید कुंजी กุญแจ "
        "キー 密钥 秘钥 金鑰 密鑰 비밀키 "
        # (`ключ` read as Windows-1252: the end of the word, as for `пароль` above)
        "ð»ñžñ‡"
    ),
}
#: Words that say so only as a whole word of a name (`clave_api`, `chave`, `parola`, `mima`), by the English
#: word; the key words are anchors only where a qualifier may follow them (`clé_api`).
FOREIGN_WHOLE_WORDS: Final = {
    # (and Chinese words in pinyin, as names in code: `mima` 密码, `kouling` 口令, `miyao` 密钥)
    "password": words("clave parola mima kouling"),
    "key": words("chave chiave clé cle kunci khóa khoa 鍵 키 miyao"),
    # Polish, Indonesian and Malay, Norwegian, Danish, Swedish, Finnish, Hungarian, Czech (whole words:
    # `Sekretariat` is an office; no anchors, passes._foreign_anchors(): they make a value a label)
    "secret": words("sekret rahasia hemmelighet hemmelighed hemlighet salaisuus titok tajemství"),
}
#: A key's qualifier, which Romance languages put after it (`clave_de_acceso`, `chave_privada`,
#: `clé_api`): read before it, as in English (`access_key`).
FOREIGN_KEY_QUALIFIERS: Final = {
    "access": words(
        "acceso acesso accès acces accesso zugang zugangs zugriff toegang dostępu dostepu доступа "
        "erişim erisim"
    ),
    "private": words(
        "privada privado privée privee privé prive privata privato privater privat prywatny "
        "закрытый приватный"
    ),
    "secret": words("secreta secrète secrete segreta geheimer geheime gizli bí_mật bi_mat"),
    "api": words("api"),
}

# ------------------------------------------------------------------------------------------------
# Values that stand in for a secret: placeholders, references, masks.

PLACEHOLDER_WORDS: Final = words(
    "... <api_key> <key> <password> <secret> <token> and any api-key api_key apikey argument ask bar "
    "basic baz bearer bool bytes censored change_me changeit changeme default dummy empty env environ "
    "example fake false flag foo foobar from hidden int key keys masked my_key my_password my_secret "
    "my_token mykey mypassword mysecret mytoken n/a na nil no none null object off omitted on option "
    "optional parameter pass passwd password placeholder private prompt public redacted removed "
    "required sample secret secret_key secretkey secrets secretstr stdin str string tbd test testing "
    "tests the todo token tokens true undefined value values with xxx xxxx xxxxx yes your "
    "protected sensitive set unset notset not_set encrypted number boolean unknown never void float double "
    "integer long char date array list dict map record buffer bigint symbol optional[str] str|none "
    "read write read-all write-all "
    # the name of an authentication mechanism, what `auth:`, `auth_method=` or `--auth` take
    "oauth oauth2 xoauth xoauth2 oauthbearer ntlm ntlmv2 negotiate kerberos kerberos5 krb5 gssapi "
    "spnego sspi scram-sha-1 scram-sha-256 scram-sha-512 cram-md5 digest-md5 plain login anonymous "
    "external digest hmac sigv4 aws-sigv4 aws_iam mtls x509 saml saml2 oidc openid ldap radius pam "
    "peer ident trust md5 jwt cert certificate sha1 sha256 sha512 "
    # IKE's and strongSwan's authentication methods (`auth = eap-tls`, `authby=secret`, `leftauth=pubkey`)
    "psk pubkey rsasig ecdsasig eap eap-tls eap-ttls eap-peap eap-mschapv2 eap-md5 eap-gtc eap-radius "
    "eap-dynamic eap-sim eap-aka eap-tnc xauth xauth-generic xauth-pam xauth-eap xauth-radius "
    # when a tool sets a password it is given (Ansible's `update_password: on_create`), not one
    "always on_create on_update on_change "
    # a keyword saying where the secrets come from or that they are made later, not one itself
    # (`secrets: inherit` of GitHub Actions' reusable workflows, `password: auto`, `key: generate`)
    "inherit inherited auto autogenerate generate generated "
    # what a tool prints where a credential is absent or refused (`X-CSRF-Token: missing`), a test's
    # refused one (`password="wrong"`), kubectl's mask (`client-key-data: DATA+OMITTED`)
    "missing absent invalid expired revoked wrong incorrect data+omitted "
    # what fetch's `credentials` option takes (`"credentials": "include"`): whether cookies are sent
    "include omit same-origin "
    # the verdicts of mail authentication checks (`X-Auth-Result: PASS`, `spf: softfail`)
    "fail failed softfail hardfail neutral temperror permerror bestguesspass "
    # the documented default passwords of local development images and brokers, which they publish
    # (`POSTGRES_PASSWORD: postgres`, `MYSQL_ROOT_PASSWORD: root`, MinIO's `minioadmin`, RabbitMQ's
    # `guest`)
    "postgres root minioadmin guest"
)
#: The results of mail authentication checks as a header prints them (`X-Spam-Auth: dkim=pass;
#: spf=softfail`, `auth=pass smtp.auth=…`): each method's verdict, no credential.
AUTHENTICATION_RESULTS: Final = (
    r"(?:[a-z][a-z0-9.\-]{0,20}=(?:pass|fail|softfail|hardfail|neutral|none|temperror|permerror|policy"
    r"|bestguesspass)(?:[ \t]*\([^()\n]{0,200}\))?(?:[ \t]*[;,][ \t]*|[ \t]+|$))+"
)
PLACEHOLDER_PARTS: Final = (
    "your_",
    "your-",
    "yourapi",
    "yoursecret",
    "yourtoken",
    "yourpass",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "replace_me",
    "replace-me",
    # a value saying it is to be replaced (`…_replace_in_production`, `please-change-this`)
    "replace_",
    "replace-",
    "change-this",
    "change_this",
    "changethis",
    # (Strapi's `.env.example`: `APP_KEYS=toBeModified1,toBeModified2`)
    "tobemodified",
    "to_be_modified",
    "to-be-modified",
    "replaceme",
    "****",
    "••",
    "\\u2022\\u2022",
    "dummy",
    "redacted",
    "<your",
    "insert_",
    "insert-",
    "goes_here",
    "goes-here",
    "not_a_real",
    "not-a-real",
    "notreal",
    "fake_",
    "fake-",
    "sample_",
    "...",
    "…",
    "\\u2026",  # the ellipsis JSON-escaped (`'sk_live_\u2026'` in an agent log)
    # prose standing in for a value (WordPress's `put your unique phrase here`, `enter your key`)
    "your ",
    # a setting that asks the framework to generate the key (ASP.NET's `AutoGenerate,IsolateApps`)
    "autogenerate",
    "auto-generate",
    "auto_generate",
    "_here",
    "-here",
)
#: The words of other languages that make a value of words a placeholder as `your_`, `_here` and
#: `insert_` do in English (`tu-clave-aquí`, `sua_senha_aqui`, `inserisci-qui-la-tua-chiave`,
#: `isi_dengan_server_key_anda`, `<ваш-ключ>`): "your", "here", "insert", "replace", "enter". In
#: Chinese, Japanese and Korean, where no separator sets words apart, "your" is found anywhere
#: (`您的key`, `あなたのパスワード`).
FOREIGN_PLACEHOLDER_WORDS: Final = words(
    # your
    "tu tus su sus tuo tua tuoi tue votre vos ton dein deine deinen ihr ihre ihren uw jouw "
    "twój twoj twoja twoje ваш ваша ваше ваши твой твоя seu sua seus suas anda kamu sizin senin "
    "váš vaše ваш ваш "
    # here
    "aquí aqui ici hier qui здесь тут sini burada هنا اینجا כאן "
    # insert, replace, enter, fill in
    "inserisci inserire introduce introducir ingresa ingrese coloque insira remplacer remplacez "
    "ersetzen ersetze vervang ganti isi вставьте замените введите"
)
FOREIGN_PLACEHOLDER_PARTS: Final = words("您的 你的 あなたの 귀하의 당신의 这里 這裡 ここに 여기")
#: References to a secret kept in a secret manager, used as a value in its place: the schemes of
#: their URIs (``op://vault/item/field`` of 1Password, ``sm://…`` of Berglas, ``vault://…``; any
#: ``ref+SCHEME://…`` of vals and helmfile; the key that encrypts Pulumi's secrets,
#: ``secretsprovider: awskms://alias/…``) and the prefixes that start one
#: (``vault:secret/data/app#password`` of Bank-Vaults, ``secretref:db-password`` of Azure
#: Container Apps; a Keybase user's public key, ``pgp_key = "keybase:ops"`` in Terraform). Cloud
#: resource ids (``arn:aws:…``,
#: ``projects/…/secrets/…``), ``@Microsoft.KeyVault(…)``, ``{{resolve:…}}`` and ``${ssm:…}`` are
#: references by their shape.
SECRET_REFERENCE_SCHEMES: Final = words(
    "op onepassword vault sm berglas awssecrets awsssm awssm ssm secretsmanager gcpsecrets gcpsm gsm "
    "azurekeyvault azkv akv keyvault sops doppler infisical bitwarden bws akeyless conjur keeper "
    "lastpass gopass secrets secret awskms gcpkms hashivault"
)
SECRET_REFERENCE_PREFIXES: Final = (
    "vault:",
    "secretref:",
    "keyvaultref:",
    "akeyless:",
    "keybase:",
    # Apple's altool and notarytool: a password kept in the keychain or the environment
    "@keychain:",
    "@env:",
    # Kerberos: where a keytab or a credential cache is kept, by its type (`FILE:/etc/krb5.keytab`,
    # `client_keytab: FILE:/var/lib/…`, `KEYRING:persistent:%{uid}`)
    "FILE:",
    "WRFILE:",
    "MEMORY:",
    "KEYRING:",
    "DIR:",
)
#: Commands that fetch a secret from where it is kept, given as the value in its place (msmtp's
#: ``passwordeval "pass show mail/work"``, mutt's ``imap_pass = "`pass show …`"``, git's and
#: aerc's ``…-cmd`` settings): each a regular expression for the command and its first argument.
SECRET_COMMANDS: Final = (
    r"pass[ \t]+(?:show|otp|ls)\b",
    r"gopass[ \t]+(?:show|cat|otp)\b",
    r"op[ \t]+(?:read|item[ \t]+get|run)\b",
    r"security[ \t]+find-(?:generic|internet)-password\b",
    r"secret-tool[ \t]+lookup\b",
    r"(?:bw|rbw)[ \t]+get\b",
    r"lpass[ \t]+show\b",
    r"keepassxc-cli[ \t]+(?:show|clip)\b",
    r"gpg2?[ \t]+(?:-[a-z]*d|--decrypt|-q|--quiet|--batch|--no-tty)\b",
    r"(?:cat|head[ \t]+-n[ \t]*1)[ \t]+[~/$.]",
    r"vault[ \t]+(?:kv[ \t]+get|read)\b",
    r"aws[ \t]+(?:secretsmanager|ssm)[ \t]+get-",
    r"gcloud[ \t]+secrets[ \t]+versions[ \t]+access\b",
    r"az[ \t]+keyvault[ \t]+secret[ \t]+show\b",
    r"doppler[ \t]+secrets[ \t]+get\b",
    r"sops[ \t]+(?:-d|--decrypt)\b",
    r"systemd-creds[ \t]+cat\b",
)
#: Cookies that identify no session: analytics ids (Google Analytics, Google Ads, Meta, Microsoft
#: Clarity and Ads, Hotjar, Segment, Amplitude, Matomo, Mixpanel, HubSpot, Heap, Optimizely, TikTok,
#: Pinterest, Reddit, Snap, LinkedIn) and preferences (consent, theme, language, locale, time zone,
#: currency), by name (lower-cased, whole). A name that also says ``sess``, ``sid``, ``token``,
#: ``auth`` … is judged as a credential all the same.
PUBLIC_COOKIES: Final = (
    r"(?:__secure-|__host-)?(?:_ga(?:_[a-z0-9]+)?|_gid|_gat(?:_[a-z0-9_\-]+)?|_gcl_[a-z]{2}|_fbp|_fbc|__utm[a-z]"
    r"|_uetvid|_clck|_clsk|_hjid|_hjfirstseen|ajs_anonymous_id|ajs_user_id|amp_[a-z0-9]+|_pk_id\.[a-z0-9.]+"
    r"|mp_[a-z0-9]+_mixpanel|__hstc|hubspotutk|__hssrc|_hp2_id\.[0-9]+|optimizelyenduserid"
    r"|_dc_gtm_[a-z0-9\-]+|_ttp|_tt_enable_cookie|_pin_unauth|_rdt_uuid|_scid|li_gc|tz|dark_?mode"
    r"|[a-z0-9_\-]*(?:consent|theme|lang|language|locale|timezone|currency|optanon)[a-z0-9_\-]*)"
)
#: The session cookies of web frameworks, by name (lower-cased, whole): a session's id is a bearer
#: credential, wherever it is printed with its name (``document.cookie``'s ``a=1; sessionid=…``, a
#: cookie jar's ``<Cookie sessionid=… for …/>``, a Netscape cookies.txt row, Sentry's
#: ``"cookies": {"sessionid": …}``, a dict, a Java URL's ``;jsessionid=…``): Django's ``sessionid``,
#: Java's ``JSESSIONID``, ASP.NET's ``ASP.NET_SessionId``, PHP's ``PHPSESSID``, Express's
#: ``connect.sid``; Laravel's ``laravel_session``, CodeIgniter's ``ci_session`` and Rails'
#: ``_APP_session`` as a dict's or a JSON object's key (``{"_gitlab_session": "…"}``; in cookie
#: headers, jars and HAR lists they go as any cookie does: ``_session`` alone is too frequent in
#: code to be an anchor, so its anchors end in the key's closing quote). The anchors the engine
#: searches for, and the whole name read around them.
SESSION_COOKIE_ANCHORS: Final = ("sessionid", "sessid", "connect.sid", '_session"', "_session'", "_session\\")
SESSION_COOKIES: Final = r"[a-z0-9_.\-]*(?:sessionid|sessid|_session)|connect\.sid"
#: The columns of listings that print the names of secrets, not their values (``fly secrets list``:
#: ``NAME  DIGEST  CREATED AT``; ``kubectl get secrets``: ``NAME  TYPE  DATA  AGE``; ``gh secret list``,
#: ``docker secret ls``): a value under one of these headers is not the secret. A ``VALUE`` or a
#: ``DATA`` column (``vault kv get``, ``doppler secrets``, kubectl's custom columns) still is.
LISTING_COLUMNS: Final = frozenset(
    [
        "digest", "created", "created at", "updated", "updated at", "age", "type", "version",
        "versions", "status", "last updated", "last modified", "last used", "last accessed",
        "last changed", "environment", "environments", "visibility", "scope", "id", "kind", "stage",
        "stages", "date", "modified", "expires", "expiry",
    ]
)  # fmt: skip
#: Accounts that administrators log in as (a server's, a BMC's, a UPS's, a network device's,
#: a database's): in a row of logins aligned with blanks with no header (a transcribed sticky note,
#: a hand-over list: `iDRAC r740-01  root  …`), the word after one, last on its line, is its password.
ADMIN_ACCOUNTS: Final = words("root admin administrator sa pi ubnt apc cisco postgres oracle")
#: PostgreSQL's SCRAM verifier of a password (`SCRAM-SHA-256$4096:salt$stored-key:server-key`), as
#: `pg_dumpall --roles-only` prints it: one-way. Its base64 can hold a keyword and a separator
#: (`…knpwSl+==$…`), which is no name.
SCRAM_VERIFIER: Final = (
    r"SCRAM-SHA-(?:1|256)\$[0-9]{1,7}:[A-Za-z0-9+/=]{8,}\$[A-Za-z0-9+/=]{8,}:[A-Za-z0-9+/=]{8,}"
)
#: Keys made to be published, by their format, left alone whatever they are called: Stripe's (and
#: Clerk's, Paystack's) publishable ``pk_live_…``/``pk_test_…``, Mapbox's public tokens ``pk.eyJ…``
#: (its secret ones are ``sk.eyJ…``), PostHog's project keys ``phc_…``: their providers document them
#: as safe in a web page's code; also Razorpay's key ids ``rzp_live_``/``rzp_test_`` + 14, which
#: its checkout hands to the browser (the key secret beside it has no prefix); Datadog's browser
#: client tokens ``pub`` + 32 hex digits and Braintree's tokenization keys
#: ``sandbox_…_…``/``production_…_…`` and Statsig's client SDK keys
#: ``client-…`` (its server secrets are ``secret-…``), made for client-side code. Only
#: a publishable key's own format counts, never its name. Also Sentry's
#: ``X-Sentry-Auth: Sentry sentry_key=…, sentry_version=7`` (the DSN's public key; a legacy
#: ``sentry_secret=`` in it makes the whole value a secret again); public keys in DER, base64; and
#: one-way hashes and verifiers of passwords, which cannot be turned back into them.
PUBLIC_KEYS: Final = (
    r"rzp_(?:live|test)_[A-Za-z0-9]{14}|pk_(?:live|test)_[A-Za-z0-9]{16,}|phc_[A-Za-z0-9]{32,}"
    # (Mapbox's public token: `pk.` and its payload, in base64url, also as base64's `+` and `/` where
    # a tool re-encoded it; only `sk.` tokens are secret)
    r"|pk\.eyJ[A-Za-z0-9_\-+/]{10,}\.[A-Za-z0-9_\-+/]{10,}"
    r"|pub[0-9a-f]{32}|NRJS-[0-9a-f]{19}|(?:sandbox|production)_[a-z0-9]{8}_[a-z0-9]{16}"
    r"|sb_publishable_[A-Za-z0-9_\-]{20,64}|client-[A-Za-z0-9]{32,64}"
    r"|Sentry[ \t]+sentry_(?!secret)[a-z_]+=[^\s,]*(?:,[ \t]*sentry_(?!secret)[a-z_]+=[^\s,]*)*,?"
    # a public key in DER, base64 (a Chrome extension's `"key"`, a JWT verifier's setting): an
    # X.509 SubjectPublicKeyInfo of RSA (`…AQEFAAOC…`, a BIT STRING), P-256, P-384, Ed25519 or
    # X25519; a PKCS#8 private key (`…AQEFAASC…`, an OCTET STRING) or a PKCS#1 one is no such thing
    r"|MII[A-Za-z0-9+/]{3}ANBgkqhkiG9w0BAQEFAAOC[A-Za-z0-9+/=]{100,}|MIGfMA0GCSqGSIb3DQEBAQUAA4GN[A-Za-z0-9+/=]{100,}"
    r"|MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE[A-Za-z0-9+/=]{80,}|MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE[A-Za-z0-9+/=]{100,}"
    r"|MCowBQYDK2V[wu]AyEA[A-Za-z0-9+/]{43}="
    # a content digest (an image's `sha256:…`, also pinned in a reference `ghcr.io/org/app@sha256:…`):
    # the hash of a public artifact
    r"|(?:[A-Za-z0-9._\-/:]+@)?sha(?:256|384|512):[0-9a-f]{64}(?:[0-9a-f]{32}){0,2}"
    # an Ethereum (EVM) address: 20 bytes in hex after `0x` (a contract, an account), public by
    # design; a private key (32 bytes, 64 hex digits) still goes where a key is meant
    r"|0x[0-9a-fA-F]{40}"
    # a one-way password hash of crypt(3) (MD5 `$1$`, SHA-256 `$5$`, SHA-512 `$6$`, yescrypt `$y$`,
    # bcrypt `$2b$` …: Juniper's `encrypted-password "$6$…"`, /etc/shadow): it cannot be turned back
    # into the password (Juniper's reversible `$9$` and Cisco's type 7 can, and still go)
    r"|\$(?:1|2[abxy]?|5|6|7|y|gy|sha1|md5|apr1)\$[./A-Za-z0-9$=,_\-]{8,}"
    # Apache's htpasswd (`$apr1$…` above, `{SHA}` + base64) and LDAP's `{SSHA}…`; the hashers of
    # Django's `auth_user.password` (`pbkdf2_sha256$720000$salt$hash`, `argon2$argon2id$…`)
    r"|\{(?:SHA|SSHA|SHA256|SSHA256|SHA512|SSHA512|SMD5|CRYPT)\}[./A-Za-z0-9+=$]{8,}"
    r"|(?:pbkdf2_sha(?:1|256)|argon2|bcrypt(?:_sha256)?|scrypt)\$[./A-Za-z0-9+=$,_\-]{16,}"
    # the verifiers a database keeps instead of a password (PostgreSQL's `SCRAM-SHA-256$4096:…$…:…`
    # and `md5` + 32 hex digits, MySQL's `*` + 40 hex digits, as `pg_dumpall --roles-only` and
    # `SHOW CREATE USER` print them): one-way too
    r"|" + SCRAM_VERIFIER + r"|md5[0-9a-f]{32}|\*[0-9A-F]{40}"
    # the LM and NT hashes of the empty password (`aad3b435…`, `31d6cfe0…` in every SAM dump's
    # disabled accounts), and the Azure Storage emulator's account key (Azurite's and the old
    # emulator's `devstoreaccount1`), which Microsoft documents, the same for everyone
    r"|aad3b435b51404ee" + "aad3b435b51404ee|31d6cfe0d16ae931" + "b73c59d7e0c089c0"
    r"|Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/" + "K1SZFPTOtr/KBHBeksoGMGw=="
    # RevenueCat's public SDK keys (`appl_…`, `goog_…`, `amzn_…`), made to be built into an app
    r"|(?:appl|goog|amzn)_[A-Za-z0-9]{20,40}"
    # a Salesforce connected app's consumer key (`3MVG9…`): its OAuth client id, no secret (the
    # consumer secret is)
    r"|3MVG9[A-Za-z0-9._\-]{60,}"
    # Tailscale's public keys, typed by their prefix (`tailscale status --json`, the API's devices:
    # a machine's `mkey:`, a node's `nodekey:`, `discokey:`, a tailnet lock's `nlpub:`); its private
    # ones are `privkey:` and `nlpriv:`
    r"|(?:mkey|nodekey|discokey|nlpub):[0-9a-f]{64}"
)
#: Google API keys (``AIza…``) that Firebase puts in an app's web or mobile config, which its
#: documentation says are public (they identify the project; rules and App Check guard the data):
#: one named for Firebase (``NEXT_PUBLIC_FIREBASE_API_KEY=``, ``firebaseApiKey:``), or the ``apiKey``
#: (``api_key``, ``API_KEY``, ``current_key``) of a config holding Firebase's other members
#: (``authDomain``, ``messagingSenderId``, google-services.json's ``mobilesdk_app_id``, the
#: plist's ``GCM_SENDER_ID`` …) within ``FIREBASE_CONFIG_REACH`` bytes. Every other ``AIza`` key
#: (Gemini's, Maps' server keys, ``GOOGLE_API_KEY=``) still goes.
FIREBASE_KEY_NAME: Final = (
    r"(?i:(?P<firebase>firebase[A-Za-z0-9_.\-]{0,30}?api_?key)"
    r"|(?:(?<![A-Za-z0-9_])|(?<=\\[nt]))(?:api_?key|current_key))"  # (also after an escaped line break)
    r"""(?:\\{0,3}["'])?[ \t]*(?:[:=]|=>)[ \t]*(?:\\{0,3}["'])?\Z"""
    r"|<key>API_KEY</key>(?:\s|\\{1,3}[nt])*<string>\Z"
)
FIREBASE_CONFIG_MEMBERS: Final = (
    r"(?i)auth_?domain|messaging_?sender_?id|mobilesdk_app_id|gcm_sender_id|google_app_id"
    r"|firebaseapp\.com|firebaseio\.com|firebasestorage\.|initializeApp\(|firebase_?config"
)
FIREBASE_CONFIG_REACH: Final = 800
#: Sample credentials that providers print in their documentation for everyone to copy, exactly (never
#: their format: a key of the same shape is a secret). Written in parts, as the test suite writes
#: secrets, so that no scanner takes this file for a leak. AWS's documented pair holds ``EXAMPLE``
#: and is a placeholder already.
DOCUMENTED_EXAMPLES: Final = frozenset(
    [
        # jwt.io's HS256 example (secret `your-256-bit-secret`), in countless tutorials and tests
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        # Stripe's API reference: the sample test key of every request, now and before
        "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "sk_" + "test_" + "BQokikJOvBiI2HlWgH4olfQ2",
        # Mailgun's API documentation (`curl --user 'api:…'`)
        "key-" + "3ax6xnjp29jd6fds4gc373sgvjxteol0",
        # reCAPTCHA's test secret key (every check passes), from Google's reCAPTCHA FAQ
        "6LeIxAcTAAAAAGG" + "-vFI1TnRWxMZNFuojJ4WifJWe",
        # Cloudflare Turnstile's dummy secret keys (always passes, always fails, token spent)
        *(f"{n}x" + "0" * 31 + "AA" for n in (1, 2, 3)),
        # the token of `vault login -h`'s example, and the gossip key of Consul's documentation
        "96ddf4bc-d217-f3ba-" + "f9bd-017055595017",
        "pUqJrVyVRj5jsiYEkM/" + "tFQYfWyJIv4s3XkvDwy7Cu5s=",
        # the TOTP seed of Google Authenticator's Key Uri Format page, which authenticator apps' and
        # libraries' documentation copy (`otpauth://totp/Example:alice@google.com?secret=…`)
        "JBSWY3DP" + "EHPK3PXP",
        # FreeRADIUS's shared secret for `localhost` in the `clients.conf` it ships, and radtest's
        "testing" + "123",
    ]
)
#: Values that show a secret was there without showing it: masks, sizes and notes from tools
#: (``kubectl describe secret``: ``24 bytes``; ``terraform plan``: ``(sensitive value)``).
MASKED: Final = (
    # (also after the kind of credential it masks: `AK:***tLWs` in `aliyun configure list`)
    r"(?:[A-Za-z]{1,4}:)?\*{2,}[A-Za-z0-9]{0,4}|•{3,}|(?:\\{1,7}u2022){3,}|\[?[0-9]+ bytes\]?"
    # a word saying so in brackets, parentheses, angle brackets, braces or stars (`[FILTERED]`,
    # `(sensitive value)`, `<hidden>`, `*** hidden ***`, wget's `*password*`)
    r"|(?:\(|\[|<|\{|\*+[ \t]*)(?:sensitive(?: value| data)?|protected|redacted|hidden|masked|encrypted"
    r"|not shown|set|unset|not set|secret|password|filtered|removed|omitted|censored|scrubbed|withheld"
    r"|obfuscated|sanitized|sanitised|value hidden"
    # a word saying there is no value (`wg show`'s `preshared key: (none)`, `<null>`, `(empty)`)
    r"|none|null|nil|empty|blank|not configured|not available|n/a|disabled|off)(?:\)|\]|>|\}|[ \t]*\*+)"
    # Windows Setup's mask of the passwords of an answer file it has used (`<Value>*SENSITIVE*DATA*DELETED*`)
    r"|\*SENSITIVE\*DATA\*DELETED\*"
)

#: Webhook URLs whose path is the credential: (a literal that must occur in the URL, the pattern
#: matched from its "://", with the credential in the group "value", the kind).
WEBHOOKS: Final = (
    # an Azure Functions key in its URL's query (`?code=…`, as `func … --show-keys` and the portal's
    # "Get function URL" give it; also the system key of `/runtime/webhooks/EventGrid?…&code=…`)
    (
        "azurewebsites.net",
        r"://[A-Za-z0-9.\-]+\.azurewebsites\.net(?::[0-9]+)?/[^\s\"'<>\\`?#]*\?(?:[^\s\"'<>\\`#]*?&)?"
        r"code=(?P<value>[A-Za-z0-9_\-]{20,}(?:={1,2}|%3[dD](?:%3[dD])?)?)(?![A-Za-z0-9_\-])",
        "azure_function_key",
    ),
    (
        "hooks.slack.com/",
        r"://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<value>[A-Za-z0-9+/_\-]{16,})",
        "slack_webhook",
    ),
    (
        "discord",
        r"://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/(?P<value>[A-Za-z0-9_\-]{30,})",
        "discord_webhook",
    ),
    (
        "office.com/webhook",
        # the whole path after `webhookb2/`: the group and tenant before `IncomingWebhook` are part of it
        r"://[A-Za-z0-9.\-]*office\.com/webhook(?:b2)?/(?P<value>[^\s/]+/IncomingWebhook/[0-9A-Za-z]{32}/[^\s/\"'<>\\`?#]+(?:/[^\s/\"'<>\\`?#]+)*)",
        "teams_webhook",
    ),
    (
        # Make's (formerly Integromat's) scenario webhooks: `https://hook.eu1.make.com/<token>`
        "make.com/",
        r"://hook\.(?:[a-z0-9]+\.)?make\.com/(?P<value>[A-Za-z0-9]{20,64})(?![A-Za-z0-9])",
        "make_webhook",
    ),
    (
        "integromat.com/",
        r"://hook\.(?:[a-z0-9]+\.)?integromat\.com/(?P<value>[A-Za-z0-9]{20,64})(?![A-Za-z0-9])",
        "make_webhook",
    ),
    (
        "hooks.zapier.com/hooks/",
        r"://hooks\.zapier\.com/hooks/(?:catch|standard)/[0-9]+/(?P<value>[A-Za-z0-9]{5,})",
        "zapier_webhook",
    ),
    (
        # Mattermost (and Rocket.Chat): the hook's id is the credential, on the server's own host.
        "/hooks/",
        r"://[A-Za-z0-9.\-]+(?::[0-9]+)?/(?:[A-Za-z0-9_.\-]+/)*?hooks/"
        r"(?P<value>[a-z0-9]{26}(?![A-Za-z0-9])|[A-Za-z0-9]{17,24}/[A-Za-z0-9]{40,64})",
        "chat_webhook",
    ),
    (
        # A token as a path segment: anaconda.org's channels (`https://conda.anaconda.org/t/TOKEN/acme`).
        "anaconda.",
        r"://(?:[A-Za-z0-9\-]+\.)*anaconda\.(?:org|com|cloud)(?::[0-9]+)?/t/"
        r"(?P<value>[A-Za-z0-9_\-]{20,128})(?=/|[\s\"'<>\\`]|$)",
        "url_token",
    ),
    (
        # A link that signs someone in or resets a password: the token is a segment of its path
        # (`https://app.example.org/password/reset/TOKEN`, `/reset-password/TOKEN`).
        "/reset",
        r"://[A-Za-z0-9.\-]+(?::[0-9]+)?/(?:[A-Za-z0-9_.\-]+/)*?[A-Za-z_\-]*reset[A-Za-z_\-]*/"
        r"(?:[A-Za-z0-9_\-]{1,40}/)?(?P<value>[A-Za-z0-9_\-]{20,256})(?=[/?#\s\"'<>\\`]|$)",
        "url_token",
    ),
    (
        # Home Assistant's webhook triggers (`/api/webhook/<id>`): whoever has the id fires the automation
        "/api/webhook/",
        r"://[A-Za-z0-9.\-]+(?::[0-9]+)?/api/webhook/(?P<value>[A-Za-z0-9_\-]{20,128})(?![A-Za-z0-9_\-])",
        "url_token",
    ),
    (
        # Feishu's and Lark's custom bot webhooks (`open.feishu.cn`, `open.larksuite.com`, a private
        # deployment's host): the hook's id in the path is the credential
        "/open-apis/bot/v2/hook/",
        r"://[A-Za-z0-9.\-]+(?::[0-9]+)?/open-apis/bot/v2/hook/(?P<value>[A-Za-z0-9\-]{20,64})(?![A-Za-z0-9\-])",
        "feishu_webhook",
    ),
    (
        "maker.ifttt.com/trigger/",
        r"://maker\.ifttt\.com/trigger/[^\s/\"'<>\\`?#]+/(?:json/)?with/key/(?P<value>[A-Za-z0-9_\-]{16,})",
        "ifttt_webhook",
    ),
    (
        "api.telegram.org/bot",
        r"://api\.telegram\.org/(?:file/)?bot(?P<value>[0-9]{5,16}:[A-Za-z0-9_\-]{30,})",
        "telegram_bot_token",
    ),
    # Blockchain RPC providers put the project's API key in the endpoint's path: Infura
    # (`mainnet.infura.io/v3/<id>`, also `wss://…/ws/v3/<id>`), Alchemy (`eth-mainnet.g.alchemy.com/v2/<key>`,
    # `…/nft/v3/<key>`), Ankr (`rpc.ankr.com/eth/<key>`), Chainstack (`nd-…p2pify.com/<key>`),
    # QuickNode (`<name>.quiknode.pro/<token>/`), GetBlock (`go.getblock.io/<token>`), Blast
    # (`….blastapi.io/<id>`); a public endpoint without one (`rpc.ankr.com/eth`) has none.
    (
        "infura.io/",
        r"://[A-Za-z0-9.\-]*infura\.io(?::[0-9]+)?/(?:ws/)?v3/(?P<value>[0-9a-fA-F]{32})(?![0-9A-Za-z])",
        "api_key",
    ),
    (
        "alchemy.com/",
        r"://[A-Za-z0-9.\-]*alchemy\.com(?::[0-9]+)?/(?:[a-z]+/)?v[0-9]/"
        r"(?P<value>[A-Za-z0-9_\-]{20,64})(?![A-Za-z0-9_\-])",
        "api_key",
    ),
    (
        "alchemyapi.io/",
        r"://[A-Za-z0-9.\-]*alchemyapi\.io(?::[0-9]+)?/(?:[a-z]+/)?v[0-9]/(?P<value>[A-Za-z0-9_\-]{20,64})(?![A-Za-z0-9_\-])",
        "api_key",
    ),
    (
        "rpc.ankr.com/",
        r"://rpc\.ankr\.com/[a-z0-9_]+/(?P<value>[0-9a-fA-F]{32,128})(?![0-9A-Za-z])",
        "api_key",
    ),
    (
        "p2pify.com/",
        r"://[A-Za-z0-9.\-]*p2pify\.com(?::[0-9]+)?/(?P<value>[0-9a-fA-F]{32})(?![0-9A-Za-z])",
        "api_key",
    ),
    (
        "quiknode.pro/",
        r"://[A-Za-z0-9.\-]*quiknode\.pro(?::[0-9]+)?/(?P<value>[0-9a-fA-F]{32,64})(?![0-9A-Za-z])",
        "api_key",
    ),
    (
        "getblock.io/",
        r"://[A-Za-z0-9.\-]*getblock\.io(?::[0-9]+)?/(?P<value>[0-9a-fA-F\-]{32,40})(?![0-9A-Za-z])",
        "api_key",
    ),
    (
        "blastapi.io/",
        r"://[A-Za-z0-9.\-]*blastapi\.io(?::[0-9]+)?/(?P<value>[0-9a-fA-F\-]{32,40})(?![0-9A-Za-z])",
        "api_key",
    ),
    # Heartbeat, ping and alert URLs whose path is the credential: Healthchecks.io (`hc-ping.com/<uuid>`,
    # or a project's ping key before a check's slug), Cronitor (`cronitor.link/p/<key>/<monitor>`),
    # Dead Man's Snitch (`nosnch.in/<token>`), Better Stack's heartbeats, PagerDuty's integration
    # URL, Grafana OnCall's integrations, Uptime Kuma's push monitors (`/api/push/<token>`, any host)
    (
        "hc-ping.com/",
        r"://hc-ping\.com/(?P<value>[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[A-Za-z0-9_\-]{22})"
        r"(?![A-Za-z0-9_\-])",
        "ping_url",
    ),
    ("cronitor.link/", r"://cronitor\.link/(?:p/)?(?P<value>[A-Za-z0-9]{16,64})(?![A-Za-z0-9])", "ping_url"),
    ("nosnch.in/", r"://nosnch\.in/(?P<value>[A-Za-z0-9]{10,64})(?![A-Za-z0-9])", "ping_url"),
    (
        "/heartbeat/",
        r"://[A-Za-z0-9.\-]*(?:betterstack|betteruptime)\.com/api/v[0-9]/heartbeat/"
        r"(?P<value>[A-Za-z0-9]{16,64})(?![A-Za-z0-9])",
        "ping_url",
    ),
    (
        # (also the EU service region's host, and the keys of Global Event Routing, `R0` and 30 more)
        "pagerduty.com/",
        r"://events\.(?:eu\.)?pagerduty\.com/(?:integration|x-ere)/(?P<value>[0-9A-Za-z]{32})(?![0-9A-Za-z])",
        "ping_url",
    ),
    # Splunk On-Call's (VictorOps) REST endpoint: the key before the routing key
    # (`alert.victorops.com/integrations/generic/20131114/alert/<key>/<routing key>`), and Squadcast's
    # incident webhook (`api.squadcast.com/v2/incidents/api/<token>`)
    (
        "victorops.com/",
        r"://alert\.victorops\.com/integrations/[a-z0-9_\-]+/[0-9]{8}/alert/"
        r"(?P<value>[0-9A-Za-z][0-9A-Za-z\-]{15,63})(?![0-9A-Za-z\-])",
        "ping_url",
    ),
    (
        "squadcast.com/",
        r"://api\.(?:eu\.)?squadcast\.com/v[0-9]/incidents/api/(?P<value>[0-9A-Za-z]{32,64})(?![0-9A-Za-z])",
        "ping_url",
    ),
    # Sumo Logic's hosted collectors: the source's token is the rest of the path after its kind
    # (`endpoint4.collection.us2.sumologic.com/receiver/v1/http/<token>`,
    # `…/receiver/v1/otlp/<token>/v1/traces`)
    (
        "sumologic.com/",
        r"://[A-Za-z0-9.\-]*sumologic\.com(?::[0-9]+)?/receiver/v1/(?:[a-z0-9_\-]+/)?"
        r"(?P<value>[A-Za-z0-9_\-]{40,}={0,2})(?![A-Za-z0-9_\-=])",
        "url_token",
    ),
    (
        "/oncall/integrations/",
        r"://[A-Za-z0-9.\-]+/oncall/integrations/v[0-9]/[a-z_]+/(?P<value>[A-Za-z0-9]{16,64})(?![A-Za-z0-9])",
        "ping_url",
    ),
    ("/api/push/", r"://[^\s/\"'<>\\`]+/api/push/(?P<value>[A-Za-z0-9]{8,64})(?![A-Za-z0-9])", "ping_url"),
    # A deploy hook: whoever has its URL builds and deploys the site (Vercel's
    # `/v1/integrations/deploy/prj_…/<id>`, Netlify's `/build_hooks/<id>`, Cloudflare Pages'
    # `/pages/webhooks/deploy_hooks/<id>`)
    (
        "/integrations/deploy/",
        r"://api\.vercel\.com/v1/integrations/deploy/[A-Za-z0-9_]+/(?P<value>[A-Za-z0-9]{8,64})(?![A-Za-z0-9])",
        "deploy_hook",
    ),
    (
        "/build_hooks/",
        r"://api\.netlify\.com/build_hooks/(?P<value>[0-9a-f]{20,40})(?![A-Za-z0-9])",
        "deploy_hook",
    ),
    (
        "/deploy_hooks/",
        r"://api\.cloudflare\.com/client/v4/accounts/[0-9a-f]+/pages/webhooks/deploy_hooks/"
        r"(?P<value>[0-9a-f\-]{32,36})(?![A-Za-z0-9])",
        "deploy_hook",
    ),
    # A Stripe customer portal's session link signs its customer in (`/p/login/…`, the portal's
    # own sign-in page, asks for an e-mail first)
    (
        "billing.stripe.com/p/session/",
        r"://billing\.stripe\.com/p/session/(?P<value>(?:live|test)_[A-Za-z0-9_\-]{20,})",
        "url_token",
    ),
    # SMS gateways that take their API key in the URL under a name of their own, or in its path:
    # SMS.ru's `api_id` (a UUID), SMSC's `psw` (the account's password), Unifonic's `AppSid`,
    # Kavenegar's `/v1/<key>/sms/send.json`
    (
        "sms.ru/",
        r"://(?:[A-Za-z0-9\-]+\.)?sms\.ru/[^\s\"'<>\\`?#]*\?(?:[^\s\"'<>\\`#]*?&)?"
        r"api_id=(?P<value>[A-Za-z0-9\-]{16,})(?![A-Za-z0-9\-])",
        "api_key",
    ),
    (
        "smsc.",
        r"://(?:[A-Za-z0-9\-]+\.)?smsc\.(?:ru|kz|ua|tj|uz)/[^\s\"'<>\\`?#]*\?(?:[^\s\"'<>\\`#]*?&)?"
        r"psw=(?P<value>[^\s&#\"'<>\\`]{4,})",
        "url_password",
    ),
    (
        "unifonic.com/",
        r"://(?:[A-Za-z0-9\-]+\.)*unifonic\.com/[^\s\"'<>\\`?#]*\?(?:[^\s\"'<>\\`#]*?&)?"
        r"(?i:appsid)=(?P<value>[A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-])",
        "api_key",
    ),
    (
        "kavenegar.com/",
        r"://api\.kavenegar\.com/v1/(?P<value>[A-Za-z0-9]{20,})/",
        "api_key",
    ),
)

#: The same webhooks' paths without their host, as a request line shows them (``curl -v``'s
#: ``> POST /services/…``, an access log's ``"POST /api/webhooks/… HTTP/1.1"``, a proxy's log): (the
#: path's literal, lower-cased, that anchors the search; the pattern matched there, with the credential
#: in the group "value"; the kind). Telegram's ``/bot<token>/`` goes by the token's format.
WEBHOOK_REQUEST_PATHS: Final = (
    (
        "/services/t",
        r"/services/(?P<value>T[A-Za-z0-9]{8,14}/B[A-Za-z0-9]{8,14}/[A-Za-z0-9]{20,})(?![A-Za-z0-9])",
        "slack_webhook",
    ),
    (
        "/workflows/t",
        r"/workflows/(?P<value>T[A-Za-z0-9]{8,14}/A[A-Za-z0-9]{8,14}/[0-9]{6,}/[A-Za-z0-9]{20,})(?![A-Za-z0-9])",
        "slack_webhook",
    ),
    (
        "/triggers/t",
        r"/triggers/(?P<value>T[A-Za-z0-9]{8,14}/[0-9]{6,}/[A-Za-z0-9]{20,})(?![A-Za-z0-9])",
        "slack_webhook",
    ),
    (
        "/webhooks/",
        r"/webhooks/[0-9]{17,20}/(?P<value>[A-Za-z0-9_\-]{60,})(?![A-Za-z0-9_\-])",
        "discord_webhook",
    ),
    ("/with/key/", r"/with/key/(?P<value>[A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-])", "ifttt_webhook"),
    (
        "/incomingwebhook/",
        r"/IncomingWebhook/(?P<value>[0-9A-Za-z]{32}/[0-9A-Za-z\-]{16,})(?![0-9A-Za-z\-])",
        "teams_webhook",
    ),
    (
        # Zapier's `/hooks/catch/ID/…`, Mattermost's `/hooks/` and 26 random characters
        "/hooks/",
        r"/hooks/(?:catch/[0-9]+/|(?=[a-z0-9]{26}(?![A-Za-z0-9])))(?P<value>[A-Za-z0-9]{5,})(?![A-Za-z0-9])",
        "chat_webhook",
    ),
)

#: How scripted terminal sessions type what a prompt asks for (Tcl expect's ``send "…\\r"`` and its
#: ``-d`` trace ``send: sending "…\\r" to { exp6 }``, pexpect's ``child.sendline('…')`` and
#: ``send(b'…')``): lower-cased literals that anchor the search (``send`` starts every form). The
#: string sent right after a password prompt is the password.
EXPECT_SENDS: Final = ("send",)
#: What a prompt that asks for a credential holds (``Password:``, ``Enter passphrase for key``), as
#: lower-cased bytes.
CREDENTIAL_PROMPTS: Final = ("assword", "passphrase", "passcode")
#: The same in other languages, as localised systems prompt (``Пароль:``, ``Passwort:``,
#: ``Contraseña:``, ``密码`` and a full-width colon): the part of the word that a capital does not
#: change (bytes are lower-cased as ASCII only); also JSON-escaped, looked for where the text around a
#: send is not ASCII.
FOREIGN_CREDENTIAL_PROMPTS: Final = (
    "ароль", "asswort", "kennwort", "wachtwoord", "ontraseña", "contrasena", "senha", "mot de passe",
    "hasło", "haslo", "heslo", "jelszó", "salasana", "lösenord", "passord", "adgangskode",
    "密码", "密碼", "口令", "パスワード", "비밀번호", "암호",
)  # fmt: skip

#: The hosts (and their subdomains) of the webhooks above, for the first look at a URL.
WEBHOOK_HOSTS: Final = (
    "azurewebsites.net",
    "hooks.slack.com",
    "discord.com",
    "discordapp.com",
    "office.com",
    "api.telegram.org",
    "maker.ifttt.com",
    "hooks.zapier.com",
    "make.com",
    "integromat.com",
    "anaconda.org",
    "anaconda.com",
    "anaconda.cloud",
    "infura.io",
    "alchemy.com",
    "alchemyapi.io",
    "rpc.ankr.com",
    "p2pify.com",
    "quiknode.pro",
    "getblock.io",
    "blastapi.io",
    "hc-ping.com",
    "cronitor.link",
    "nosnch.in",
    "betterstack.com",
    "betteruptime.com",
    "pagerduty.com",
    "alert.victorops.com",
    "squadcast.com",
    "sumologic.com",
    "api.vercel.com",
    "api.netlify.com",
    "api.cloudflare.com",
    "billing.stripe.com",
    "sms.ru",
    "smsc.ru",
    "smsc.kz",
    "smsc.ua",
    "unifonic.com",
    "api.kavenegar.com",
)
#: Path parts of the webhooks above that live on any host (Mattermost, Rocket.Chat, Uptime Kuma,
#: Grafana OnCall, Feishu and Lark), for the same look.
WEBHOOK_PATHS: Final = (
    "/hooks/",
    "/reset",
    "/api/webhook/",
    "/api/push/",
    "/oncall/integrations/",
    "/bot/v2/hook/",
)

# ------------------------------------------------------------------------------------------------
# Command-line clients that take a credential as an argument.


@dataclass(frozen=True, slots=True)
class ClientCommand:
    """A command whose arguments can hold a credential.

    *names* are the command words (also after a path such as ``/usr/bin/``); each pattern is a
    regular expression tried in the command's arguments (up to the end of the command, continuation
    lines included) that ends with ``{value}``, the credential (quoted, also JSON-escaped, or bare);
    ``{arg}`` stands for any one argument. Options are matched only after a blank or a quote.
    *subcommand*, if set, must be one of the first words after the command (``docker login``).
    """

    names: tuple[str, ...]
    patterns: tuple[str, ...]
    subcommand: tuple[str, ...] = ()
    kind: str = "password"


def option(*flags: str) -> str:
    """An option whose next argument (or ``=value``) is the credential: ``-p SECRET``, ``--pass=SECRET``,
    also the next element of an argv list (``["redis-cli", "-a", "SECRET", "ping"]`` of a healthcheck)."""
    return (
        "(?:"
        + "|".join(flag.replace("-", r"\-") for flag in flags)
        + r""")(?:=|[ \t]+|\\{0,3}["'][ \t]*,[ \t]*(?=\\{0,3}["'])){value}"""
    )


def glued(*flags: str) -> str:
    """An option with the credential glued to it: ``-pSECRET``."""
    return "(?:" + "|".join(flag.replace("-", r"\-") for flag in flags) + "){value}"


CLIENT_COMMANDS: Final = (
    ClientCommand(
        (
            "mysql",
            "mysqldump",
            "mysqladmin",
            "mysqlimport",
            "mysqlcheck",
            "mysqlsh",
            "mariadb",
            "mariadb-dump",
        ),
        (glued("-p"), option("--password")),
    ),
    ClientCommand(
        (
            "mongo",
            "mongosh",
            "mongodump",
            "mongorestore",
            "mongoexport",
            "mongoimport",
            "mongostat",
            "mongotop",
        ),
        (option("-p", "--password"),),
    ),
    ClientCommand(("redis-cli", "valkey-cli", "keydb-cli"), (option("-a", "--pass", "--password"),)),
    ClientCommand(
        ("docker", "podman", "nerdctl", "buildah", "skopeo", "oras", "crane", "regctl", "helm", "finch"),
        (option("-p", "--password"),),
        subcommand=("login", "registry", "repo"),
    ),
    ClientCommand(("sqlcmd", "bcp", "mssql-cli", "osql", "isql"), (option("-P"),)),
    # Supabase's CLI: the remote database's password (`supabase link --project-ref … -p '…'`, `db push`)
    ClientCommand(("supabase",), (option("-p", "--password"),), subcommand=("link", "db")),
    ClientCommand(("mosquitto_pub", "mosquitto_sub", "mosquitto_rr"), (option("-P", "--pw"),)),
    ClientCommand(
        ("ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldapwhoami", "ldappasswd", "ldapcompare"),
        (option("-w", "-s"),),
    ),
    ClientCommand(("sshpass",), (option("-p"), glued("-p"))),
    ClientCommand(("zip", "unzip", "zipcloak"), (option("-P", "--password"),)),
    ClientCommand(("7z", "7za", "7zr"), (glued("-p"),)),
    ClientCommand(
        ("az",),
        (
            option("--password", "--account-key", "--sas-token", "--client-secret"),
            r"login\b[^\n]*?[ \t]" + option("-p"),
        ),
    ),
    # (not `gh variable set`: an Actions variable is configuration, printed in the clear in logs)
    ClientCommand(("gh",), (option("-b", "--body"),), subcommand=("secret",)),
    ClientCommand(("gh",), (r"--with-token[ \t]*<<<[ \t]*{value}",), subcommand=("auth",), kind="token"),
    # (not its usage line's `[options]`, nor the `K=V` pairs of an auth method: `username=ops`)
    ClientCommand(
        ("vault",), (r"login[ \t]+(?:-[a-z\-]+=\S+[ \t]+)*(?![\-\[<]|[A-Za-z_]\w*=){value}",), kind="token"
    ),
    ClientCommand(("doctl",), (option("-t", "--access-token"),), kind="token"),
    # Pulumi's secret config values: `pulumi config set --secret NAME VALUE`
    ClientCommand(
        ("pulumi",),
        (r"config[ \t]+set[ \t]+(?:\S+[ \t]+){0,4}?--secret[ \t]+(?:--?[a-z\-]+[ \t]+)*{arg}[ \t]+{value}",),
        subcommand=("config",),
        kind="secret",
    ),
    ClientCommand(
        ("influx",),
        (option("-p", "--password"), option("-t", "--token")),
    ),
    ClientCommand(("rabbitmqctl",), (r"(?:add_user|change_password)[ \t]+{arg}[ \t]+{value}",)),
    ClientCommand(
        ("htpasswd",),
        (r"-[a-zA-Z]*b[a-zA-Z]*[ \t]+(?:-[a-zA-Z]+[ \t]+)*(?:{arg}[ \t]+)?{arg}[ \t]+{value}",),
    ),
    ClientCommand(("lftp",), (r"-u[ \t]+[\"']?[^,\s\"']+,{value}",)),
    # the monitoring plugins' HTTP checks (Nagios, Icinga, Naemon): `check_http -a user:password`,
    # `--authorization=`, `-b`/`--proxy-authorization` (check_curl's too)
    ClientCommand(
        ("check_http", "check_curl"),
        (
            r"(?:-a|-b|--authorization(?:=|[ \t]+)|--proxy-authorization(?:=|[ \t]+))[ \t]*[\"']?"
            r"[^:\s\"']+:{value}",
        ),
    ),
    ClientCommand(
        ("smbclient", "rpcclient", "smbmap", "net"),
        (r"(?:-U|--user(?:=|[ \t]+))[ \t]*[\"']?[^%\s\"']+%{value}", option("--password")),
    ),
    ClientCommand(
        ("openssl",),
        (r"-(?:passin|passout|pass|password|passwd)[ \t]+[\"']?pass:{value}", option("-k")),
    ),
    ClientCommand(
        ("keytool", "jarsigner"),
        (
            option(
                "-storepass",
                "-keypass",
                "-srcstorepass",
                "-deststorepass",
                "-srckeypass",
                "-destkeypass",
                "-new",
            ),
        ),
    ),
    ClientCommand(("sqlplus",), (r"[A-Za-z0-9_$#]+/{value}",)),
    ClientCommand(
        ("wget",), (option("--password", "--http-password", "--ftp-password", "--proxy-password"),)
    ),
    ClientCommand(("pscp", "plink", "putty", "psftp"), (option("-pw"),)),
    ClientCommand(("xfreerdp", "wfreerdp"), (r"/p:{value}",)),
    ClientCommand(("psexec", "psexec.py"), (option("-p"),)),
    ClientCommand(
        ("mc", "mcli"),
        (r"(?:alias[ \t]+set|config[ \t]+host[ \t]+add)[ \t]+{arg}[ \t]+{arg}[ \t]+{arg}[ \t]+{value}",),
    ),
    # object stores' CLIs of Chinese clouds, given the key pair as flags: Alibaba's `ossutil config -i ID
    # -k SECRET` (`--access-key-secret`), Huawei's `obsutil config -i=AK -k=SK` (`-t`: a security token),
    # Tencent's `coscmd config -a SECRET_ID -s SECRET_KEY`
    ClientCommand(
        ("ossutil", "ossutil64", "obsutil"), (option("-k", "--access-key-secret", "-t"),), kind="secret"
    ),
    ClientCommand(("coscmd",), (option("-s", "--secret_key"),), subcommand=("config",), kind="secret"),
    ClientCommand(("ssh-keygen",), (option("-N", "-P"),)),
    # Windows: `net use Z: \\server\share PASSWORD /user:…` (or after /user:), `net user NAME PASSWORD /add`.
    ClientCommand(
        ("net",),
        (
            r"/user:[^\s]+[ \t]+(?![/*])",
            r"use[ \t]+(?:[A-Za-z]:[ \t]+|\*[ \t]+)?\\{2,8}[^\s\\\"']+(?:\\{1,4}[^\s\\\"']+)+[ \t]+(?![/*])",
        ),
        subcommand=("use",),
    ),
    ClientCommand(("net",), (r"user[ \t]+{arg}[ \t]+(?![/*])",), subcommand=("user",)),
    # Database and queue clients whose short option takes the password (long ones such as
    # `--password` go by their name everywhere; each command word costs the search an anchor, so
    # only the common ones are here).
    ClientCommand(("cqlsh", "rabbitmqadmin"), (option("-p", "--password"),)),
    # Hive's beeline and Impala's shell, IBM App Connect's `mqsisetdbparms -p`, Neo4j's cypher-shell,
    # SAP HANA's hdbsql, Vertica's vsql (`-w`)
    ClientCommand(("beeline", "mqsisetdbparms", "cypher-shell", "hdbsql"), (option("-p", "--password"),)),
    ClientCommand(("vsql",), (option("-w", "--password"),)),
    # Java application servers' and JMX tools: WildFly's and JBoss EAP's `add-user.sh -u … -p …`,
    # jmxterm's `-p` (`java -jar jmxterm.jar -l host:9010 -u controlRole -p …`)
    ClientCommand(
        ("add-user.sh", "add-user.bat", "add-user.ps1", "jmxterm", "jmxterm.jar"),
        (option("-p", "--password"),),
    ),
    ClientCommand(("mvn",), (option("--encrypt-master-password", "-emp", "--encrypt-password", "-ep"),)),
    # Files of users and passwords written in batch mode, the password last: Mosquitto's
    # (`mosquitto_passwd -b FILE USER PASSWORD`, as htpasswd's `-b`)
    ClientCommand(
        ("mosquitto_passwd",),
        (r"-b[ \t]+(?:-[a-zA-Z]+[ \t]+)*{arg}[ \t]+{arg}[ \t]+{value}",),
    ),
    # A login given as user and password: SteamCMD's `+login USER PASSWORD` (the next `+command`
    # is none), wpa_supplicant's `wpa_passphrase SSID PASSPHRASE`
    ClientCommand(("steamcmd",), (r"\+login[ \t]+{arg}[ \t]+(?!\+){value}",)),
    ClientCommand(("wpa_passphrase",), (r"(?<=wpa_passphrase[ \t]){arg}[ \t]+{value}",)),
    # macOS's keychain (`security add-generic-password -a … -s … -w PASSWORD`), IIS's appcmd
    # (`/processModel.password:…`, `/password:…`)
    ClientCommand(
        ("security",), (option("-w"),), subcommand=("add-generic-password", "add-internet-password")
    ),
    # a keychain's own password (`security create-keychain -p …`, `unlock-keychain -p`,
    # `set-keychain-password -o … -p …`) and an identity file's (`security import … -P …`, `export -P`)
    ClientCommand(
        ("security",),
        (option("-p", "-P", "-o"),),
        subcommand=("create-keychain", "unlock-keychain", "set-keychain-password", "import", "export"),
    ),
    # (also `-password:…`, and a collection's element picked by its key:
    # `/[name='pool'].processModel.password:…`)
    ClientCommand(
        ("appcmd", "appcmd.exe"), (r"(?i:[/\-](?:\[[^\]\s]{1,200}\]\.)?(?:[a-z]+\.)*password):{value}",)
    ),
    # Oracle's Data Pump takes `user/password@db` as sqlplus does (`user/password@//host…` goes anywhere).
    ClientCommand(("expdp", "impdp"), (r"(?:userid=)?[A-Za-z0-9_$#]+/(?!/){value}",)),
    # PowerShell: a plain-text string made into a SecureString (`-String` may be named).
    ClientCommand(("convertto-securestring",), (r"(?i:-string[ \t]+)?(?=\\{0,3}[\"'])",)),
    # Tokens given as the argument of a login command (registries, tunnels, coverage, scanners).
    ClientCommand(
        ("cargo",), (r"login[ \t]+(?:--registry(?:=|[ \t]+)[^\s]+[ \t]+)?(?!-){value}",), kind="token"
    ),
    ClientCommand(
        ("ngrok",),
        (r"(?:authtoken|config[ \t]+add-authtoken)[ \t]+(?!-){value}", option("--authtoken")),
        kind="token",
    ),
    ClientCommand(("codecov", "codecovcli"), (option("-t", "--token"),), kind="token"),
    # Weights & Biases' API key (`wandb login [--relogin] KEY`)
    ClientCommand(("wandb",), (r"login[ \t]+(?:--?[a-z\-]+(?:=[^\s]+)?[ \t]+)*(?!-){value}",), kind="token"),
    ClientCommand(("nmcli",), (r"(?:password|wifi-sec\.psk)[ \t]+{value}",)),
    ClientCommand(("cloudflared",), (r"service[ \t]+install[ \t]+{value}",), kind="token"),
    ClientCommand(("cmdkey",), (r"(?i:/pass(?:word)?):{value}",)),
    # a keytab's principal password (`ktpass /princ … /pass …`; `/pass *` asks for it), netdom's
    # `/PasswordD:…` and `/PasswordO:…`
    ClientCommand(("ktpass", "ktpass.exe"), (r"(?i:[/\-]pass)[ \t]+(?!\*(?:[ \t]|$)){value}",)),
    ClientCommand(("netdom", "netdom.exe"), (r"(?i:/password[do]):(?!\*(?:[ \t]|$)){value}",)),
    ClientCommand(("wmic",), (r"(?i:/password):{value}",)),
    ClientCommand(("schtasks",), (option("/rp", "/RP"),)),
    # Windows tools' own option syntax, a slash or a dash, the value after a blank or a colon: WinRM's
    # `winrs -p:…`, a code-signing or certificate file's password (`signtool sign /p …`,
    # `dotnet dev-certs https -p …`), a hosted network's passphrase (`netsh wlan set hostednetwork …
    # key=…`; `key=clear` asks to show it)
    ClientCommand(("winrs", "winrs.exe"), (r"(?i:[/\-]p(?:assword)?):{value}",)),
    ClientCommand(("signtool", "signtool.exe"), (option("/p", "-p"),)),
    ClientCommand(("dotnet",), (option("-p", "--password"),), subcommand=("dev-certs",)),
    ClientCommand(
        ("netsh", "netsh.exe"),
        (r"(?i:key(?:material)?)=(?!(?i:clear)(?![^\s\"'\\])){value}",),
        subcommand=("wlan",),
    ),
    ClientCommand(
        ("poetry", "composer"),
        (
            r"config[ \t]+(?:--?[a-z\-]+[ \t]+)*http-basic\.{arg}[ \t]+{arg}[ \t]+{value}",
            r"config[ \t]+(?:--?[a-z\-]+[ \t]+)*(?:pypi-token|bearer|gitlab-token|github-oauth)"
            r"\.{arg}[ \t]+{value}",
        ),
    ),
    ClientCommand(("chpasswd",), (r"<<<[ \t]*(?:\\{0,3}[\"'])?[^\s:\"'\\]+:{value}",)),
    ClientCommand(("snmpwalk", "snmpget", "snmpset", "snmpbulkwalk"), (option("-c", "-A", "-X"),)),
    # Package feeds and stores: `dotnet nuget add source … -p …` (and `push -k KEY`), `nuget sources add
    # -Password …`, twine's `-p`, Apple's `altool -p` (an app-specific password, or `@keychain:NAME`).
    ClientCommand(("dotnet",), (option("-p", "--password", "-k", "--api-key"),), subcommand=("nuget",)),
    ClientCommand(("nuget", "nuget.exe"), (option("-p", "-password", "-apikey"), r"setapikey[ \t]+{value}")),
    # Chocolatey: a source's password (`choco source add … -p=…`), an API key (`choco apikey --key …`,
    # `choco push -k=…`)
    ClientCommand(
        ("choco", "choco.exe"), (option("-p", "--password", "-k", "--key", "--api-key", "--apikey"),)
    ),
    ClientCommand(("twine",), (option("-p", "--password"),)),
    ClientCommand(("altool",), (option("-p", "--password"),)),
    # BMCs' tools: ipmitool and ipmiutil (`-P`), Dell's racadm (`-r HOST -u USER -p …`), HPE's
    # ilorest (`login HOST -u USER -p …`), DMTF's redfishtool (`-p`)
    ClientCommand(("ipmitool", "ipmiutil"), (option("-P"),)),
    # a TSIG key given to nsupdate (`-y [hmac-sha256:]name:secret`)
    ClientCommand(("nsupdate",), (r"-y[ \t]+(?:hmac-[a-z0-9]+:)?[^\s:\"']+:{value}",), kind="secret"),
    ClientCommand(("racadm", "ilorest", "redfishtool"), (option("-p", "--password"),)),
    # a one-time password's shared seed (TOTP/HOTP): oath-toolkit's `oathtool --totp -b KEY`, the
    # first argument after its mode that is no option (`-d 8`, `-s 30s`, `--window=2` before it)
    ClientCommand(
        ("oathtool",),
        (
            r"(?:--totp|--hotp|-b|--base32)(?:=\w+)?[ \t]+"
            r"(?:-[\w=\-]+[ \t]+(?:\d{1,4}[a-z]?[ \t]+)?)*{value}",
        ),
    ),
)

# A file holding credentials, by its name (`~/.vault_pass.txt`, `/etc/openvpn/auth.txt`, `.pgpass`,
# `api_token`), printed by the command in %s; not /etc/passwd or authorized_keys, nor a file whose
# extension says it is encrypted at rest (Rails' `credentials.yml.enc`, `secrets.json.gpg`, `.age`).
_CREDENTIAL_FILE: Final = (
    r"%s[ \t]+(?:-[a-z]+[ \t]+)*"
    r"(?![^\s|;&\"'`]*\.(?:enc|gpg|pgp|asc|age|aes|crypt|encrypted|sops)(?![^\s|;&\"'`]))"
    r"[^\s|;&\"'`]*(?:privatekey|private_key|\.pem|\.key\b|secret|pass(?!wd\b)"
    r"|pwd|token|credential|auth(?!orized)|api[_\-]?key|\.netrc|\.erlang\.cookie|\.git-credentials"
    r"|/id_(?:rsa|ed25519|ecdsa|dsa)\b(?!\.pub)|master\.key|\.htpasswd"
    # a file of a password alone or of a login (Proxmox's `/etc/pve/priv/storage/NAME.pw`, OpenVPN's
    # `auth-user-pass` file `creds.txt`)
    r"|\.pw\b|creds\b"
    # a Solana wallet's keypair (`~/.config/solana/id.json`, `deployer-keypair.json`)
    r"|solana/id\.json|keypair[^\s/|;&\"'`]*\.json)"
)
#: A value echoed into a file named as :data:`_CREDENTIAL_FILE` says (`echo '…' > .vault_pass`, Ansible's
#: vault password file; `| tee ~/.config/app/token`).
WRITES_CREDENTIAL_FILE: Final = _CREDENTIAL_FILE % r"(?:>>?|\|[ \t]*(?:sudo[ \t]+)?tee)"

# ------------------------------------------------------------------------------------------------
# Credentials after a literal of their own: the lines of network devices' configurations, and
# messages that print a setting's new value.


@dataclass(frozen=True, slots=True)
class AnchoredSecret:
    """A credential that follows a literal of its own.

    *anchor* is the literal (lower-cased) the engine searches for; *pattern* is matched right at it,
    on the text (in its own case), with the credential in the group ``value`` (quoted or bare; the
    quote may be JSON-escaped). With *config_line*, only a line of a configuration or a command
    counts: nothing but words (no sentence's punctuation) before the anchor since the line's start.
    With *named*, the line must quote a secret's name before the anchor (a message naming the
    setting it changed). With *generated*, only a value of 16 characters or more that looks generated
    counts (a compiler quoting any literal of the line it rejects); with *lenient*, only a value as
    people make passwords (not plain words, a number or a path). *before*, if set, is a pattern
    matched from where the line's content starts up to the anchor (a key file's number: `1 SHA1
    HEX:…` of chrony; `password manager user-name "manager"` before `plaintext`); when it has a group
    ``value``, the credential is there, before the anchor (a smbpasswd file's hashes).
    """

    anchor: str
    pattern: str
    kind: str = "password"
    config_line: bool = False
    named: bool = False
    generated: bool = False
    before: str = ""
    lenient: bool = False


# (*pattern* may also hold a group ``name``: the rule then counts only where it is a secret's name.)
_Q = r"""(?:\\{0,3}["'])?"""  # an optional quote, JSON-escaped or not
_DEVICE_VALUE = _Q + r"""(?P<value>[^\s"'\\]{4,200})"""
_DEVICE_ARG = r"""(?:\\{0,3}"[^"\n\\]{1,200}\\{0,3}"|[^\s\\]{1,200})"""  # another argument, maybe quoted
# (Cisco's in hex; Arista's, reversible as well, in base64: 12 characters or more of both cases)
_TYPE7 = (
    r"(?P<value>[0-9A-Fa-f]{4,200}"
    r"|(?=[A-Za-z0-9+/]{0,199}[a-z])(?=[A-Za-z0-9+/]{0,199}[A-Z])"
    r"[A-Za-z0-9+/]{12,200}={0,2})(?![0-9A-Za-z+/=])"
)
# What stands before a device's secret given in clear after a keyword saying so (`plaintext`,
# `simple`): the secret's setting (`password`, `key`, `auth-pass`, `community read`), maybe with a
# user's name or a few words between (`password manager user-name "manager" plaintext …`)
_CLEAR_BEFORE = (
    r"[^\n]*?(?:(?<![A-Za-z0-9_\-])|(?<=\\[nt]))"
    r"(?i:pass(?:word|wd)?|[a-z\-]*-pass|key|shared-key|secret|psk|community[ \t]+(?:read|write))"
    r"(?:[ \t]+(?i:manager|operator|port-access))?"
    r"""(?:[ \t]+user-name[ \t]+\\{0,3}"?[^\s"\\]{1,64}\\{0,3}"?)?[ \t]+\Z"""
)
# The symmetric keys of NTP (chrony's `/etc/chrony.keys`, ntpd's `ntp.keys`): a key's number, its
# type, then the key (maybe after `HEX:` or `ASCII:`)
_NTP_KEY = r"[ \t]+(?:(?i:hex|ascii):)?(?P<value>[^\s\"'\\#]{4,200})"
_NTP_KEY_BEFORE = r"[ \t]*[0-9]{1,5}[ \t]+\Z"
_NT_HASH = _Q + r"[ \t]*[:=][ \t]*" + _Q + r"(?P<value>[0-9A-Fa-f]{32})(?![0-9A-Za-z])"
# The password given to IRC's NickServ, maybe after the account's name: the line's last word.
_IRC_PASSWORD = r"(?:[^\s\\]{1,30}[ \t]+)?(?P<value>[^\s\\]{4,200})[ \t]*(?=$|\r|\\{1,3}[nr\"])"

ANCHORED_SECRETS: Final = (
    # Cisco IOS, NX-OS, ASA: `password 7 <hex>` and `key 7 <hex>` (type 7 is a reversible encoding,
    # as good as the password), `password 0 …`, `secret 0 …`, `key 0 …` (plain text) in `username`,
    # `enable`, `line`, tacacs and radius server blocks, `ppp chap password 0 …`; key chains'
    # `key-string`; Cisco's type 5, 8 and 9 are one-way hashes and stay
    AnchoredSecret("password ", r"(?i:password)[ \t]+7[ \t]+" + _TYPE7, config_line=True),
    AnchoredSecret("key 7 ", r"(?i:key)[ \t]+7[ \t]+" + _TYPE7, config_line=True),
    AnchoredSecret("password ", r"(?i:password)[ \t]+0[ \t]+" + _DEVICE_VALUE, config_line=True),
    AnchoredSecret("secret 0 ", r"(?i:secret)[ \t]+0[ \t]+" + _DEVICE_VALUE, config_line=True),
    AnchoredSecret("key 0 ", r"(?i:key)[ \t]+0[ \t]+" + _DEVICE_VALUE, config_line=True),
    AnchoredSecret("key-string ", r"(?i:key-string)[ \t]+(?:[07][ \t]+)?" + _DEVICE_VALUE, config_line=True),
    # IKE pre-shared keys: IOS's `crypto isakmp key … address …`, a keyring's `pre-shared-key address
    # … key …`; wireless `wpa-psk ascii|hex [0|7] …` (what the other forms hold goes by their names)
    AnchoredSecret(
        "isakmp key ",
        r"(?i:isakmp)[ \t]+key[ \t]+(?:[06][ \t]+)?(?P<value>[^\s\\]{2,200})[ \t]+(?:address|hostname)",
        config_line=True,
    ),
    AnchoredSecret(
        "pre-shared-key address ",
        r"pre-shared-key[ \t]+address[ \t]+[^\s\\]+(?:[ \t]+[0-9.]+)?[ \t]+key[ \t]+" + _DEVICE_VALUE,
        config_line=True,
    ),
    AnchoredSecret(
        "wpa-psk ", r"wpa-psk[ \t]+(?:ascii|hex)[ \t]+(?:[07][ \t]+)?" + _DEVICE_VALUE, config_line=True
    ),
    # SNMP communities (v1, v2c: the community is the password): IOS's `snmp-server community … RO`
    # (ProCurve's `… unrestricted`),
    # Junos' `set snmp community … authorization read-only`, and a setting named so in YAML, JSON,
    # INI or TOML (snmp_exporter's `auths`, Telegraf, Ansible's network variables)
    AnchoredSecret(
        "community",
        r"community[ \t]+"
        + _DEVICE_VALUE
        + _Q
        + r"[ \t]+(?i:ro|rw|view|authorization|clients|read-only|read-write|unrestricted|restricted)"
        + r"(?![A-Za-z0-9_\-])",
        config_line=True,
    ),
    # (in any case: `SNMP_COMMUNITY: …` in a workflow's environment; not a BGP community, `65000:100`,
    # nor a call, `Community: os.Getenv("SNMP_COMMUNITY")`)
    AnchoredSecret(
        "community",
        r"(?i:community)"
        + _Q
        + r"[ \t]*[:=][ \t]*"
        + _Q
        + r"""(?![0-9]{1,10}:[0-9]{1,10}(?![^\s"'\\,;}]))"""
        + r"""(?P<value>[^\s"'\\,;}()]{2,200})(?![(A-Za-z0-9_.])""",
    ),
    # collectd's SNMP plugin (`Community "…"` in a `<Host>` block); a Jinja template's default
    # (`{{ snmp_ro_community | default('…') }}`)
    AnchoredSecret(
        "community",
        r"""(?i:community)[ \t]+(?P<q>\\{0,3}")(?P<value>[^"\\\n]{2,200})(?P=q)[ \t]*(?:$|\r|\\{1,3}[nr])""",
        config_line=True,
    ),
    AnchoredSecret(
        "community",
        r"""(?i:community)[ \t]*\|[ \t]*default\([ \t]*(?P<q>\\{0,3}["'])(?P<value>[^"'\\\n]{2,200})(?P=q)""",
    ),
    # a device's secret in clear after a word saying so: HPE ProCurve's and Aruba's `password manager
    # user-name "…" plaintext "…"`, `key plaintext …`, `auth-pass plaintext …`; H3C Comware's and
    # Huawei's `password simple …`, `shared-key simple …`, `snmp-agent community read simple …`
    AnchoredSecret("plaintext ", r"plaintext[ \t]+" + _DEVICE_VALUE, before=_CLEAR_BEFORE),
    AnchoredSecret("simple ", r"simple[ \t]+" + _DEVICE_VALUE, before=_CLEAR_BEFORE),
    # a TACACS+ server's users file (tac_plus, tac_plus-ng): a user's or the enable password in clear,
    # for each service that logs in (`login = cleartext "…"`, `enable = cleartext …`, `pap = cleartext`);
    # `des …` and `crypt …` are one-way hashes and stay
    AnchoredSecret(
        "cleartext ",
        r"cleartext[ \t]+" + _DEVICE_VALUE,
        before=(
            r"(?:[^\n]*?[{;])?[ \t]*(?i:login|enable|pap|chap|ms-chap|arap|opap|global|password)"
            r"[ \t]*=[ \t]*\Z"
        ),
    ),
    # SNMPv3 users' passwords, for authentication and for privacy (IOS, NX-OS, Arista: `snmp-server
    # user NAME GROUP v3 auth sha … priv aes 128 …`; Comware's `snmp-agent usm-user v3 NAME GROUP
    # authentication-mode sha … privacy-mode aes128 …`; Net-SNMP's `createUser NAME SHA "…" AES "…"`);
    # `encrypted` keys are derived ones and stay; a trap host's community (`snmp-server
    # host 10.0.0.1 [traps] version 2c …`)
    AnchoredSecret(
        "snmp-server ",
        r"snmp-server[ \t]+user[ \t]+[^\s\\]+[ \t]+[^\s\\]+[ \t]+(?:remote[ \t]+[^\s\\]+[ \t]+)?"
        r"(?:udp-port[ \t]+[0-9]+[ \t]+)?v3[ \t]+auth[ \t]+[a-z0-9\-]+[ \t]+" + _DEVICE_VALUE,
        config_line=True,
    ),
    AnchoredSecret(
        "snmp-server ",
        r"snmp-server[ \t]+user[ \t]+[^\n\\]{1,200}?[ \t]v3[ \t]+auth[ \t]+[a-z0-9\-]+[ \t]+[^\s\\]+[ \t]+"
        r"priv[ \t]+(?:3des|des|aes(?:[ \t]+(?:128|192|256))?|aes-?(?:128|192|256))[ \t]+" + _DEVICE_VALUE,
        config_line=True,
    ),
    AnchoredSecret(
        "usm-user ",
        r"usm-user[ \t]+v3[ \t]+[^\n\\]{1,200}?authentication-mode[ \t]+[a-z0-9\-]+[ \t]+" + _DEVICE_VALUE,
        config_line=True,
    ),
    AnchoredSecret(
        "usm-user ",
        r"usm-user[ \t]+v3[ \t]+[^\n\\]{1,300}?privacy-mode[ \t]+[a-z0-9\-]+[ \t]+" + _DEVICE_VALUE,
        config_line=True,
    ),
    AnchoredSecret(
        "createuser ",
        r"createUser[ \t]+(?:-e[ \t]+[^\s\\]+[ \t]+)?[^\s\\]+[ \t]+(?i:md5|sha[0-9\-]*)[ \t]+"
        + _DEVICE_VALUE,
        config_line=True,
    ),
    AnchoredSecret(
        "createuser ",
        r"createUser[ \t]+(?:-e[ \t]+[^\s\\]+[ \t]+)?[^\s\\]+[ \t]+(?i:md5|sha[0-9\-]*)[ \t]+"
        + _DEVICE_ARG
        + r"[ \t]+"
        r"(?i:des|aes[0-9\-]*)[ \t]+" + _DEVICE_VALUE,
        config_line=True,
    ),
    AnchoredSecret(
        "snmp-server ",
        r"snmp-server[ \t]+host[ \t]+[^\s\\]+[ \t]+(?:(?:traps|informs)[ \t]+)?(?:vrf[ \t]+[^\s\\]+[ \t]+)?"
        r"version[ \t]+(?:1|2c)[ \t]+" + _DEVICE_VALUE,
        config_line=True,
    ),
    # an SNMP community under its short names (`snmp_ro`, `snmp_rw`, `SNMP_RO_COMMUNITY`, in a Vault
    # secret's JSON, an inventory's variables, an environment), read-only or read-write: a value that
    # is no plain word (`public` and `private` are the defaults every device ships with)
    *(
        AnchoredSecret(
            anchor,
            r"""(?i:snmp_r[ow])(?:_(?i:community|string))?\\{0,3}["']?[ \t]*[:=][ \t]*\\{0,3}["']?"""
            r"""(?P<value>[^\s"'\\,}]{4,200})""",
            kind="community",
            lenient=True,
        )
        for anchor in ("snmp_ro", "snmp_rw")
    ),
    # what a secret store or a key service returns decrypted, as a JSON member (NetBox's secrets
    # plugin's `"plaintext": "…"`, Vault transit's `decrypt`, AWS KMS's and Google Cloud KMS's
    # `"Plaintext"`/`"plaintext"`, base64 of the secret): a value as people make passwords, or base64
    # of 16 characters or more (`"plaintext": "hello world"` of an example stays)
    *(
        AnchoredSecret(
            anchor,
            r"""(?i:plaintext)\\{0,3}"[ \t]*:[ \t]*\\{0,3}"(?P<value>""" + value + r""")\\{0,3}\"""",
            kind="secret",
            lenient=lenient,
        )
        for anchor in ('plaintext"', "plaintext\\")
        for value, lenient in (
            (r"""[^"\\\s]{4,4096}""", True),
            (
                r"""(?=[A-Za-z0-9+/]{0,4095}[A-Z])(?=[A-Za-z0-9+/]{0,4095}[a-z])[A-Za-z0-9+/]{16,4096}={0,2}""",
                False,
            ),
        )
    ),
    # a password typed at a login prompt where the user's name was asked, as sshd logs it (`Failed
    # password for invalid user … from …`, `Invalid user … from …`, `Connection closed by invalid user
    # … 10.0.0.5 port 22 [preauth]`): only a value no account is named (a symbol, or letters of both
    # cases and digits), `admin123`, `ec2-user`, `oracle` stay
    AnchoredSecret(
        "invalid user ",
        r"(?i:invalid user) (?P<value>(?=[^\s\\]{0,63}[^\sA-Za-z0-9._\-\\])[^\s\\]{6,64}"
        r"|(?=[^\s\\]{0,63}[A-Z])(?=[^\s\\]{0,63}[a-z])(?=[^\s\\]{0,63}[0-9])[^\s\\]{8,64})"
        r"(?= (?:from )?[0-9A-Fa-f.:]{3,45} port | \[preauth\])",
        lenient=True,
    ),
    # a password made a char array where a call takes it, as Java's key stores and ciphers want it
    # (`ks.load(in, "…".toCharArray())`, `kmf.init(ks, "…".toCharArray())`, `new PBEKeySpec("…"
    # .toCharArray(), salt, …)`, `PasswordAuthentication(user, "…".toCharArray())`; Kotlin's too):
    # a value as people make passwords (an alphabet, `"0123456789abcdef".toCharArray()`, stays)
    AnchoredSecret(
        ".tochararray()",
        r"\.toCharArray\(\)",
        # (the line's content may start inside the literal: after `"signing", "` as after `"-lc", "`)
        before=r"""(?:[^\n]*?[(,][ \t]*\\{0,3}")?(?P<value>[^"\\\n]{4,200})\\{0,3}"\Z""",
        lenient=True,
    ),
    # Nagios' and Icinga's `resource.cfg` macros (`$USER4$=…`: the passwords its checks are given; a
    # plugins' path or a user's name of words stays)
    AnchoredSecret(
        "$user",
        r"\$USER[0-9]{1,3}\$=(?P<value>[^\s\"'\\]{1,200})",
        before=r"[ \t]*\Z",
        lenient=True,
    ),
    # IPsec keys as `ip xfrm state` prints them and `ip xfrm state add` takes them (`auth-trunc
    # hmac(sha256) 0x… 128`, `enc cbc(aes) 0x…`, `aead rfc4106(gcm(aes)) 0x… 128`, `enc 'cbc(aes)' 0x…`)
    # (found from the algorithm's closing parenthesis or quote: an anchor led by a blank, ` 0x`, would
    # slow the search of every text down)
    *(
        AnchoredSecret(
            anchor,
            r"[)'][ \t]0x(?P<value>[0-9a-fA-F]{32,512})(?![0-9A-Za-z])",
            "secret",
            before=r"[^\n]*?(?:(?<![A-Za-z0-9_\-])|(?<=\\[nt]))(?:auth-trunc|auth|enc|aead|comp)[ \t]+"
            r"\\{0,3}'?[A-Za-z0-9()_,\-]{2,40}\\{0,3}\Z",
        )
        for anchor in (") 0x", "' 0x")
    ),
    # a key given to a command as a file of its own through a substitution (WireGuard's `wg set …
    # preshared-key <(echo '…')`, `private-key <(echo …)`)
    AnchoredSecret(
        "<(echo ",
        r"<\(echo[ \t]+(?:-n[ \t]+)?" + _DEVICE_VALUE + _Q + r"[ \t]*\)",
        "secret",
        before=r"[^\n]*?(?i:key|secret|pass(?:word|phrase)?|token|psk)[ \t]+\Z",
    ),
    # Hadoop's settings of an Azure storage account named by the account's host, so that the secret
    # word is not the name's last (Spark's and Databricks' `fs.azure.account.key.<account>.dfs.core.
    # windows.net`, its OAuth client's secret, a container's SAS): after `=`, `:`, a call's comma or
    # blanks (a cluster's Spark config, a setting a line)
    AnchoredSecret(
        "fs.azure.",
        r"(?i:fs\.azure\.(?:account\.key|account\.oauth2\.client\.secret|sas(?:\.fixed\.token)?))"
        r"\.[A-Za-z0-9.\-]{1,200}?\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)"
        + _Q
        + r"(?:[ \t]*[:=,][ \t]*|[ \t]+)"
        + _Q
        + r"""(?P<value>[^\s"'\\,;}()]{8,500}+)(?!\()""",
        "api_key",
        generated=True,
    ),
    # kickstart's root password in clear (`rootpw --plaintext …`, and `rootpw …`, plain text by
    # default; `--iscrypted` hashes and `--lock` stay)
    AnchoredSecret(
        "rootpw ",
        r"rootpw[ \t]+(?:--(?:plaintext|allow-ssh)[ \t]+)*(?!--)" + _DEVICE_VALUE,
        config_line=True,
    ),
    # NTP's symmetric keys (chrony's `1 SHA1 HEX:…`, ntpd's ` 2 MD5 …`; the rarer types, `SHA384`,
    # `AES128CMAC` …, would each cost the search of every text an anchor)
    *(
        AnchoredSecret(f"{kind} ", f"(?i:{kind})" + _NTP_KEY, "secret", before=_NTP_KEY_BEFORE)
        for kind in ("md5", "sha1", "sha256", "sha512")
    ),
    # devices' web interfaces: OpenWrt LuCI's session token in the path (`/cgi-bin/luci/;stok=…/admin`),
    # IP cameras' CGI logins (`snapshot.cgi?loginuse=admin&loginpas=…`)
    AnchoredSecret(";stok=", r";stok=(?P<value>[0-9A-Za-z]{16,64})(?![0-9A-Za-z])", "token"),
    AnchoredSecret("loginpas=", r"loginpas=(?P<value>[^\s&#\"'\\]{3,200})"),
    # an NT hash where a credential dump names it: mimikatz's `* NTLM     : …`, DSInternals'
    # `NTHash: …` (a pass-the-hash credential; the hash of the empty password is public)
    AnchoredSecret("ntlm", r"(?i:ntlm)" + _NT_HASH, "nt_hash"),
    AnchoredSecret("nthash", r"(?i:nthash)" + _NT_HASH, "nt_hash"),
    # Samba's smbpasswd file (`user:uid:LM:NT:[U          ]:LCT-…:`, `pdbedit -w`): its LM hash (when
    # kept, not 32 `X`s) and its NT hash, each usable as the password is
    *(
        AnchoredSecret(
            "]:lct-",
            r"\]:LCT-[0-9A-Fa-f]{8}:",
            "nt_hash",
            before=r"[ \t]*[^\s:]{1,64}:[0-9]{1,10}:" + hashes + r":\[[A-Z ]{1,16}\Z",
        )
        for hashes in (
            r"(?P<value>[0-9A-Fa-f]{32}):(?:[0-9A-Fa-f]{32}|X{32})",
            r"(?:[0-9A-Fa-f]{32}|X{32}):(?P<value>[0-9A-Fa-f]{32})",
        )
    ),
    # mimikatz's `lsadump::secrets`: an LSA secret's value in clear (`cur/text: …`, the previous one
    # `old/text: …`: a service account's password, the autologon's `DefaultPassword`)
    AnchoredSecret("/text:", r"(?:(?<=cur)|(?<=old))/text:[ \t]*(?!\(null\))" + _DEVICE_VALUE),
    # a password Windows keeps reversibly, printed in clear: DSInternals' `Get-ADReplAccount` under
    # `SupplementalCredentials:` (`ClearText: …`), and `netsh wlan show profile … key=clear`'s Wi-Fi
    # passphrase (`Key Content            : …`, to the line's end: a passphrase may hold blanks)
    AnchoredSecret("cleartext:", r"ClearText:[ \t]*(?!(?i:true|false|null|none)\b)" + _DEVICE_VALUE),
    AnchoredSecret(
        "key content ",
        r"Key Content[ \t]+:[ \t]*(?P<value>[^\s\\](?:[^\r\n\\]{0,62}[^\s\\])?)[ \t]*(?=$|\r|\\{1,3}[nr\"])",
    ),
    # Team Foundation's `tf … /login:USER,PASSWORD` (and the other TFS tools that take it so)
    AnchoredSecret("/login:", r"(?i:/login):[^,\s\"']{1,200},(?P<value>[^\s\"'\\]{4,500})"),
    # IRC services: `/msg NickServ IDENTIFY [account] …` (also `/nickserv identify …`), `REGISTER …
    # email` (the password before the address), as chat logs keep them
    AnchoredSecret("nickserv ", r"(?i:nickserv[ \t]+identify)[ \t]+" + _IRC_PASSWORD),
    AnchoredSecret(
        "nickserv ",
        r"(?i:nickserv[ \t]+register)[ \t]+(?P<value>[^\s\\]{4,200})[ \t]+[^\s@\\]+@[^\s\\]+",
    ),
    # wp-cli's `config set`: `Updated the constant 'DB_PASSWORD' in the 'wp-config.php' file with the
    # value '…'.` (also `Added`), and other messages naming a setting, then its new value
    AnchoredSecret(
        "with the value ",
        r"with[ \t]+the[ \t]+value[ \t]+(?P<q>\\{0,3}[\"'])(?P<value>[^\"'\n\\]{1,500})(?P=q)",
        named=True,
    ),
    # SonarQube's `sonar.login`, which holds its token (`-Dsonar.login=…`, Gradle's `property
    # "sonar.login", "…"`, sonar-project.properties), as `sonar.token` does under its newer name
    AnchoredSecret(
        "sonar.login",
        r"sonar\.login\\{0,3}[\"']?[ \t]*(?:=|:|,)[ \t]*"
        r"(?P<q>\\{0,3}[\"']?)(?P<value>[A-Za-z0-9_]{20,100})(?P=q)(?![A-Za-z0-9_])",
        "token",
    ),
    # A URL's user information given apart, `user:password`, as Confluent's Schema Registry and Kafka
    # clients take it (`basic.auth.user.info=KEY:SECRET`, `schema.registry.basic.auth.user.info`,
    # ksqlDB's, Kafka Connect's): the part after the colon (a dotted name reads as a name up to its
    # first dot, so this one is found by its own words)
    AnchoredSecret(
        "user.info",
        r"user\.info\\{0,3}[\"']?[ \t]*[=:][ \t]*(?P<q>\\{0,3}[\"']?)[^\s:\"'\\]{1,200}:"
        r"(?P<value>[^\s\"'\\]{6,1000})",
    ),
    # WildFly's and JBoss EAP's Elytron: a credential reference given in clear (`<credential-reference
    # clear-text="…"/>`, jboss-cli's `credential-reference={clear-text=…}`, YAML's `clear-text: …`)
    AnchoredSecret(
        "clear-text",
        r"clear-text\\{0,3}[\"']?[ \t]*[=:>][ \t]*(?P<q>\\{0,3}[\"']?)(?!(?i:true|false|null)\b)"
        r"(?P<value>[^\s\"'\\,}<]{1,500})(?P=q)",
    ),
    # ZooKeeper's digest authentication in clear: zkCli's `addauth digest USER:PASSWORD`, and the same
    # from code (`zk.addAuthInfo("digest", "USER:PASSWORD".getBytes())`)
    AnchoredSecret("addauth", r"addauth[ \t]+digest[ \t]+[^\s:\\]{1,64}:" + _DEVICE_VALUE),
    AnchoredSecret(
        "addauth",
        r"(?i:addauthinfo\()[ \t]*(?P<q0>\\{0,3}\")digest(?P=q0)[ \t]*,[ \t]*(?P<q>\\{0,3}\")"
        r"[^\s:\"\\]{1,64}:(?P<value>[^\"\n\\]{1,500})(?P=q)",
    ),
    # JMX's credentials as Java prints a `String[]` of them (`RMIServerImpl.newClient: credentials =
    # [controlRole, …]` in its debug log)
    AnchoredSecret(
        "credentials = [",
        r"credentials = \[[^\s,\]\\]{1,64},[ \t]*(?P<value>[^\s\]\\]{1,500})\]",
    ),
    # Tomcat's `ResourceRef` as it logs it: each attribute of a `<Resource>` a `{type=…,content=…}`
    AnchoredSecret(
        ",content=",
        r",content=(?P<value>[^\s},\\]{1,500})\}",
        before=r"[^\n]*\{type=(?i:[a-z]*pass(?:word|wd)?|secret|[a-z]*token|credentials?)\Z",
    ),
    # Maven's master password (`settings-security.xml`'s `<master>{…}</master>`): encrypted under a key
    # every Maven shares, so as good as the password (a server's `{…}` password in `settings.xml`
    # needs the master and stays); the passwords `mvn --encrypt-master-password …` and
    # `--encrypt-password …` are given (CLIENT_COMMANDS)
    AnchoredSecret("<master>", r"<master>\{(?P<value>[A-Za-z0-9+/]{8,500}={0,2})\}</master>"),
    # a header a gateway adds to what it forwards, named for a secret (Spring Cloud Gateway's
    # `AddRequestHeader=X-Api-Key, …`, `SetRequestHeader=…`)
    AnchoredSecret(
        "requestheader=",
        r"(?i:requestheader)=(?P<name>[A-Za-z0-9_\-]{1,64}),[ \t]*(?P<q>\\{0,3}[\"']?)"
        r"(?P<value>[^\s\"'\\,]{4,500})(?P=q)",
    ),
    # the value Jasypt is given to encrypt, in clear (`mvn jasypt:encrypt-value -Djasypt.plugin.value=…`;
    # what it prints is `ENC(…)` and stays)
    AnchoredSecret(
        "jasypt.plugin.value",
        r"jasypt\.plugin\.value=(?P<q>\\{0,3}[\"']?)(?P<value>[^\s\"'\\]{1,500})(?P=q)",
    ),
    # Go's compiler quoting a constant it rejects: `cannot use "…" (untyped string constant) as []byte
    # value in assignment` (`go vet`, `go build`): a literal that looks generated
    AnchoredSecret(
        "cannot use ",
        r"cannot[ \t]+use[ \t]+(?P<q>\\{0,3}\")(?P<value>[^\"\n\\]{16,2000})(?P=q)[ \t]+"
        r"\((?:untyped[ \t]+string[ \t]+constant"
        r"|constant[ \t]+\\{0,3}\"[^\n]{0,80}?of[ \t]+type[ \t]+string)",
        "secret",
        generated=True,
    ),
    # a gossip encryption key under `encrypt` (Consul's and Nomad's agents, in JSON or HCL, `consul
    # agent -encrypt=…`, Serf's `-encrypt`): base64 of 16 or 32 bytes, whatever its name's prefix
    # (`gossip_encrypt`)
    AnchoredSecret(
        "encrypt",
        r"(?i:encrypt)(?:\\{0,7}[\"'])?(?:[ \t]*[:=][ \t]*|[ \t]+)(?:\\{0,7}[\"'])?"
        r"(?P<value>[A-Za-z0-9+/]{22}==|[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])",
        "secret",
    ),
    # the plaintext a template hashes: Ansible's and Salt's Jinja filter `'…' | password_hash('sha512')`
    # (a variable before the filter, `vault_pw | password_hash(…)`, is none)
    AnchoredSecret(
        "password_hash(",
        r"(?i:password_hash)\(",
        before=r"[^\n]{0,400}?(?P<q>\\{0,3}['\"])(?P<value>[^'\"\n\\]{1,200})(?P=q)[ \t]*\|[ \t]*\Z",
    ),
    # a linter that finds secrets quoting the string it found: eslint-plugin-no-secrets' `Found a string
    # with entropy 4.3 : "…"` and `Found a string that matches "AWS API Key" : "…"`
    AnchoredSecret(
        "found a string ",
        r"(?i:found a string)[ \t]+(?:with[ \t]+entropy[ \t]+[0-9.]{1,8}|that[ \t]+matches[ \t]+"
        r"\\{0,3}\"[^\"\n\\]{1,80}\\{0,3}\")[ \t]*:[ \t]*"
        r"(?P<q>\\{0,3}[\"'])(?P<value>[^\"'\n\\]{6,2000})(?P=q)",
        "secret",
    ),
    # Pushover's user or group key, the `user` parameter of a message sent to its API on the same line
    # (`curl --form-string "user=…" … https://api.pushover.net/1/messages.json`, or after the URL in a
    # call's data, `"user": "…"`): with the app's token it sends to that user's devices
    AnchoredSecret(
        "api.pushover.net",
        r"api\.pushover\.net",
        "api_key",
        before=r"[^\n]{0,800}?(?<![A-Za-z0-9_])user=(?P<value>[A-Za-z0-9]{30})(?![A-Za-z0-9])",
    ),
    AnchoredSecret(
        "api.pushover.net",
        r"api\.pushover\.net[^\n]{0,800}?(?:(?<![A-Za-z0-9_])user="
        r"|\\{0,3}[\"']user\\{0,3}[\"'][ \t]*[:=][ \t]*\\{0,3}[\"'])"
        r"(?P<value>[A-Za-z0-9]{30})(?![A-Za-z0-9])",
        "api_key",
    ),
)
#: Commands whose output is a credential (``kubectl get secret … | base64 -d``, ``gh auth token``):
#: (anchor, pattern). Where the lower-cased anchor occurs, the pattern (empty: none) must be found in
#: its line; then the first of the next three lines that is a single word is redacted (after printing a
#: credential file with ``cat``: every line that is a single word, such as OpenVPN's user and password).
PRINTS_SECRET: Final = (
    ("base64 -d", r"secret|token|passw|\.data|credential"),
    ("base64 --decode", r"secret|token|passw|\.data|credential"),
    ("printenv ", r"printenv[ \t]+[a-z0-9_]*(?:pass|pwd|secret|token|key|cred|auth)"),
    ("echo ", r"echo[ \t]+(?:\\{0,3}[\"'])?\$\{?[a-z0-9_]*(?:pass|pwd|secret|token|key|cred|auth)"),
    ("print-access-token", ""),
    ("print-identity-token", ""),
    ("auth token", ""),
    ("auth:token", ""),
    ("get-login-password", ""),
    ("initial-password", ""),
    (
        " -raw ",
        r"\boutput\b[^\n|;&]*?[ \t]-raw[ \t]+(?:-[a-z\-]+(?:=[^\s]+)?[ \t]+)*[\"']?"
        r"[a-z0-9_\-]*(?:pass|pwd|pw\b|secret|token|key|cred|auth)",
    ),
    ("create token", ""),
    ("print token", ""),
    ("wg genkey", ""),
    # a gossip encryption key (`consul keygen`)
    ("consul keygen", ""),
    ("openssl rand", ""),
    ("pwgen", ""),
    ("mkpasswd", ""),
    ("cat ", _CREDENTIAL_FILE % "cat"),
    ("get-content ", _CREDENTIAL_FILE % "get-content"),
    # the header `tail` and `head` print before each of several files (`==> /etc/openvpn/x.auth <==`)
    ("==> ", _CREDENTIAL_FILE % "==>"),
    ("versions access", r"secrets[ \t]+versions[ \t]+access"),
    # PowerShell's SecretManagement `Get-Secret -Name … -AsPlainText` (and Az's `Get-AzKeyVaultSecret`)
    ("-asplaintext", r"\bget-(?:azkeyvault)?secret\b"),
    # a secret-named output or member: `terraform output db_password` (quoted), `jq -r '.api_key.value'`,
    # `yq '.auth.token'`, `sops -d --extract '["db"]["password"]'`
    (
        "terraform output ",
        r"terraform[ \t]+output[ \t]+(?:-[a-z\-]+(?:=[^\s]+)?[ \t]+)*[\"']?"
        r"[a-z0-9_\-]*(?:pass|pwd|pw\b|secret|token|key|cred|auth)",
    ),
    # (a filter in single quotes may hold pipes: `jq -r '.resources[] | select(.type=="random_password")
    # | .instances[0].attributes.result'`)
    (
        "jq ",
        r"\b[jy]q[ \t][^\n|;&]{0,200}?(?:'[^'\n]{0,300}?)?"
        r"[.\[\"'][a-z0-9_\-]*(?:pass|pwd|secret|token|key|cred|auth)",
    ),
    # password managers and parameter stores printing a secret: `pass show` (also `gopass show` and
    # `lpass show`, which hold it), `aws ssm get-parameter --with-decryption`
    ("pass show ", ""),
    # 1Password's `op read op://vault/item/field`; `vault kv get -field=password …` (and `vault read`)
    ("op read ", r"\bop[ \t]+read[ \t]"),
    # Bitwarden's `bw get password ITEM` (also `totp`, a code, and `notes`)
    ("bw get ", r"\bbw[ \t]+get[ \t]+(?:password|notes)\b"),
    # `op item get … --fields label=username,label=password --reveal`: the fields' values, apart by commas
    (
        "--reveal",
        r"\bop[ \t]+item[ \t]+get[ \t][^\n|;&]*--fields[ \t=][^\n|;& ]*(?:pass|secret|token|key|cred)",
    ),
    ("-field=", r"-field=[a-z0-9_\-]*(?:pass|pwd|secret|token|key|cred|auth)"),
    ("--with-decryption", r"--query|--output[ \t=]+text"),
)

#: Prompts of interactive shells and debuggers (lower-cased anchor, then a pattern of the prompt's
#: line): where the expression after the prompt names a secret (``>>> settings.AWS_SECRET_ACCESS_KEY``,
#: ``In [4]: creds.secret_key``, ``(gdb) p token_``, ``CONFIG GET requirepass``), the value printed on
#: the next lines (``'…'``, ``Out[4]: '…'``, ``$2 = "…"``, ``=> "…"``, ``2) "…"``) is the secret.
_EVALUATED = r"[^=\n]{0,200}?(?:pass|pwd|secret|token|key|cred|auth)[^=\n]{0,80}$"
REPL_PROMPTS: Final = (
    (">>> ", r">>>[ \t]+" + _EVALUATED),  # Python, Django's and Flask's shells
    ("in [", r"\bin \[[0-9]{1,5}\]:[ \t]+" + _EVALUATED),  # IPython, Jupyter's console
    ("iex(", r"\biex\([0-9a-z@.\-]{0,40}\)>[ \t]+" + _EVALUATED),  # Elixir
    (
        "irb(",
        r"\birb\([a-z0-9_:]{0,40}\)(?::[0-9]{1,5}(?::[0-9]{1,3})?)?[>*][ \t]+" + _EVALUATED,
    ),  # Ruby, rails console
    ("pry(", r"\bpry\([a-z0-9_:#<>]{0,40}\)>[ \t]+" + _EVALUATED),
    (
        "(gdb) ",
        r"\((?:gdb|lldb)\)[ \t]+(?:p|print|output|call|x/s|po|expr|frame variable)(?:/[a-z])?[ \t]+"
        + _EVALUATED,
    ),
    ("(lldb) ", r"\((?:gdb|lldb)\)[ \t]+(?:p|print|po|expr|frame variable|v)[ \t]+" + _EVALUATED),
    ("config get ", r"\bconfig[ \t]+get[ \t]+[a-z\-]*(?:pass|auth|secret|token|key)[a-z\-]*[ \t]*$"),  # Redis
    ("> process.env", r"(?<![^\s\"'n])>[ \t]+process\.env" + _EVALUATED),  # Node's REPL
    ("jshell> ", r"\bjshell>[ \t]+" + _EVALUATED),
    ("scala> ", r"\bscala>[ \t]+" + _EVALUATED),
    ("julia> ", r"\bjulia>[ \t]+" + _EVALUATED),
    ("$env:", r"\bps\b[^>\n]{0,200}>[ \t]+\$env:" + _EVALUATED),  # PowerShell: `PS C:\> $env:API_TOKEN`
)

#: Node's REPL prompt, `> ` alone, starting a line (also JSON-escaped, or a JSON string) whose
#: expression names a secret (`> config.stripe.secretKey`): too frequent a literal to be searched
#: for, it is looked for where a secret name ends its line.
BARE_REPL_PROMPT: Final = r"(?:(?<=\n)|(?<=\\n)|(?<=\")|(?<![\s\S]))>[ \t]+" + _EVALUATED

#: Commands whose output lists or creates credentials, as a table or JSON over several lines
#: (``az storage account keys list``, ``aws iam create-access-key``, ``fly tokens create``): where
#: one of these occurs (lower-cased), the random-looking values of the lines after it (up to the
#: next prompt) are redacted, when the line is a command of one of the :data:`LISTING_CLIS`.
LISTING_CLIS: Final = words(
    "az aws gcloud fly flyctl vault doctl heroku openstack consul nomad linode-cli oci ibmcloud scw "
    "hcloud exo upcloud"
)
#: Providers whose credentials have no format of their own, which people list under the
#: provider's name in notes, wikis and chats: one a line, the name first or last (`vultr    <token>`,
#: `- zendesk: <token> (agent@…/token)`, `* <key> — mistral (prod)`), or as the `name` of a JSON
#: object whose generic member holds it (`{"name": "deepgram", "k": "<key>"}`). A value there of 16
#: characters or more that may be a credential goes. Each name is one more literal for the context
#: searches to find, which stay fast only up to 48 a search: a name here must earn its place (not
#: names text uses for other things, `render`, `linear`, nor providers whose tokens have formats).
LISTED_PROVIDERS: Final = words("vultr hetzner linode vercel snyk zendesk mistral cohere deepgram assemblyai")
LISTS_SECRETS: Final = (
    "keys list",
    "key list",
    "list-keys",
    "keys renew",
    "keys show",
    "key show",
    "credential show",
    "credential reset",
    "credentials create",
    "create-access-key",
    "create-for-rbac",
    "tokens create",
    "token create",
    "api-keys create",
    "get-key-string",
    "get-secret-value",
    "secret show",
    "authorizations:create",
)

# ------------------------------------------------------------------------------------------------
# Functions that take a credential as a positional argument.

#: Function (or constructor) name, lower-cased, without its object or module (with its object's name
#: where the name alone is too common: ``wifi.begin``) -> (which argument is
#: the credential when it is a string literal (0-based; -1: the last), and whether the function is
#: about credentials (then any value counts) or only sometimes (then only a random-looking value).
AUTH_CALLS: Final = {
    "login": (-1, True),
    "httpbasicauth": (1, True),
    "httpdigestauth": (1, True),
    "httpproxyauth": (1, True),
    "basicauth": (1, True),
    "basic_auth": (1, True),
    "digestauth": (1, True),
    "setbasicauth": (1, True),
    # query engines' and BI servers' clients given a login as an object: trino's and presto's
    # `BasicAuthentication(user, "…")` and `JWTAuthentication("…")`, Tableau's
    # `PersonalAccessTokenAuth(name, "…")` and `TableauAuth(user, "…")`
    "basicauthentication": (1, True),
    "jwtauthentication": (0, True),
    "personalaccesstokenauth": (1, True),
    "tableauauth": (1, True),
    "auth": (-1, True),  # `auth(user, "…")`; Redis clients' `red:auth("…")`, `client.auth("…")`
    "getconnection": (2, True),
    "mysqli": (2, True),
    "mysql_connect": (2, True),
    "mysqli_connect": (2, True),
    "pg_connect": (0, False),
    # database drivers that take (dsn, user, password, …): PHP's PDO and its other drivers, Perl's
    # DBI->connect, Python's DB-API connect("host", "user", "password", "db") of older drivers,
    # (a generic `connect`: only a random-looking literal)
    "pdo": (2, True),
    "connect": (2, False),
    "real_connect": (2, True),
    "odbc_connect": (2, True),
    "db2_connect": (2, True),
    "oci_connect": (1, True),
    "ldap_bind": (2, True),
    "ssh2_auth_password": (2, True),
    "simple_bind_s": (1, True),
    "simple_bind": (1, True),
    "bind_s": (1, True),
    "plainauth": (2, True),
    "networkcredential": (1, True),
    # .NET's Active Directory and Windows logons: `new DirectoryEntry("LDAP://…", user, "…")`,
    # `new PrincipalContext(ContextType.Domain, name[, container], user, "…")`, advapi32's
    # `LogonUser(user, domain, "…", type, provider, out token)`
    "directoryentry": (2, True),
    "principalcontext": (-1, True),
    "logonuser": (2, True),
    # ASP.NET Identity's `userManager.CreateAsync(user, "…")` (a seeded account's password; other
    # `CreateAsync` calls take other things: only a literal that may be a credential)
    "createasync": (1, False),
    # .NET's `new AuthenticationHeaderValue("Basic", "…")`: the scheme, then the credential
    "authenticationheadervalue": (1, True),
    # the Azure SDKs' and Azure DevOps' credential types given a literal: `new
    # StorageSharedKeyCredential(account, "…")`, `new AzureKeyCredential("…")`, `new
    # AzureNamedKeyCredential(name, "…")`, `new AzureSasCredential("…")`, `new
    # ClientSecretCredential(tenant, client, "…")`, `new VssBasicCredential(string.Empty, "…")` (a PAT)
    "storagesharedkeycredential": (1, True),
    "azurekeycredential": (0, True),
    "azurenamedkeycredential": (1, True),
    "azuresascredential": (0, True),
    "clientsecretcredential": (2, True),
    "vssbasiccredential": (1, True),
    "usernamepasswordcredentials": (1, True),
    # Jenkins' `UsernamePasswordCredentialsImpl(scope, id, description, user, "…")` (init scripts)
    "usernamepasswordcredentialsimpl": (-1, True),
    "passwordauthentication": (1, True),
    "usepassword": (0, True),
    "password": (0, True),  # MySQL's `SET PASSWORD = PASSWORD('…')`
    "setpassword": (-1, True),
    "set_password": (-1, True),
    "authenticate": (-1, False),
    # an MQTT connect message's `authenticateAs(user, "…")` (Dart's mqtt_client)
    "authenticateas": (-1, True),
    "bind": (1, False),
    "encode": (1, False),
    "decode": (1, False),
    "sign": (1, False),
    "verify": (1, False),
    "createhmac": (1, False),
    "setapikey": (0, False),
    "setauthtoken": (0, False),
    "settoken": (0, False),
    "withauthtoken": (0, False),
    "withtoken": (0, False),
    "credentials": (-1, False),  # `Credentials(user, "…")`, sbt's `Credentials(realm, host, user, "…")`
    "run": (0, False),  # discord.py's `client.run("…")`: only a random-looking literal
    # symmetric keys given to a cipher or signer: `Fernet(b"…")` (a literal there is the key, whatever
    # it starts with: base64url may start with `-`), Go's `[]byte("…")` is judged by the name it is
    # assigned to
    "fernet": (0, True),
    "multifernet": (0, True),
    # a PHP stack trace prints a constructor's arguments: `PDO->__construct('dsn', 'user', '…')`
    "construct": (2, False),
    # provider SDKs' clients given their credential as a positional argument, where it has no
    # format of its own: Postmark's server and account tokens are UUIDs (`new
    # postmark.ServerClient("…")`, `PostmarkClient("…")`); Twilio's auth token after the account
    # SID (`twilio(sid, "…")`). Not Algolia's `algoliasearch(appId, key)`: its key may be the
    # search-only one, made for browsers.
    "serverclient": (0, True),
    "accountclient": (0, True),
    "postmarkclient": (0, True),
    # any SDK's client given its key as the first argument (`cohere.Client("…")`, `AsyncClient("…")`):
    # only a literal that looks generated, not an address (`Client("localhost:7233")`)
    "client": (0, False),
    "asyncclient": (0, False),
    "twilio": (1, False),
    # a wallet's private key given to the library that signs with it: eth-account's and web3.py's
    # `Account.from_key("0x…")`, viem's and web3.js' `privateKeyToAccount("0x…")`, ethers'
    # `new ethers.Wallet("0x…", provider)` (a random-looking literal); Solana's and NEAR's
    # `…fromSecretKey(…)`, `KeyPair.fromString("ed25519:…")` go by their key's look
    "from_key": (0, True),
    "privatekeytoaccount": (0, True),
    "wallet": (0, False),
    "from_private_key": (0, False),
    "fromprivatekey": (0, False),
    # fastlane match's `git_basic_authorization("…")` (base64 of user:token), Paho MQTT's
    # `username_pw_set(user, "…")`
    "git_basic_authorization": (0, True),
    "username_pw_set": (1, True),
    # C clients that take a handle first: `mysql_real_connect(conn, host, user, "…", db, …)`,
    # libpq's `PQsetdbLogin(host, port, options, tty, db, user, "…")`, OpenLDAP's
    # `ldap_simple_bind_s(ld, dn, "…")`
    "mysql_real_connect": (3, True),
    "pqsetdblogin": (6, True),
    "ldap_simple_bind_s": (2, True),
    "ldap_simple_bind": (2, True),
    "ldap_bind_s": (2, True),
    # FTP clients' (host, user, password): Python's `ftplib.FTP(…)`, MATLAB's `ftp(…)`; MATLAB's
    # `database(source, user, "…")`;
    "ftp": (2, True),
    "database": (2, True),
    # Nim's and other drivers' `open(host, user, password, db)` (a generic name: a random-looking literal)
    "open": (2, False),
    # the plaintext given to crypt(): pgcrypto's `crypt('…', gen_salt('bf'))`, PHP's `crypt("…", $salt)`
    "crypt": (0, True),
    # network automation: pysnmp's `CommunityData("…", mpModel=1)` (an SNMP community is a password)
    # and `UsmUserData(user, "…", …)` (SNMPv3's authentication key), NAPALM's `driver(host, user,
    # "…")` (the class `get_network_driver()` returns; a generic name: a random-looking literal)
    "communitydata": (0, True),
    "usmuserdata": (1, True),
    "driver": (2, False),
    # joining a Wi-Fi network with its passphrase after the network's name: Arduino's and the ESP
    # cores' `WiFi.begin("ssid", "…")`, `WiFi.softAP(…)`, `WiFiMulti.addAP(…)`, MicroPython's
    # `wlan.connect(…)` (`sta_if` in its documentation), CircuitPython's `wifi.radio.connect(…)`
    # (a method as common as `begin` or `connect` counts only after its object's name)
    "wifi.begin": (1, True),
    "softap": (1, True),
    "addap": (1, True),
    "wlan.connect": (1, True),
    "sta_if.connect": (1, True),
    "radio.connect": (1, True),
    # a one-time password's shared seed (base32): PyOTP's `pyotp.TOTP("…")`, `pyotp.HOTP("…")`
    "totp": (0, True),
    "hotp": (0, True),
    # messaging bots' SDKs given their channel's secret or token: LINE's `WebhookHandler("…")` and
    # `WebhookParser("…")` (the channel secret that checks a webhook's signature), `LineBotApi("…")`
    # (the channel access token), Java's `new LineSignatureValidator("…".getBytes())`
    "webhookhandler": (0, True),
    "webhookparser": (0, True),
    "linebotapi": (0, True),
    "linesignaturevalidator": (0, True),
}
#: Functions that take a credential, as in :data:`AUTH_CALLS`, whose names hold a secret word: they
#: are found through it (a name keyword), with a literal as their first argument, and need no anchor
#: of their own (each anchor costs every text a little).
NAMED_AUTH_CALLS: Final = {
    # Gradle's signing with a key held in memory: `useInMemoryPgpKeys("id", key, "…")`
    "useinmemorypgpkeys": (-1, True),
    # the key material of a MAC or a cipher: Java's `SecretKeySpec("…".toByteArray(), "HmacSHA256")`
    "secretkeyspec": (0, False),
    # .NET's `new SymmetricSecurityKey(Encoding.UTF8.GetBytes("…"))`: a JWT's signing key
    "symmetricsecuritykey": (0, False),
}

#: Marks that leave their line as it is, as secret scanners honour them: detect-secrets'
#: ``pragma: allowlist secret``, gitleaks' ``gitleaks:allow`` and autopilot's own ``autopilot:allow``
#: (a test fixture's fake key, a documented example).
ALLOW_MARKS: Final = (b"pragma: allowlist secret", b"gitleaks:allow", b"autopilot:allow")
