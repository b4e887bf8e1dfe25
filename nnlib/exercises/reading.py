"""Reading a reader's function and what it returned, without ever raising.

- ``read(name, value)``: whatever came back (an array, a list, a torch
  tensor, None, a complex or object array, text...) becomes a float64 array
  or one sentence that says why it cannot be graded;
  ``read_index_batches`` does the same for a list of batches of row
  indices (the mini-batches of chapter 9), reading each with ``read``;
- ``is_stub(fn)``: the body is only ``pass`` / ``...`` / ``return None`` /
  ``raise NotImplementedError`` (found from the bytecode, so it works for any
  function, also without its source);
- ``missing_return(fn)``: why a function with a body returned None;
- ``failing_line(error, fn)``: the line of the reader's code that raised;
  ``raised_at(error)``: what raised, and the names the reader's code uses.
"""

import ast
import dis
import inspect
import pathlib
import textwrap
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

# Python types a NumPy answer may come as; anything else is named.
NATIVE = (np.ndarray, np.generic, int, float, bool, list, tuple)


@dataclass(frozen=True)
class Reading:
    """A returned value, read: ``array`` (float64; for a list of batches, a
    list of int64 arrays) or ``problem``."""

    array: np.ndarray | None = None
    problem: str | None = None  # why it cannot be compared, one sentence
    dtype: np.dtype | None = None  # its own dtype, before the float64 copy
    foreign: str | None = None  # e.g. "torch.Tensor": not a NumPy type


def type_name(value) -> str:
    kind = type(value)
    module = kind.__module__.split(".")[0]
    return (kind.__name__ if module in ("builtins", "numpy")
            else f"{module}.{kind.__name__}")


def read(name: str, value) -> Reading:
    """``value`` as a float64 array, or the reason it is not one."""
    try:
        return _read(name, value)
    except Exception as error:  # a value so odd that even reading it fails
        return Reading(problem=f"{name} could not be read as numbers "
                               f"({type(error).__name__}); return a NumPy "
                               f"array")


def _read(name: str, value) -> Reading:
    if value is None:
        return Reading(problem=f"{name} is None")
    if isinstance(value, (str, bytes, dict, set, frozenset)) or callable(
            value):
        return Reading(problem=f"{name} should be a NumPy array of numbers; "
                               f"got {type_name(value)}")
    if isinstance(value, Iterator):  # a generator, map, zip, iter(...)
        return Reading(problem=f"{name} should be a NumPy array of numbers; "
                               f"got {type_name(value)}, an iterator: "
                               f"np.array(list(...)) turns it into one")
    foreign = (None if isinstance(value, NATIVE)  # nnlib's own: History
               or type(value).__module__.startswith("nnlib")
               else type_name(value))
    array = _as_array(value)
    if isinstance(array, str):
        return Reading(problem=f"{name} {array}", foreign=foreign)
    kind = array.dtype.kind
    if kind == "c":
        return Reading(
            problem=f"{name} holds complex numbers (dtype {array.dtype}), "
                    f"even where the imaginary part is 0: the answer is "
                    f"real. Complex numbers come from functions such as "
                    f"np.emath.sqrt, np.linalg.eig or np.fft; use real "
                    f"arithmetic", dtype=array.dtype, foreign=foreign)
    if kind == "O":
        return _read_objects(name, array, foreign)
    if kind not in "biuf":
        return Reading(problem=f"{name} should hold numbers; got dtype "
                               f"{array.dtype}", foreign=foreign)
    with np.errstate(all="ignore"):
        return Reading(array=array.astype(np.float64), dtype=array.dtype,
                       foreign=foreign)


def _as_array(value) -> np.ndarray | str:
    """np.asarray(value), or a sentence saying why it failed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return np.asarray(value)
        except Exception:
            pass
        detach = getattr(value, "detach", None)  # a tensor that needs grad
        if callable(detach):
            try:
                return np.asarray(detach().cpu())
            except Exception:
                pass
    if isinstance(value, (list, tuple)):
        shapes = []
        for part in value[:4]:
            try:
                shapes.append(np.shape(part))
            except Exception:
                shapes.append("?")
        return (f"is a {type(value).__name__} of parts of different shapes "
                f"({', '.join(map(str, shapes))}...); return one array")
    return f"could not be read as numbers ({type_name(value)})"


def _read_objects(name: str, array: np.ndarray, foreign) -> Reading:
    """An object array: say where a None or a non-number sits."""
    for index in np.ndindex(array.shape):
        item = array[index]
        where = list(index)
        if item is None:
            return Reading(problem=f"{name} holds None at index {where}: "
                                   f"some entries were never filled in",
                           foreign=foreign)
        if not isinstance(item, (int, float, bool, np.integer, np.floating,
                                 np.bool_)):
            return Reading(problem=f"{name} holds a {type_name(item)} at "
                                   f"index {where}, not a number (an "
                                   f"object array; rows of different "
                                   f"lengths?)", foreign=foreign)
    return Reading(array=array.astype(np.float64), dtype=np.dtype(object),
                   foreign=foreign)


def read_index_batches(name: str, value) -> Reading:
    """``value`` as batches of row indices (``array`` is then a list of
    1-D int64 arrays: one epoch's mini-batches), or the reason it is not."""
    try:
        return _read_index_batches(name, value)
    except Exception as error:  # a value so odd that reading it fails
        return Reading(problem=f"{name}: the batches could not be read "
                               f"({type(error).__name__}); return a list "
                               f"of arrays of row indices")


def _read_index_batches(name: str, value) -> Reading:
    cut = ("cut it, order[start:start + batch_size] for each start in "
           "range(0, n_rows, batch_size)")
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return Reading(problem=f"{name} is one array of shape "
                               f"{value.shape}, not a list of batches: "
                               f"{cut}")
    if (isinstance(value, (str, bytes, dict, set, frozenset))
            or callable(value) or not hasattr(value, "__iter__")):
        return Reading(problem=f"{name} should be a list of arrays of row "
                               f"indices, one per batch; got "
                               f"{type_name(value)}")
    batches = []
    for k, part in enumerate(value):
        reading = read(f"batch {k}", part)
        if reading.problem:
            return Reading(problem=f"{name}: {reading.problem}")
        array, kind = reading.array, reading.dtype.kind
        if array.ndim == 0:
            return Reading(problem=f"{name}: batch {k} is a single number "
                                   f"({array + 0:g}): is it the shuffled "
                                   f"order itself? C{cut[1:]}")
        if array.ndim > 1:
            return Reading(problem=f"{name}: batch {k} has shape "
                                   f"{array.shape}: each batch is a 1-D "
                                   f"array of row indices")
        if kind == "b":
            return Reading(problem=f"{name}: batch {k} holds True/False "
                                   f"(a mask); a batch holds row indices "
                                   f"(np.flatnonzero(mask) gives them)")
        if array.size and (kind == "f" or not np.array_equal(
                array, np.round(array))):
            return Reading(problem=f"{name}: batch {k} holds "
                                   f"{reading.dtype} numbers; row indices "
                                   f"are integers (rng.permutation(n_rows) "
                                   f"gives them)")
        batches.append(array.astype(np.int64))
    return Reading(array=batches, dtype=np.dtype(np.int64))


# --- The reader's code -------------------------------------------------------

# Opcodes a stub consists of: return None, pass, ..., a docstring, and
# raise NotImplementedError(...) (Python 3.11 to 3.13).
_STUB_OPS = {"RESUME", "NOP", "CACHE", "RETURN_VALUE", "RETURN_CONST",
             "LOAD_CONST", "PUSH_NULL", "PRECALL", "CALL", "KW_NAMES",
             "RAISE_VARARGS"}


def _code(fn):
    try:
        return getattr(inspect.unwrap(fn), "__code__", None)
    except Exception:
        return None


def is_stub(fn) -> bool:
    """True when ``fn``'s body does nothing: the exercise's starting cell."""
    code = _code(fn)
    if code is None:
        return False
    for instruction in dis.get_instructions(code):
        if (instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME")
                and instruction.argval == "NotImplementedError"):
            continue
        if instruction.opname not in _STUB_OPS:
            return False
    return True


def missing_return(fn, name: str) -> str:
    """Why ``fn``, which has a body, returned None: one sentence."""
    if getattr(fn, "__name__", "") == "<lambda>":
        return (f"{name} returned None: its expression gives None (in-place "
                f"functions such as list.sort, np.copyto or print return "
                f"None)")
    returns = _returns(fn)
    if returns is None:  # no source to read
        return (f"{name} returned None: is a `return` missing? Its body "
                f"computes something but gives nothing back")
    if not returns:
        return (f"{name} has a body but no `return`, so it returns None: "
                f"end it with `return` and your result")
    if all(node.value is None or (isinstance(node.value, ast.Constant)
                                  and node.value.value is None)
           for node in returns):
        return (f"{name} still returns None (the stub's `return None`): "
                f"return your result instead")
    return (f"{name} returned None on this test case: does every path end "
            f"in `return <result>`? (list.sort, np.copyto and the like "
            f"return None)")


def _returns(fn) -> list | None:
    """The ``return`` statements of ``fn`` itself (not of nested functions),
    or None without source."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except Exception:
        return None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found, stack = [], list(node.body)
            while stack:
                child = stack.pop()
                if isinstance(child, ast.Return):
                    found.append(child)
                if not isinstance(child, (ast.FunctionDef, ast.Lambda,
                                          ast.AsyncFunctionDef,
                                          ast.ClassDef)):
                    stack.extend(ast.iter_child_nodes(child))
            return found
    return None


def failing_line(error: BaseException, fn) -> str | None:
    """The source line of the reader's code where ``error`` was raised."""
    code = _code(fn)
    if code is None:
        return None
    try:
        frames = traceback.extract_tb(error.__traceback__)
    except Exception:
        return None
    mine = [frame for frame in frames
            if frame.filename == code.co_filename and frame.line]
    return mine[-1].line.strip() if mine else None


# NumPy's frames and the checkers' own are not the reader's code
_LIBRARIES = (str(pathlib.Path(np.__file__).parent),
              str(pathlib.Path(__file__).parents[1]))


def raised_at(error: BaseException) -> tuple[str, str, set[str]]:
    """The function and the source line that raised ``error``, and the
    names the reader's own code in the traceback uses (the calls it makes:
    shuffle, split, reshape...): what a hint may match on."""
    frames = traceback.extract_tb(error.__traceback__)
    function, line = (frames[-1].name, frames[-1].line or "") if frames \
        else ("", "")
    names, tb = set(), error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if not code.co_filename.startswith(_LIBRARIES):
            names.update(code.co_names)
        tb = tb.tb_next
    return function, line, names


def parameter_names(fn, count: int) -> tuple[str, ...] | None:
    """The names of ``fn``'s first ``count`` parameters, if it has them."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    positional = [p.name for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return tuple(positional[:count]) if len(positional) >= count else None


def short(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
