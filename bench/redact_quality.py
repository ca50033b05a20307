"""Recall and false-positive rate of the built-in redactor on a large labelled corpus.

Run: ``uv run python bench/redact_quality.py [--corpus independent|blind|fresh|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twentyfirst|twentysecond|twentythird|twentyfourth|project|real] [--show K] [--kinds K] [--context C]``

- recall: the fraction of planted secrets whose text is gone from the redacted output (for the
  independent corpus: of which not even half survives);
- false-positive rate: the fraction of secret-free documents that redaction changed at all.

Corpora:

- ``independent`` (default): bench/redact_corpus_independent.py, written apart from the rules (issue
  15), reported per context (plain, shell, yaml, source, url, json-escaped) and for its ``dev`` and
  ``holdout`` templates separately;
- ``blind``: bench/redact_corpus_blind.py, a second one by another author, written without reading
  the rules, each template also embedded JSON-escaped in agent-log lines (Claude Code, Codex);
  reported the same way; ``--kinds K`` lists the K commonest kinds of misses and false positives;
- ``fresh``: bench/redact_corpus_fresh.py, a third one by a third author, written blind to the rules
  (and to the two corpora above), with its own agent-log envelopes (some doubly escaped); reported
  like ``blind``;
- ``fourth``: bench/redact_corpus_fourth.py, a fourth one by a fourth author, written blind to the
  rules and to the other corpora, each template also in Claude Code, Codex and MCP log lines (some
  doubly escaped); reported like ``blind``;
- ``fifth``: bench/redact_corpus_fifth.py, a fifth one by a fifth author, written blind to the rules
  and to the other corpora, weighted towards the shapes agents see text in (Read tool and ``cat -n``
  line numbers, ``grep -rn`` hits, diff hunks, language reprs, app logs), each template also in
  Claude Code, Codex and MCP log lines (some doubly escaped); reported like ``blind``;
- ``sixth``: bench/redact_corpus_sixth.py, a sixth one by a sixth author, written blind to the rules
  and to the other corpora, weighted towards encodings (URL-encoded forms, HTML entities, YAML block
  scalars, shell and C escapes, base64 of whole files), tables and exports (SQL clients, CSV,
  password-manager CLIs, environment dumps), non-English keys and chat, debug and trace output,
  API-client exports and the credential files of package managers; reported like ``blind``;
- ``seventh``: bench/redact_corpus_seventh.py, a seventh one by a seventh author, written blind to the
  rules and to the other corpora, weighted towards the mainstream of today (LLM providers and their
  SDKs, MCP and agent settings files, serverless and SaaS keys, web-framework settings, CI, containers,
  Terraform, cloud CLIs and secret managers), with the public keys, masked values and references of the
  same world as negatives; reported like ``blind``;
- ``eighth``: bench/redact_corpus_eighth.py, an eighth one by an eighth author, written blind to the
  rules and to the other corpora, made of excerpts of whole agent sessions (debugging a deploy, setting
  up CI, migrating a database, rotating a leaked key, onboarding, SaaS integration tests, Docker builds,
  dependency bumps, observability), with the hard negatives of the same sessions (lockfile and image
  hashes, git output, source maps, base64 blobs, ids, public keys, masked values, references);
  reported like ``blind``;
- ``ninth``: bench/redact_corpus_ninth.py, a ninth one by a ninth author, written blind to the rules
  and to the other corpora, weighted towards the stacks the others left out (mobile and desktop
  release tooling, data and ML platforms, enterprise and on-prem systems, network and device
  configuration, CMS, commerce and games, fintech and crypto), with the hard negatives of the same
  worlds (public keys and certificates, hashes, wallet addresses, transaction hashes, encrypted
  keystores, ids, masked values, references); reported like ``blind``;
- ``tenth``: bench/redact_corpus_tenth.py, a tenth one by a tenth author, written blind to the rules
  and to the other corpora, weighted towards the shapes of terminal and tool output (ANSI colours,
  cursor codes and hyperlinks, carriage-return progress and CRLF lines, box-drawing and ASCII tables,
  ``set -x`` traces and CI log prefixes, REPL and debugger sessions, language reprs and object dumps,
  structured logs and HTTP traces, environment dumps, truncated and paged output), with the hard
  negatives of the same shapes; reported like ``blind``;
- ``eleventh``: bench/redact_corpus_eleventh.py, an eleventh one by an eleventh author, written blind to
  the rules and to the other corpora, made of secrets as they sit in source code and in build and
  infrastructure code across many languages (Kotlin, Swift, Objective-C, Dart, Scala, Clojure, Elixir,
  Erlang, Haskell, OCaml, F#, C#, VB.NET, C and C++, Rust, Zig, Nim, Lua, Perl, R, Julia, MATLAB,
  Fortran, COBOL, PowerShell, shells, Gradle, Make, CMake, Bazel, Nix, Dockerfiles, Terraform, Pulumi,
  Ansible, Chef, Puppet, Salt, SQL) and in the shapes code gives them (builders, named arguments,
  annotations, struct and map literals, heredocs, raw and multi-line strings, concatenation, char and
  byte arrays, test fixtures, seeds, commented-out code), with the hard negatives of the same code
  (environment and secret-manager lookups, config binding, hashing code and public test vectors, public
  keys and pins, digests, ids, placeholders, token regexes and validators, error messages naming a
  secret); reported like ``blind``;
- ``twelfth``: bench/redact_corpus_twelfth.py, another one by another author, written blind to the
  rules and to the other corpora, made of the text people and agents write about work where
  credentials get pasted by hand (issue and review threads, chat copy-pastes and exports, e-mail
  threads, postmortems and runbooks, onboarding docs, wikis, support tickets, Q&A posts, commit
  messages, notebooks, meeting notes, an agent's own replies, password hand-overs, prose in other
  languages), with the hard negatives of the same world (rotation notices naming key ids, vault
  references, masked values, placeholders, documented example keys, public keys, signatures,
  hashes, ids, used one-time codes); reported like ``blind``;
- ``thirteenth``: bench/redact_corpus_thirteenth.py, another one by another author, written blind to
  the rules and to the other corpora, made of the everyday text an agent reads in the commonest stacks
  (``.env`` files, Compose files and ``docker`` output, ``kubectl`` secrets, environment dumps, diff
  hunks, ``grep -rn`` hits and numbered lines, framework settings, package-manager and CLI credential
  files, CI files, HTTP client traces and test output with headers, application logs, connection
  strings, SDK set-up code, notebooks, SQL dumps, Terraform state and plans, Ansible inventories), with
  the hard negatives of the same day (references, masked values, placeholders, public ids and
  publishable keys, digests, lockfile integrity hashes, image digests, commit hashes, UUIDs, request
  ids, base64 of plain data and of certificates, encrypted values, key ids, names of secrets);
  reported like ``blind``;
- ``fourteenth``: bench/redact_corpus_fourteenth.py, another one by another author, written blind to
  the rules and to the other corpora, made of credential formats of many providers with no
  secret-sounding name next to them (alone on a line, in table cells and lists, as positional
  command-line arguments, in log and error messages, URL paths, fragments and userinfo, commit
  messages, chat lines, generic fields and arrays), with the public twins of the same formats in the
  same positions as hard negatives (publishable keys, client and app ids, key ids, account SIDs,
  public keys, wallet addresses, transaction hashes, commit SHAs, digests, ids sharing a prefix,
  masked and truncated tokens, placeholders, encrypted values); reported like ``blind``;
- ``fifteenth``: bench/redact_corpus_fifteenth.py, another one by another author, written blind to
  the rules and to the other corpora, made of what the agent itself writes (tool-call inputs rather
  than tool output: Claude Code Write, Edit, MultiEdit, Bash, NotebookEdit, WebFetch and TodoWrite
  inputs, Codex ``shell``, ``apply_patch`` and ``update_plan`` arguments, ``codex exec`` commands,
  MCP ``tools/call`` arguments, SWE-agent editor actions, aider SEARCH/REPLACE blocks, unified diffs,
  heredocs, ``sed -i`` and ``echo >>`` edits, commit messages and the agent's replies), with the hard
  negatives of the same world (code reading secrets from the environment, ``.env.example`` files,
  patches that swap a secret for a reference, obvious test fixtures, ``$VAR`` references, ids,
  hashes, base64 of plain data, lockfile integrity hashes); each template also on the input side of
  Claude Code, Codex and MCP log lines (some doubly escaped); reported like ``blind``;
- ``sixteenth``: bench/redact_corpus_sixteenth.py, another one by another author, written blind to
  the rules and to the other corpora, made of text as it sits inside the containers other tools write,
  each with its own escaping and splitting (asciinema casts cut at write boundaries, script(1)
  typescripts and tmux dumps with colours and CRLF, shell histories, Jupyter notebooks and their
  exports, GitHub Actions, GitLab CI, Jenkins and other CI raw logs, journald JSON, Docker json-file
  logs, ``kubectl logs``, syslog, Aider chat histories, other agents' event logs, HAR files, VS Code,
  Postman, Insomnia, Bruno and REST Client files, cloud log exports, CLI JSON output), with the hard
  negatives of the same containers (masked ``***`` and ``[MASKED]`` values, ``::add-mask::`` of
  variables, ``{{apiKey}}`` variables, cast timings and ids, notebook ids, hashes and image outputs,
  image digests, request ids, encrypted values, public keys); reported like ``blind``;
- ``seventeenth``: bench/redact_corpus_seventeenth.py, another one by another author, written blind to
  the rules and to the other corpora, made of the Windows and .NET world (PowerShell sessions and
  transcripts, cmd.exe, ``appsettings.json``, ``web.config``, ``launchSettings.json``, user secrets,
  ``NuGet.config``, publish profiles, Azure DevOps pipelines, IIS, registry exports, ``unattend.xml``,
  Group Policy Preferences, event logs, SQL Server, Active Directory, WinRM, the Azure CLI, C#, VB.NET
  and F#), with the hard negatives of the same world (DPAPI blobs and ``ConvertFrom-SecureString``
  output, masked prompts, ``Integrated Security`` strings, token-replacement markers, Key Vault
  references, SIDs, GUIDs, thumbprints, package hashes, KMS client keys); reported like ``blind``;
- ``eighteenth``: bench/redact_corpus_eighteenth.py, another one by another author, written blind to
  the rules and to the other corpora, made of Linux, network and infrastructure operations (network
  device configurations and ``show running-config`` output, VPNs and tunnels, Linux service
  configurations, provisioning files, IPMI and BMC tools, logs, process listings and shell histories,
  SSH keys, inventory and secret-store API bodies), with the hard negatives of the same world (crypt and
  device password hashes, public keys, fingerprints, ``(hidden)`` and masked values, references to key
  files, factory-default SNMP communities, encrypted values, serials, MACs, UUIDs, principals, DNs);
  reported like ``blind``;
- ``nineteenth``: bench/redact_corpus_nineteenth.py, another one by another author, written blind to
  the rules and to the other corpora, made of the world outside English (chat exports, tickets, wikis,
  configs, code and logs in twenty languages with local key names, comments and full-width
  punctuation, right-to-left text, mojibake, non-ASCII and URL-encoded passwords, seed phrases in
  other languages, the key formats of regional clouds, AI, messaging, payment and SMS providers),
  with the hard negatives of the same world (translation files whose keys are ``password`` or
  ``api_key``, local words for password next to placeholders and masked values, access-key ids and
  app ids alone, national ids, phone, order and tracking numbers, hashes, encrypted values);
  reported like ``blind``;
- ``twentieth``: bench/redact_corpus_twentieth.py, another one by another author, written blind to
  the rules and to the other corpora, made of data and machine-learning engineering (warehouse and
  lakehouse connections, dbt profiles, Airflow, Dagster, Prefect, Spark and Hadoop, Kafka and
  Confluent, ingestion and BI tools, notebooks, ML platforms and experiment trackers, LLM app configs
  and vector databases, object-storage tools, SQL query logs, DataFrame prints), with the hard
  negatives of the same world (hashed columns, run, model and dataset ids, secret-sounding column
  names, tokenizer tokens, embeddings, base64 of images, Jinja and Airflow macros, secret-manager
  lookups, masked values, publishable keys); reported like ``blind``;
- ``twentyfirst``: bench/redact_corpus_twentyfirst.py, another one by another author, written blind
  to the rules and to the other corpora, made of the JVM and enterprise Java world (Spring Boot,
  Quarkus and Micronaut settings and actuator output, Tomcat, WildFly, WebLogic, WebSphere, GlassFish
  and Jetty files and consoles, Maven, Gradle, sbt and Ivy credentials and deploy logs, keystores and
  JVM flags, logging configs, stack traces and Hibernate logs, Jenkins, Kafka JAAS, Keycloak, LDAP,
  JMX, JDBC URLs, IDE files), with the hard negatives of the same world (``${...}`` and ``@...@``
  placeholders, Jasypt ``ENC(...)``, Jenkins ``{AQAAAB...}`` and WebLogic ``{AES}`` values,
  credential ids, masked actuator values, bcrypt and digest hashes, artifact checksums, GPG key ids,
  keystore aliases, JNDI names); reported like ``blind``;
- ``twentysecond``: bench/redact_corpus_twentysecond.py, another one by another author, written blind
  to the rules and to the other corpora, made of frontend, mobile and JavaScript/TypeScript full-stack
  work (Next.js, Nuxt, SvelteKit, Remix, Astro and Vite env files and configs, Vercel, Netlify and
  Cloudflare CLIs and files, Supabase, Firebase, Prisma and Drizzle, Stripe, auth providers, Expo and
  EAS, Android signing, fastlane and App Store Connect, package-manager credentials, monitoring,
  analytics, CMS, commerce, maps, search and feature-flag keys, HAR files, cookies, ``localStorage``,
  Playwright and Cypress files, built bundles and source maps, CI for web and app deploys), with the
  hard negatives of the same world (publishable and browser keys, Supabase anon and local-stack keys,
  Sentry DSNs, ``process.env`` and ``${{ secrets.X }}`` references, hashed assets, integrity hashes,
  source-map mappings, CSP nonces, page CSRF tokens, masked dashboards, example JWTs); reported like
  ``blind``;
- ``twentythird``: bench/redact_corpus_twentythird.py, another one by another author, written blind
  to the rules and to the other corpora, made of observability, on-call and incident response
  (Prometheus, Alertmanager, Grafana, agents and vendors' configs, OpenTelemetry collectors, log
  shippers, Sentry, status pages, on-call and chatops tools, logs and traces that leak credentials,
  incident chat, postmortems and runbooks), with the hard negatives of the same world (trace, span,
  request and alert ids, metric names and queries naming secrets, ``<secret>`` and masked values,
  public DSNs and browser keys, references, encrypted values); reported like ``blind``;
- ``twentyfourth``: bench/redact_corpus_twentyfourth.py, another one by another author, written blind
  to the rules and to the other corpora, made of identity, access and backups as an agent helping an
  IT or platform team sees them (Okta, Auth0, Keycloak, Entra ID, Google Workspace service accounts,
  LDAP and Active Directory, SAML, OIDC proxies, SCIM, Kerberos keytabs, SSH keys and CAs, step-ca,
  Teleport, Boundary and Vault, TOTP seeds and recovery codes, password managers' CLIs, RADIUS and
  FreeIPA; restic, borg, rclone, duplicity, Duplicati, Velero, Kopia, MinIO and other S3-compatible
  stores, rsync, SMB and NAS credentials, database dump scripts and cron jobs, pgBackRest, WAL-G and
  Barman), with the hard negatives of the same world (key, client, tenant, realm and user ids, SAML
  certificates, JWKS and SSH public keys, host-key fingerprints and ``known_hosts``, repository,
  snapshot and chunk ids, password hashes, JWE-encrypted keys, masked values, ``--password-command``
  and other references, documented defaults and placeholders); reported like ``blind``;
- ``project``: bench/redact_corpus.py, written together with the rules (issue 3);
- ``real``: the real agent logs in ``../shared/corpus`` (no secrets in them), the share of lines changed.

The bars (issues 3 and 15): recall >= 0.98 and false positives <= 2%, in every context.
"""

# ruff: noqa: E501 - generated-data templates read better on one line
from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from autopilot.plugins.redact.engine import redact_text

# The sample corpus of real agent logs lives next to the checkout (``../shared/corpus``); from a git
# worktree further down, the nearest such folder above it.
REAL_LOGS = next(
    (
        p / "shared" / "corpus"
        for p in Path(__file__).resolve().parents[1:]
        if (p / "shared" / "corpus").is_dir()
    ),
    Path(__file__).resolve().parents[1].parent / "shared" / "corpus",
)


# The labelled corpora (bench/redact_corpus_<name>.py, each written apart from the rules): the seed
# and the number of instances per template each was measured with.
LABELLED: dict[str, tuple[int, int]] = {
    "independent": (15, 8),
    "blind": (23, 6),
    "fresh": (31, 6),
    "fourth": (41, 6),
    "fifth": (53, 6),
    "sixth": (59, 6),
    "seventh": (61, 6),
    "eighth": (67, 6),
    "ninth": (71, 6),
    "tenth": (73, 6),
    "eleventh": (79, 6),
    "twelfth": (83, 6),
    "thirteenth": (89, 6),
    "fourteenth": (97, 6),
    "fifteenth": (101, 6),
    "sixteenth": (103, 6),
    "seventeenth": (107, 6),
    "eighteenth": (109, 6),
    "nineteenth": (113, 6),
    "twentieth": (127, 6),
    "twentyfirst": (131, 6),
    "twentysecond": (137, 6),
    "twentythird": (139, 6),
    "twentyfourth": (149, 6),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus",
        choices=[*LABELLED, "project", "real"],
        default="independent",
    )
    parser.add_argument("--positives", type=int, default=5000, help="project corpus only")
    parser.add_argument("--negatives", type=int, default=5000, help="project corpus only")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--copies",
        type=int,
        default=None,
        help="labelled corpora: instances per template (default: "
        + ", ".join(f"{name} {copies}" for name, (_, copies) in LABELLED.items())
        + ")",
    )
    parser.add_argument("--split", choices=["dev", "holdout", "all"], default="all")
    parser.add_argument("--context", default=None, help="independent corpus: only this context")
    parser.add_argument("--logs", type=Path, default=REAL_LOGS, help="real corpus: the folder of logs")
    parser.add_argument("--show", type=int, default=0, help="print this many misses and false positives")
    parser.add_argument(
        "--kinds",
        type=int,
        default=0,
        help="labelled corpora: list this many kinds of misses and false positives",
    )
    args = parser.parse_args()
    if args.corpus in LABELLED:
        return labelled(args)
    if args.corpus == "real":
        return real_logs(args.logs, args.show)
    return project(args)


def labelled(args: argparse.Namespace) -> int:
    """Recall and false positives per context on a corpus written apart from the rules."""
    module = importlib.import_module(f"redact_corpus_{args.corpus}")
    CONTEXTS, corpus, leaked = module.CONTEXTS, module.corpus, module.leaked
    seed, copies = LABELLED[args.corpus]
    args.copies = copies if args.copies is None else args.copies
    documents = corpus(seed if args.seed is None else args.seed, copies=args.copies)
    rows: dict[tuple[str, str], list[int]] = {}  # (split, context) -> [planted, found, negatives, changed]
    misses: list[tuple[str, str, str, str]] = []
    false_positives: list[tuple[str, str, str]] = []
    missed_kinds: Counter[tuple[str, str]] = Counter()
    fp_kinds: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str, str], str] = {}
    for doc in documents:
        if args.context and doc.context != args.context:
            continue
        if args.split != "all" and doc.split != args.split:
            continue
        output = redact_text(doc.text)
        for key in ((doc.split, doc.context), ("all", doc.context), (doc.split, "all"), ("all", "all")):
            row = rows.setdefault(key, [0, 0, 0, 0])
            if doc.secrets:
                row[0] += len(doc.secrets)
                row[1] += sum(not leaked(secret, output) for secret in doc.secrets)
            else:
                row[2] += 1
                row[3] += output != doc.text
        # The independent corpus labels no kind: its template's first words stand in for one.
        kind = getattr(doc, "kind", None) or doc.template[:40]
        if doc.secrets:
            missed = [secret for secret in doc.secrets if leaked(secret, output)]
            misses.extend((doc.context, doc.template, secret, output) for secret in missed)
            if missed:
                missed_kinds[(kind, doc.context)] += len(missed)
                examples.setdefault(("miss", kind, doc.context), _masked(output, doc.secrets, missed))
        elif output != doc.text:
            false_positives.append((doc.context, doc.text, output))
            fp_kinds[(kind, doc.context)] += 1
            examples.setdefault(("fp", kind, doc.context), _first_change(doc.text, output))
    ok = True
    print(
        f"{args.corpus} corpus: {len(documents)} documents ({args.copies} instances of each template, and each JSON-escaped)"
    )
    print(f"{'split':8} {'context':8} {'secrets':>8} {'recall':>7} {'negatives':>10} {'false pos.':>10}")
    for split in ("dev", "holdout", "all"):
        for context in (*CONTEXTS, "all"):
            if (split, context) not in rows:
                continue
            planted, found, negatives, changed = rows[(split, context)]
            recall = found / planted if planted else 1.0
            fp_rate = changed / negatives if negatives else 0.0
            if split == "all":
                ok = ok and recall >= 0.98 and fp_rate <= 0.02
            print(f"{split:8} {context:8} {planted:8d} {recall:7.3f} {negatives:10d} {fp_rate:10.3f}")
    _show(misses, false_positives, args.show)
    for title, kinds, tag in (("missed secrets", missed_kinds, "miss"), ("false positives", fp_kinds, "fp")):
        if args.kinds and kinds:
            print(f"\n{title} by kind (count, kind, context, example):")
            for (kind, context), count in kinds.most_common(args.kinds):
                print(f"{count:5d}  {kind} [{context}]  {examples[(tag, kind, context)]!r}")
    print("\nbars met in every context" if ok else "\nbars NOT met")
    return 0 if ok else 1


def _masked(output: str, secrets: list[str], missed: list[str]) -> str:
    """Around the first surviving secret, every planted secret (raw or JSON-escaped) shown as <S>."""

    def escaped(secret: str) -> tuple[str, str, str]:
        once = json.dumps(secret)[1:-1]
        return secret, once, json.dumps(once)[1:-1]

    for form in sorted({form for secret in secrets for form in escaped(secret)}, key=len, reverse=True):
        output = output.replace(form, "<S>")
    probes = [form[-12:] for secret in missed for form in escaped(secret)] + ["<S>"]
    at = next((i for i in (output.find(probe) for probe in probes) if i >= 0), 0)
    return output[max(0, at - 80) : at + 60]


def _first_change(text: str, output: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(text, output, strict=False)) if a != b), 0)
    return f"{text[max(0, at - 60) : at + 40]} -> {output[at : at + 30]}"


def _show(
    misses: list[tuple[str, str, str, str]], false_positives: list[tuple[str, str, str]], count: int
) -> None:
    shown: set[str] = set()
    for context, template, secret, output in misses:
        if len(shown) >= count:
            break
        if template in shown:
            continue
        shown.add(template)
        index = output.find(secret[: max(8, len(secret) // 2)])
        print(
            f"\nMISSED ({context}) {template[:100]!r}\n   ...{output[max(0, index - 100) : index + len(secret) + 30]!r}"
        )
    shown.clear()
    for context, text, output in false_positives:
        if len(shown) >= count:
            break
        at = next((i for i, (a, b) in enumerate(zip(text, output, strict=False)) if a != b), 0)
        key = context + text[max(0, at - 30) : at]
        if key in shown:
            continue
        shown.add(key)
        print(
            f"\nFALSE POSITIVE ({context}): {text[max(0, at - 100) : at + 60]!r}\n   -> {output[max(0, at - 100) : at + 60]!r}"
        )


def real_logs(folder: Path, count: int) -> int:
    """The share of lines of real agent logs (no secrets in them) that redaction changes."""
    lines = changed = 0
    shown = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md"):
        for line in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
            lines += 1
            output = redact_text(line)
            if output != line:
                changed += 1
                if shown < count:
                    shown += 1
                    at = next((i for i, (a, b) in enumerate(zip(line, output, strict=False)) if a != b), 0)
                    print(
                        f"{path.name}: {line[max(0, at - 80) : at + 60]!r}\n   -> {output[max(0, at - 80) : at + 60]!r}"
                    )
    print(f"real logs ({folder}): {changed} of {lines} lines changed ({changed / max(1, lines):.4f})")
    return 0


def project(args: argparse.Namespace) -> int:
    """Recall and false positives on the project's own corpus (written together with the rules)."""
    from redact_corpus import corpus

    args.seed = 20260101 if args.seed is None else args.seed
    positives, negatives = corpus(args.seed, positives=args.positives, negatives=args.negatives)
    planted = found = 0
    missed_by_kind: Counter[str] = Counter()
    planted_by_kind: Counter[str] = Counter()
    misses = []
    for doc in positives:
        output = redact_text(doc.text)
        for secret in doc.secrets:
            planted += 1
            planted_by_kind[doc.kind] += 1
            if secret in output:
                missed_by_kind[doc.kind] += 1
                misses.append((doc, secret, output))
            else:
                found += 1
    false_positives = []
    for doc in negatives:
        output = redact_text(doc.text)
        if output != doc.text:
            false_positives.append((doc, output))

    recall = found / planted
    fp_rate = len(false_positives) / len(negatives)
    print(
        f"corpus: {len(positives)} documents with {planted} planted secrets, {len(negatives)} without (seed {args.seed})"
    )
    print(f"recall:              {recall:.4f}  (bar >= 0.98)")
    print(f"false-positive rate: {fp_rate:.4f}  (bar <= 0.02; documents without secrets that were changed)")
    worst = sorted(planted_by_kind, key=lambda k: missed_by_kind[k] / planted_by_kind[k], reverse=True)
    print(
        "recall by kind (lowest first): "
        + ", ".join(f"{k} {1 - missed_by_kind[k] / planted_by_kind[k]:.3f}" for k in worst[:8])
    )
    for doc, secret, output in misses[: args.show]:
        print(f"\nMISSED {doc.kind} ({doc.context}): {secret[:40]!r}")
        index = output.find(secret)
        print("   ..." + repr(output[max(0, index - 120) : index + len(secret) + 40]))
    for doc, output in false_positives[: args.show]:
        index = next((i for i, (a, b) in enumerate(zip(doc.text, output, strict=False)) if a != b), 0)
        print(
            f"\nFALSE POSITIVE: {doc.text[max(0, index - 100) : index + 80]!r}\n   -> {output[max(0, index - 100) : index + 80]!r}"
        )
    ok = recall >= 0.98 and fp_rate <= 0.02
    print("\nbars met" if ok else "\nbars NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
