#!/usr/bin/python3
"""Validates a JSON document against a JSON Schema (Debian's python3-jsonschema).

Usage: validate_json.py SCHEMA DOCUMENT
Exits 0 when DOCUMENT is valid; 1 with every error (path and message) on
stderr when it is not; 2 when either file cannot be read.
"""
import json
import sys

import jsonschema


def main():
    try:
        with open(sys.argv[1]) as f:
            schema = json.load(f)
        with open(sys.argv[2]) as f:
            document = json.load(f)
    except (OSError, ValueError, IndexError) as e:
        print(f"validate_json.py: {e}", file=sys.stderr)
        return 2
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "/".join(str(p) for p in e.absolute_path) or "(document)"
        print(f"{path}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
