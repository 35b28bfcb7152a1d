"""gdviz's one number formatter and parsers: what panels, the CLI and frames print and read."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdviz.core.numbers import (
    format_number,
    parse_coordinate,
    parse_limit_point,
    parse_number,
    parse_number_list,
)


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (-0.7284778123, 7, "−0.7284778"),
        (0.0, 7, "0"),
        (-0.0, 7, "0"),
        (-1e-12, 3, "−1e−12"),
        (-4e-9, 1, "−4e−09"),
        (3.9175, 7, "3.9175"),
        (2.0002713231e-8, 8, "2.0002713e−08"),
        (math.nan, 7, "undefined"),
        (math.inf, 7, "+∞"),
        (-math.inf, 7, "−∞"),
    ],
)
def test_format_number(value, digits, shown):
    assert format_number(value, digits) == shown


def test_no_negative_zero_even_when_rounding_reaches_it():
    assert format_number(-0.0) == "0"
    assert format_number(-0.0, ascii_minus=True) == "0"
    assert format_number(-1e-300, 3) == "−1e−300"  # not zero: kept


def test_ascii_minus_for_machine_read_output():
    assert format_number(-0.5, 7, ascii_minus=True) == "-0.5"
    assert format_number(-math.inf, ascii_minus=True) == "-inf"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_reads_back_what_format_writes(value):
    shown = format_number(value, 17)
    assert parse_number(shown) == value


@pytest.mark.parametrize("text", ["abc", "", "1,2", "nan", "inf", "−∞"])
def test_parse_number_refuses_with_the_field_name(text):
    with pytest.raises(ValueError, match="slope"):
        parse_number(text, "slope")


def test_lists_and_limit_points():
    assert parse_number_list("1, −1, 0.5,", "slopes") == [1.0, -1.0, 0.5]
    with pytest.raises(ValueError, match="k: 'x' is not a number"):
        parse_number_list("1, x", "k")
    assert parse_limit_point("∞") == math.inf
    assert parse_limit_point(" -inf ") == -math.inf
    assert parse_limit_point("−2.5") == -2.5
    with pytest.raises(ValueError, match="a must be a number or ±∞"):
        parse_limit_point("nan")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pi", math.pi),
        ("π", math.pi),
        ("pi/2", math.pi / 2),
        ("sqrt(2)", math.sqrt(2)),
        ("−pi", -math.pi),  # the true minus sign, as gdviz prints it
        ("-pi/2", -math.pi / 2),
        ("e", math.e),
        ("−0.5", -0.5),
        (" 1e-3 ", 0.001),
    ],
)
def test_coordinates_accept_numbers_and_constant_expressions(text, value):
    assert parse_coordinate(text, "x") == value


def test_a_constant_coordinate_matches_plain_arithmetic():
    assert parse_coordinate("2*pi/3", "x") == pytest.approx(2 * math.pi / 3, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("x+1", "uses x"),
        ("y", "uses y"),
        ("1/0", "division by zero"),
        ("import os", "not a number"),
        ("__import__", "not a number"),
        ("__import__('os')", "not a number"),
        ("log(0)", "undefined"),
        ("exp(1000)", "too large"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("", "empty"),
    ],
)
def test_coordinates_refuse_variables_and_non_finite_values_naming_the_field(text, needle):
    with pytest.raises(ValueError, match="^start x: ") as info:
        parse_coordinate(text, "start x")
    assert needle in str(info.value)


def test_limit_points_accept_constants_too():
    assert parse_limit_point("pi/2") == math.pi / 2
    assert parse_limit_point("−pi") == -math.pi
    with pytest.raises(ValueError, match="uses x"):
        parse_limit_point("x")
