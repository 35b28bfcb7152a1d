"""The presets' expressions compiled ahead of time: value and gradient without loading sympy.

Loading sympy takes 0.2 s, a third of a headless export's start. What a surface computes from an
expression is one straight-line source (`Expression.value_and_gradient_source`: f and its
partial derivatives, every operation numpy's, in numpy's order); run over numpy arrays it gives
the bits `Expression.evaluate` gives, run over floats those of the scalar fast path. So that
source and the display formulas of each preset are stored in resources/ (made by
`python -m gdviz.core.expression.precompiled`; a test checks the file is what the compiler
makes today), and a surface of a stored expression reads them instead of parsing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from gdviz.core.expression.runtime import NUMPY_NAMESPACE, SCALAR_NAMESPACE, ScalarSource

RESOURCE = "precompiled_expressions.json"
SCHEMA = 1
NAMES = ("x", "y")  # the locals the stored source reads
_LOCAL = re.compile(r"\b_t\d+\b")


@dataclass(frozen=True)
class PrecompiledExpression:
    """An expression of x and y as stored: its formula, its partial derivatives' formulas and the
    source of (f, ∂f/∂x, ∂f/∂y) over the locals x, y."""

    text: str
    formula: str
    derivative_formulas: tuple[str, str]
    source: ScalarSource

    def evaluate(self, x: np.ndarray | float, y: np.ndarray | float, output: int) -> np.ndarray:
        """Output 0 (f), 1 (∂f/∂x) or 2 (∂f/∂y) at the broadcast of x and y, NaN off-domain:
        what `Expression.evaluate` gives for it, bit for bit."""
        xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        shape = np.broadcast_shapes(xs.shape, ys.shape)
        with np.errstate(all="ignore"):
            raw = _numpy_program(self.source, output)(xs, ys)
            out = np.array(np.broadcast_to(raw, shape), dtype=np.float64)
            out[~np.isfinite(out)] = np.nan
        return out

    def value_and_gradient_numpy(self, x: float, y: float) -> tuple[float, float, float]:
        """(f, f_x, f_y) at a point by numpy (where the float program fails)."""
        return (
            float(self.evaluate(x, y, 0)),
            float(self.evaluate(x, y, 1)),
            float(self.evaluate(x, y, 2)),
        )

    def value_and_gradient(self, x: float, y: float) -> tuple[float, float, float]:
        """(f, f_x, f_y) at a point as floats: `Expression.value_and_gradient_scalar`'s."""
        try:
            results = _scalar_program(self.source)(float(x), float(y))
        except (ArithmeticError, ValueError):
            return self.value_and_gradient_numpy(x, y)
        for r in results:
            if r - r != 0.0:  # inf or NaN
                return self.value_and_gradient_numpy(x, y)
        return results


@cache
def _numpy_program(source: ScalarSource, output: int) -> Callable[..., np.ndarray]:
    """The source's lines that `output` needs, as a function of x and y over numpy arrays."""
    needed = set(_LOCAL.findall(source.outputs[output]))
    kept: list[str] = []
    for line in reversed(source.lines):
        name, expression = line.split(" = ", 1)
        if name in needed:
            kept.append(line)
            needed.update(_LOCAL.findall(expression))
    body = [*reversed(kept), f"return {source.outputs[output]}"]
    return _program(body, NUMPY_NAMESPACE)


@cache
def _scalar_program(source: ScalarSource) -> Callable[..., tuple[float, float, float]]:
    return _program([*source.lines, f"return ({', '.join(source.outputs)},)"], SCALAR_NAMESPACE)


def _program(body: list[str], names: dict[str, object]) -> Callable:
    text = f"def _program({', '.join(NAMES)}):\n" + "".join(f"    {line}\n" for line in body)
    namespace = dict(names)
    # Our own text: made by the compiler from validated trees of our presets (see the module).
    exec(compile(text, "<gdviz precompiled expression>", "exec"), namespace)
    return namespace["_program"]  # type: ignore[return-value]


@cache
def _table() -> dict[str, PrecompiledExpression]:
    from gdviz.core.resources import resource_path

    try:
        data = json.loads(resource_path(RESOURCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a damaged install: every expression is parsed, as before
        return {}
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return {}
    return {
        text: PrecompiledExpression(
            text,
            entry["formula"],
            (entry["derivative_formulas"][0], entry["derivative_formulas"][1]),
            ScalarSource(tuple(entry["lines"]), tuple(entry["outputs"])),
        )
        for text, entry in data["expressions"].items()
    }


def precompiled(text: str) -> PrecompiledExpression | None:
    """The stored form of an expression of x and y, if it is one of those stored."""
    return _table().get(text)


def compile_table(texts: Iterable[str]) -> dict:
    """The file's content for these expressions, made by the compiler (this loads sympy)."""
    from gdviz.core.expression.parser import parse_expression

    expressions = {}
    for text in sorted(set(texts)):
        expression = parse_expression(text, NAMES)
        source = expression.value_and_gradient_source(NAMES)
        expressions[text] = {
            "formula": expression.formula,
            "derivative_formulas": [expression.derivative(v).formula for v in NAMES],
            "lines": list(source.lines),
            "outputs": list(source.outputs),
        }
    return {"schema": SCHEMA, "expressions": expressions}


def preset_expressions() -> list[str]:
    """The expressions of the expression presets: what the file stores."""
    from gdviz.core.presets import all_presets

    return [p.expression for p in all_presets() if p.kind == "expression" and p.expression]


def source_file() -> Path:
    """The stored file in the source checkout's top-level resources/ (what the generator writes)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / "pyproject.toml").is_file():
        raise SystemExit(f"{root} is not a gdviz source checkout: run this from a clone")
    return root / "resources" / RESOURCE


def _main() -> None:
    """Write the file for today's presets (run after changing a preset or the compiler)."""
    path = source_file()
    text = json.dumps(compile_table(preset_expressions()), indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    _main()
