"""The one grading framework every checker uses.

A checker describes its exercise (``Exercise``): the test cases (``Case``:
the arguments and the right outputs), the known mistakes (``Mistake``,
most specific first) and hints for errors. ``grade(fn, exercise)`` calls
the reader's function on every case and answers with a ``CheckResult``:

1. an exception gives a message (the stub's NotImplementedError says "not
   implemented yet"; any other names the line that raised, and a hint when
   one fits what went wrong);
2. an input changed in place fails by name;
3. None is a stub, or a body whose ``return`` is missing;
4. every output is read (any type) and compared with the reference; the
   first known mistake that matches what came back is named;
5. a float32 answer that is as close as float32 allows, on a case where
   float32 cannot reach the promised accuracy, is told that the dtype is
   the reason.

Nothing the reader's function returns or raises makes the checker itself
raise; NumPy warnings are silenced while grading. An answer that is not
one array of numbers (the mini-batches) keeps all of this and brings its
own ``call``, ``read``, ``judge`` and ``praise`` (see ``Exercise``).
"""

import copy
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from nnlib.exercises.compare import (
    TOLERANCE,
    compare,
    dtype_reason,
    rel_error,
    same,
)
from nnlib.exercises.inputs import changed_input, fresh, written_input
from nnlib.exercises.reading import (
    failing_line,
    is_stub,
    missing_return,
    parameter_names,
    read,
    short,
)

# Messages are wrapped to this many characters: the exercise box's width.
WIDTH = 62


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker: truthy only when the reader's function is
    correct."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        # The checker has already printed the message; showing it again as
        # the cell's result would print it twice. print(result) shows it.
        pass


@dataclass
class Case:
    """One test input: the arguments and the right outputs (by name)."""

    description: str
    args: tuple
    expected: dict[str, np.ndarray]
    numeric: dict[str, np.ndarray] = field(default_factory=dict)
    tag: str = ""  # lets a mistake recognise a kind of case, e.g. "wide"


@dataclass(frozen=True)
class Mistake:
    """A known mistake: ``applies(case, got)`` says whether the answer is
    it; ``got`` maps each output name to a float64 array (or None)."""

    description: str
    applies: Callable[[Case, dict], bool]


@dataclass(frozen=True)
class Exercise:
    """Everything ``grade`` needs to know about one exercise."""

    args: tuple[str, ...]  # the arguments' names, e.g. ("x", "grad")
    outputs: tuple[str, ...]  # the return values' names, in order
    cases: tuple[Case, ...]
    mistakes: tuple[Mistake, ...] = ()
    # hint(error, case, args) -> a sentence or None, for an exception
    hints: tuple[Callable, ...] = ()
    # reference(*args) -> {output: array}, run again in float32 to tell
    # whether float32 can reach TOLERANCE at all
    reference: Callable | None = None
    # more outputs read from the arguments after the call, e.g. a model's
    # trained parameters: after(args) -> {output: array}
    after: Callable | None = None
    # An exercise whose answer is not one array of numbers changes how it
    # is called, read and judged (the mini-batches: several calls per case,
    # a list of index arrays, properties instead of one right answer):
    # call(fn, args) -> the raw answer, or Outputs (default: fn(*args));
    call: Callable | None = None
    # read(name, value) -> Reading, for each output (default: read);
    read: Callable = read
    # judge(case, readings, facts) -> {output: what differs} (default:
    # each output against case.expected, with compare);
    judge: Callable | None = None
    # praise(name, results) -> the message of a right answer, from the
    # [(case, got)] of every case (default: "matches nnlib's reference").
    praise: Callable | None = None


class Outputs(dict):
    """The answer as an exercise's ``call`` assembled it, by output name
    (e.g. one epoch's batches per call), with ``facts`` it observed while
    calling (e.g. whether the function drew from its generator), which the
    mistakes and the judge see next to the outputs."""

    def __init__(self, outputs: dict, facts: dict | None = None):
        super().__init__(outputs)
        self.facts = dict(facts or {})


def returned_nothing(raw) -> bool:
    """None, or a tuple or list of Nones: a stub's answer or a missing
    ``return``."""
    return raw is None or (isinstance(raw, (tuple, list)) and len(raw) > 0
                           and all(part is None for part in raw))


def make_case(description: str, args: tuple, reference: Callable, *,
              numeric: Callable | None = None, tag: str = "") -> Case:
    """A case whose right outputs come from ``reference(*args)`` (float
    arrays in float64), and numerical gradients from ``numeric``. Its arrays
    are read-only, so that no checker can change them by mistake."""
    args64 = tuple(_float64(arg) for arg in args)
    expected = reference(*args64)
    numbers = numeric(*args64) if numeric else {}
    for array in (*args, *expected.values(), *numbers.values()):
        if isinstance(array, np.ndarray):
            array.setflags(write=False)
    return Case(description, args, expected, numbers, tag)


def _float64(arg):
    if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
        return arg.astype(np.float64)
    return copy.deepcopy(arg)


def equals(output: str, *makes: Callable[[Case], np.ndarray]):
    """A detector: the learner's ``output`` equals what one of the mistaken
    formulas ``makes`` gives for the case."""
    return lambda case, got: any(
        matches(case, got, output, attempt(make, case)) for make in makes)


def matches(case: Case, got: dict, output: str, candidate) -> bool:
    """``output`` equals ``candidate``, within TOLERANCE of the right
    answer's size."""
    scale = np.linalg.norm(np.asarray(case.expected[output],
                                      np.float64).ravel())
    return same(got.get(output), candidate, scale)


def attempt(make: Callable, *args):
    """``make(*args)``, or None if the candidate cannot even be built
    (e.g. a one-hot of the wrong width that does not broadcast)."""
    try:
        return make(*args)
    except Exception:
        return None


def display_name(fn) -> str:
    name = getattr(fn, "__name__", None)
    return "your function" if not name or name.startswith("<") else name


def verdict(passed: bool, *lines: str) -> CheckResult:
    """A CheckResult whose message is the lines, each wrapped to WIDTH."""
    wrapped = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()))
        wrapped.append(textwrap.fill(line, WIDTH,
                                     subsequent_indent=indent + "    ",
                                     break_long_words=False,
                                     break_on_hyphens=False))
    return CheckResult(passed, "\n".join(wrapped))


def report(result: CheckResult, verbose: bool) -> CheckResult:
    """Print the result's message (unless ``verbose`` is False); return
    the result."""
    if verbose:
        print(result.message)
    return result


def not_implemented(name: str) -> CheckResult:
    return verdict(False, f"… {name} is not implemented yet: write its body "
                          f"(replace `return None` / `raise "
                          f"NotImplementedError`) and run the cell again.")


def grade(fn, exercise: Exercise) -> CheckResult:
    """Run ``fn`` on every case; the first failing case decides."""
    name = display_name(fn)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _grade(fn, name, exercise)
    except Exception as error:  # a bug of the checker, never a traceback
        return verdict(False, f"✗ the checker failed on {name}'s answer "
                              f"({type(error).__name__}: {short(error)}); "
                              f"please report this as a bug in nnlib.")


def _grade(fn, name: str, exercise: Exercise) -> CheckResult:
    if not callable(fn):
        return verdict(False, f"✗ the checker needs your function itself; "
                              f"got {type(fn).__name__}. Pass the name "
                              f"without calling it: check_x(my_function).")
    arg_names = (parameter_names(fn, len(exercise.args)) or exercise.args)
    numeric_errors, results = [], []
    for case in exercise.cases:
        # read-only copies: a write into an input raises at once
        args = tuple(fresh(arg, read_only=True) for arg in case.args)
        try:
            raw = exercise.call(fn, args) if exercise.call else fn(*args)
        except Exception as error:  # the reader's bug, told as a message
            if isinstance(error, NotImplementedError) and is_stub(fn):
                return not_implemented(name)
            writer = written_input(fn, case, arg_names)
            if writer:
                return _mutation_verdict(fn, name, writer, case, error)
            return _error_verdict(fn, name, error, case, args, exercise)
        changed = changed_input(arg_names, case.args, args)
        if changed:  # e.g. through a view that was made writeable
            return _mutation_verdict(fn, name, changed, case)
        if returned_nothing(raw):
            if is_stub(fn):
                return not_implemented(name)
            return verdict(False, f"✗ {missing_return(fn, name)}.")
        result = _grade_outputs(name, raw, case, args, exercise)
        if isinstance(result, CheckResult):
            return result
        errors, got = result
        numeric_errors += errors
        results.append((case, got))
    if exercise.praise is not None:
        return verdict(True, exercise.praise(name, results))
    message = (f"✓ {name} is correct: it matches nnlib's reference on "
               f"{len(exercise.cases)} test cases (relative error < "
               f"{TOLERANCE:g})")
    if numeric_errors:
        message += (f" and the numerical gradient (largest relative error "
                    f"{max(numeric_errors):.1e})")
    return verdict(True, message + ".")


def _mutation_verdict(fn, name, changed, case, error=None) -> CheckResult:
    lines = [f"✗ {name} changed its input {changed}"]
    line = failing_line(error, fn) if error is not None else None
    if line:
        lines.append(f"  at: {line}")
    lines.append(f"  test case: {case.description}")
    return verdict(False, *lines)


def _error_verdict(fn, name, error, case, args, exercise) -> CheckResult:
    lines = [f"✗ {name} raised {type(error).__name__}: {short(error)}"]
    line = failing_line(error, fn)
    if line:
        lines.append(f"  at: {line}")
    lines.append(f"  test case: {case.description}")
    for hint in exercise.hints:
        try:
            text = hint(error, case, args)
        except Exception:  # a hint must never hide the real message
            text = None
        if text:
            lines.append(f"  hint: {text}")
            break
    return verdict(False, *lines)


def _split(raw, outputs: Sequence[str], case: Case):
    """The reader's return value as {output: value}, and a sentence if its
    structure is wrong."""
    if isinstance(raw, Outputs):  # assembled by the exercise's call
        return dict(raw), None
    if len(outputs) == 1:
        expected = case.expected[outputs[0]]
        if (isinstance(raw, tuple) and len(raw) and expected.ndim
                and len(raw) != expected.shape[0]):
            return {}, (f"got a tuple of {len(raw)} values: return just "
                        f"the array {outputs[0]}")
        return {outputs[0]: raw}, None
    wanted = f"({', '.join(outputs)})"
    if isinstance(raw, (tuple, list)) and len(raw) == len(outputs):
        return dict(zip(outputs, raw, strict=True)), None
    if isinstance(raw, np.ndarray):  # probably the first output only
        return ({outputs[0]: raw},
                f"return a tuple {wanted}; got a single array of shape "
                f"{raw.shape}")
    count = (f"{len(raw)} values" if isinstance(raw, (tuple, list))
             else type(raw).__name__)
    return {}, f"return a tuple {wanted}; got {count}"


def _grade_outputs(name, raw, case, args, exercise):
    """A failing CheckResult, or, for a case that passed, the
    numerical-gradient errors and what was read."""
    values, structure = _split(raw, exercise.outputs, case)
    facts = getattr(raw, "facts", {}) if isinstance(raw, Outputs) else {}
    if exercise.after is not None:
        values.update(exercise.after(args))
    unfinished = [out for out in exercise.outputs if out in values
                  and values[out] is None]
    if unfinished and not structure and len(exercise.outputs) > 1:
        verb = "is" if len(unfinished) == 1 else "are"
        return verdict(False, f"… {name} is not finished: "
                              f"{' and '.join(unfinished)} {verb} still "
                              f"None.")
    readings = {out: exercise.read(out, value)
                for out, value in values.items()}
    got = {**facts, **{out: r.array for out, r in readings.items()}}
    differences = (exercise.judge or _judge)(case, readings, facts)
    differences = {out: text for out, text in differences.items() if text}
    errors = _numeric_errors(got, case)
    if not structure and not differences:
        foreign = [r.foreign for r in readings.values() if r.foreign]
        if foreign:
            return verdict(False, f"✗ {name} returned a {foreign[0]}, not a "
                                  f"NumPy array; its numbers are right. "
                                  f"Return a NumPy array (np.asarray(...), "
                                  f"or .detach().numpy() for a tensor): "
                                  f"the next cells use NumPy.")
        return list(errors.values()), got
    precision = dtype_reason(name, readings, case, exercise)
    if precision:
        return verdict(False, precision,
                       f"  test case: {case.description}")
    lines = [f"✗ {name} is not right yet.",
             f"  test case: {case.description}"]
    known = next((m for m in exercise.mistakes if _applies(m, case, got)),
                 None)
    if known:
        lines.append(f"  known mistake: {known.description}")
    lines += [f"  {text}" for text in (structure, *differences.values())
              if text]
    lines += [f"  relative error of {out} against the numerical gradient: "
              f"{errors[out]:.2g} (a right answer gives < {TOLERANCE:g})"
              for out in differences if out in errors]
    return verdict(False, *lines)


def _judge(case: Case, readings: dict, facts: dict) -> dict:
    """What differs, output by output: each against nnlib's answer."""
    return {out: compare(out, readings[out], case.expected[out])
            for out in case.expected if out in readings}


def _applies(mistake: Mistake, case: Case, got: dict) -> bool:
    try:
        return bool(mistake.applies(case, got))
    except Exception:  # a detector must never hide the real message
        return False


def _numeric_errors(got: dict, case: Case) -> dict[str, float]:
    """Relative error of each output against its numerical gradient."""
    return {out: rel_error(got[out], numeric)
            for out, numeric in case.numeric.items()
            if got.get(out) is not None and got[out].shape == numeric.shape
            and np.isfinite(got[out]).all()}
