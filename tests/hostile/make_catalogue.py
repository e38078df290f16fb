#!/usr/bin/python3
# make_catalogue.py: writes the catalogue of hostile inputs.
#
#   make_catalogue.py CCMIG DIR [GROUP...]
#
# DIR/base/po is a small post office from `ccmig gen` (deterministic by
# seed), DIR/base/set its migration files from `ccmig extract`; each
# DIR/cases/<group>-<name>/ is one hostile input made from them, with a
# case.json saying what to run and what must come of it (run_catalogue.py
# runs them). The same ccmig always gives the same catalogue.
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases_bundle  # noqa: E402
import cases_mail  # noqa: E402
import cases_names  # noqa: E402
import cases_policy  # noqa: E402
import cases_set  # noqa: E402
from catalogue import GEN  # noqa: E402

GROUPS = {
    "truncate": cases_mail.truncation,
    "count": cases_mail.counts,
    "nul": cases_mail.nul_bytes,
    "long-line": cases_mail.long_lines,
    "nesting": cases_mail.nesting,
    "attachment-name": cases_names.attachment_names,
    "folder-name": cases_names.folder_names,
    "sql": cases_names.sql,
    "bundle": cases_bundle.bundle,
    "code-page": cases_bundle.code_pages,
    "pointer": cases_set.pointers,
    "chain": cases_set.chains,
    "pkl": cases_set.packing_lists,
    "set": cases_set.set_files,
    "policy": cases_policy.policies,
}


def main():
    ccmig, root = sys.argv[1], os.path.abspath(sys.argv[2])
    groups = sys.argv[3:] or list(GROUPS)
    base = os.path.join(root, "base")
    os.makedirs(root, exist_ok=True)
    if not os.path.exists(base):
        subprocess.run([ccmig, "gen", base + "/po"] + GEN, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([ccmig, "extract", base + "/po", "-o", base + "/set",
                        "--keep-r8-folders"], check=True, stdout=subprocess.DEVNULL)
    for g in groups:
        GROUPS[g](root, base)


if __name__ == "__main__":
    main()
