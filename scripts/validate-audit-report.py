#!/usr/bin/env python3
"""Validates a `gatehouse audit` report against the schema in docs/.

    validate-audit-report.py json REPORT.json    # docs/audit-report.schema.json (JSON Schema 2020-12)
    validate-audit-report.py junit REPORT.xml    # docs/audit-junit.xsd (XML Schema 1.0)

Prints every violation and exits 1 when there is one, 0 when the report is valid. Needs
jsonschema and xmlschema (scripts/install-lint.sh installs both into .venv-lint/).
"""

import json
import pathlib
import sys

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"


def validate_json(path):
    import jsonschema

    schema = json.loads((DOCS / "audit-report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    report = json.loads(pathlib.Path(path).read_text())
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(report)]
    # Rules a JSON Schema cannot say: the summary adds up.
    checks = [c for category in report.get("categories", {}).values() for c in category.get("checks", [])]
    summary = report.get("summary", {})
    for key, verdict in (("passed", "passed"), ("failed", "failed"), ("warnings", "warning"), ("skipped", "skipped")):
        count = sum(1 for c in checks if c.get("verdict") == verdict)
        if summary.get(key) != count:
            errors.append(f"summary/{key}: {summary.get(key)} but {count} checks are {verdict}")
    if summary.get("total_checks") != len(checks):
        errors.append(f"summary/total_checks: {summary.get('total_checks')} but {len(checks)} checks")
    critical = sum(1 for c in checks if c.get("verdict") == "failed" and c.get("severity") == "critical")
    if summary.get("critical_issues") != critical:
        errors.append(f"summary/critical_issues: {summary.get('critical_issues')} but {critical} critical failures")
    expected_exit = 2 if critical else (1 if summary.get("failed") else 0)
    if report.get("exit_status") != expected_exit:
        errors.append(f"exit_status: {report.get('exit_status')}, expected {expected_exit}")
    return errors


def validate_junit(path):
    import xmlschema

    schema = xmlschema.XMLSchema10(str(DOCS / "audit-junit.xsd"))
    errors = [f"{e.path}: {e.reason}" for e in schema.iter_errors(str(path))]
    if errors:
        return errors
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.parse(path).getroot()
    for suite in [root] + root.findall("testsuite"):
        cases = suite.iter("testcase")
        cases = list(cases)
        for attribute, child in (("failures", "failure"), ("skipped", "skipped")):
            count = sum(1 for case in cases if case.find(child) is not None)
            if int(suite.get(attribute)) != count:
                errors.append(f"{suite.get('name')}: {attribute}={suite.get(attribute)} but {count} testcases have <{child}>")
        if int(suite.get("tests")) != len(cases):
            errors.append(f"{suite.get('name')}: tests={suite.get('tests')} but {len(cases)} testcases")
    return errors


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("json", "junit"):
        sys.exit(__doc__)
    try:
        errors = (validate_json if sys.argv[1] == "json" else validate_junit)(sys.argv[2])
    except Exception as error:  # an unreadable report (or schema) is a violation, not a pass
        errors = [f"cannot validate: {type(error).__name__}: {error}"]
    for error in errors:
        print(error)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
