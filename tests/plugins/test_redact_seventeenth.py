"""The built-in redactor on the Windows and .NET world (the seventeenth corpus's families): Windows
tools' password options, each with a near look-alike that must stay."""

from __future__ import annotations

import base64
import json
import random
import string
import sys
import urllib.parse
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)


def _password(rng: random.Random) -> str:
    """A generated password: letters of both cases, digits and a symbol."""
    return rs.body(rng, 12) + rng.choice("!#%^*") + rs.body(rng, 3)


@given(
    layout=st.sampled_from(
        [
            'C:\\>winrs -r:https://web01.corp.example:5986 -u:CORP\\ops -p:{p} "ipconfig /all"',
            "C:\\>winrs.exe /r:web02 /u:ops /password:{p} hostname",
            "C:\\build>signtool sign /f C:\\certs\\code.pfx /p {p} /fd SHA256 bin\\App.exe",
            "PS C:\\src\\Api> dotnet dev-certs https -ep .\\https\\api.pfx -p {p}",
            "appcmd set config /section:applicationPools /[name='ApiPool'].processModel.password:{p}",
            'appcmd set vdir "Default Web Site/files/" -userName:CORP\\ops -password:{p} -physicalPath:C:\\x',
            "C:\\ws\\app>tf get /recursive /login:CORP\\ops,{p} /collection:https://tfs.corp.example/tfs/Default",
            "C:\\>netsh wlan set hostednetwork mode=allow ssid=Lab key={p}",
            'PS C:\\> choco source add -n=internal -s="https://pkgs.corp.example/nuget/" -u=ops -p="{p}"',
            "PS C:\\> choco apikey --key {p} --source https://push.chocolatey.org/",
            "C:\\pkg>choco push app.1.0.0.nupkg -k={p}",
            "C:\\build>nuget.exe setapikey {p} -Source https://api.nuget.org/v3/index.json",
        ]
    ),
    seed=SEEDS,
)
def test_a_password_given_to_a_windows_tool_goes(layout: str, seed: int) -> None:
    """Windows tools' own option syntax: a slash or a dash, the value after a blank, a colon or `=`."""
    password = _password(random.Random(seed))
    rs.goes(layout.format(p=password), password)


def test_the_same_tools_without_a_password_stay() -> None:
    for text in (
        "C:\\>netsh wlan show profile name=Office key=clear",
        "C:\\build>signtool sign /sha1 0123abcd /fd SHA256 /tr http://timestamp.example.com bin\\App.exe",
        "C:\\>certutil -dump web.cer",
        "PS C:\\> dotnet dev-certs https --trust",
        "C:\\>winrs -r:web01 -u:CORP\\ops hostname",
        "appcmd set config /section:applicationPools /[name='Api'].processModel.identityType:SpecificUser",
        "C:\\pkg>choco push app.1.0.0.nupkg -k=%CHOCO_API_KEY%",
    ):
        rs.survives(text)


def _rsa_xml(rng: random.Random, private: bool, indent: str) -> tuple[str, list[str]]:
    """An RSA key in .NET's XML form with random base64 members, and its private members' values."""
    members = [("Modulus", rs.body(rng, 342, rs.B64) + "=="), ("Exponent", "AQAB")]
    secrets = []
    if private:
        for tag, size in (("P", 171), ("Q", 171), ("DP", 171), ("DQ", 171), ("InverseQ", 171), ("D", 342)):
            value = rs.body(rng, size, rs.B64) + "="
            members.append((tag, value))
            secrets.append(value)
    inner = "".join(f"{indent}<{tag}>{value}</{tag}>" for tag, value in members)
    return f"<RSAKeyValue>{inner}{indent[:1]}</RSAKeyValue>", secrets


@given(layout=st.sampled_from(["", "\n  "]), seed=SEEDS)
def test_an_rsa_key_in_xml_loses_its_private_members(layout: str, seed: int) -> None:
    """`RSA.ToXmlString(true)`'s private members go; the modulus and the exponent stay."""
    rng = random.Random(seed)
    key, secrets = _rsa_xml(rng, True, layout)
    text = f'using var rsa = RSA.Create();\nrsa.FromXmlString("{key}");'
    modulus = key.split("<Modulus>")[1].split("<")[0]
    for secret in secrets:
        rs.goes(text, secret)
    from autopilot.plugins.redact.engine import redact_text

    assert modulus in redact_text(text)


@given(seed=SEEDS)
def test_an_rsa_public_key_in_xml_stays(seed: int) -> None:
    key, _ = _rsa_xml(random.Random(seed), False, "")
    rs.survives(f'rsa.FromXmlString("{key}");')


_EMPTY_LM = "aad3b435b51404ee" * 2
_EMPTY_NT = "31d6cfe0d16ae931" + "b73c59d7e0c089c0"


@given(user=st.sampled_from(["Administrator", "CORP.EXAMPLE\\svc_sql", "krbtgt"]), seed=SEEDS)
def test_the_hashes_of_a_password_hash_dump_go(user: str, seed: int) -> None:
    """`user:rid:lmhash:nthash:::` rows (secretsdump, pwdump, hashdump), mimikatz's `NTLM :`,
    DSInternals' `NTHash:`; the hashes of the empty password stay."""
    rng = random.Random(seed)
    nt, lm = rs.body(rng, 32, rs.HEX), rs.body(rng, 32, rs.HEX)
    rs.goes(f"[*] Dumping local SAM hashes (uid:rid:lmhash:nthash)\n{user}:500:{_EMPTY_LM}:{nt}:::\n", nt)
    rs.goes(f"{user}:1105:{lm}:{nt}:::", lm)
    rs.goes(f"         * Username : ops\n         * NTLM     : {nt}\n         * SHA1     : 0a", nt)
    rs.goes(f"Secrets\n  NTHash: {nt}\n  LMHash:\n  NTHashHistory:\n", nt)


def test_the_hashes_of_the_empty_password_and_look_alikes_stay() -> None:
    for text in (
        f"Guest:501:{_EMPTY_LM}:{_EMPTY_NT}:::",
        f"         * NTLM     : {_EMPTY_NT}",
        "tcp6       0      0 :::22                   :::*                    LISTEN",
        "NTLM: enabled",
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
        + "K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_a_storage_key_like_the_emulators_goes(seed: int) -> None:
    """Only the emulator's documented key is public: a real account key of the same shape goes."""
    key = rs.body(random.Random(seed), 86, rs.B64) + "=="
    rs.goes(f"DefaultEndpointsProtocol=https;AccountName=prodst;AccountKey={key};EndpointSuffix=x", key)


def test_settings_named_for_a_password_that_describe_it_stay() -> None:
    """Dates, registry numbers and event parameters under a password's or a token's name."""
    for text in (
        '{"userName": "ops", "passwordLastChanged": "2025-03-26T16:48:20.4204634Z", "password": "********"}',
        "pwdLastSet            : 133107711553623767\nPasswordNeverExpires  : False",
        '"DefaultUserName"="ops"\n"PasswordExpiryWarning"=dword:00000005',
        "PasswordLastSet       : 5/22/2025 1:26:05 AM",
        "\tToken Elevation Type:\t%%1936\n\tMandatory Label:\t\tS-1-16-12288",
        'PS C:\\> Read-Host "Password" -AsSecureString | ConvertFrom-SecureString | Set-Content w.cred',
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_a_password_beside_such_settings_goes(seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(f'{{"passwordLastChanged": "2025-03-26T16:48:20Z", "password": "{password}"}}', password)
    rs.goes(f'"PasswordExpiryWarning"=dword:00000005\n"DefaultPassword"="{password}"', password)
    from autopilot.plugins.redact.engine import redact_text

    listing = f"PARAMETERS\tdb\tSecureString\t{password}"  # `aws ssm get-parameters --output text`
    assert password not in redact_text(listing)


@given(
    layout=st.sampled_from(
        [
            '[{{"name": "DB_PASSWORD", "slotSetting": false, "value": "{p}"}}]',
            '{{ "Id": "1", "Name": "Db.Password", "Value": "{p}", "IsSensitive": false }}',
            '{{\n  "attributes": {{"enabled": true}},\n  "name": "SqlAdminPassword",\n  "tags": {{}},\n'
            '  "value": "{p}"\n}}',
            '{{"key": "stripe_secret_key", "value": "{p}", "enabled": true}}',
        ]
    ),
    seed=SEEDS,
)
def test_the_value_of_a_pair_named_for_a_secret_goes(layout: str, seed: int) -> None:
    """`{"name": …, "value": …}` pairs (Kubernetes' env as JSON, App Service's settings, Key Vault's
    `az keyvault secret show`, Octopus' variables, Postman's `"key"`), and Cosmos DB's `"Key"`."""
    rng = random.Random(seed)
    password = _password(rng)
    rs.goes(layout.format(p=password), password)
    key = rs.body(rng, 86, rs.B64) + "=="
    rs.goes(
        f'{{\n  "CosmosDb": {{\n    "Endpoint": "https://x.documents.azure.com",\n  "Key": "{key}"\n  }}\n}}',
        key,
    )


def test_the_value_of_another_pair_stays() -> None:
    for text in (
        '[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},'
        ' {"name": "LOG_LEVEL", "value": "debug-Xk9"}]',
        '{"name": "token_count", "value": "1234"}',
        '{"name": "api_token", "value": "${API_TOKEN}"}',
        '{"name": "SqlAdminPassword", "tags": {"owner": "ops"}}\n{"name": "region", "value": "westeu-2"}',
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            "https://orders-func.azurewebsites.net/api/processorder?code={k}",
            "https://orders-func.azurewebsites.net/api/webhooks/github?code={k}&clientId=default",
            "https://orders-func.azurewebsites.net/runtime/webhooks/EventGrid?functionName=OnBlob&code={k}",
            "        Invoke url: https://api-fn.azurewebsites.net/api/health?code={k}",
        ]
    ),
    seed=SEEDS,
)
def test_an_azure_functions_key_in_its_url_goes(layout: str, seed: int) -> None:
    key = rs.body(random.Random(seed), 54, rs.URLSAFE) + "=="
    rs.goes(layout.format(k=key), key)


def test_an_azure_functions_url_without_a_key_stays() -> None:
    rs.survives("https://orders-func.azurewebsites.net/api/health?probe=ready&requestId=42")
    rs.survives("https://orders.azurewebsites.net/docs?code=sample")


@given(seed=SEEDS)
def test_secrets_printed_by_windows_admin_tools_go(seed: int) -> None:
    """mimikatz's `lsadump::secrets` (`cur/text:`), an answer file's `<Value>` lines through
    findstr."""
    rng = random.Random(seed)
    password = _password(rng)
    rs.goes(f"Secret  : _SC_OrdersWorker / service 'OrdersWorker'\ncur/text: {password}\n", password)
    rs.goes(f"Secret  : DefaultPassword\nold/text: {password}\n", password)
    rs.goes(
        'C:\\>type C:\\Windows\\Panther\\Unattend.xml | findstr /i /c:"<Value>"\n'
        f"                    <Value>{password}</Value>\n",
        password,
    )


def test_what_such_tools_print_without_a_secret_stays() -> None:
    for text in (
        "Secret  : DefaultPassword\ncur/text: (null)",
        "<AdministratorPassword>\n  <Value>*SENSITIVE*DATA*DELETED*</Value>\n</AdministratorPassword>",
        "type Unattend.xml | findstr Value\n<Value>true</Value>",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            'var cred = new StorageSharedKeyCredential("ordersst", "{k}");',
            'var client = new TextAnalyticsClient(endpoint, new AzureKeyCredential("{k}"));',
            'new AzureNamedKeyCredential("RootManageSharedAccessKey", "{k}")',
            'var credential = new ClientSecretCredential(tenantId, clientId, "{k}");',
            'new VssConnection(new Uri(url), new VssBasicCredential(string.Empty, "{k}"));',
        ]
    ),
    seed=SEEDS,
)
def test_a_literal_given_to_an_azure_credential_type_goes(layout: str, seed: int) -> None:
    key = rs.body(random.Random(seed), 52)
    rs.goes(layout.format(k=key), key)


def test_an_azure_credential_type_given_a_variable_stays() -> None:
    rs.survives('var cred = new StorageSharedKeyCredential(accountName, config["Storage:Key"]);')
    rs.survives("new VssBasicCredential(string.Empty, pat)")


def test_a_note_with_an_aside_under_a_secret_name_stays() -> None:
    rs.survives("SQL WEB06\\REPORTING\n  Auth: Windows only (mixed mode disabled, sa disabled)\n  Port: 1433")
    rs.survives("auth: Kerberos (keytab in the vault)")


@given(seed=SEEDS)
def test_a_passphrase_under_a_secret_name_still_goes(seed: int) -> None:
    rng = random.Random(seed)
    words = " ".join(
        rng.choice(["violet", "hammer", "glacier", "maple", "forest", "velvet"]) for _ in range(4)
    )
    from autopilot.plugins.redact.engine import redact_text

    assert words not in redact_text(f"  Password: {words} {rng.randint(10, 99)}\n")


@given(seed=SEEDS)
def test_a_setting_named_by_its_attribute_goes(seed: int) -> None:
    """.NET's app.config `<setting name="ServicePassword" serializeAs="String"><value>…`."""
    password = _password(random.Random(seed))
    text = (
        '<setting name="ServerUrl" serializeAs="String">\n  <value>https://orders.example.com/</value>\n'
        '</setting>\n<setting name="ServicePassword" serializeAs="String">\n'
        f"  <value>{password}</value>\n</setting>"
    )
    rs.goes(text, password)


@given(seed=SEEDS)
def test_a_dpapi_blob_under_a_password_name_stays(seed: int) -> None:
    """DPAPI blobs are bound to the machine or user that made them: `ConvertFrom-SecureString`'s
    hex, an `.rdp` file's `password 51:b:…`, a publish profile's `EncryptedPassword` in base64."""
    rng = random.Random(seed)
    header = "01000000d08c9ddf0115d1118c7a00c04fc297eb"
    blob = header + rs.body(rng, 200, rs.HEX)
    rs.survives(f"db_password: {blob}")
    rs.survives(f"full address:s:rds01.corp.example\npassword 51:b:{blob.upper()}")
    rs.survives(f'"Password": "AQAAANCMnd8BFdERjHoAwE/Cl+s{rs.body(rng, 120, rs.B64)}"')
    rs.goes(f"db_password: {rs.body(rng, 40, rs.HEX)}{blob[40:80]}", blob[40:80])


@given(seed=SEEDS)
def test_a_literal_piped_into_convertto_securestring_goes(seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(
        f'$c = [PSCredential]::new("CORP\\ops", ("{password}" | ConvertTo-SecureString -AsPlainText -Force))',
        password,
    )
    rs.goes(f"$pw = '{password}' | ConvertTo-SecureString -AsPlainText -Force", password)


def test_a_variable_piped_into_convertto_securestring_stays() -> None:
    rs.survives('$pw = "$env:DB_PASSWORD" | ConvertTo-SecureString -AsPlainText -Force')
    rs.survives("$pw = Get-Content C:\\secure\\web.cred | ConvertTo-SecureString")


def test_a_url_naming_a_place_under_a_credential_name_stays() -> None:
    """SQL Server names a credential for a storage container by its URL."""
    rs.survives(
        "sqlcmd -S SQL01 -Q \"BACKUP DATABASE [Orders] TO URL = N'https://ordersst.blob.core.windows.net/"
        "sqlbackups/Orders.bak' WITH CREDENTIAL = N'https://ordersst.blob.core.windows.net/sqlbackups'\""
    )
    rs.survives("BACKUP_CREDENTIAL=https://acct.blob.core.windows.net/sqlbackups")


@given(seed=SEEDS)
def test_a_credential_beside_such_a_url_goes(seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(
        "CREATE CREDENTIAL [https://acct.blob.core.windows.net/backups]\n"
        f"  WITH IDENTITY = 'SHARED ACCESS SIGNATURE', SECRET = '{password}'",
        password,
    )


LOWER_DIGITS = string.ascii_lowercase + string.digits
WORDS = ["granite", "glacier", "velvet", "umbra", "rabbit", "marble", "ember", "falcon", "lotus", "harbor"]


@given(
    layout=st.sampled_from(
        [
            'sqlConnectionString="Data Source=FS-PRD14;User Id=aspstate;Password={p}" />',
            '$env:ConnectionStrings__Default = "Server=BUILD27;Database=Trey;User Id=faridq;Password={p}"',
            "Password  : {p}\nChanged   : 2025-10-20 14:02:11",
            "    password: {p}\n    update_password: on_create",
            "//fs01.corp.local/projects  /mnt/projects  cifs  username=jonase,password={p},vers=3.0  0  0",
        ]
    ),
    seed=SEEDS,
)
def test_a_password_of_two_words_a_dot_and_a_number_goes(layout: str, seed: int) -> None:
    """Two words in lower case joined by a dot and a number of three digits or more, under a
    password's name: a password as people make them (`granite.glacier7791`), no attribute."""
    rng = random.Random(seed)
    password = f"{rng.choice(WORDS)}.{rng.choice(WORDS)}{rng.randint(100, 99999)}"
    rs.goes(layout.format(p=password), password)


def test_an_attribute_or_a_type_under_a_password_name_stays() -> None:
    for text in (
        "password: hashlib.sha256",
        "password_dtype: np.float64",
        "password = settings.db_password",
        "password: config.db2",
        "password = torch.float16",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            'using var entry = new DirectoryEntry("LDAP://dc01.corp.local/OU=Staff,DC=corp,DC=local", '
            '"CORP\\\\svc_ldap", "{p}", AuthenticationTypes.Secure);',
            'using var ctx = new PrincipalContext(ContextType.Domain, "corp.local", '
            '"OU=Staff,DC=corp,DC=local", "svc_provision", "{p}");',
            'var ctx = new PrincipalContext(ContextType.Domain, "corp.local", "svc_provision", "{p}");',
            'if (!LogonUser("svc_files", "CORP", "{p}", LOGON32_LOGON_NEW_CREDENTIALS, 3, out var token))',
        ]
    ),
    seed=SEEDS,
)
def test_a_password_given_to_an_active_directory_call_goes(layout: str, seed: int) -> None:
    """.NET's directory and logon calls take the password as a positional argument."""
    password = _password(random.Random(seed))
    rs.goes(layout.format(p=password), password)


def test_the_same_calls_without_a_password_stay() -> None:
    for text in (
        'var ctx = new PrincipalContext(ContextType.Domain, "corp.local", "OU=Staff,DC=corp,DC=local");',
        'var entry = new DirectoryEntry("LDAP://dc01.corp.local/OU=Staff,DC=corp,DC=local");',
        "static extern bool LogonUser(string user, string domain, string password, int type, int provider, "
        "out SafeAccessTokenHandle token);",
        "if (!LogonUser(user, domain, password, LOGON32_LOGON_INTERACTIVE, 0, out var token))",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            '<add key="https://www.nuget.org/api/v2/package" value="{k}" />',
            "{k}",
            "nuget keys:\n- {k}\n",
            '{{"k": "thunder", "v": "{k}"}}',
        ]
    ),
    seed=SEEDS,
)
def test_a_nuget_api_key_goes_by_its_format(layout: str, seed: int) -> None:
    """nuget.org's API keys: `oy2` and 43 lower-case letters and digits."""
    key = "oy" + "2" + rs.body(random.Random(seed), 43, LOWER_DIGITS)
    rs.goes(layout.format(k=key), key)


def test_oy2_in_a_word_or_short_stays() -> None:
    rng = random.Random(7)
    for text in (
        "the toy2 box and the boy2 names",
        "oy2" + rs.body(rng, 20, LOWER_DIGITS),
        "data:image/png;base64," + rs.body(rng, 20, rs.B64) + "oy2" + rs.body(rng, 43, LOWER_DIGITS),
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            "\t\t\t<sharedKey>\n\t\t\t\t<keyType>passPhrase</keyType>\n\t\t\t\t<protected>false</protected>\n"
            "\t\t\t\t<keyMaterial>{p}</keyMaterial>\n\t\t\t</sharedKey>",
            '{{"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "KeyMaterial": "{p}"}}',
            "PS C:\\> Get-Secret -Name orders-sql -AsPlainText\n{p}\nPS C:\\> ",
            "PS C:\\> Get-AzKeyVaultSecret -VaultName kv-prod -Name DbPassword -AsPlainText\n{p}\n",
            "Enter authentication type (press enter for PAT) > PAT\nEnter personal access token > {p}\n"
            "Connecting to server ...",
            "Enter password > {p}\n",
            "  NTHashHistory:\n  SupplementalCredentials:\n    ClearText: {p}\n    Kerberos:",
            "    Security key           : Present\n    Key Content            : {p}\n\nCost settings",
        ]
    ),
    seed=SEEDS,
)
def test_a_secret_windows_shows_in_clear_goes(layout: str, seed: int) -> None:
    """A Wi-Fi profile's key material, SecretManagement's plain text, the Azure agent's prompt for a
    token, DSInternals' reversibly kept password, netsh's `Key Content`."""
    password = _password(random.Random(seed))
    rs.goes(layout.format(p=password), password)


def test_what_windows_shows_beside_such_secrets_stays() -> None:
    for text in (
        "<keyType>passPhrase</keyType>\n<protected>true</protected>",
        "key_material_source: EXTERNAL",
        "PS C:\\> $s = ConvertTo-SecureString $plain -AsPlainText -Force\nPS C:\\> Get-Date\nMonday",
        "PS C:\\> Get-Secret -Name orders-sql\nSystem.Security.SecureString",
        "if token > 0: print(token)",
        "Enter server URL > https://dev.azure.com/contoso\n"
        "Enter agent pool (press enter for default) > Build",
        "    ClearText: true\n  allow_cleartext: yes",
        "    Security key           : Absent",
    ):
        rs.survives(text)


def _account_key(rng: random.Random) -> str:
    """An Azure storage or Cosmos DB account key: 64 random bytes in base64."""
    return base64.b64encode(rng.randbytes(64)).decode()


@given(seed=SEEDS)
def test_numbered_keys_copied_with_blanks_go(seed: int) -> None:
    """Azure's `key1` and `key2` in a note, apart from their values by blanks alone."""
    rng = random.Random(seed)
    first, second = _account_key(rng), _account_key(rng)
    text = (
        f"storage cohowebst13 (rg-gateway-prd)\n  key1  {first}\n  key2  {second}\n"
        "  conn  DefaultEndpointsProtocol=https;AccountName=cohowebst13;AccountKey=...\n"
    )
    rs.goes(text, first)
    rs.goes(text, second)


@given(seed=SEEDS)
def test_keys_listed_apart_by_tabs_go_when_escaped(seed: int) -> None:
    """`az cosmosdb keys list -o tsv` prints the keys on one line apart by tabs: JSON-escaped, each
    key goes and the escape before it stays."""
    rng = random.Random(seed)
    keys = [_account_key(rng) for _ in range(4)]
    text = "PS C:\\> az cosmosdb keys list --name lamna-cosmos --resource-group rg-prd --type keys -o tsv\n"
    text += "\t".join(keys)
    for key in keys:
        rs.goes(text, key)
    escaped = json.dumps({"content": text})
    assert redact_text(escaped).count("\\t[REDACTED:") == 3


def test_numbered_keys_without_a_generated_value_stay() -> None:
    for text in ("key1  value", "key1   press the first key to continue", "  key2  (none)"):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            "https://contoso-bus.servicebus.windows.net/orders/messages?timeout=60&SharedAccessSignature="
            "SharedAccessSignature%20sr%3Dhttps%253A%252F%252Fcontoso-bus.servicebus.windows.net%252Forders"
            "%26sig%3D{s}%26se%3D1764421504%26skn%3DRootManageSharedAccessKey",
            "https://app.example/login?next=%2Fexport%3Ffile%3Da.zip%26sig%3D{s}%26se%3D2026",
            "https://app.example/login?next=%252Fexport%253Ffile%253Da.zip%2526sig%253D{s}%2526se%253D2026",
        ]
    ),
    seed=SEEDS,
)
def test_a_url_signature_percent_encoded_inside_another_parameter_goes(layout: str, seed: int) -> None:
    """A SAS's `sig`, encoded once or twice inside another parameter's value, to the encoded `&`."""
    rng = random.Random(seed)
    raw = base64.b64encode(rng.randbytes(32)).decode()
    signature = urllib.parse.quote(raw, safe="")
    if "%2526" in layout:
        signature = urllib.parse.quote(signature, safe="")
    text = layout.format(s=signature)
    for form in rs.forms(text):
        out = redact_text(form)
        assert signature not in out and "[REDACTED:url_signature]" in out, form
        assert "se%" in out  # the parameter after it stays


def test_a_signature_named_parameter_without_a_value_stays() -> None:
    for text in (
        "https://app.example/?q=design%26signature%3D%7Bsig%7D",
        "https://docs.example/sas?topic=sig%20and%20se",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            'IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("{k}")),',
            'var key = new SymmetricSecurityKey(Encoding.ASCII.GetBytes("{k}"));',
            'var spec = new SecretKeySpec(Encoding.UTF8.GetBytes("{k}"), "HmacSHA256");',
        ]
    ),
    seed=SEEDS,
)
def test_a_signing_key_made_into_bytes_in_the_call_goes(layout: str, seed: int) -> None:
    """A JWT's symmetric key given as a literal made into bytes inside the call."""
    key = rs.body(random.Random(seed), 40)
    rs.goes(layout.format(k=key), key)


@given(
    layout=st.sampled_from(
        [
            'await users.CreateAsync(admin, "{p}");',
            'var auth = new AuthenticationHeaderValue("Basic", "{p}");',
        ]
    ),
    seed=SEEDS,
)
def test_a_password_given_to_identity_or_a_header_value_goes(layout: str, seed: int) -> None:
    password = _password(random.Random(seed))
    rs.goes(layout.format(p=password), password)


def test_the_same_dotnet_calls_without_a_literal_secret_stay() -> None:
    for text in (
        'var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(config["Jwt:Key"]));',
        'await roleManager.CreateAsync(new IdentityRole("Administrator"));',
        "await users.CreateAsync(admin, password);",
        'var blob = await client.CreateAsync("reports", "application/json");',
        'var h = new AuthenticationHeaderValue("Negotiate");',
    ):
        rs.survives(text)


def _memorable(rng: random.Random) -> str:
    """A password as people and generators' memorable modes make them: words joined, then a number."""
    return rng.choice("-_.").join(rng.sample(WORDS, 2)) + str(rng.randint(10, 9999))


@given(
    layout=st.sampled_from(
        [
            "[03:27:56] Zoe: use the local admin for now: .\\Administrator / {p} — I'll rotate it after",
            "login: CORP\\svc_sql / {p}",
            "Agent:\nI've reset your VPN password to {p} — please change it at https://passwordreset.example",
        ]
    ),
    memorable=st.booleans(),
    seed=SEEDS,
)
def test_a_password_handed_over_after_a_windows_account_goes(layout: str, memorable: bool, seed: int) -> None:
    """`DOMAIN\\user / password` and `.\\user / password` in chat, and a reset password in a ticket,
    also when it is made of words and a number."""
    rng = random.Random(seed)
    password = _memorable(rng) if memorable else _password(rng)
    rs.goes(layout.format(p=password), password)


def test_paths_and_file_names_after_a_slash_stay() -> None:
    for text in (
        "path C:\\Users\\admin / 2024 report",
        "login: admin / release-notes2024.pdf",
        "the build user / see the wiki",
    ):
        rs.survives(text)


@given(memorable=st.booleans(), seed=SEEDS)
def test_a_value_after_a_flag_column_of_a_name_value_table_goes(memorable: bool, seed: int) -> None:
    """`az pipelines variable-group variable list -o table`: `Is Secret` between a name and its value."""
    rng = random.Random(seed)
    password = _memorable(rng) if memorable else _password(rng)
    text = (
        "PS C:\\> az pipelines variable-group variable list --group-id 9400 -o table\n"
        "Name              Is Secret    Value\n"
        "----------------  -----------  ------------------------------\n"
        "DbUser            False        gateway_app\n"
        f"DbPassword        False        {password}\n"
        "ApiBaseUrl        False        https://gateway.example.com\n"
        "SigningKey        True\n"
    )
    rs.goes(text, password)


def test_a_flag_column_without_a_value_column_or_a_value_stays() -> None:
    for text in (
        "Name              Enabled    Description\nDbPassword        True       rotated-monthly",
        "Name              Is Secret    Value\nDbPassword        True         ********",
        "Name              Is Secret    Value\nDbPassword        True",
    ):
        rs.survives(text)


@given(
    layout=st.sampled_from(
        [
            'var bytes = Encoding.ASCII.GetBytes("{u}:{p}");\n'
            'client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", '
            "Convert.ToBase64String(bytes));",
            'byte[] login = Encoding.UTF8.GetBytes("{u}:{p}");',
            'const login = Buffer.from("{u}:{p}");\nheaders.Authorization = `Basic ${{login}}`;',
            "const auth = Buffer.from('{u}:{p}').toString('base64');",
        ]
    ),
    seed=SEEDS,
)
def test_a_login_made_bytes_for_a_basic_header_loses_its_password(layout: str, seed: int) -> None:
    """A `user:password` literal made bytes to be encoded for a Basic header later loses its password."""
    rng = random.Random(seed)
    password = rs.body(rng, 9) + rng.choice("!#%-_") + rs.body(rng, 3)

    rs.goes(layout.format(u=rng.choice(["adm-pfischer", "svc", "jenkins"]), p=password), password)


def test_bytes_of_text_that_is_no_login_stay() -> None:
    """Bytes of text that holds no `user:password` (a time, a header, a variable, a word pair) stay."""
    rs.survives(
        'var bytes = Encoding.ASCII.GetBytes("12:30:45");\n'
        'var b = Encoding.UTF8.GetBytes($"{user}:{password}");\n'
        'const x = Buffer.from("hello world");\n'
        'const y = Buffer.from("content-type:application");\n'
        'var z = Encoding.UTF8.GetBytes("Host: example.com");'
    )


def _ssis(path: str, value: str, value_type: str = "String") -> str:
    return (
        f'  <Configuration ConfiguredType="Property" Path="{path}" ValueType="{value_type}">\n'
        f"    <ConfiguredValue>{value}</ConfiguredValue>\n  </Configuration>\n"
    )


@given(
    path=st.sampled_from(
        [
            r"\Package.Connections[Staging].Properties[Password]",
            r"\Package.Connections[FTP].Properties[ServerPassword]",
            r"\Package.Variables[User::ApiToken].Properties[Value]",
            r"\Package.Variables[User::SftpPassword].Properties[Value]",
        ]
    ),
    seed=SEEDS,
)
def test_an_ssis_configurations_secret_value_goes(path: str, seed: int) -> None:
    """An SSIS `.dtsConfig` entry whose `Path` ends in a secret's name loses its `<ConfiguredValue>`."""
    rng = random.Random(seed)
    secret = _password(rng)
    text = "<DTSConfiguration>\n" + _ssis(path, secret) + "</DTSConfiguration>"

    rs.goes(text, secret)


def test_ssis_configurations_of_other_settings_stay() -> None:
    """SSIS entries that set a server, a batch size or a user keep their values."""
    rs.survives(
        "<DTSConfiguration>\n"
        + _ssis(r"\Package.Connections[Staging].Properties[ServerName]", "sql-prd-01")
        + _ssis(r"\Package.Variables[User::BatchSize].Properties[Value]", "5000", "Int32")
        + _ssis(r"\Package.Connections[Staging].Properties[UserName]", "etl_loader")
        + _ssis(r"\Package.Connections[Staging].Properties[Password]", "")
        + "</DTSConfiguration>"
    )


@given(
    layout=st.sampled_from(
        [
            'private static readonly AuthenticationHeaderValue JenkinsAuth = new("Basic", "{b}");',
            "AuthenticationHeaderValue auth = new('Basic', '{b}');",
            'request.Headers.Authorization = new("Basic", "{b}");',
        ]
    ),
    seed=SEEDS,
)
def test_a_basic_credential_given_with_its_scheme_goes(layout: str, seed: int) -> None:
    """Base64 of `user:password` given after its scheme (`new("Basic", "…")`) goes."""
    rng = random.Random(seed)
    credential = base64.b64encode(f"svc-{rs.body(rng, 4).lower()}:{_password(rng)}".encode()).decode()

    rs.goes(layout.format(b=credential), credential)


def test_a_basic_scheme_before_no_credential_stays() -> None:
    """A placeholder's base64, a variable or a word after `"Basic",` stays."""
    rs.survives(
        'var a = new("Basic", "dXNlcjpwYXNzd29yZA==");\n'
        'var b = new("Basic", Convert.ToBase64String(bytes));\n'
        'var c = new("Basic", "realm");\n'
        'options = ["Basic", "Digest", "Bearer"]'
    )


@given(seed=SEEDS)
def test_windows_credentials_editor_rows_lose_their_passwords(seed: int) -> None:
    """Each `user\\DOMAIN:password` row Windows Credentials Editor prints loses its password."""
    rng = random.Random(seed)
    first, second = _password(rng), _password(rng)
    text = (
        "C:\\tools>wce.exe -w\n"
        "WCE v1.42beta (X64) (Windows Credentials Editor) - (c) 2010-2013 Amplia Security\n"
        f"rosal\\CONTOSO:{first}\nIIS10$\\CONTOSO:(null)\nsvc_sql\\CONTOSO:{second}\n"
    )

    rs.goes(text, first)
    rs.goes(text, second)


def test_rows_away_from_windows_credentials_editor_stay() -> None:
    """A machine account's `(null)`, and `a\\b:c` rows after a blank line or without the banner, stay."""
    rs.survives(
        "WCE v1.42beta (X64) (Windows Credentials Editor)\nIIS10$\\CONTOSO:(null)\n\n"
        "C:\\>dir\nsrc\\app:main2024\n"
    )
    rs.survives("share\\reports:weekly2024\n")
