"""Hostile input for parse_expression: only ExpressionError escapes, and fast; results are sane."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdviz.core.expression import ExpressionError, parse_expression
from tests.core.timing import fastest_seconds

FAST = 0.1  # seconds per parse

TOKENS = [
    *"0123456789",
    "x", "y", "z", "e", "pi", "j", "_", "__", ".", ",", ":", ";", "=", "==", "<", ">", "!",
    "+", "-", "*", "/", "**", "^", "%", "@", "//", "~", "&", "|",
    "(", ")", "[", "]", "{", "}", "'", '"', "\\", " ", "\n", "\t", "\x00",
    "sin(", "cos(", "tan(", "asin(", "acos(", "atan(", "sinh(", "cosh(", "tanh(",
    "exp(", "log(", "ln(", "log10(", "log2(", "sqrt(", "abs(", "sigmoid(", "foo(",
    "lambda", "lambda:", "for", "in", "if", "else", "not", "and", "or", "is", "await", "yield",
    "__import__", "os", "system", "__class__", "True", "None", "...", "1e308", "1e-308",
    "9**9**9", "1j", "0x1F", "0b1", "1_0", "é", "ｘ", "∑", "\u202e", "\ud800",
]  # fmt: skip

token_text = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
any_text = st.text(max_size=120)
wide_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)


def _parse_or_reject(text: str) -> None:
    def parse():
        return parse_expression(text, ("x", "y", "z"))

    assert fastest_seconds(parse, good_enough=FAST) < FAST, text
    try:
        f = parse()
    except ExpressionError as err:
        assert err.message
        assert err.column is None or 1 <= err.column <= len(text) + 1
        return
    # Accepted text must evaluate without warnings, exceptions or infinities.
    xs = np.linspace(-3.0, 3.0, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = f.evaluate(xs, xs[::-1], 0.5)
    assert out.shape == xs.shape
    assert out.dtype == np.float64
    assert not np.isinf(out).any()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=token_text)
def test_random_token_soup(text: str) -> None:
    _parse_or_reject(text)


@settings(max_examples=300, deadline=None)
@given(text=any_text)
def test_random_unicode(text: str) -> None:
    _parse_or_reject(text)


@settings(max_examples=200, deadline=None)
@given(text=wide_text)
def test_random_unicode_without_surrogates(text: str) -> None:
    _parse_or_reject(text)


def _grammar() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(["x", "y", "z", "pi", "e"]),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", "**"]), inner).map(
                lambda t: f"({t[0]}){t[1]}({t[2]})"
            ),
            st.tuples(
                st.sampled_from(
                    ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp"]
                    + ["log", "ln", "log10", "log2", "sqrt", "abs", "sigmoid"]
                ),
                inner,
            ).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda s: f"-({s})"),
        )

    return st.recursive(leaves, extend, max_leaves=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_grammar())
def test_random_well_formed_expressions(text: str) -> None:
    _parse_or_reject(text)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_grammar())
def test_derivatives_of_accepted_expressions_evaluate_quietly(text: str) -> None:
    try:
        f = parse_expression(text, ("x", "y", "z"))
    except ExpressionError:
        return
    xs = np.linspace(-3.0, 3.0, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = f.derivative("x").evaluate(xs, 1.5, xs)
    assert out.shape == xs.shape
    assert not np.isinf(out).any()


def test_pathological_shapes_fail_fast() -> None:
    cases = [
        "(" * 5000,
        "(" * 999 + "x",
        "-" * 999 + "x",
        "[" * 999,
        "x" + "+x" * 499,
        "9" * 1000,
        "9**" * 333 + "9",
        "9^" * 499 + "9",
        "1e308*" * 150 + "1",
        "not " * 250,
        "lambda:" * 140 + "1",
        "x" * 1001,
        "sin(" * 249 + "x" + ")" * 249,
    ]
    for text in cases:
        _parse_or_reject(text)
