#!/usr/bin/env python3
"""Lists the C# methods (constructors and local lambdas count with the member they sit in) longer than a limit.

Usage: scripts/long-methods.py [folder=src] [limit=60]
Prints "lines  path:line  name", longest first, and the count on stderr. A method is a line that starts with modifiers
and names a member with '(' whose body opens with '{' within the next lines; its length runs from that line to the
matching '}', counted by brace matching with strings, characters and comments blanked out. Expression-bodied members
(=>) are not counted. A reading aid, not a verdict: the conventions ask for most methods under 40 lines.
"""
import os
import re
import sys

MODIFIERS = r"(?:public|private|protected|internal|static|async|override|virtual|sealed|abstract|extern|unsafe|new|partial|readonly)"
SIGNATURE = re.compile(r"^\s*(?:\[[^\]]*\]\s*)*(?:" + MODIFIERS + r"\s+)+[^=;{}]*?\b(\w+)\s*(?:<[^>]*>)?\s*\(")
TYPE = re.compile(r"\b(class|record|struct|interface|enum)\b")


def blank(text):
    """The text with comments, strings and characters replaced by spaces (line breaks kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif m := re.match(r'\$*("""+)', text[i:]):
            quotes = m.group(1)
            j = text.find(quotes, i + len(m.group(0)))
            j = n if j < 0 else j + len(quotes)
            while j < n and text[j] == '"':
                j += 1
        elif m := re.match(r'(\$@|@\$|@)"', text[i:]):
            j = i + len(m.group(0))
            while j < n:
                if text.startswith('""', j):
                    j += 2
                    continue
                j += 1
                if text[j - 1] == '"':
                    break
        elif m := re.match(r'\$?"', text[i:]):
            j = i + len(m.group(0))
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            j += 1
        elif m := re.match(r"'(\\.|[^'\\])[^']*'", text[i:]):
            j = i + len(m.group(0))
        else:
            out.append(text[i])
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:j]))
        i = j
    return "".join(out)


def methods(path):
    lines = blank(open(path, encoding="utf-8-sig").read()).split("\n")
    for k, line in enumerate(lines):
        m = SIGNATURE.match(line)
        if not m or TYPE.search(line.split("(")[0]):
            continue
        opening = None
        for j in range(k, min(k + 30, len(lines))):
            if "{" in lines[j]:
                opening = j
                break
            if lines[j].rstrip().endswith(";") or "=>" in lines[j]:
                break
        if opening is None:
            continue
        depth, started = 0, False
        for e in range(opening, len(lines)):
            for ch in lines[e]:
                depth += ch == "{"
                depth -= ch == "}"
                started = started or ch == "{"
            if started and depth <= 0:
                yield e - k + 1, k + 1, m.group(1)
                break


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "src"
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("bin", "obj")]
        for name in files:
            if name.endswith(".cs"):
                path = os.path.join(folder, name)
                found += [(length, path, line, member) for length, line, member in methods(path) if length > limit]
    for length, path, line, member in sorted(found, reverse=True):
        print(f"{length:4d}  {path}:{line}  {member}")
    print(f"{len(found)} methods over {limit} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
