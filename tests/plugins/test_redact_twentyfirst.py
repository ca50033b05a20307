"""The built-in redactor in the JVM world (the twenty-first corpus's families): passwords kept in a
reversible encoding or behind a scheme that says they are in clear, and the look-alikes of that
world that must stay (hashes, values encrypted under a key kept elsewhere)."""

from __future__ import annotations

import base64
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
    """A generated password: letters of both cases, digits and a symbol."""
    return rs.body(rng, 10) + rng.choice("!#%^*-_.") + rs.body(rng, 4)


def _xor(password: str) -> str:
    """WebSphere's `{xor}` encoding: each byte XOR `_`, then base64."""
    return "{xor}" + base64.b64encode(bytes(byte ^ 0x5F for byte in password.encode())).decode()


def _obf(password: str) -> str:
    """Jetty's `OBF:` obfuscation (org.eclipse.jetty.util.security.Password.obfuscate)."""
    data = password.encode()
    out = []
    for i, first in enumerate(data):
        last = data[len(data) - 1 - i]
        number = (127 + first + last) * 256 + 127 + first - last
        digits = ""
        while number:
            number, digit = divmod(number, 36)
            digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        out.append(digits.rjust(4, "0"))
    return "OBF:" + "".join(out)


@given(
    layout=st.sampled_from(
        [
            '<authDataEntries alias="node01/dbAuth" userId="app" password="{p}" description="db"/>',
            "J2CA0036E: authData node01/dbAuth userId app password {p} rejected by database",
            "admin: {p},server-administrator,content-administrator",
            '<Set name="password">{p}</Set>',
            "javax.net.ssl.keyStorePassword={p}",
            "    keystore-password: {p}\n",
        ]
    ),
    encoding=st.sampled_from([_xor, _obf]),
    seed=SEEDS,
)
def test_a_reversibly_encoded_password_goes(layout: str, encoding: object, seed: int) -> None:
    """WebSphere's `{xor}` and Jetty's `OBF:` undo without a key: under any name or none."""
    encoded = encoding(_password(random.Random(seed)))  # type: ignore[operator]
    rs.goes(layout.format(p=encoded), encoded[6:])


@given(seed=SEEDS)
def test_a_jboss_masked_password_goes(seed: int) -> None:
    """PicketBox's `MASK-` values are made with a key every install shares, with salt and count."""
    rng = random.Random(seed)
    masked = "MASK-" + rs.body(rng, 22, rs.B64)
    rs.goes(f'<vault-option name="KEYSTORE_PASSWORD" value="{masked};12345678;50"/>', masked[5:])
    rs.goes(f"java -jar app.jar --vault-password {masked};abcd1234;1000", masked[5:])


@given(
    layout=st.sampled_from(
        [
            'User.withUsername("admin")\n    .password("{s}{p}")\n    .roles("ADMIN")',
            "spring.security.user.password={s}{p}",
            "  user:\n    password: '{s}{p}'",
            "ops:{s}{p}:1000:1000::/home/ops",
            "userPassword: {s}{p}",
        ]
    ),
    scheme=st.sampled_from(["{noop}", "{PLAIN}", "{CLEAR}", "{CLEARTEXT}"]),
    seed=SEEDS,
)
def test_a_password_behind_a_clear_scheme_goes(layout: str, scheme: str, seed: int) -> None:
    """Spring Security's `{noop}`, Dovecot's and LDAP's `{PLAIN}`, `{CLEARTEXT}`: kept in clear."""
    password = _password(random.Random(seed)).replace(":", "")
    rs.goes(layout.format(s=scheme, p=password), password)


def test_hashes_and_encrypted_values_of_the_jvm_world_stay() -> None:
    for text in (
        "admin: MD5:164c88b302622e17050af52c89945d44,server-administrator",
        "guest: CRYPT:adpexzg3FUZAk,user",
        "spring.security.user.password={bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG",
        '.password("{noop}password")',
        '.password("{noop}${ADMIN_PASSWORD}")',
        "userPassword: {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
        'password="{AES}7DXkqDgvWzmV1YCR5dGp8nsp2o8y5TwHmC3vvK+DbKk="',
        "jdbc.password=ENC(nrmZtkF7T0kjG/VodDvBw93Ct8EgjCA+)",
        "Use {xor} only as obfuscation, not encryption.",
        "The format is OBF: followed by the obfuscated text.",
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_a_password_of_a_word_in_capitals_a_dot_and_a_word_goes(seed: int) -> None:
    """`WINT.Pumpkin2019` holds a dot, but no attribute ends in a number of three digits or more."""
    rng = random.Random(seed)
    word = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWZ") for _ in range(4))
    password = f"{word}.{rng.choice(['Pumpkin', 'Saturn', 'Copper', 'Walrus'])}{rng.randint(100, 9999)}"
    rs.goes(f"quarkus.datasource.password={password}", password)
    rs.goes(f"-Djib.to.auth.password={password} -Dimage=app", password)


def test_a_constant_of_a_class_as_a_password_stays() -> None:
    for text in ("password=System.Property", "token = HttpHeaders.AUTHORIZATION", "password=DB.Password"):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            "$ curl -v -u {u}:'{p}' --upload-file app.jar https://nexus.example.org/repository/releases/",
            '$ curl --user {u}:"{p}" https://registry.example.org/v2/',
            "$ $JBOSS_HOME/bin/add-user.sh -u {u} -p '{p}' -g SuperUser -e",
            "C:\\wildfly\\bin> add-user.bat -a -u {u} -p {p}",
            "$ java -jar jmxterm.jar -l db01:9010 -u {u} -p {p}",
            "[zk: localhost:2181(CONNECTED) 0] addauth digest {u}:{p}",
            'zk.addAuthInfo("digest", "{u}:{p}".getBytes(StandardCharsets.UTF_8));',
            "FINEST javax.management.remote.misc: RMIServerImpl.newClient: credentials = [{u}, {p}]",
            "naming.bindFailed ResourceRef[{{type=username,content={u}}},{{type=password,content={p}}},{{type=url,content=jdbc:mysql://db:3306/app}}]",
            '<key-store name="appKS">\n  <credential-reference clear-text="{p}"/>\n</key-store>',
            "/subsystem=elytron/credential-store=cs:add(location=cs.jceks,"
            " credential-reference={{clear-text={p}}}, create=true)",
            "credential-reference:\n  clear-text: {p}\n",
        ]
    ),
    seed=SEEDS,
)
def test_a_password_of_the_jvm_tools_goes(layout: str, seed: int) -> None:
    """Passwords that JVM servers' and tools' command lines, consoles and logs hold in clear."""
    rng = random.Random(seed)
    password = _password(rng).replace(",", "").replace("}", "").replace(":", "")
    rs.goes(layout.format(u="ops" + str(rng.randint(1, 99)), p=password), password)


@given(seed=SEEDS, one_line=st.booleans())
def test_the_users_of_a_jaas_login_module_go(seed: int, one_line: bool) -> None:
    """Kafka's PlainLoginModule (and the digest modules) define users as `user_NAME="PASSWORD"`."""
    rng = random.Random(seed)
    first, second = _password(rng), _password(rng)
    parts = [
        "org.apache.kafka.common.security.plain.PlainLoginModule required",
        'username="admin"',
        f'user_admin="{first}"',
        f'user_{rs.body(rng, 6, "abcdefghijklmnop")}="{second}";',
    ]
    text = (
        "sasl.jaas.config=" + " ".join(parts)
        if one_line
        else "KafkaServer {\n    " + "\n    ".join(parts) + "\n};"
    )
    rs.goes(text, first)
    rs.goes(text, second)


def test_user_settings_outside_a_login_module_stay() -> None:
    for text in (
        'user_name="alice"',
        'user_id = "4f2a"',
        'KafkaClient {\n  x required\n  user_home="/opt"\n};',
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_a_keycloak_users_password_credential_goes(seed: int) -> None:
    """A realm export's user with `{"type": "password", "value": "…"}` holds the password in clear."""
    password = _password(random.Random(seed))
    text = (
        '{\n  "users" : [ {\n    "username" : "omar",\n    "credentials" : [ {\n'
        f'      "type" : "password",\n      "value" : "{password}",\n      "temporary" : true\n'
        "    } ]\n  } ]\n}"
    )
    rs.goes(text, password)


@given(seed=SEEDS)
def test_keycloak_stored_password_hashes_stay(seed: int) -> None:
    """`secretData` with its salt and `credentialData` with its iterations: a hash, not the password."""
    rng = random.Random(seed)
    digest, salt = rs.body(rng, 43, rs.B64) + "=", rs.body(rng, 22, rs.B64) + "=="
    secret_data = json.dumps(json.dumps({"value": digest, "salt": salt, "additionalParameters": {}}))
    credential_data = json.dumps(
        json.dumps({"hashIterations": 27500, "algorithm": "pbkdf2-sha256", "additionalParameters": {}})
    )
    rs.survives(
        '{\n  "credentials" : [ {\n    "type" : "password",\n    "createdDate" : 1779521273243,\n'
        f'    "secretData" : {secret_data},\n    "credentialData" : {credential_data}\n  }} ]\n}}'
    )


_INSERT = (
    "DEBUG org.hibernate.SQL : insert into app_user (created_at,email,{column},username) values (?,?,?,?)"
)
_BIND6 = "TRACE org.hibernate.orm.jdbc.bind : binding parameter ({n}:VARCHAR) <- [{v}]"
_UPDATE = "Hibernate: update integration set refresh_token=?, {column}=?, updated_at=? where id=?"
_BIND5 = "TRACE o.h.type.descriptor.sql.BasicBinder - binding parameter [{n}] as [VARCHAR] - [{v}]"


@given(
    column=st.sampled_from(["password", "api_key", "clientSecret", "access_token"]),
    seed=SEEDS,
)
def test_a_bound_parameter_of_a_secret_column_goes(column: str, seed: int) -> None:
    """Hibernate's TRACE log of bound parameters: the value bound to a secret-named column goes (an
    insert's column list or an update's `column=?`, the statement before it or on its JSON line)."""
    rng = random.Random(seed)
    secret = _password(rng)
    lines = [
        _INSERT.format(column=column),
        _BIND6.format(n=2, v="omar@example.org"),
        _BIND6.format(n=3, v=secret),
        _BIND6.format(n=4, v="omar"),
    ]
    rs.goes("\n".join(lines), secret)
    lines = [_UPDATE.format(column=column), _BIND5.format(n=1, v="x"), _BIND5.format(n=2, v=secret)]
    rs.goes("\n".join(lines), secret)
    record = {
        "logger": "org.hibernate.orm.jdbc.bind",
        "msg": f"binding parameter (2:VARCHAR) <- [{secret}]",
        "sql": f"insert into service_account (name,{column},id) values (?,?,?)",
    }
    rs.goes(json.dumps(record), secret)


def test_a_bound_parameter_of_another_column_or_a_hash_stays() -> None:
    lines = [
        _INSERT.format(column="password_hash"),
        _BIND6.format(n=2, v="omar@example.org"),
        _BIND6.format(n=3, v="{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG"),
        _BIND6.format(n=4, v="omar"),
    ]
    rs.survives("\n".join(lines))
    rs.survives(_INSERT.format(column="password") + "\n" + _BIND6.format(n=4, v="Omar2024xYz"))


@given(
    layout=st.sampled_from(
        [
            '    private static final byte[] KEY = "{k}".getBytes(StandardCharsets.UTF_8);',
            '    private static final String KEY = "{k}";',
            '    private const string Key = "{k}";',
            "<settingsSecurity>\n  <master>{{{k}}}</master>\n</settingsSecurity>",
            "$ mvn --encrypt-master-password '{k}'",
            "$ mvn -ep {k}",
            "        filters:\n          - AddRequestHeader=X-Api-Key, {k}\n          - StripPrefix=1",
            "          - SetRequestHeader=X-Auth-Token, {k}",
            "$ mvn jasypt:encrypt-value -Djasypt.plugin.value='{k}'",
            '    Property: app.partner.api-key\n    Value: "{k}"\n    Origin: System Environment Property',
            "# This file defines users passwords and roles for a HashLoginService\njetty: {k},user\n",
            "$ cat etc/realm.properties\nadmin: {k},server-administrator,content-administrator\n",
        ]
    ),
    seed=SEEDS,
)
def test_a_secret_of_java_code_builds_and_realms_goes(layout: str, seed: int) -> None:
    """A key constant declared with its type, Maven's master password, a gateway's secret header,
    Jasypt's input, Spring Boot's failure analysis of a secret property, a realm file's users."""
    key = rs.body(random.Random(seed), 40)
    rs.goes(layout.format(k=key), key)


def test_look_alikes_of_java_code_builds_and_realms_stay() -> None:
    for text in (
        '    public static final String KEY = "user.preferences.theme";',
        '    public static final String KEY = "X-Request-Id";',
        "          - AddRequestHeader=X-Request-Source, gateway-prod-01",
        '    Property: app.partner.timeout\n    Value: "30sec"\n    Origin: class path resource',
        '    Property: spring.datasource.password\n    Value: "${DB_PASSWORD}"',
        "$ cat etc/realm.properties\nplain: MD5:164c88b302622e17050af52c89945d44,user\n"
        "guest: CRYPT:adpexzg3FUZAk,user",
        "Edit realm.properties and restart.\ntimeout: 30,seconds",
        "<server>\n  <id>nexus</id>\n  <password>{COQLCE6DU6GtcS5P=}</password>\n</server>",
    ):
        rs.survives(text)


@given(seed=SEEDS, size=st.sampled_from([32, 40, 64, 128]), salted=st.booleans())
def test_a_tomcat_users_digest_stays_and_a_clear_password_goes(seed: int, size: int, salted: bool) -> None:
    """tomcat-users.xml keeps `digest.sh`'s hex (maybe `salt$iterations$hex`) for a digesting realm."""
    rng = random.Random(seed)
    digest = rs.body(rng, size, rs.HEX)
    if salted:
        digest = rs.body(rng, 32, rs.HEX) + "$1000$" + digest
    password = _password(rng)
    rs.survives(
        f'<tomcat-users>\n  <user username="admin" password="{digest}" roles="manager-gui"/>\n</tomcat-users>'
    )
    rs.goes(f'<user username="deployer" password="{password}" roles="manager-script"/>', password)


@given(seed=SEEDS)
def test_a_jenkins_credentials_parameter_is_an_id_and_stays(seed: int) -> None:
    """A build's credentials parameter holds the id of the credentials; a password parameter goes."""
    rng = random.Random(seed)
    password = _password(rng)
    credentials = {
        "_class": "com.cloudbees.plugins.credentials.CredentialsParameterValue",
        "name": "CREDS",
        "value": "nexus-deploy",
    }
    rs.survives(json.dumps({"actions": [{"parameters": [credentials]}], "building": False}))
    secret = {"_class": "hudson.model.PasswordParameterValue", "name": "DB_PASSWORD", "value": password}
    rs.goes(json.dumps({"actions": [{"parameters": [secret]}]}), password)


@given(seed=SEEDS, escaped=st.booleans())
def test_the_records_a_template_printed_lose_their_secret_field(seed: int, escaped: bool) -> None:
    """Jenkins' script console: `println "${it.id} : ${it.username} : ${it.password}"`, then its
    output's lines of the same shape lose the password's field (the id and the user stay)."""
    rng = random.Random(seed)
    first, second = _password(rng), _password(rng)
    script = 'creds.each { println "${it.id} : ${it.username} : ${it.password}" }'
    if escaped:
        script = 'creds.each { c -> println("${c.id} : ${c.username} : ${c.password}") }'
    text = f"{script}\n\nResult:\nnexus-deploy : ines25 : {first}\ndb-migrations : flyway_admin : {second}\n"
    rs.goes(text, first)
    rs.goes(text, second)
    assert "nexus-deploy : ines25 : " in redact_text(text)


def test_records_printed_without_a_secret_field_stay() -> None:
    rs.survives('println("$host : $port")\ndb : 5432')
    rs.survives('println "${it.id} : ${it.description}"\nnexus-deploy : Nexus deploy user')


@given(seed=SEEDS)
def test_what_jasypt_decrypts_goes_and_what_it_encrypts_stays(seed: int) -> None:
    """Jasypt's CLI prints the plaintext under `----OUTPUT----` when it decrypts; `ENC(…)` stays."""
    rng = random.Random(seed)
    password, ciphertext = _password(rng), rs.body(rng, 32, rs.B64)
    run = (
        "$ java -cp jasypt.jar org.jasypt.intf.cli.JasyptPBEStringDecryptionCLI input={c} password=x\n\n"
        "----ARGUMENTS-------------------\n\ninput: {c}\n\n----OUTPUT----------------------\n\n{p}\n"
    )
    rs.goes(run.format(c=ciphertext, p=password), password)
    rs.survives(f"jdbc.password=ENC({ciphertext})")


@given(
    layout=st.sampled_from(
        [
            "spring:\n  datasource:\n    username: app\n"
            "    # old one, rotated in March: {p}\n    password: ${{DB_PASSWORD}}",
            "# old: {p}\nspring.datasource.password=${{DB_PASSWORD}}",
            "# previous value = {p}\nexport DB_PASSWORD=${{VAULT_DB_PASSWORD}}",
        ]
    ),
    seed=SEEDS,
)
def test_an_old_password_kept_in_a_comment_above_its_reference_goes(layout: str, seed: int) -> None:
    """A secret setting now read from the environment, under a comment that keeps the old value."""
    password = _password(random.Random(seed))
    rs.goes(layout.format(p=password), password)


def test_comments_above_a_reference_that_keep_no_password_stay() -> None:
    for text in (
        "    # default: see the vault\n    password: ${DB_PASSWORD}",
        "# set in CI: release-build\nDB_PASSWORD=${DB_PASSWORD}",
        "# docs: https://example.org/docs/2024/setup\npassword: ${DB_PASSWORD}",
    ):
        rs.survives(text)
