#!/usr/bin/env python3
"""Extract mpi4py.util's public API (pkl5, dtlib, pool) from its type stubs.

Usage: python3 extract-mpi4py-util-api.py /path/to/mpi4py-src > mpi4py-util-api.json
Module-level public names and the public members of public classes (no
dunder methods, no private names), as api-coverage.mjs counts them against
mpi4ts/util. util.sync is left to its own issue (it needs MPI.Win).
"""
import ast
import json
import subprocess
import sys
from pathlib import Path

src = Path(sys.argv[1])
out = {"source": {"repository": "https://github.com/mpi4py/mpi4py", "path": "src/mpi4py/util/{pkl5,dtlib,pool}.pyi",
                  "extractedBy": "scripts/api-coverage/extract-mpi4py-util-api.py"}, "modules": {}}
try:
    out["source"]["commit"] = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
except Exception:  # noqa: BLE001 (a source tree without .git: its version instead)
    init = (src / "src/mpi4py/__init__.py").read_text()
    out["source"]["version"] = next(line.split('"')[1] for line in init.splitlines() if line.startswith("__version__"))
for mod in ("pkl5", "dtlib", "pool"):
    tree = ast.parse((src / "src/mpi4py/util" / f"{mod}.pyi").read_text())
    names, classes = [], {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            names.append(node.name)
            members = []
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                    members.append(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and not item.target.id.startswith("_"):
                    members.append(item.target.id)
            classes[node.name] = members
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            names.append(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and not node.target.id.startswith("_"):
            names.append(node.target.id)
    out["modules"][mod] = {"names": names, "classes": classes}
json.dump(out, sys.stdout, indent=1)
print()
