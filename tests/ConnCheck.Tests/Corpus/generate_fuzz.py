#!/usr/bin/env python3
"""Writes the adversarial config corpus into config-fuzz/ (deterministic: same output every run).

Every file must be refused by `conn-check --validate` with exit 3, a FILE:LINE:COL: message and no
stack trace (ConfigCorpusTests.Fuzz_corpus_is_refused_with_positions). Inputs too big to commit
(10 MB strings...) are generated at test time by ConfigCorpusTests instead.

Usage: python3 tests/ConnCheck.Tests/Corpus/generate_fuzz.py   (rewrites config-fuzz/ from scratch)
"""
import os
import random
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "config-fuzz")

# Each type with the fields it needs to be valid, and its other fields with their kind.
TYPES = {
    "tcp": ({"host": "127.0.0.1", "port": "80"}, {}),
    "udp": ({"host": "127.0.0.1", "port": "53", "send": "ping", "expect": "pong"}, {}),
    "tls": ({"host": "127.0.0.1", "port": "443"}, {"disable_tls_verification": "bool"}),
    "http": ({"url": "http://127.0.0.1/"}, {
        "method": "str", "expected_code": "int", "headers": "map", "body": "str", "params": "map",
        "cookies": "map", "auth": "cred", "digest_auth": "cred", "proxy_url": "url", "proxy_host": "host",
        "proxy_port": "port", "allow_redirects": "bool", "disable_tls_verification": "bool"}),
    "amqp": ({"host": "127.0.0.1", "port": "5672", "username": "u", "password": "p"},
             {"use_tls": "bool", "vhost": "str", "disable_tls_verification": "bool"}),
    "postgres": ({"host": "127.0.0.1", "port": "5432", "username": "u", "password": "p", "database": "d"}, {}),
    "redis": ({"host": "127.0.0.1", "port": "6379"}, {"password": "str"}),
    "memcache": ({"host": "127.0.0.1", "port": "11211"}, {}),
    "mongodb": ({"host": "127.0.0.1"}, {"port": "port", "username": "str", "password": "str", "database": "str"}),
    "smtp": ({"host": "127.0.0.1", "port": "25"}, {
        "username": "str", "password": "str", "from_address": "str", "to_address": "str", "message": "str",
        "subject": "str", "helo_fallback": "bool", "use_tls": "bool", "starttls": "bool",
        "disable_tls_verification": "bool"}),
}

COMMON = {"timeout": "seconds", "tags": "list", "reachable": "bool", "warn_ms": "num", "crit_ms": "num",
          "name": "str", "on": "on", "from": "from"}

# Values that no field of the given kind accepts.
WRONG = {
    "str": ["[a, b]", "{a: 1}"],
    "host": ["[a, b]", "{a: 1}", "''", "'has space'"],
    "port": ["0", "65536", "-1", "80.5", "'eighty'", "[80]", "{p: 80}", "true", "99999999999999999999", ".inf", ".nan", "''"],
    "int": ["'two hundred'", "[200]", "{c: 200}", "2.5", "true"],
    "bool": ["'maybe'", "[true]", "{b: true}", "2", "'yess'"],
    "url": ["'not a url'", "[http://x/]", "{u: 1}", "'javascript:alert(1)'", "'file:///etc/passwd'",
            "'gopher://127.0.0.1/'", "'ftp://127.0.0.1/'", "'http://'", "'http:///path'", "'//127.0.0.1/x'",
            "'data:text/plain,hi'", "'http://[::1/'", "'ldap://127.0.0.1/'", "'mailto:a@b'", "'http://127.0.0.1:99999/'",
            "'HTTP ://127.0.0.1/'", "''"],
    "map": ["[a, b]", "'k=v'", "7"],
    "cred": ["'user:pass'", "{u: p}", "[only-one]", "[a, b, c]"],
    "seconds": ["0", "-5", "'soon'", "[1]", "{s: 1}", "100000000", ".inf", ".nan"],
    "list": ["{a: b}"],
    "num": ["'fast'", "[1]", "{n: 1}", "-1"],
    "on": ["some", "[all]", "{x: 1}", "'every'"],
    "from": ["{z: 1}", "[[web]]", "''", "'bad zone!'", "[web, {x: 1}]"],
}

UNIVERSAL_WRONG = ["[1, 2]", "{deep: {er: 1}}"]


def check(kind, fields, indent="  "):
    lines = [f"- type: {kind}"]
    lines += [f"{indent}{k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def files():
    rnd = random.Random(20261124)

    # Wrong types for every field of every type (and the common fields), one file each.
    for kind, (required, optional) in TYPES.items():
        kinds = {k: ("port" if k == "port" else "host" if k == "host" else "url" if k == "url" else "str") for k in required}
        kinds.update(optional)
        for field, field_kind in kinds.items():
            wrong = WRONG.get(field_kind, UNIVERSAL_WRONG)
            value = wrong[rnd.randrange(len(wrong))]
            fields = dict(required)
            fields[field] = value
            yield f"type-{kind}-{field}.yaml", f"{kind}.{field} = {value}", check(kind, fields)
        for field, field_kind in COMMON.items():
            value = WRONG[field_kind][rnd.randrange(len(WRONG[field_kind]))]
            fields = dict(required)
            fields[field] = value
            yield f"common-{kind}-{field}.yaml", f"{kind} with {field} = {value}", check(kind, fields)

    # Every bad port and every odd URL, on their own.
    for i, value in enumerate(WRONG["port"]):
        yield f"port-{i:02d}.yaml", f"port {value}", check("tcp", {"host": "127.0.0.1", "port": value})
    for i, value in enumerate(WRONG["url"]):
        yield f"url-{i:02d}.yaml", f"url {value}", check("http", {"url": value})
    for i, value in enumerate(WRONG["url"][3:]):
        yield f"proxy-url-{i:02d}.yaml", f"proxy_url {value}", check("http", {"url": "http://127.0.0.1/", "proxy_url": value})

    # Duplicate keys at every level.
    yield "dup-type.yaml", "duplicate type", "- type: tcp\n  type: udp\n  host: 127.0.0.1\n  port: 80\n"
    yield "dup-port.yaml", "duplicate port", "- type: tcp\n  host: 127.0.0.1\n  port: 80\n  port: 81\n"
    yield "dup-top.yaml", "duplicate top-level key", "checks: []\nchecks:\n  - {type: tcp, host: 127.0.0.1, port: 80}\n"
    yield "dup-zone.yaml", "duplicate zone", "zones:\n  web: {}\n  web: {}\nchecks: []\n"
    yield "dup-flow.yaml", "duplicate key in a flow mapping", "- {type: tcp, host: a, host: b, port: 80}\n"
    yield "dup-headers.yaml", "duplicate header", "- type: http\n  url: http://127.0.0.1/\n  headers:\n    X-A: 1\n    X-A: 2\n"
    yield "dup-defaults.yaml", "duplicate key in defaults", "defaults:\n  timeout: 1\n  timeout: 2\nchecks: []\n"

    # Alias bombs and alias tricks.
    for width, depth in [(10, 6), (20, 5), (3, 12), (50, 4)]:
        lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
        for d in range(1, depth):
            lines.append(f"a{d}: &a{d} [{', '.join([f'*a{d - 1}'] * width)}]")
        lines.append(f"checks: *a{depth - 1}")
        yield f"alias-bomb-{width}x{depth}.yaml", f"alias bomb {width}^{depth}", "\n".join(lines) + "\n"
    yield "alias-undefined.yaml", "alias to nothing", "- type: tcp\n  host: *nowhere\n  port: 80\n"
    yield "alias-self.yaml", "alias to itself", "- &a [*a]\n"
    yield "alias-as-key.yaml", "alias used as a key", "- &k type: tcp\n  *k : 1\n"
    yield "anchor-only.yaml", "anchor without a node", "- type: &t\n"
    yield "merge-bomb.yaml", "merge keys from an alias bomb", (
        "b0: &b0 {x: 1}\nb1: &b1 [*b0, *b0, *b0, *b0, *b0, *b0, *b0, *b0]\n"
        "b2: &b2 [*b1, *b1, *b1, *b1, *b1, *b1, *b1, *b1]\nb3: &b3 [*b2, *b2, *b2, *b2, *b2, *b2, *b2, *b2]\n"
        "b4: &b4 [*b3, *b3, *b3, *b3, *b3, *b3, *b3, *b3]\nb5: &b5 [*b4, *b4, *b4, *b4, *b4, *b4, *b4, *b4]\n"
        "checks:\n  - <<: *b5\n    type: tcp\n")

    # Deep nesting of every shape.
    for depth in [200, 1000, 5000]:
        yield f"deep-flow-seq-{depth}.yaml", f"{depth} nested flow sequences", "[" * depth + "]" * depth + "\n"
        yield f"deep-flow-map-{depth}.yaml", f"{depth} nested flow mappings", "{a: " * depth + "1" + "}" * depth + "\n"
    for depth in [100, 400]:
        yield f"deep-block-{depth}.yaml", f"{depth} nested block mappings", "".join(f"{' ' * i}k{i}:\n" for i in range(depth)) + " " * depth + "v: 1\n"
        yield f"deep-in-check-{depth}.yaml", f"{depth} nested lists inside a field", "- type: tcp\n  host: 127.0.0.1\n  port: 80\n  tags: " + "[" * depth + "]" * depth + "\n"

    # Syntax damage.
    yield "unclosed-quote.yaml", "unclosed quote", "- type: tcp\n  host: \"127.0.0.1\n  port: 80\n"
    yield "unclosed-flow-map.yaml", "unclosed flow mapping", "- {type: tcp, host: 127.0.0.1, port: 80\n"
    yield "stray-close.yaml", "stray ]", "- type: tcp]\n"
    yield "bad-escape.yaml", "bad escape in a double-quoted string", "- type: tcp\n  host: \"\\q\"\n  port: 80\n"
    yield "tab-in-indent.yaml", "tab as indentation", "- type: tcp\n\thost: 127.0.0.1\n\tport: 80\n"
    yield "colon-soup.yaml", "colons everywhere", "- type: tcp: tcp: tcp\n"
    yield "directive-junk.yaml", "unknown directive then junk", "%YAML 9.9\n--- [\n"
    yield "tag-junk.yaml", "custom tag on the root", "!!python/object:os.system ['id']\n"
    yield "set-tag.yaml", "set tag as the check list", "!!set {a, b}\n"
    yield "nul-byte.yaml", "NUL byte in a value", "- type: tcp\n  host: 127.0.0.1\x00evil\n  port: 80\n"
    yield "control-chars.yaml", "control characters in a value", "- type: tcp\n  host: \"127.0.0.1\\x07\\x1b[31m\"\n  port: 80\n"
    yield "newline-in-host.yaml", "line break inside a host", "- type: tcp\n  host: \"127.0.0.1\\nX-Injected: 1\"\n  port: 80\n"
    yield "crlf-only-junk.yaml", "CRLF lines with bad indentation", "- type: tcp\r\n   host: 127.0.0.1\r\n  port: 80\r\n"
    yield "cr-only.yaml", "old Mac line ends with a tab", "- type: tcp\r\thost: x\r"
    yield "document-end-junk.yaml", "content after document end", "- type: tcp\n  host: 127.0.0.1\n  port: 80\n...\n- junk\n"
    yield "three-documents.yaml", "three documents", "--- []\n--- []\n--- []\n"

    # Invalid UTF-8 in every position and form.
    bad_bytes = {
        "lone-continuation": b"\x80", "overlong-slash": b"\xc0\xaf", "surrogate": b"\xed\xa0\x80",
        "ff": b"\xff", "fe": b"\xfe", "truncated-3byte": b"\xe2\x82", "too-big-codepoint": b"\xf4\x90\x80\x80",
        "five-byte": b"\xf8\x88\x80\x80\x80", "latin1-e-acute": b"\xe9",
    }
    for name, raw in bad_bytes.items():
        yield f"utf8-{name}-in-value.yaml", f"invalid UTF-8 ({name}) in a value", b"- type: tcp\n  host: 127.0.0.1\n  name: a" + raw + b"b\n  port: 80\n"
        yield f"utf8-{name}-in-key.yaml", f"invalid UTF-8 ({name}) in a key", b"- type: tcp\n  ho" + raw + b"st: 127.0.0.1\n  port: 80\n"
    yield "utf8-at-eof.yaml", "truncated UTF-8 at end of file", b"- type: tcp\n  host: 127.0.0.1\n  port: 80\n  name: \xe2\x82"
    yield "utf8-after-bom.yaml", "BOM then invalid UTF-8", b"\xef\xbb\xbf- type: \xff\n"
    yield "utf16-le.yaml", "UTF-16 without BOM", "- type: tcp\n  host: 127.0.0.1\n  port: 80\n".encode("utf-16-le")

    # Environment interpolation abuse.
    for i, value in enumerate(["${}", "${1ABC}", "${A B}", "${CONNCHECK_FUZZ_UNSET_VARIABLE}", "${UNTERMINATED",
                               "$${CONNCHECK_FUZZ_UNSET_VARIABLE}x${CONNCHECK_FUZZ_UNSET_2}", "${:-x}"]):
        yield f"env-{i:02d}.yaml", f"interpolation {value}", check("tcp", {"host": value, "port": "80"})
    yield "env-secret-in-port.yaml", "secret variable as a port (must not be echoed)", check("tcp", {"host": "127.0.0.1", "port": "${CONNCHECK_CORPUS_SECRET}"})
    yield "env-secret-as-type.yaml", "secret variable as a type (must not be echoed)", check("${CONNCHECK_CORPUS_SECRET}", {"host": "127.0.0.1", "port": "80"})

    # Structure at the wrong places.
    yield "root-int.yaml", "root is a number", "42\n"
    yield "root-bool.yaml", "root is a boolean", "true\n"
    yield "root-null.yaml", "root is null", "~\n"
    yield "checks-scalar.yaml", "checks is a string", "checks: all of them\n"
    yield "checks-map.yaml", "checks is a mapping", "checks: {type: tcp}\n"
    yield "check-null.yaml", "a check is null", "- ~\n"
    yield "check-list.yaml", "a check is a list", "- [type, tcp]\n"
    yield "zones-list.yaml", "zones is a list", "zones: [web]\nchecks: []\n"
    yield "zone-min-string.yaml", "min_agents is a word", "zones: {web: {min_agents: many}}\nchecks: []\n"
    yield "zone-min-huge.yaml", "min_agents is huge", "zones: {web: {min_agents: 99999999999999999999}}\nchecks: []\n"
    yield "defaults-scalar.yaml", "defaults is a string", "defaults: fast\nchecks: []\n"
    yield "defaults-bad-type.yaml", "defaults sets a type", "defaults: {type: tcp}\nchecks: [{host: 127.0.0.1, port: 80}]\n"
    yield "key-is-list.yaml", "a key is a flow list", "- {[type]: tcp}\n"
    yield "key-is-null.yaml", "a null key", "- type: tcp\n  ~: 1\n  host: 127.0.0.1\n  port: 80\n"
    yield "key-is-int.yaml", "an integer key", "- type: tcp\n  1: 1\n  host: 127.0.0.1\n  port: 80\n"
    yield "type-int.yaml", "type is a number", check("7", {"host": "127.0.0.1", "port": "80"})
    yield "type-bool.yaml", "type is a boolean", check("true", {"host": "127.0.0.1", "port": "80"})
    yield "type-null.yaml", "type is null", check("~", {"host": "127.0.0.1", "port": "80"})
    yield "type-long.yaml", "type is 5000 characters", check("t" * 5000, {"host": "127.0.0.1", "port": "80"})
    yield "host-300.yaml", "host of 300 characters", check("tcp", {"host": ".".join(["abcdefghi"] * 30), "port": "80"})

    # Random garbage: printable soup and random bytes.
    alphabet = "abc:-[]{}&*!|>'\"%@`#,?\n  \t"
    for i in range(12):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(20, 400)))
        yield f"soup-{i:02d}.yaml", "random YAML punctuation", "- type: tcp\n  port: [\n" + text
    for i in range(8):
        raw = bytes(rnd.randrange(256) for _ in range(rnd.randrange(16, 512)))
        yield f"random-bytes-{i:02d}.yaml", "random bytes", b"- type: tcp\n  host: \xff" + raw


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    count = 0
    for name, description, content in files():
        if content is None:
            continue
        header = f"# fuzz: {description}\n".encode("utf-8", "backslashreplace") if description.isprintable() else b"# fuzz\n"
        body = content if isinstance(content, bytes) else content.encode("utf-8")
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(header + body)
        count += 1
    print(f"wrote {count} files to {OUT}")


if __name__ == "__main__":
    main()
