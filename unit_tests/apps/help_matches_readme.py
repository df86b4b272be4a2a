#!/usr/bin/python3
"""README and --help agree: every option `pint run --help` lists has a row in the
README's option table (section "The pint command") and every option there is
one `pint run` takes; every TOML key in the table is an option's name; the
options of `pint combine` and `pint info` are documented too."""
import os
import re

import pint_cli

OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])\b")


def help_options(args, command):
    text = pint_cli.run(args, [command, "--help"]).stdout
    found = set()
    for line in text.splitlines():
        if line.startswith("  -"):  # an option row: "  -o,--output FILE   ..."
            found.update(OPTION.findall(line.split("  ")[1]))
    return found


def main():
    args = pint_cli.arguments()
    failures = pint_cli.Failures()
    readme = open(os.path.join(args.source, "README.md")).read()
    start = readme.index("## The pint command")
    section = readme[start:readme.index("\n## ", start + 1)]
    table = section[section.index("### `pint run` options"):section.index("### Output directory")]
    rows = [line for line in table.splitlines() if line.startswith("| `-")]
    documented = set()
    keys = set()
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        documented.update(OPTION.findall(cells[0]))
        keys.update(re.findall(r"`([a-z0-9-]+)`", cells[1]))
    run = help_options(args, "run")
    failures.check(run - documented == set(),
                   f"every option of pint run --help is in the README: missing {run - documented}")
    failures.check(documented - run == set(),
                   f"every option in the README is in pint run --help: extra {documented - run}")
    names = {o[2:] for o in run}
    failures.check(keys - names == set(), f"every TOML key is an option name: {keys - names}")
    for command in ("combine", "info"):
        options = help_options(args, command) - {"-h", "--help"}
        usage = [line for line in section.splitlines() if f"pint {command}" in line]
        missing = {o for o in options if not any(o in line for line in usage)}
        failures.check(not missing, f"the README's usage of pint {command} names {options}: "
                                    f"missing {missing}")
    failures.finish()


if __name__ == "__main__":
    main()
