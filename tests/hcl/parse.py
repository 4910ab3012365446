"""Parses each .tf file named on the command line with python-hcl2 and prints, as JSON, every
resource's type, name and top-level argument and block names, or the file's parse error."""

import json
import sys

import hcl2


def unquote(label):
    return label.strip('"')


def main():
    report = {}
    for path in sys.argv[1:]:
        try:
            with open(path, encoding="utf-8") as handle:
                document = hcl2.load(handle)
        except Exception as error:  # every parse failure is a finding of the test
            report[path] = {"error": f"{type(error).__name__}: {error}"}
            continue
        resources = []
        for block in document.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    keys = sorted(key for key in body if not key.startswith("__"))
                    resources.append({"type": unquote(kind), "name": unquote(name), "keys": keys})
        report[path] = {"resources": resources}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
