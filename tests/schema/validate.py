#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""validate.py SCHEMA FILE...: each FILE (one JSON document, or with --lines one a line) is
valid against SCHEMA (JSON Schema 2020-12, python3-jsonschema); the schema itself is checked
first. --mutations FILE: FILE is valid, and documents made from it by breaking the contract
(a required member removed, a number as text, an unknown member, another schema_version)
are not, so the schema is no empty promise. Prints PASS/FAIL lines; exit 1 on any FAIL."""
import copy
import json
import sys

from jsonschema import Draft202012Validator


def main(argv):
    lines = "--lines" in argv
    mutations = "--mutations" in argv
    args = [a for a in argv[1:] if a not in ("--lines", "--mutations")]
    if len(args) < 2:
        print(__doc__)
        return 2
    schema = json.load(open(args[0]))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    failed = 0
    for path in args[1:]:
        docs = []
        with open(path, "rb") as f:
            raw = f.read()
        texts = raw.splitlines() if lines else [raw]
        for n, text in enumerate(texts, 1):
            if not text.strip():
                continue
            try:
                docs.append((f"{path}:{n}" if lines else path, json.loads(text.decode("utf-8"))))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                print(f"FAIL: {path}:{n}: not JSON: {e}")
                failed += 1
        if not docs:
            print(f"FAIL: {path}: no document")
            failed += 1
        for where, doc in docs:
            errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
            if errors:
                failed += 1
                for e in errors[:5]:
                    print(f"FAIL: {where}: {'/'.join(map(str, e.path)) or '(document)'}: {e.message}")
            else:
                print(f"PASS: {where} is valid against {args[0].rsplit('/', 1)[-1]}")
            if mutations and isinstance(doc, dict):
                failed += check_mutations(validator, where, doc)
    return 1 if failed else 0


def check_mutations(validator, where, doc):
    broken = []
    for key in schema_required(validator.schema, doc):
        d = copy.deepcopy(doc)
        del d[key]
        broken.append((f"without {key}", d))
    numbers = [k for k, v in doc.items() if isinstance(v, int) and not isinstance(v, bool)]
    for key in numbers[:2]:
        d = copy.deepcopy(doc)
        d[key] = str(d[key])
        broken.append((f"{key} as text", d))
    d = copy.deepcopy(doc)
    d["unknown_member"] = 1
    broken.append(("an unknown member", d))
    if "schema_version" in doc:
        d = copy.deepcopy(doc)
        d["schema_version"] = "2.0"
        broken.append(("schema_version 2.0", d))
    failed = 0
    for what, d in broken:
        if validator.is_valid(d):
            print(f"FAIL: {where} {what} passes the schema")
            failed += 1
    if not failed:
        print(f"PASS: {where}: {len(broken)} broken copies are refused")
    return failed


def schema_required(schema, doc):
    if "required" in schema:
        return [k for k in schema["required"] if k in doc]
    for branch in schema.get("oneOf", []):
        if all(k in doc for k in branch.get("required", [])):
            return [k for k in branch["required"]]
    return []


if __name__ == "__main__":
    sys.exit(main(sys.argv))
