"""The frozen value classes (imrparse/value.py) behave as frozen dataclasses did."""

from __future__ import annotations

import copy
import importlib
import inspect
import pickle
import pkgutil
import subprocess
import sys
import weakref

import pytest
from layouts import SEED

import imrparse
from imrparse.api import parse_file
from imrparse.record import Citation, CitationSource, Letter, Patient, Sex
from imrparse.value import Value, replace

for module in pkgutil.iter_modules(imrparse.__path__):
    if module.name != "__main__":
        importlib.import_module(f"imrparse.{module.name}")


def _value_classes(base: type[Value] = Value) -> list[type[Value]]:
    found: list[type[Value]] = []
    for kind in base.__subclasses__():
        found += [kind, *_value_classes(kind)]
    return found


VALUE_CLASSES = [kind for kind in _value_classes() if kind.__module__.startswith("imrparse.")]


def test_the_package_has_value_classes_to_check() -> None:
    assert {Letter, Citation} <= set(VALUE_CLASSES)
    assert len(VALUE_CLASSES) >= 12


@pytest.mark.parametrize("kind", VALUE_CLASSES, ids=lambda kind: kind.__qualname__)
def test_a_value_class_takes_its_fields_in_the_order_of_its_slots(kind: type[Value]) -> None:
    parameters = list(inspect.signature(kind.__init__).parameters)[1:]
    assert tuple(parameters) == kind.__slots__
    assert set(kind.__slots__) <= set(inspect.get_annotations(kind))


def test_a_parsed_letter_pickles_and_copies_to_an_equal_letter() -> None:
    letter = parse_file(SEED)
    assert pickle.loads(pickle.dumps(letter)) == letter
    assert copy.deepcopy(letter) == letter
    assert hash(copy.copy(letter)) == hash(letter)


def test_values_are_equal_by_their_fields_and_class() -> None:
    citation = Citation(CitationSource.MTUS, "Chronic Pain", 2016)
    assert citation == Citation(CitationSource.MTUS, "Chronic Pain", year=2016)
    assert citation != Citation(CitationSource.MTUS, "Chronic Pain", 2017)
    assert citation != ("mtus", "Chronic Pain", 2016, None, None)
    assert repr(citation) == (
        "Citation(source=<CitationSource.MTUS: 'mtus'>, title='Chronic Pain', year=2016, "
        "sections=None, pages=None)"
    )


def test_a_value_refuses_to_change_and_replace_makes_a_changed_copy() -> None:
    citation = Citation(CitationSource.MTUS, "Chronic Pain", 2016)
    with pytest.raises(AttributeError, match="frozen Citation"):
        citation.title = "Other"
    with pytest.raises(AttributeError, match="frozen Citation"):
        del citation.title
    changed = replace(citation, year=2017)
    assert (changed.year, citation.year) == (2017, 2016)
    with pytest.raises(TypeError, match="no field 'edition'"):
        replace(citation, edition=2017)


def test_every_public_name_of_the_package_is_there_when_first_asked_for() -> None:
    code = (
        "import imrparse, imrparse.rendering\n"
        "missing = [n for n in imrparse.__all__ if not hasattr(imrparse, n)]\n"
        "assert not missing, missing\n"
        "assert callable(imrparse.render) and imrparse.render.__module__ == 'imrparse.rendering'\n"
        "assert imrparse.Letter is imrparse.record.Letter\n"
        "assert set(imrparse.__all__) <= set(dir(imrparse))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="no attribute 'parse_everything'"):
        imrparse.parse_everything  # noqa: B018


def test_values_take_positional_class_patterns_and_weak_references() -> None:
    patient = parse_file(SEED).patient
    match patient:
        case Patient(age, Sex.FEMALE, _):
            assert age == 57
        case _:
            pytest.fail(f"no match: {patient!r}")
    assert weakref.ref(patient)() is patient


@pytest.mark.skipif(not hasattr(copy, "replace"), reason="copy.replace is Python 3.13's")
def test_copy_replace_makes_a_changed_copy() -> None:
    patient = parse_file(SEED).patient
    changed = copy.replace(patient, age=58)  # type: ignore[attr-defined,unused-ignore]
    assert (changed.age, changed.sex, patient.age) == (58, patient.sex, 57)


def test_a_submodule_is_there_when_first_asked_for() -> None:
    code = (
        "import imrparse\n"
        "assert imrparse.record.Letter is imrparse.Letter\n"
        "assert imrparse.value.replace is not None\n"
        "try:\n"
        "    imrparse.no_such_module\n"
        "except AttributeError as error:\n"
        "    assert 'no_such_module' in str(error)\n"
        "else:\n"
        "    raise AssertionError('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
