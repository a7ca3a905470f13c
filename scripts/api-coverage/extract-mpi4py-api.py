#!/usr/bin/env python3
"""Extract mpi4py's public API from its type stubs (src/mpi4py/MPI.pyi).

Run once per mpi4py version; the result, scripts/api-coverage/mpi4py-api.json,
is committed and read by scripts/api-coverage.mjs (`npm run api-coverage`):

    python3 scripts/api-coverage/extract-mpi4py-api.py \
        /work/mpi4py-src/src/mpi4py/MPI.pyi <mpi4py commit> \
        > scripts/api-coverage/mpi4py-api.json

Public means: not starting with an underscore. Python protocol methods
(__eq__, __bool__, __enter__, ...) are left out of the count; mpi4ts spells
their meaning differently (===, isNull, Symbol.dispose) and they are listed
under "protocol" per class for reference. Imports at the end of the stub
(typing aliases) are not part of MPI's namespace and are skipped.
"""
import ast
import json
import sys


def decorators(node):
    names = []
    for d in node.decorator_list:
        if isinstance(d, ast.Name):
            names.append(d.id)
        elif isinstance(d, ast.Attribute):
            names.append(d.attr)
    return names


def flatten(body):
    """Statements of a body, with `if sys.version_info ...` blocks opened (both branches)."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from flatten(stmt.body)
            yield from flatten(stmt.orelse)
        else:
            yield stmt


def member_kind(stmt):
    if isinstance(stmt, ast.FunctionDef):
        decos = decorators(stmt)
        if 'classmethod' in decos:
            return stmt.name, 'classmethod'
        if 'staticmethod' in decos:
            return stmt.name, 'staticmethod'
        if 'property' in decos:
            return stmt.name, 'property'
        if any(d in ('setter', 'deleter') for d in decos):
            return None
        return stmt.name, 'method'
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, 'property'
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        name = stmt.targets[0].id
        if isinstance(stmt.value, ast.Name):
            return name, 'alias:' + stmt.value.id
        return name, 'property'
    return None


def main():
    path, commit = sys.argv[1], sys.argv[2]
    tree = ast.parse(open(path, encoding='utf-8').read(), path)
    classes = {}
    module = []
    seen = set()
    for stmt in flatten(tree.body):
        if isinstance(stmt, ast.ClassDef):
            bases = [b.id for b in stmt.bases if isinstance(b, ast.Name)]
            members, protocol, names = [], [], set()
            for s in flatten(stmt.body):
                mk = member_kind(s)
                if mk is None:
                    continue
                name, kind = mk
                if name.startswith('__') and name.endswith('__'):
                    if name not in protocol:
                        protocol.append(name)
                    continue
                if name.startswith('_') or name in names:
                    continue
                if kind.startswith('alias:'):
                    # `Create_dup = Dup`: an alias has the static-ness of its target
                    target = next((m for m in members if m['name'] == kind[6:]), None)
                    kind = target['kind'] if target else 'method'
                    members.append({'name': name, 'kind': kind, 'aliasOf': target['name'] if target else None})
                else:
                    members.append({'name': name, 'kind': kind})
                names.add(name)
            classes[stmt.name] = {'bases': bases, 'members': members, 'protocol': protocol}
            entry = {'name': stmt.name, 'kind': 'class'}
        elif isinstance(stmt, ast.FunctionDef):
            entry = {'name': stmt.name, 'kind': 'function'}
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            ann = ast.unparse(stmt.annotation)
            if ann.startswith('Final[') and ann.endswith(']'):
                ann = ann[6:-1]
            entry = {'name': stmt.target.id, 'kind': 'constant', 'type': ann}
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            entry = {'name': stmt.targets[0].id, 'kind': 'alias'}
            if isinstance(stmt.value, ast.Name):
                entry['aliasOf'] = stmt.value.id
        else:
            continue
        if entry['name'].startswith('_') or entry['name'] in seen:
            continue
        seen.add(entry['name'])
        module.append(entry)
    out = {
        'source': {
            'repository': 'https://github.com/mpi4py/mpi4py',
            'commit': commit,
            'path': 'src/mpi4py/MPI.pyi',
            'extractedBy': 'scripts/api-coverage/extract-mpi4py-api.py',
        },
        'module': module,
        'classes': classes,
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
