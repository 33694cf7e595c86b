"""A function's source as a code twin shows it: the module constants it reads, then its code.

A twin that prints `inspect.getsource(f)` runs the very function the page ran, so
the two cannot drift; the constants (upper-case module names the function reads)
come first so the script runs on its own.
"""

import functools
import inspect
from collections.abc import Callable


@functools.cache  # inspect reads and tokenises the file: once per function, not per rerun
def function_source(function: Callable) -> str:
    constants = [name for name in function.__code__.co_names if name.isupper() and name in function.__globals__]
    assignments = "".join(f"{name} = {function.__globals__[name]!r}\n" for name in constants)
    return (assignments + "\n\n" if assignments else "") + inspect.getsource(function)
