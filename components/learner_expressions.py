"""Expressions of a learner's program compiled into closures taking the frame of the run.
Every attribute goes through the allowlist, every operator and call through its guard.
"""

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

import torch

from components.learner_allowlist import (
    DATA_ATTRIBUTE,
    IO_BUILTINS,
    Namespace,
    attribute_refusal,
    attributes_of,
    get_attribute,
)
from components.learner_limits import (
    MAX_SEQUENCE,
    LearnerCodeError,
    external_error,
    guard_elementwise,
    printable_guard,
)
from components.learner_run import (
    BINARY_OPERATORS,
    COMPARISONS,
    Frame,
    binary,
    call_method,
    call_value,
    checked_number,
    counted,
    get_item,
    tracked,
    truth,
)
from components.learner_syntax import refuse
from components.safe_text import inert_excerpt

FORMAT_SPEC = re.compile(r"[<>^]?[+-]?\d{0,2}(\.\d{1,2})?[defg%]?")  # f"{x:.3f}", never a width of 10**9

Evaluate = Callable[[Frame], Any]


class ExpressionCompiler:
    """Turns each allowed expression into a closure; refuses every other node."""

    def __init__(self, local_names: frozenset[str] | None):
        self.local_names = local_names  # None at top level, where locals are the globals

    # expressions: closures taking the frame

    def expression(self, node: ast.expr) -> Evaluate:
        method = getattr(self, "expression_" + type(node).__name__, None)
        if method is None:
            raise refuse(node)
        return method(node)

    def expression_Constant(self, node: ast.Constant) -> Evaluate:
        value = constant(node)
        return lambda frame: value

    def expression_Name(self, node: ast.Name) -> Evaluate:
        return self.name_load(node.id)

    def name_load(self, name: str) -> Evaluate:
        if self.local_names is not None and name in self.local_names:

            def load_local(frame: Frame) -> Any:
                try:
                    return frame.locals[name]
                except KeyError:
                    raise _unknown_name(name) from None

            return load_local

        def load_global(frame: Frame) -> Any:
            try:
                return frame.globals[name]
            except KeyError:
                raise _unknown_name(name) from None

        return load_global

    def expression_Attribute(self, node: ast.Attribute) -> Evaluate:
        owner, attribute = self.expression(node.value), node.attr
        return lambda frame: tracked(frame.run, get_attribute(owner(frame), attribute))

    def expression_Call(self, node: ast.Call) -> Evaluate:
        if any(isinstance(argument, ast.Starred) for argument in node.args) or any(
            keyword.arg is None for keyword in node.keywords
        ):
            raise LearnerCodeError("code.not_allowed", construct="*args, **kwargs")
        arguments = tuple(self.expression(argument) for argument in node.args)
        keywords = tuple((keyword.arg, self.expression(keyword.value)) for keyword in node.keywords)
        if isinstance(node.func, ast.Attribute):
            return self._method_call(node.func, arguments, keywords)
        callee = self.expression(node.func)

        def call(frame: Frame) -> Any:
            function = callee(frame)
            args = tuple([argument(frame) for argument in arguments])
            kwargs = {name: value(frame) for name, value in keywords}
            return call_value(frame.run, function, args, kwargs)

        return call

    def _method_call(self, node: ast.Attribute, arguments: tuple, keywords: tuple) -> Evaluate:
        """`owner.attribute(...)` without making a BoundMethod on the way: the training loop's path."""
        owner_of, attribute = self.expression(node.value), node.attr

        def call_owner_method(frame: Frame) -> Any:
            owner = owner_of(frame)
            if type(owner) is Namespace:
                function = owner.member(attribute)
                entry = None
            else:
                entry = attributes_of(owner).get(attribute)
                if entry is None:
                    raise attribute_refusal(owner, attribute)
                function = get_attribute(owner, attribute) if entry is DATA_ATTRIBUTE else None
            args = tuple([argument(frame) for argument in arguments])
            kwargs = {name: value(frame) for name, value in keywords}
            if function is not None:
                return call_value(frame.run, function, args, kwargs)
            return call_method(frame.run, owner, attribute, entry[1], args, kwargs)

        return call_owner_method

    def expression_BinOp(self, node: ast.BinOp) -> Evaluate:
        if type(node.op) not in BINARY_OPERATORS:
            raise refuse(node.op)
        operation, _, guard = BINARY_OPERATORS[type(node.op)]
        left, right = self.expression(node.left), self.expression(node.right)
        return lambda frame: binary(frame.run, operation, guard, left(frame), right(frame))

    def expression_UnaryOp(self, node: ast.UnaryOp) -> Evaluate:
        operand = self.expression(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda frame: not truth(operand(frame))
        if isinstance(node.op, ast.USub | ast.UAdd):
            operation = operator.neg if isinstance(node.op, ast.USub) else operator.pos
            return lambda frame: counted(frame.run, _unary(operation, operand(frame)))
        raise refuse(node.op)

    def expression_BoolOp(self, node: ast.BoolOp) -> Evaluate:
        values = tuple(self.expression(value) for value in node.values)
        stop_when = isinstance(node.op, ast.Or)  # `or` stops at the first true value

        def boolean(frame: Frame) -> Any:
            for evaluate in values:
                result = evaluate(frame)
                if truth(result) is stop_when:
                    return result
            return result

        return boolean

    def expression_Compare(self, node: ast.Compare) -> Evaluate:
        for comparison in node.ops:
            if type(comparison) not in COMPARISONS:
                raise refuse(comparison)
        left = self.expression(node.left)
        steps = tuple(
            (COMPARISONS[type(comparison)], self.expression(right))
            for comparison, right in zip(node.ops, node.comparators, strict=True)
        )

        def compare(frame: Frame) -> Any:
            value = left(frame)
            for position, (operation, right) in enumerate(steps):
                other = right(frame)
                result = binary(frame.run, operation, guard_elementwise, value, other)
                if position < len(steps) - 1 and not truth(result):
                    return result
                value = other
            return result

        return compare

    def expression_IfExp(self, node: ast.IfExp) -> Evaluate:
        test, body, orelse = self.expression(node.test), self.expression(node.body), self.expression(node.orelse)
        return lambda frame: body(frame) if truth(test(frame)) else orelse(frame)

    def expression_Subscript(self, node: ast.Subscript) -> Evaluate:
        container, index = self.expression(node.value), self.index(node.slice)
        return lambda frame: get_item(frame.run, container(frame), index(frame))

    def index(self, node: ast.expr) -> Evaluate:
        if isinstance(node, ast.Slice):
            parts = [
                self.expression(part) if part is not None else None for part in (node.lower, node.upper, node.step)
            ]
            lower, upper, step = (part or (lambda frame: None) for part in parts)
            return lambda frame: slice(lower(frame), upper(frame), step(frame))
        if isinstance(node, ast.Tuple):
            items = tuple(self.index(element) for element in node.elts)
            return lambda frame: tuple([item(frame) for item in items])
        return self.expression(node)

    def expression_List(self, node: ast.List) -> Evaluate:
        items = tuple(self.expression(element) for element in node.elts)
        return lambda frame: counted(frame.run, [item(frame) for item in items])

    def expression_Tuple(self, node: ast.Tuple) -> Evaluate:
        items = tuple(self.expression(element) for element in node.elts)
        return lambda frame: counted(frame.run, tuple([item(frame) for item in items]))

    def expression_JoinedStr(self, node: ast.JoinedStr) -> Evaluate:
        parts = tuple(self._formatted(value) for value in node.values)

        def join(frame: Frame) -> str:
            text = "".join([part(frame) for part in parts])
            if len(text) > MAX_SEQUENCE:
                raise LearnerCodeError("code.list_too_long", max=MAX_SEQUENCE)
            return counted(frame.run, text)

        return join

    def _formatted(self, node: ast.expr) -> Evaluate:
        if isinstance(node, ast.Constant):
            text = node.value
            return lambda frame: text
        if not isinstance(node, ast.FormattedValue) or node.conversion not in (-1, ord("r"), ord("s")):
            raise LearnerCodeError("code.format_refused")
        spec = ""
        if node.format_spec is not None:
            pieces = node.format_spec.values
            if len(pieces) > 1 or (pieces and not isinstance(pieces[0], ast.Constant)):
                raise LearnerCodeError("code.format_refused")
            spec = pieces[0].value if pieces else ""
            if not FORMAT_SPEC.fullmatch(spec):
                raise LearnerCodeError("code.format_refused")
        evaluate = self.expression(node.value)
        convert = {ord("r"): repr, ord("s"): str}.get(node.conversion)

        def formatted(frame: Frame) -> str:
            value = evaluate(frame)
            printable_guard((value,), {})
            try:
                return format(convert(value) if convert else value, spec)
            except Exception as error:
                raise external_error(error, isinstance(value, torch.Tensor)) from None

        return formatted


def _unary(operation: Callable, value: Any) -> Any:
    try:
        return operation(value)
    except Exception as error:
        raise external_error(error, isinstance(value, torch.Tensor)) from None


def constant(node: ast.expr) -> Any:
    """A literal: numbers, bools, None, str and `...`; a negative number for a default."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return _unary(operator.neg, constant(node.operand))
    if not isinstance(node, ast.Constant) or type(node.value) not in (int, float, bool, str, type(None), type(...)):
        raise LearnerCodeError("code.not_allowed", construct=excerpt(node))
    return checked_number(node.value)


def _unknown_name(name: str) -> LearnerCodeError:
    if name in IO_BUILTINS:
        return LearnerCodeError("code.io_refused", name=name)
    return LearnerCodeError("code.unknown_name", name=inert_excerpt(name, 40))


def excerpt(node: ast.AST) -> str:
    return inert_excerpt(ast.unparse(node), 40)
