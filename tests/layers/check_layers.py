#!/usr/bin/python3
"""Checks that the code keeps the layering written in src/layers.txt.

Reports, and exits 1 on, any of:
  - an `#include "x/..."` in src/ or include/ that the including module's rule
    does not allow (file:line, the include, the rule and where it is written);
  - an include of a top-level directory that is no module;
  - a module directory without a rule, a rule for no module, a header entry
    naming a file that does not exist, or rules that form a cycle;
  - with --links (the link graph CMake writes, see tests/layers/CMakeLists.txt):
    a target that links a target of a module its rule does not allow, or a
    target that links, directly or through other targets, a library a
    `nolink` line bans.
Prints nothing and exits 0 when the tree keeps every rule.

Usage: check_layers.py --root REPO [--rules FILE] [--links FILE]
"""

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

MEMWATCH = "memwatch"  # include/memwatch/ plus its definitions in src/types/
TYPES_DIR = "types"
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_SUFFIXES = (".h", ".cc")


@dataclass
class Rule:
    module: str
    modules: set = field(default_factory=set)  # whole modules allowed
    headers: set = field(default_factory=set)  # single headers allowed, "net/x.h"
    line: int = 0

    def allows_include(self, target_module, path):
        return target_module == self.module or target_module in self.modules or path in self.headers

    def allows_module(self, target_module):
        """For links: a header entry allows linking its module's libraries."""
        return (target_module == self.module or target_module in self.modules
                or any(h.split("/", 1)[0] == target_module for h in self.headers))

    def text(self):
        allowed = sorted(self.modules) + sorted(self.headers)
        return f"{self.module}: {' '.join(allowed)}".rstrip()


@dataclass
class Ban:
    targets: list
    libraries: list
    line: int


def parse_rules(path, shown, problems):
    rules, bans = {}, []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            where = f"{shown}:{n}"
            if ":" not in line:
                problems.append(f"{where}: expected '<module>: <allowed> ...', got {line!r}")
                continue
            head, tail = (part.strip() for part in line.split(":", 1))
            if head.startswith("nolink "):
                bans.append(Ban(head.split()[1:], tail.split(), n))
                continue
            if head in rules:
                problems.append(f"{where}: second rule for module {head}")
                continue
            rule = Rule(head, line=n)
            for entry in tail.split():
                (rule.headers if "/" in entry else rule.modules).add(entry)
            rules[head] = rule
    return rules, bans


def module_dirs(root):
    """Module name -> directory of its headers, as includes name them."""
    dirs = {}
    include = os.path.join(root, "include")
    for name in sorted(os.listdir(include)) if os.path.isdir(include) else ():
        if os.path.isdir(os.path.join(include, name)):
            dirs[name] = os.path.join(include, name)  # include/memwatch, the shared types
    src = os.path.join(root, "src")
    for name in sorted(os.listdir(src)):
        if name != TYPES_DIR and os.path.isdir(os.path.join(src, name)):
            dirs[name] = os.path.join(src, name)
    return dirs


def owner(rel):
    """The module a file (path relative to the root) belongs to, or None."""
    parts = rel.split("/")
    if parts[0] == "include" and len(parts) > 2:
        return parts[1]
    if parts[0] == "src" and len(parts) > 2:
        return MEMWATCH if parts[1] == TYPES_DIR else parts[1]
    return None


def source_files(root):
    for top in ("src", "include"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def check_rules(rules, dirs, rules_path, problems):
    for module in dirs:
        if module not in rules:
            problems.append(f"{rules_path}: module {module} has no rule (add '{module}: ...')")
    for rule in rules.values():
        where = f"{rules_path}:{rule.line}"
        if rule.module not in dirs:
            problems.append(f"{where}: rule for {rule.module}, which is no module")
        for m in sorted(rule.modules):
            if m not in dirs:
                problems.append(f"{where}: {rule.module} allows {m}, which is no module")
        for h in sorted(rule.headers):
            m, _, rest = h.partition("/")
            if m not in dirs or not os.path.isfile(os.path.join(dirs[m], rest)):
                problems.append(f"{where}: {rule.module} allows {h}, which does not exist")
    # The allowed graph must have no cycle, or "layers" means nothing.
    edges = {r.module: sorted(m for m in dirs if m != r.module and r.allows_module(m))
             for r in rules.values()}
    cycle = find_cycle(edges)
    if cycle:
        problems.append(f"{rules_path}: the rules form a cycle: {' -> '.join(cycle)}")


def find_cycle(edges):
    """One cycle of the graph {node: [node, ...]} as a path, or None."""
    color = {}  # 1: on the current path, 2: done

    def dfs(node, path):
        color[node] = 1
        for d in edges.get(node, ()):
            if color.get(d) == 1:
                return path[path.index(d):] + [d]
            if d not in color:
                found = dfs(d, path + [d])
                if found:
                    return found
        color[node] = 2
        return None

    for node in sorted(edges):
        if node not in color:
            found = dfs(node, [node])
            if found:
                return found
    return None


def check_includes(root, rules, dirs, rules_path, problems):
    for rel in source_files(root):
        module = owner(rel)
        if module is None or module not in rules:
            continue  # files outside a module; a missing rule is reported once
        rule = rules[module]
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            for n, text in enumerate(f, 1):
                m = INCLUDE_RE.match(text)
                if not m:
                    continue
                path = m.group(1)
                target = path.split("/", 1)[0] if "/" in path else None
                where = f'{rel}:{n}: #include "{path}"'
                if target is None or target not in dirs:
                    problems.append(f"{where}: not a header of a module in {rules_path} "
                                    "(project headers are included as \"<module>/<file>\"; "
                                    "others with <...>)")
                elif not rule.allows_include(target, path):
                    problems.append(f"{where}: {module} may not include {target}; "
                                    f"rule {rules_path}:{rule.line} is '{rule.text()}'")


def read_link_graph(path):
    """Target -> (module directory, [linked libraries]) from CMake's dump."""
    graph = {}
    with open(path, encoding="utf-8") as f:
        for raw in f:
            fields = raw.rstrip("\n").split("\t")
            if len(fields) != 4:
                continue
            target, directory, kind, libs = fields
            linked = []
            for lib in filter(None, libs.split(";")):
                lib = re.sub(r"^\$<LINK_ONLY:(.*)>$", r"\1", lib)
                linked.append(lib)
            module = MEMWATCH if directory == TYPES_DIR else directory
            graph[target] = (module, kind, linked)
    return graph


def direct_links(graph, target, seen=None):
    """What `target` links, with INTERFACE targets of ours (bundles such as
    memwatch_core) replaced by what they bundle."""
    seen = seen if seen is not None else {target}
    out = []
    for lib in graph[target][2]:
        if lib in graph and graph[lib][1] == "INTERFACE_LIBRARY" and lib not in seen:
            seen.add(lib)
            out.extend(direct_links(graph, lib, seen))
        else:
            out.append(lib)
    return out


def check_links(graph, rules, bans, rules_path, problems):
    for target in sorted(graph):
        module, kind, _ = graph[target]
        if kind == "INTERFACE_LIBRARY" or module not in rules:
            continue  # bundles are judged where they are linked
        rule = rules[module]
        for lib in direct_links(graph, target):
            if lib not in graph:
                continue  # a third-party library: see the nolink lines
            other = graph[lib][0]
            if not rule.allows_module(other):
                problems.append(f"{target} (src/{module}) links {lib} (module {other}): "
                                f"rule {rules_path}:{rule.line} is '{rule.text()}'")
    for ban in bans:
        for target in ban.targets:
            if target not in graph:
                problems.append(f"{rules_path}:{ban.line}: nolink names {target}, "
                                "which CMake does not define under src/")
                continue
            # Breadth first, so the reported path is a shortest one.
            paths, queue = {target: [target]}, [target]
            while queue:
                current = queue.pop(0)
                for lib in graph[current][2] if current in graph else ():
                    if lib in paths:
                        continue
                    paths[lib] = paths[current] + [lib]
                    queue.append(lib)
            for lib in ban.libraries:
                if lib in paths:
                    problems.append(f"{target} links {lib} (via {' -> '.join(paths[lib])}): "
                                    f"banned by {rules_path}:{ban.line}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", required=True, help="repository root")
    parser.add_argument("--rules", help="rules file (default ROOT/src/layers.txt)")
    parser.add_argument("--links", help="link graph written by CMake (tab-separated)")
    args = parser.parse_args(argv)
    rules_path = args.rules or os.path.join(args.root, "src", "layers.txt")
    shown = os.path.relpath(rules_path, args.root)
    problems = []
    rules, bans = parse_rules(rules_path, shown, problems)
    dirs = module_dirs(args.root)
    check_rules(rules, dirs, shown, problems)
    check_includes(args.root, rules, dirs, shown, problems)
    if args.links:
        check_links(read_link_graph(args.links), rules, bans, shown, problems)
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} problem(s); the layering is written in {shown}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
