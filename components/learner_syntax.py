"""Checking a learner's text before anything runs: its size, its parse, the depth and
node count of its tree, and names: none may start with "_". What each node may be is
decided by the compiler (components/learner_statements.py), which refuses through refuse().
"""

import ast
import warnings
from collections.abc import Mapping

from components.learner_limits import LearnerCodeError
from components.safe_text import bracket_depth, inert_excerpt

MAX_CHARS = 4000  # a course exercise fits in a screen; longer text only costs parsing time
MAX_LINES = 80
MAX_NODES = 1200  # ast nodes: bounds the closures built and the validation walk
MAX_DEPTH = 40  # ast nesting, checked iteratively: the compiler recurses on it


# What a refused construct is called in the message (the code, not a translation).
CONSTRUCT_NAMES: Mapping[type, str] = {
    ast.Lambda: "lambda",
    ast.ListComp: "[… for …]",
    ast.SetComp: "{… for …}",
    ast.DictComp: "{…: … for …}",
    ast.GeneratorExp: "(… for …)",
    ast.ClassDef: "class",
    ast.Try: "try",
    ast.Raise: "raise",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.Delete: "del",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
    ast.Await: "await",
    ast.AsyncFunctionDef: "async def",
    ast.AsyncFor: "async for",
    ast.AsyncWith: "async with",
    ast.NamedExpr: ":=",
    ast.Starred: "*",
    ast.Match: "match",
    ast.Dict: "{…: …}",
    ast.Set: "{…}",
    ast.Assert: "assert",
    ast.AnnAssign: "x: type = …",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.In: "in",
    ast.NotIn: "not in",
}


def refuse(node: ast.AST) -> LearnerCodeError:
    if isinstance(node, ast.While):
        return LearnerCodeError("code.while_refused", line=getattr(node, "lineno", None))
    construct = CONSTRUCT_NAMES.get(type(node), type(node).__name__)
    return LearnerCodeError("code.not_allowed", line=getattr(node, "lineno", None), construct=construct)


def _identifiers(node: ast.AST) -> list[str]:
    """The names a node spells (already NFKC-normalised by the parser: ＿ is not a way around)."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute | ast.keyword | ast.arg | ast.FunctionDef | ast.alias):
        name = {ast.Attribute: "attr", ast.keyword: "arg", ast.arg: "arg", ast.FunctionDef: "name"}.get(type(node))
        if isinstance(node, ast.alias):
            return [node.name, node.asname or ""]
        return [getattr(node, name) or ""]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return []


def parse(source: str) -> ast.Module:
    """The checked tree: sizes first, then the parse, then depth and names iteratively."""
    if not source.strip():
        raise LearnerCodeError("code.empty")
    if len(source) > MAX_CHARS:
        raise LearnerCodeError("code.too_long", max=MAX_CHARS)
    if source.count("\n") + 1 > MAX_LINES:
        raise LearnerCodeError("code.too_many_lines", max=MAX_LINES)
    if bracket_depth(source) > MAX_DEPTH:
        raise LearnerCodeError("code.too_deep", max=MAX_DEPTH)
    try:
        with warnings.catch_warnings():  # invalid escapes warn before anything else
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError as error:
        message = inert_excerpt(error.msg or "", 120)
        raise LearnerCodeError("code.syntax", line=error.lineno, message=message) from None
    except (ValueError, MemoryError, RecursionError):
        raise LearnerCodeError("code.too_deep", max=MAX_DEPTH) from None
    pending, count = [(tree, 0)], 0
    while pending:
        node, depth = pending.pop()
        count += 1
        if count > MAX_NODES:
            raise LearnerCodeError("code.too_big", max=MAX_NODES)
        if depth > MAX_DEPTH:
            raise LearnerCodeError("code.too_deep", line=getattr(node, "lineno", None), max=MAX_DEPTH)
        for name in _identifiers(node):
            if name.startswith("_"):
                line = getattr(node, "lineno", None)
                raise LearnerCodeError("code.private_name", line=line, name=inert_excerpt(name, 40))
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree
