#!/usr/bin/python3
"""Every path README.md names exists in the repository.

Usage: readme_paths_test.py REPO_ROOT [MARKDOWN ...]   (default: README.md)
       readme_paths_test.py --self-test

What counts as a named path, so that prose and examples are left alone:
  - the target of a relative Markdown link: [text](docs/alerting.md);
  - in inline code and code blocks (with `#` comments stripped from code
    blocks), each whitespace-separated word that contains a "/" or is a
    dotfile (`.clang-tidy`), once quotes and trailing punctuation are
    trimmed.
Not paths: URLs and anything with a ":" (host:port, unix:/x, redis://),
absolute paths (/etc/..., GET /metrics: the reader's machine, not the
repository), ~ and $VARIABLE paths, placeholders whose first part is in
capitals (BUILD/src/app/redis-memwatch) and words with characters no file
name here uses (<module>, *, {, [).

A path must exist (a trailing "/" must be a directory) and stay inside
the repository: `../shared/STYLE.md` does not. Exits 1 listing every
missing path with its line; 0 otherwise.
"""
import os
import re
import sys
import tempfile

LINK = re.compile(r"\]\(([^)\s]+)\)")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^\s*(```|~~~)")
PLAIN = re.compile(r"^[A-Za-z0-9_./+-]+$")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]*$")


def candidate(word):
    """The path `word` names, or None if it does not name one."""
    word = word.strip("\"'`,;()").rstrip(".,;:")
    if not word or ":" in word or word.startswith(("/", "~", "$", "#")):
        return None
    if not PLAIN.match(word):
        return None
    if "/" not in word and not re.match(r"^\.[A-Za-z][\w.-]*$", word):
        return None
    first = word.split("/")[0]
    if PLACEHOLDER.match(first):
        return None
    return word


def named_paths(text):
    """(line number, path) for every path the Markdown `text` names."""
    found = []
    in_block = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_block = not in_block
            continue
        if in_block:
            code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
            words = code.split()
        else:
            words = []
            for span in INLINE_CODE.findall(line):
                words.extend(span.split())
            for target in LINK.findall(line):
                if "://" in target or target.startswith(("#", "mailto:")):
                    continue
                words.append(target.split("#", 1)[0])
        for word in words:
            path = candidate(word)
            if path is not None:
                found.append((number, path))
    return found


def missing_paths(root, markdown):
    """How many paths `markdown` names, and (line, path, why) for each one
    that is not in `root`."""
    root = os.path.realpath(root)
    with open(markdown, encoding="utf-8") as f:
        named = named_paths(f.read())
    problems = []
    for number, path in named:
        full = os.path.realpath(os.path.join(root, path))
        if full != root and not full.startswith(root + os.sep):
            problems.append((number, path, "outside the repository"))
        elif path.endswith("/") and not os.path.isdir(full):
            problems.append((number, path, "no such directory"))
        elif not os.path.exists(full):
            problems.append((number, path, "no such file or directory"))
    return len(named), problems


def check(root, files):
    failed = False
    for name in files:
        markdown = name if os.path.isabs(name) else os.path.join(root, name)
        named, problems = missing_paths(root, markdown)
        for number, path, why in problems:
            print("%s:%d: `%s`: %s" % (name, number, path, why))
        print("%s: %d path(s) named, %d missing" % (name, named, len(problems)))
        failed = failed or bool(problems)
    return 1 if failed else 0


SELF_TEST_README = """# Demo
Run `scripts/real.sh` then see [the guide](docs/guide.md) and [gone](docs/gone.md).
Style: `../outside/STYLE.md`, lint: `.clang-tidy`, missing dotfile `.nope-rc`.
Not paths: `GET /metrics`, `/etc/x/config.yml`, `config.yml`, [web](https://example.com/a/b),
`127.0.0.1:6379`, `unix:/path.sock`, `redis://h:1/0`, `tests/unit/<module>/`, `$HOME/x/y`.

```sh
scripts/real.sh --flag          # a comment naming not/a/path
bench/missing.sh BUILD/src/app/redis-memwatch
```

```
src/real/         a directory that exists
src/typo/         one that does not
```
"""

SELF_TEST_EXPECTED = [
    (2, "docs/gone.md", "no such file or directory"),
    (3, "../outside/STYLE.md", "outside the repository"),
    (3, ".nope-rc", "no such file or directory"),
    (9, "bench/missing.sh", "no such file or directory"),
    (14, "src/typo/", "no such directory"),
]


def self_test():
    """The checker finds exactly the missing paths of a README made up for it."""
    with tempfile.TemporaryDirectory(prefix="memwatch-readme.") as root:
        for d in ("scripts", "docs", "src/real", "bench"):
            os.makedirs(os.path.join(root, d))
        for f in ("scripts/real.sh", "docs/guide.md", ".clang-tidy"):
            open(os.path.join(root, f), "w").close()
        readme = os.path.join(root, "README.md")
        with open(readme, "w") as f:
            f.write(SELF_TEST_README)
        _, got = missing_paths(root, readme)
        if got != SELF_TEST_EXPECTED:
            print("self-test FAILED\n  expected %s\n  got      %s" % (SELF_TEST_EXPECTED, got))
            return 1
        if check(root, ["README.md"]) != 1:
            print("self-test FAILED: check() did not fail on missing paths")
            return 1
        os.makedirs(os.path.join(root, "src/typo"))
        for f in ("docs/gone.md", ".nope-rc", "bench/missing.sh"):
            open(os.path.join(root, f), "w").close()
        with open(readme, "w") as f:
            f.write(SELF_TEST_README.replace("../outside/STYLE.md", "scripts/real.sh"))
        if check(root, ["README.md"]) != 0:
            print("self-test FAILED: check() failed once every path existed")
            return 1
    print("self-test passed")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) < 2:
        print(__doc__)
        return 2
    return check(argv[1], argv[2:] or ["README.md"])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
