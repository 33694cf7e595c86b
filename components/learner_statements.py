"""Statements of a learner's program compiled into closures, over the expressions of
components/learner_expressions.py: the program becomes one closure (compile_program).
"""

import ast
import itertools
import time
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from components.learner_allowlist import (
    MODULES,
    get_attribute,
)
from components.learner_expressions import Evaluate, ExpressionCompiler, constant, excerpt
from components.learner_limits import (
    LearnerCodeError,
    external_error,
)
from components.learner_run import (
    AUGMENTED_OPERATORS,
    BINARY_OPERATORS,
    BREAK,
    CONTINUE,
    MAX_STEPS,
    RETURN,
    Frame,
    LearnerFunction,
    Run,
    binary,
    get_item,
    python_error,
    set_item,
    time_over,
    truth,
    walk,
)
from components.learner_syntax import parse, refuse
from components.safe_text import inert_excerpt

Execute = Callable[[Frame], str | None]  # a statement's closure: None, or BREAK, CONTINUE, RETURN


class Compiler(ExpressionCompiler):
    """Turns each allowed statement into a closure; refuses every other node."""

    def __init__(self, local_names: frozenset[str] | None = None, functions: list | None = None):
        super().__init__(local_names)
        self.loop_depth = 0
        self.functions = functions if functions is not None else []  # the program's defs, all levels

    # statements

    def block(self, statements: list[ast.stmt]) -> Execute:
        compiled = tuple((statement.lineno, self.statement(statement)) for statement in statements)

        def run_block(frame: Frame) -> str | None:
            run = frame.run
            for line, execute in compiled:
                run.steps += 1
                if run.steps > MAX_STEPS:
                    raise LearnerCodeError("code.too_many_steps", line=line, max=MAX_STEPS)
                if time.perf_counter() > run.deadline:
                    error = time_over(run)
                    error.line = line
                    raise error
                try:
                    signal = execute(frame)
                except LearnerCodeError as error:
                    if error.line is None:
                        error.line = line
                    raise
                if signal is not None:
                    return signal
            return None

        return run_block

    def statement(self, node: ast.stmt) -> Execute:
        method = getattr(self, "statement_" + type(node).__name__, None)
        if method is None:
            raise refuse(node)
        try:
            return method(node)
        except LearnerCodeError as error:
            if error.line is None:
                error.line = node.lineno
            raise

    def statement_Expr(self, node: ast.Expr) -> Execute:
        evaluate = self.expression(node.value)

        def run_expression(frame: Frame) -> None:
            evaluate(frame)

        return run_expression

    def statement_Pass(self, node: ast.Pass) -> Execute:
        return lambda frame: None

    def statement_Assign(self, node: ast.Assign) -> Execute:
        evaluate = self.expression(node.value)
        stores = [self.target(target) for target in node.targets]
        if len(stores) == 1:
            store = stores[0]

            def assign(frame: Frame) -> None:
                store(frame, evaluate(frame))

            return assign

        def assign_many(frame: Frame) -> None:
            value = evaluate(frame)
            for store in stores:
                store(frame, value)

        return assign_many

    def statement_AugAssign(self, node: ast.AugAssign) -> Execute:
        if type(node.op) not in AUGMENTED_OPERATORS:
            raise refuse(node.op)
        _, in_place, guard = BINARY_OPERATORS[type(node.op)]
        evaluate = self.expression(node.value)
        target = node.target
        if isinstance(target, ast.Name):
            load, store = self.name_load(target.id), self.target(target)

            def augment_name(frame: Frame) -> None:
                store(frame, binary(frame.run, in_place, guard, load(frame), evaluate(frame)))

            return augment_name
        if isinstance(target, ast.Subscript):
            container, index, text = self.expression(target.value), self.index(target.slice), excerpt(target)

            def augment_item(frame: Frame) -> None:
                owner, key = container(frame), index(frame)
                value = binary(frame.run, in_place, guard, get_item(frame.run, owner, key), evaluate(frame))
                set_item(owner, key, value, text)

            return augment_item
        if isinstance(target, ast.Attribute):
            return self._augment_parameter(target, in_place, guard, evaluate)
        raise LearnerCodeError("code.assignment_refused", target=excerpt(target))

    def _augment_parameter(
        self, node: ast.Attribute, in_place: Callable, guard: Callable, evaluate: Evaluate
    ) -> Execute:
        """`model.weight -= lr * model.weight.grad`: only a tensor attribute of a module. The
        in-place operator changes that tensor itself, so re-binding it, as Python would,
        would store the same Parameter again: nothing is stored."""
        owner_of, attribute, text = self.expression(node.value), node.attr, excerpt(node)

        def augment_parameter(frame: Frame) -> None:
            owner = owner_of(frame)
            if not isinstance(owner, nn.Module):
                raise LearnerCodeError("code.assignment_refused", target=text)
            current = get_attribute(owner, attribute)
            if not isinstance(current, torch.Tensor):
                raise LearnerCodeError("code.assignment_refused", target=text)
            binary(frame.run, in_place, guard, current, evaluate(frame))

        return augment_parameter

    def statement_For(self, node: ast.For) -> Execute:
        if node.orelse:
            raise LearnerCodeError("code.not_allowed", construct="for … else")
        iterable, store = self.expression(node.iter), self.target(node.target, names_only=True)
        self.loop_depth += 1
        body = self.block(node.body)
        self.loop_depth -= 1

        def run_for(frame: Frame) -> str | None:
            run = frame.run
            for item in walk(run, iterable(frame)):
                store(frame, item)
                signal = body(frame)
                if signal is BREAK:
                    break
                if signal is RETURN:
                    return signal
            return None

        return run_for

    def statement_Break(self, node: ast.Break) -> Execute:
        if not self.loop_depth:
            raise LearnerCodeError("code.syntax", message="'break' outside loop")
        return lambda frame: BREAK

    def statement_Continue(self, node: ast.Continue) -> Execute:
        if not self.loop_depth:
            raise LearnerCodeError("code.syntax", message="'continue' not properly in loop")
        return lambda frame: CONTINUE

    def statement_If(self, node: ast.If) -> Execute:
        test, body = self.expression(node.test), self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None

        def run_if(frame: Frame) -> str | None:
            if truth(test(frame)):
                return body(frame)
            return orelse(frame) if orelse is not None else None

        return run_if

    def statement_With(self, node: ast.With) -> Execute:
        if len(node.items) != 1 or node.items[0].optional_vars is not None:
            raise LearnerCodeError("code.not_allowed", construct="with … as")
        context, body = self.expression(node.items[0].context_expr), self.block(node.body)

        def run_with(frame: Frame) -> str | None:
            manager = context(frame)
            if type(manager) not in (torch.no_grad, torch.enable_grad):
                raise LearnerCodeError("code.not_allowed", construct="with")
            with manager:
                return body(frame)

        return run_with

    def statement_FunctionDef(self, node: ast.FunctionDef) -> Execute:
        self.functions.append(node.name)
        if len(self.functions) > 1:
            raise LearnerCodeError("code.one_function", max=1)
        arguments = node.args
        if node.decorator_list:
            raise LearnerCodeError("code.not_allowed", construct="@decorator")
        if arguments.posonlyargs or arguments.vararg or arguments.kwonlyargs or arguments.kwarg:
            raise LearnerCodeError("code.not_allowed", construct="*args, **kwargs")
        parameters = tuple(argument.arg for argument in arguments.args)
        if len(set(parameters)) != len(parameters):
            raise LearnerCodeError("code.syntax", message="duplicate argument in function definition")
        defaults = tuple(constant(default) for default in arguments.defaults)
        assigned = {name for statement in node.body for name in _assigned_names(statement)}
        compiler = Compiler(frozenset(assigned | set(parameters)), self.functions)
        body = compiler.block(node.body)
        store, name = self.target(ast.Name(id=node.name, ctx=ast.Store())), node.name

        def define(frame: Frame) -> None:
            store(frame, LearnerFunction(name, parameters, defaults, body, frame.globals))

        return define

    def statement_Return(self, node: ast.Return) -> Execute:
        if self.local_names is None:
            raise LearnerCodeError("code.return_outside_function")
        evaluate = self.expression(node.value) if node.value is not None else (lambda frame: None)

        def run_return(frame: Frame) -> str:
            frame.returned = evaluate(frame)
            return RETURN

        return run_return

    def statement_Import(self, node: ast.Import) -> Execute:
        bindings = []
        for alias in node.names:
            if alias.name not in MODULES:
                raise LearnerCodeError("code.import_refused", module=inert_excerpt(alias.name, 40))
            if alias.asname:
                bindings.append((alias.asname, MODULES[alias.name]))
            else:  # `import torch.nn` binds torch
                bindings.append((alias.name.split(".")[0], MODULES[alias.name.split(".")[0]]))
        return self._bind(bindings)

    def statement_ImportFrom(self, node: ast.ImportFrom) -> Execute:
        module = node.module or ""
        if node.level or module not in MODULES:
            raise LearnerCodeError("code.import_refused", module=inert_excerpt("." * node.level + module, 40))
        if any(alias.name == "*" for alias in node.names):
            raise LearnerCodeError("code.not_allowed", construct="import *")
        bindings = [(alias.asname or alias.name, MODULES[module].member(alias.name)) for alias in node.names]
        return self._bind(bindings)

    def _bind(self, bindings: list[tuple[str, Any]]) -> Execute:
        stores = [(self.target(ast.Name(id=name, ctx=ast.Store())), value) for name, value in bindings]

        def bind(frame: Frame) -> None:
            for store, value in stores:
                store(frame, value)

        return bind

    # assignment targets: closures taking (frame, value)

    def target(self, node: ast.expr, names_only: bool = False) -> Callable[[Frame, Any], None]:
        if isinstance(node, ast.Name):
            name = node.id

            def store_name(frame: Frame, value: Any) -> None:
                frame.locals[name] = value

            return store_name
        if isinstance(node, ast.Tuple | ast.List):
            stores = [self.target(element, names_only) for element in node.elts]
            count = len(stores)

            def store_unpacked(frame: Frame, value: Any) -> None:
                for store, item in zip(stores, _unpack(frame.run, value, count), strict=True):
                    store(frame, item)

            return store_unpacked
        if names_only:
            raise LearnerCodeError("code.assignment_refused", target=excerpt(node))
        if isinstance(node, ast.Subscript):
            container, index, text = self.expression(node.value), self.index(node.slice), excerpt(node)

            def store_item(frame: Frame, value: Any) -> None:
                set_item(container(frame), index(frame), value, text)

            return store_item
        if isinstance(node, ast.Attribute) and node.attr in ("requires_grad", "grad"):
            return self._attribute_target(node)
        raise LearnerCodeError("code.assignment_refused", target=excerpt(node))

    def _attribute_target(self, node: ast.Attribute) -> Callable[[Frame, Any], None]:
        """Only `x.requires_grad = True/False` and `x.grad = None`, on tensors."""
        owner, attribute, text = self.expression(node.value), node.attr, excerpt(node)
        allowed = (bool,) if attribute == "requires_grad" else (type(None),)

        def store_attribute(frame: Frame, value: Any) -> None:
            tensor = owner(frame)
            if not isinstance(tensor, torch.Tensor) or type(value) not in allowed:
                raise LearnerCodeError("code.assignment_refused", target=text)
            try:
                setattr(tensor, attribute, value)
            except Exception as error:
                raise external_error(error, True) from None

        return store_attribute


def _unpack(run: Run, value: Any, count: int) -> list:
    if type(value) is tuple or type(value) is list:
        items = value
    else:
        items = list(itertools.islice(walk(run, value), count + 1))
    if len(items) != count:
        raise python_error(f"expected {count} values to unpack, got {len(items)}", "ValueError")
    return items


def _assigned_names(node: ast.AST) -> list[str]:
    """Names a function body binds: they are its locals, as in Python."""
    names = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.append(child.id)
        elif isinstance(child, ast.alias):
            names.append(child.asname or child.name.split(".")[0])
        elif isinstance(child, ast.FunctionDef):
            names.append(child.name)
    return names


def compile_program(source: str) -> Execute:
    """The checked program as one closure; LearnerCodeError when the text is refused."""
    return Compiler().block(parse(source).body)
