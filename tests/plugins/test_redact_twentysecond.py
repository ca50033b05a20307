"""The built-in redactor in the frontend, mobile and JavaScript/TypeScript world (the twenty-second
corpus's families): what that world's files hold that is not a secret (anti-forgery tokens, lookups of
the environment, ciphertext, help text), and the credentials it shows in URLs and provider formats."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)


@given(
    layout=st.sampled_from(
        [
            '<input type="hidden" name="csrfToken" value="{v}">',
            '<input type="hidden" name="csrfmiddlewaretoken" value="{v}">',
            '<input type="hidden" name="authenticity_token" value="{v}" autocomplete="off">',
            "[auth] rendering /signin with csrfToken={v}",
            "X-CSRF-Token: {v}",
            "X-XSRF-TOKEN: {v}",
            '{{"csrf_token": "{v}", "user": "ada"}}',
            "_csrf_token = '{v}'",
        ]
    ),
    alphabet=st.sampled_from([rs.HEX, rs.ALNUM, rs.URLSAFE]),
    seed=SEEDS,
)
def test_an_anti_forgery_token_stays(layout: str, alphabet: str, seed: int) -> None:
    """A CSRF token a page renders for its own forms grants nothing without the session cookie."""
    rs.survives(layout.format(v=rs.body(random.Random(seed), 40, alphabet)))


@given(seed=SEEDS)
def test_a_csrf_signing_secret_still_goes(seed: int) -> None:
    """The server's key that signs anti-forgery tokens is a secret (Flask-WTF's, a framework's)."""
    secret = rs.body(random.Random(seed), 40)
    rs.goes(f"WTF_CSRF_SECRET_KEY={secret}", secret)
    rs.goes(f'csrf_secret = "{secret}"', secret)


@given(
    layout=st.sampled_from(
        [
            '        storePassword System.getenv("{n}")',
            '        keyPassword System.getenv("{n}")',
            '  match(type: "appstore", git_basic_authorization: ENV["{n}"])',
            '  password ENV.fetch("{n}")',
            "  authorization os.getenv('{n}')",
            '  password Deno.env.get("{n}")',
        ]
    ),
    name=st.sampled_from(["ANDROID_KEYSTORE_PASSWORD", "MATCH_GIT_BASIC_AUTHORIZATION", "DB_PASSWORD", "X"]),
)
def test_a_lookup_of_the_environment_stays(layout: str, name: str) -> None:
    """`storePassword System.getenv("…")` reads the password at build time: code, not a value."""
    rs.survives(layout.format(n=name))


@given(seed=SEEDS)
def test_a_password_ending_in_a_bracket_still_goes(seed: int) -> None:
    """Only an identifier's call or index before a quoted name is a lookup."""
    password = rs.body(random.Random(seed), 12) + "("
    rs.goes(f"storePassword {password}", password[:-1])


@given(seed=SEEDS, size=st.integers(min_value=40, max_value=200))
def test_a_dotenvx_encrypted_value_stays(seed: int, size: int) -> None:
    """dotenvx's `encrypted:` values are ECIES ciphertext, opened by a key kept in `.env.keys`."""
    ciphertext = "B" + rs.body(random.Random(seed), size, rs.B64) + "="
    rs.survives(f'#/---[DOTENV_PUBLIC_KEY]---/\nSTRIPE_SECRET_KEY="encrypted:{ciphertext}"')
    rs.survives(f"DATABASE_URL=encrypted:{ciphertext}")


@given(seed=SEEDS)
def test_a_secret_named_plainly_beside_ciphertext_still_goes(seed: int) -> None:
    secret = "encrypte" + rs.body(random.Random(seed), 32)
    rs.goes(f'STRIPE_SECRET_KEY="{secret}"', secret)


@given(
    name=st.sampled_from(["api_key_help", "password_tooltip", "secret_caption", "tokenHelp"]),
    text=st.sampled_from(
        [
            "Find it under Settings → API. It starts with sk_live_ in production.",
            "At least 12 characters, with a digit and a symbol",
            "Paste the token your administrator gave you",
        ]
    ),
)
def test_the_help_text_of_a_secret_field_stays(name: str, text: str) -> None:
    """An i18n file's help text beside a secret's field says where to find it."""
    rs.survives(f'en:\n  settings:\n    {name}: "{text}"\n')


@given(
    manager=st.sampled_from(["1Password", "LastPass", "KeePass", "KeePassXC", "Bitwarden"]),
    item=st.sampled_from(["Stripe prod webhook", "db-primary", "Apple ID (ci)"]),
)
def test_an_item_named_in_a_password_manager_stays(manager: str, item: str) -> None:
    rs.survives(f'got a new one, stored in {manager} "{item}"')


@given(
    layout=st.sampled_from(
        [
            "https://api.vercel.com/v1/integrations/deploy/prj_{p}/{v10}",
            "curl -X POST -d {{}} https://api.netlify.com/build_hooks/{h24}",
            "curl -X POST https://api.cloudflare.com/client/v4/accounts/{h32}/pages/webhooks/deploy_hooks/{uuid}",
        ]
    ),
    seed=SEEDS,
)
def test_a_deploy_hook_goes(layout: str, seed: int) -> None:
    """Whoever has a deploy hook's URL builds and deploys the site."""
    rng = random.Random(seed)
    values = {
        "p": rs.body(rng, 28),
        "v10": rs.body(rng, 10),
        "h24": rs.body(rng, 24, rs.HEX),
        "h32": rs.body(rng, 32, rs.HEX),
        "uuid": "-".join(rs.body(rng, n, rs.HEX) for n in (8, 4, 4, 4, 12)),
    }
    text = layout.format(**values)
    secret = next(value for key, value in values.items() if key not in ("p", "h32") and value in text)
    rs.goes(text, secret)


def test_a_deploy_hooks_listing_page_stays() -> None:
    rs.survives("See https://api.netlify.com/build_hooks/ and https://api.vercel.com/v1/integrations/deploy/")


@given(
    layout=st.sampled_from(
        [
            "https://acme-prod.firebaseapp.com/__/auth/action?mode=signIn&oobCode={v}&continueUrl=https://acme.app/finish",
            "https://acme.app/auth/action?mode=resetPassword&oobCode={v}&lang=en",
            "https://web-git-main-acme.vercel.app/checkout?x-vercel-protection-bypass={v}&x-vercel-set-bypass-cookie=true",
            "https://billing.stripe.com/p/session/live_{v}",
            "https://billing.stripe.com/p/session/test_{v}",
        ]
    ),
    seed=SEEDS,
)
def test_a_one_time_code_or_bypass_token_in_a_url_goes(layout: str, seed: int) -> None:
    """A link's code that signs someone in, resets a password or passes a deployment's protection."""
    value = rs.body(random.Random(seed), 40, rs.URLSAFE)
    rs.goes(layout.format(v=value), value)


def test_a_stripe_portal_login_link_stays() -> None:
    """The portal's own sign-in page asks for an e-mail: its link grants nothing."""
    rs.survives("https://billing.stripe.com/p/login/test_8wM5kE3Hd0bM6mQ288")


@given(seed=SEEDS)
def test_statsig_and_mapbox_secret_keys_go(seed: int) -> None:
    rng = random.Random(seed)
    statsig = "secret-" + rs.body(rng, 43)
    rs.goes(f"await Statsig.initialize('{statsig}', {{ environment: {{ tier: 'production' }} }})", statsig)
    mapbox = "sk." + "eyJ" + rs.body(rng, 60, rs.URLSAFE) + "." + rs.body(rng, 22, rs.URLSAFE)
    rs.goes(f"uploads-ci (secret)    {mapbox}     Scopes: UPLOADS:WRITE", mapbox)


@given(seed=SEEDS)
def test_their_public_keys_stay(seed: int) -> None:
    """Statsig's client keys and Mapbox's public tokens are made for browsers."""
    rng = random.Random(seed)
    rs.survives(f"Statsig.initialize('client-{rs.body(rng, 43)}')")
    rs.survives(
        f"mapboxgl.accessToken = 'pk.eyJ{rs.body(rng, 60, rs.URLSAFE)}.{rs.body(rng, 22, rs.URLSAFE)}'"
    )


@given(
    name=st.sampled_from(["__ALGOLIA_ADMIN_KEY__", "'process.env.STRIPE_SECRET_KEY'", "ADMIN_TOKEN"]),
    seed=SEEDS,
)
def test_a_secret_inlined_by_a_bundler_goes(name: str, seed: int) -> None:
    """webpack's `DefinePlugin` and Vite's `define` inline `JSON.stringify('…')` into the bundle."""
    secret = rs.body(random.Random(seed), 32)
    rs.goes(f"  define: {{\n    {name}: JSON.stringify('{secret}'),\n  }},", secret)


def test_a_value_read_from_the_environment_by_a_bundler_stays() -> None:
    rs.survives("    __ADMIN_KEY__: JSON.stringify(process.env.ADMIN_KEY),")


@given(
    layout=st.sampled_from(
        [
            "HOST=0.0.0.0\nAPP_KEYS={k}\n",
            '    environment:\n      APP_KEYS: "{k}"',
            "PORT=1337\nAPP_KEYS='{k}'",
        ]
    ),
    count=st.integers(min_value=2, max_value=4),
    seed=SEEDS,
)
def test_the_keys_that_sign_an_apps_cookies_go(layout: str, count: int, seed: int) -> None:
    """Strapi's `APP_KEYS` (Koa's `app.keys`): base64 keys joined by commas."""
    rng = random.Random(seed)
    keys = [rs.body(rng, 22, rs.B64) + "==" for _ in range(count)]
    text = layout.format(k=",".join(keys))
    for key in keys:
        rs.goes(text, key)


def test_strapis_placeholder_keys_stay() -> None:
    rs.survives("APP_KEYS=toBeModified1,toBeModified2\nAPI_TOKEN_SALT=tobemodified")


@given(seed=SEEDS, escaped=st.booleans())
def test_a_ruby_cookie_jar_value_goes(seed: int, escaped: bool) -> None:
    """fastlane's `FASTLANE_SESSION` and Mechanize's `cookies.yml`: http-cookie's YAML."""
    value = rs.body(random.Random(seed), 96, rs.HEX)
    lines = [
        "---",
        "- !ruby/object:HTTP::Cookie",
        "  name: myacinfo",
        f"  value: {value}",
        "  domain: apple.com",
    ]
    if escaped:
        rs.goes("export FASTLANE_SESSION='" + "\\n".join(lines) + "\\n'", value)
    else:
        rs.goes("\n".join(lines) + "\n", value)


def test_a_ruby_cookie_jar_analytics_cookie_stays() -> None:
    rs.survives(
        "- !ruby/object:HTTP::Cookie\n  name: _ga\n  value: GA1.2.1234567.1700000000\n  domain: acme.app\n"
    )


@given(
    banner=st.sampled_from(
        [
            "Connecting to fdaa:3:3147:a7b:cc5:5514:680a:2... complete",
            "Running printenv SESSION_SECRET on \u2b22 shop... up, run.4821 (Basic)",
        ]
    ),
    seed=SEEDS,
)
def test_a_secret_printed_after_a_remote_shells_banner_goes(banner: str, seed: int) -> None:
    """`fly ssh console -C 'printenv X'` and `heroku run` print a line of their own first."""
    secret = rs.body(random.Random(seed), 48, rs.URLSAFE)
    rs.goes(f"$ fly ssh console -C 'printenv SESSION_SECRET'\n{banner}\n{secret}\n", secret)


@given(
    layout=st.sampled_from(
        [
            "$ supabase link --project-ref {ref} -p '{p}'",
            "$ supabase link --project-ref {ref} --password '{p}'",
            '$ npx supabase db push -p "{p}"',
        ]
    ),
    seed=SEEDS,
)
def test_the_database_password_given_to_supabases_cli_goes(layout: str, seed: int) -> None:
    rng = random.Random(seed)
    password = rs.body(rng, 12) + "&"
    rs.goes(
        layout.format(ref="".join(rng.choice("abcdefghijklmnopqrst") for _ in range(20)), p=password),
        password,
    )


def test_a_reference_given_to_supabases_cli_stays() -> None:
    rs.survives('$ supabase link --project-ref abcdefghijklmnopqrst -p "$SUPABASE_DB_PASSWORD"')


@given(
    layout=st.sampled_from(
        [
            '- Firebase admin: a JSON file with `"private_key": "{b}\\n..."`',
            '"private_key": "{b}\\n\u2026\\n{e}\\n"',
            "key: |\n  {b}\n  ...\n  {e}\n",
        ]
    )
)
def test_a_private_key_elided_in_documentation_stays(layout: str) -> None:
    armour = "PRIVATE " + "KEY-----"
    rs.survives(layout.format(b="-----BEGIN " + armour, e="-----END " + armour))


@given(seed=SEEDS)
def test_a_private_key_with_an_ellipsis_among_its_lines_still_goes(seed: int) -> None:
    rng = random.Random(seed)
    armour = "PRIVATE " + "KEY-----"
    line = rs.body(rng, 64, rs.B64)
    rs.goes(f"-----BEGIN {armour}\n{line}\n...\n-----END {armour}", line)
    rs.goes(f"-----BEGIN {armour}\n...\n{line}\n-----END {armour}", line)


def _jwt(claims: dict[str, object], rng: random.Random) -> str:
    import base64
    import json

    def part(value: dict[str, object]) -> str:
        return (
            base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).rstrip(b"=").decode()
        )

    return part({"alg": "HS256", "typ": "JWT"}) + "." + part(claims) + "." + rs.body(rng, 43, rs.URLSAFE)


@given(
    claims=st.sampled_from(
        [
            {"sub": "1234567890", "name": "John Doe", "example": True, "note": "example token, not valid"},
            {"sub": "usr_123", "example": True, "iat": 1700000000},
        ]
    ),
    seed=SEEDS,
)
def test_a_jwt_whose_claims_say_it_is_an_example_stays(claims: dict[str, object], seed: int) -> None:
    rs.survives(f"A decoded example token looks like this:\n\n    {_jwt(claims, random.Random(seed))}\n")


@given(prefix=st.sampled_from(["gl" + "dt-", "gl" + "pat-", "xo" + "xb-", "r8" + "_"]), seed=SEEDS)
def test_a_published_jwt_stays_whole_when_its_signature_holds_a_token_prefix(prefix: str, seed: int) -> None:
    # A random signature can hold another format's prefix glued to a few characters (`…J9.kJqRgldt-…`).
    rng = random.Random(seed)
    token = _jwt({"sub": "usr_123", "example": True}, rng)
    signed = token.rsplit(".", 1)[0] + "." + rs.body(rng, 4) + prefix + rs.body(rng, 36, rs.URLSAFE)
    rs.survives(f"A decoded example token looks like this:\n\n    {signed}\n")
    real = _jwt({"sub": rs.body(rng, 12), "role": "authenticated"}, rng).rsplit(".", 1)[0]
    real += "." + rs.body(rng, 4) + prefix + rs.body(rng, 36, rs.URLSAFE)
    rs.goes(f"A decoded token looks like this:\n\n    {real}\n", real)


@given(seed=SEEDS)
def test_a_jwt_of_a_real_session_still_goes(seed: int) -> None:
    rng = random.Random(seed)
    token = _jwt({"sub": rs.body(rng, 12), "role": "authenticated", "iat": 1716239022, "example_id": 4}, rng)
    rs.goes(f"A decoded token looks like this:\n\n    {token}\n", token)
