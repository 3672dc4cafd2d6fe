"""Self-checks must say what is wrong."""

import numpy as np
import pytest

from optimlib.check import check_array, check_function, diagnose


@pytest.mark.parametrize("actual, expected, phrase", [
    (None, [1.0], "forget to `return`"),
    (np.ones((3, 2)), np.ones((2, 3)), "transposed"),
    (np.ones(6), np.ones((2, 3)), "reshape"),
    (np.ones(3), 1.0, "sum or average"),
    (2 * np.arange(1.0, 4.0), np.arange(1.0, 4.0), "factor of 2"),
    (0.5 * np.arange(1.0, 4.0), np.arange(1.0, 4.0), "factor of 1/2"),
    (-np.arange(1.0, 4.0), np.arange(1.0, 4.0), "sign error"),
    (3 * np.arange(1.0, 4.0), np.arange(1.0, 4.0), "constant factor 3"),
    (np.array([1.0, np.nan]), np.array([1.0, 2.0]), "NaN"),
    (np.array([1.0, 2.5]), np.array([1.0, 2.0]), "up to 0.5"),
    ("abc", [1.0], "numeric"),
])
def test_diagnose_names_the_mistake(actual, expected, phrase):
    assert phrase in diagnose(actual, expected)


def test_diagnose_accepts_a_match():
    assert diagnose(np.array([1.0, 2.0 + 1e-12]), [1.0, 2.0]) is None


def test_check_function_reports_case_and_passes(capsys):
    cases = [(np.array([1.0, 2.0]),), (np.array([-3.0]),)]
    check_function(lambda x: x**2, lambda x: x**2, cases, what="square")
    assert capsys.readouterr().out.strip() == "square: correct on 2 test cases."
    with pytest.raises(AssertionError, match="test case 2 of 2: square is off by a factor of -1"):
        check_function(lambda x: x * np.abs(x), lambda x: x**2, cases, what="square")


def test_check_function_explains_a_stub_and_protects_inputs():
    def stub(x):
        raise NotImplementedError

    with pytest.raises(NotImplementedError, match="still the exercise's stub"):
        check_function(stub, lambda x: x, [(np.ones(2),)])

    def mutating(x):
        x[:] = 0.0
        return x

    # the reference sees the original input, so the mutation is detected as a wrong result
    with pytest.raises(AssertionError):
        check_function(mutating, lambda x: x + 1.0, [(np.ones(2),)])


def test_check_array(capsys):
    check_array(np.eye(2), np.eye(2), what="identity")
    assert "identity: correct." in capsys.readouterr().out
    with pytest.raises(AssertionError, match="transposed"):
        check_array(np.ones((2, 3)), np.ones((3, 2)))


def test_rounded_numbers_for_the_prose():
    from optimlib.book import rounded
    assert rounded(2 / 3) == 0.666667
    assert rounded(123456789.0) == 123457000.0
    assert rounded(np.int64(7)) == 7 and isinstance(rounded(np.int64(7)), int)
    assert rounded(1.23456789e-10, digits=3) == 1.23e-10
    assert rounded(-1.5e-300) == -1.5e-300 and rounded(np.float32(0.1)) == 0.1
    assert rounded("AdaGrad and Adam") == "AdaGrad and Adam"
