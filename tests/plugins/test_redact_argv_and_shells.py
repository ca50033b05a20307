"""The built-in redactor on argv lists, values printed after an interactive shell's prompt, object
dumps without blanks, tables and credential files known by their name (issue 15, the families the
blind corpora found missed)."""

from __future__ import annotations

import base64
import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

_SEEDS = st.integers(min_value=0, max_value=2**32)
_SECRET_OPTIONS = ("--token", "--password", "--requirepass", "--api-key", "--client-secret", "--auth-token")


@given(
    option=st.sampled_from(_SECRET_OPTIONS),
    quote=st.sampled_from(['"', "'"]),
    gap=st.sampled_from([",", ", ", ",\n    ", ",\n"]),
    seed=_SEEDS,
)
def test_an_option_in_an_argv_list_loses_the_next_element(
    option: str, quote: str, gap: str, seed: int
) -> None:
    """A secret-named option as an element of a JSON, JavaScript or Python list, on one line or one
    element per line (`docker inspect`'s "Args"), loses the element after it."""
    secret = rs.body(random.Random(seed), 24)
    q = quote
    text = f"argv: [{q}node{q}, {q}vercel{q}, {q}pull{q}, {q}{option}{q}{gap}{q}{secret}{q}, {q}--yes{q}]"
    rs.goes(text, secret)


def test_a_word_opening_an_argv_list_loses_a_generated_value() -> None:
    """`new WebSocket(url, ["token", "…"])` loses the token; a list of field names stays."""
    secret = rs.body(random.Random(3), 32)
    rs.goes(f'ws = new WebSocket("wss://api.example.com/v1/listen", ["token", "{secret}"]);', secret)
    rs.survives('fields = ["token", "secret_key", "password"]\nargs = ["--token", "--verbose"]')


def test_a_yaml_args_list_loses_the_item_after_a_password_option() -> None:
    """A container's `args:` with `- --password` then `- …` loses the value, not the next option."""
    secret = rs.body(random.Random(4), 20)
    text = f"        args:\n        - --password\n        - {secret}\n        - --verbose\n"
    rs.goes(text, secret)
    rs.survives("        args:\n        - --password-file\n        - /etc/app/password\n")


@given(seed=_SEEDS, flag=st.sampled_from(["-u", "--user"]))
def test_auditd_execve_arguments_lose_a_password(seed: int, flag: str) -> None:
    """auditd's EXECVE record loses the password of `-u user:…` and a password option's value."""
    secret = rs.body(random.Random(seed), 20)
    rs.goes(
        f'type=EXECVE msg=audit(1741082400.123:4411): argc=4 a0="curl" a1="{flag}" a2="admin:{secret}"',
        secret,
    )
    rs.goes(
        f'type=EXECVE msg=audit(1741082400.123:4411): argc=3 a0="mysql" a1="--password" a2="{secret}"', secret
    )
    rs.survives('type=EXECVE msg=audit(1741082400.123:4411): argc=3 a0="ls" a1="-u" a2="/tmp"')


_SHELLS = (
    "In [4]: creds.secret_key\nOut[4]: '{s}'\n",
    ">>> from django.conf import settings\n>>> settings.AWS_SECRET_ACCESS_KEY\n'{s}'\n",
    ">>> os.environ[\"API_KEY\"]\n'{s}'\n",
    'iex(1)> Application.get_env(:ex_aws, :secret_access_key)\n"{s}"\niex(2)> \n',
    '(gdb) p token_\n$2 = "{s}"\n(gdb) p expires_\n$3 = 1741086000\n',
    'irb(main):001> ENV["TOKEN"]\n=> "{s}"\n',
    '[1] pry(main)> Rails.application.credentials.secret_key_base\n=> "{s}"\n',
    '127.0.0.1:6379> CONFIG GET requirepass\n1) "requirepass"\n2) "{s}"\n127.0.0.1:6379>\n',
    "> process.env.API_TOKEN\n'{s}'\n> ",
    'jshell> System.getenv("API_TOKEN")\n$1 ==> "{s}"\n',
    'scala> sys.env("DB_PASSWORD")\nres0: String = {s}\n',
    'julia> ENV["API_KEY"]\n"{s}"\n',
    "PS C:\\Users\\dev> $env:GITHUB_TOKEN\n{s}\nPS C:\\Users\\dev> ",
)


@given(template=st.sampled_from(_SHELLS), seed=_SEEDS)
def test_a_shell_evaluating_a_secret_name_loses_what_it_prints(template: str, seed: int) -> None:
    """A REPL's or a debugger's prompt evaluating a secret-named expression loses the string it
    prints on the next line (IPython, Django's shell, iex, gdb, irb, pry, redis-cli)."""
    secret = rs.body(random.Random(seed), 28)
    rs.goes(template.format(s=secret), secret)


def test_a_shell_evaluating_something_else_stays() -> None:
    """A prompt evaluating no secret, or assigning one from elsewhere, keeps its output."""
    rs.survives(
        ">>> settings.DEBUG\n'production-mode'\n>>> token = os.environ['TOKEN']\n>>> len(token)\n40\n"
    )
    rs.survives('(gdb) p count_\n$1 = 42\n(gdb) p name_\n$2 = "worker-7"\n')
    rs.survives("PS C:\\> $env:PATH\nC:\\Windows\\system32;C:\\bin\n")


def test_laravel_app_key_is_a_format_of_its_own() -> None:
    """`base64:` and 44 base64 characters (Laravel's APP_KEY) goes wherever it is printed."""
    key = base64.b64encode(random.Random(5).randbytes(32)).decode()
    rs.goes(f"$ php artisan key:generate --show\nbase64:{key}\n", key)
    rs.goes(f"the new key is base64:{key} now", key)
    rs.survives(
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk">'
    )


def test_jq_filter_with_pipes_selecting_a_password_resource_loses_its_output() -> None:
    """A jq filter holding pipes that selects a `random_password` resource's `result` loses the
    string printed after it."""
    secret = rs.body(random.Random(6), 24)
    text = (
        "$ jq -r '.resources[] | select(.type==\"random_password\") | .instances[0].attributes.result'"
        f' terraform.tfstate\n"{secret}"\n'
    )
    rs.goes(text, secret)


@given(seed=_SEEDS)
def test_a_go_struct_with_colons_in_values_or_nested_loses_its_password(seed: int) -> None:
    """Go's %+v with a field holding a colon before the password (`Addr:redis:6379`), or nested
    (`Redis:{Addr:… Password:…}`), loses the password."""
    secret = rs.body(random.Random(seed), 22)
    rs.goes(f"config: {{Addr:redis:6379 Username: Password:{secret} DB:0 PoolSize:10}}", secret)
    rs.goes(
        f"cfg={{DB:{{Host:db User:app Name:ledger}} "
        f"Redis:{{Addr:mq3.example.com:6379 Password:{secret}}} Level:debug}}",
        secret,
    )


@given(seed=_SEEDS)
def test_a_quoted_csv_export_loses_its_password_column(seed: int) -> None:
    """A password manager's CSV export with quoted cells holding blanks (1Password's `Title,Url,
    Username,Password,…`) loses each row's password; the other cells stay."""
    secret = rs.body(random.Random(seed), 20)
    header = "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes"
    row = f'"Prod DB","pg.example.net","jdoe","{secret}","",false,false,"infra","rotated quarterly"'
    rs.goes(f"{header}\n{row}\n", secret)
    rs.survives(
        f'{header}\n"Prod DB","pg.example.net","jdoe","","",false,false,"infra","rotated quarterly"\n'
    )


def test_an_aligned_table_with_a_two_word_secret_column_loses_its_cells() -> None:
    """A CLI table aligned with blanks whose secret column is named by two words (`License key`)
    loses the generated cell under it; a table whose two-word column names nothing stays."""
    secret = rs.body(random.Random(8), 32)
    rs.goes(f"Name      Region  Account ID  License key\ndefault   US      7789054     {secret}\n", secret)
    rs.survives("Name      Region  Account ID  Door key\ndefault   US      7789054     brass-and-copper\n")


@given(
    name=st.sampled_from(["AZURE_DEVOPS_EXT_PAT", "GH_PAT", "ado_pat", "GITHUB_PAT"]),
    form=st.sampled_from(["{n}: {s}", '{n}="{s}"', '{{"{n}": "{s}"}}', "export {n}={s}"]),
    seed=_SEEDS,
)
def test_a_personal_access_token_named_pat_goes(name: str, form: str, seed: int) -> None:
    """A name ending in `_PAT` (Azure DevOps' `AZURE_DEVOPS_EXT_PAT`, `GH_PAT`) holds a token; a
    `file_path` does not."""
    secret = rs.body(random.Random(seed), 52)
    rs.goes(form.format(n=name, s=secret), secret)


def test_a_path_ending_in_pat_letters_stays() -> None:
    """`file_path`, `_pattern` and friends are no token names."""
    rs.survives('file_path = "/srv/app/config.yml"\nurl_pattern: "^/api/"\nsrc_path: src/autopilot\n')


@given(seed=_SEEDS)
def test_credential_files_printed_by_grep_or_tail_lose_their_secrets(seed: int) -> None:
    """grep's `file:line:` output of a credential file and `tail`'s `==> file <==` header before
    one (OpenVPN's user and password) lose the password, not the user."""
    secret = rs.body(random.Random(seed), 20)
    grepped = f"/etc/cassandra/jmxremote.password:1:monitorRole {secret}\n"
    rs.goes(grepped, secret)
    tailed = (
        f"==> /etc/openvpn/client/office.auth <==\njsmith\n{secret}\n\n"
        "==> /etc/openvpn/client/office.conf <==\nclient\n"
    )
    rs.goes(tailed, secret)
    rs.survives("src/app/password.py:12:def check_password(user, pw):\n==> /var/log/app.log <==\nstarted\n")


@given(seed=_SEEDS)
def test_base64_of_user_and_password_decoded_by_hand_goes(seed: int) -> None:
    """`echo '…' | base64 -d` of an Authorization header's `user:password` loses the base64."""
    secret = rs.body(random.Random(seed), 18)
    encoded = base64.b64encode(f"svc_app:{secret}".encode()).decode()
    rs.goes(f"$ echo '{encoded}' | base64 -d\nsvc_app:***\n", encoded)
    rs.survives(
        f"$ echo '{base64.b64encode(b'hello world, plain text').decode()}' | base64 -d\nhello world\n"
    )


@given(
    seed=_SEEDS, prefix=st.sampled_from(["b", "br", ""]), kind=st.sampled_from(["&[u8]", "&[u8; 32]", "&str"])
)
def test_a_rust_byte_string_constant_goes(seed: int, prefix: str, kind: str) -> None:
    """A secret-named Rust constant holding a byte string (`b"…"`, `br"…"`) loses it."""
    secret = rs.body(random.Random(seed), 32)
    rs.goes(f'const HMAC_KEY: {kind} = {prefix}"{secret}";\n', secret)


@given(seed=_SEEDS)
def test_values_holding_escaped_quotes_or_entities_go_whole(seed: int) -> None:
    """A password holding a quote escaped in its string (C's `\\'`, Java's `\\"`) or an XML entity
    (`&lt;` in an attribute) goes whole, not only up to the escape."""
    rng = random.Random(seed)
    head, tail = rs.body(rng, 8), rs.body(rng, 12)
    rs.goes(f'static const char *conn = "host=localhost user=app password={head}\\\'{tail}";', tail)
    rs.goes(f'    private static final String KEYSTORE_PASS = "{head}\\"{tail}";\n', tail)
    rs.goes(
        f'<add name="Shop" connectionString="Server=sql01;User Id=shop;Password={head}&lt;{tail};" />', tail
    )


def test_an_ldif_base64_password_ending_a_json_string_goes() -> None:
    """LDIF's `userPassword:: …` loses its base64 also where a JSON string ends right after it."""
    encoded = base64.b64encode(rs.body(random.Random(9), 16).encode()).decode()
    rs.goes(f"dn: uid=deploy,ou=svc,dc=corp,dc=local\nuserPassword:: {encoded}", encoded)


@given(seed=_SEEDS)
def test_a_dataframe_repr_loses_its_token_column(seed: int) -> None:
    """A pandas DataFrame's repr with an `api_token` column, as text and as a notebook's list of
    `"text/plain"` lines, loses each row's token; the e-mails stay."""
    rng = random.Random(seed)
    first, second = rs.body(rng, 32), rs.body(rng, 32)
    rows = [
        "   user_id            email                       api_token  plan",
        f"0     1042   ana@example.org  {first}   pro",
        f"1     1043   ben@example.org  {second}  free",
    ]
    text = "\n".join(rows) + "\n"
    notebook = '{\n "text/plain": [\n' + ",\n".join(f'  "{row}\\n"' for row in rows) + "\n ]\n}\n"
    for form in (text, notebook):
        rs.goes(form, first)
        rs.goes(form, second)


@given(seed=_SEEDS)
def test_smtplib_debug_output_loses_the_password_sent_after_the_prompt(seed: int) -> None:
    """Python's smtplib at debug level prints `reply: b'334 UGFzc3dvcmQ6\\r\\n'` and then `send:
    '…\\r\\n'`: the line sent loses the password."""
    secret = base64.b64encode(rs.body(random.Random(seed), 14).encode()).decode()
    text = f"reply: b'334 UGFzc3dvcmQ6\\r\\n'\nsend: '{secret}\\r\\n'\nreply: retcode (535); Msg: b'failed'\n"
    rs.goes(text, secret)


@given(seed=_SEEDS)
def test_a_glued_client_password_in_an_argv_list_goes(seed: int) -> None:
    """`subprocess.run(["mysql", "-u", "root", "-p…", "app"])` loses the password glued to `-p`."""
    secret = rs.body(random.Random(seed), 20)
    rs.goes(f'subprocess.run(["mysql", "-u", "root", "-p{secret}", "app"])\n', secret)


@given(seed=_SEEDS)
def test_a_jcl_ftp_step_loses_the_password_of_its_login_line(seed: int) -> None:
    """A JCL step running FTP with its commands in stream loses the password after the user; a
    SORT step's in-stream data stays."""
    secret = rs.body(random.Random(seed), 10)
    text = (
        "//FTPSTEP  EXEC PGM=FTP,PARM='ftp.partner.example.com (EXIT'\n//OUTPUT   DD SYSOUT=*\n"
        f"//INPUT    DD *\nxferuser {secret}\ncd /inbound\nquit\n"
    )
    rs.goes(text, secret)
    rs.survives("//SORTSTEP EXEC PGM=SORT\n//SYSIN    DD *\n  SORT FIELDS=(1,10,CH,A)\n")


@given(seed=_SEEDS)
def test_dumps_of_maps_and_options_lose_their_secrets(seed: int) -> None:
    """Go's %v of a map (`map[host:db password:…]`) and Rust's Debug of an `Option` (`api_key:
    Some("…")`) lose the secret."""
    secret = rs.body(random.Random(seed), 20)
    rs.goes(f"map[host:db password:{secret} port:5432]", secret)
    rs.goes(f'Settings {{ api_key: Some("{secret}"), timeout: 30 }}', secret)


def test_a_box_drawn_border_after_an_announcing_line_stays() -> None:
    """A table's border row of box-drawing characters (or `+----+`) after a line that mentions
    secrets and ends in a colon is no credential announced there."""
    border = "\u250c" + "\u2500" * 20 + "\u252c" + "\u2500" * 9 + "\u2510"
    rs.survives(f"$ eas secret:list\nSecrets for this account and project:\n{border}\n")
    rs.survives("Secrets for this account and project:\n+--------------------+---------+\n")


@given(seed=_SEEDS)
def test_a_pulumi_random_password_output_goes(seed: int) -> None:
    """A Pulumi stack export's `RandomPassword` resource loses its `result` output."""
    secret = rs.body(random.Random(seed), 32)
    text = (
        '{\n  "urn": "urn:pulumi:prod::shop::random:index/randomPassword:RandomPassword::db",\n'
        '  "type": "random:index/randomPassword:RandomPassword",\n'
        f'  "outputs": {{\n    "length": 32,\n    "result": "{secret}",\n    "special": false\n  }}\n}}\n'
    )
    rs.goes(text, secret)
