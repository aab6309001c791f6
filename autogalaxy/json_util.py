"""
JSON files of galaxies, light profiles, bases, pixelizations and inversion settings, in
PyAutoGalaxy's format (``ag.output_to_json`` / ``ag.from_json``; ``ag.to_dict`` / ``ag.from_dict``
for the dicts)::

    {"type": "instance", "class_path": "autogalaxy.profiles.light.standard.Sersic",
     "arguments": {"centre": {"type": "tuple", "values": [0.0, 0.0]}, "intensity": 1.0, ...}}

Tuples and lists are tagged (``{"type": "tuple" | "list", "values": [...]}``) so they come back
as they went in, and floats are written with Python's shortest round-trip repr: ``from_json(
output_to_json(obj))`` rebuilds an equal object, every parameter bit for bit.

Only the classes listed by :func:`json_classes` are rebuilt; a ``class_path`` written by
PyAutoGalaxy (e.g. ``autogalaxy.profiles.light.standard.sersic.Sersic``) is matched to ours by
class name within the same package. Nothing else is imported from a file.
"""

import dataclasses
import inspect
import json
import math
import numbers
from pathlib import Path

import numpy as np

import autoarray as aa
from autogalaxy.galaxy.galaxy import Galaxies, Galaxy
from autogalaxy.profiles import basis as lp_basis
from autogalaxy.profiles.light import linear, linear_operated, operated, standard
from autogalaxy.profiles.light.abstract import LightProfile

__all__ = ["to_dict", "from_dict", "output_to_json", "from_json", "json_classes"]

_PROFILE_MODULES = (standard, linear, operated, linear_operated)


def json_classes() -> dict:
    """``{class_path: class}`` of every class :func:`from_dict` rebuilds."""
    classes = [Galaxy, Galaxies, lp_basis.Basis, aa.Pixelization, aa.SettingsInversion]
    classes += [aa.mesh.RectangularUniform, aa.reg.Constant]
    for module in _PROFILE_MODULES:
        members = (getattr(module, name) for name in module.__all__)
        classes += [cls for cls in members if dataclasses.is_dataclass(cls)]
    return {f"{cls.__module__}.{cls.__qualname__}": cls for cls in classes}


def _arguments_of(obj) -> dict:
    """The constructor arguments that rebuild ``obj``."""
    if isinstance(obj, LightProfile):
        return {name: getattr(obj, name) for name in obj.parameter_names()}
    if isinstance(obj, Galaxy):
        return {"redshift": obj.redshift, "label": obj.label, **obj.components}
    if isinstance(obj, Galaxies):
        return {"galaxies": list(obj.galaxies)}
    names = {
        lp_basis.Basis: ("profile_list", "regularization"),
        aa.Pixelization: ("mesh", "regularization"),
        aa.SettingsInversion: ("use_positive_only_solver",),
        aa.mesh.RectangularUniform: ("shape",),
        aa.reg.Constant: ("coefficient",),
    }[type(obj)]
    return {name: getattr(obj, name) for name in names}


def to_dict(obj):
    """
    The JSON-ready dict (or value) of ``obj``.

    Parameters
    ----------
    obj
        A galaxy, ``Galaxies``, light profile, basis, pixelization (mesh, regularization),
        ``SettingsInversion``, or a list / tuple / dict of them, or a number, str, bool or None.

    Returns
    -------
    dict or value

    Raises
    ------
    TypeError
        For any other object (named), e.g. a NumPy or JAX array.
    ValueError
        For a non-finite float (JSON has no NaN or inf).
    """
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, np.generic) and not isinstance(obj, np.bool_):
        obj = obj.item()
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real):
        if not math.isfinite(obj):
            raise ValueError(f"to_dict got the non-finite float {obj}; JSON cannot hold it.")
        return float(obj)
    if isinstance(obj, tuple | list):
        kind = "tuple" if isinstance(obj, tuple) else "list"
        return {"type": kind, "values": [to_dict(v) for v in obj]}
    if isinstance(obj, dict):
        return {"type": "dict", "arguments": {str(k): to_dict(v) for k, v in obj.items()}}
    cls = type(obj)
    path = f"{cls.__module__}.{cls.__qualname__}"
    if path not in json_classes():
        raise TypeError(
            f"to_dict cannot write a {cls.__name__} ({path}): only galaxies, light profiles, "
            "bases, pixelizations and SettingsInversion (and lists / tuples / dicts of them) are "
            "written to JSON."
        )
    return {
        "type": "instance",
        "class_path": path,
        "arguments": {k: to_dict(v) for k, v in _arguments_of(obj).items()},
    }


def _class_from(class_path: str):
    classes = json_classes()
    if class_path in classes:
        return classes[class_path]
    # A path written by PyAutoGalaxy names the class inside a deeper module of the same package
    # (``...light.standard.sersic.Sersic``): match by class name, longest package prefix first.
    module, _, name = class_path.rpartition(".")
    matches = [
        (len(cls.__module__), cls)
        for cls in classes.values()
        if cls.__name__ == name
        and (module == cls.__module__ or module.startswith(cls.__module__ + "."))
    ]
    if not matches:
        raise TypeError(
            f"from_dict cannot rebuild {class_path!r}: it is not one of the classes written to "
            f"JSON here ({', '.join(sorted(c.__name__ for c in set(classes.values())))})."
        )
    return max(matches, key=lambda m: m[0])[1]


def _instance_from(dictionary: dict):
    cls = _class_from(dictionary.get("class_path", ""))
    arguments = {k: from_dict(v) for k, v in dictionary.get("arguments", {}).items()}
    parameters = inspect.signature(cls).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    accepted = set(parameters)
    unknown = [] if takes_any else sorted(set(arguments) - accepted)
    if unknown:
        raise TypeError(
            f"from_dict: {dictionary['class_path']} has arguments {unknown} that "
            f"{cls.__name__} here does not take (it takes {sorted(accepted)}); remove them from "
            "the file or rebuild the object by hand."
        )
    return cls(**arguments)


def from_dict(dictionary):
    """
    The object written by :func:`to_dict` (or PyAutoGalaxy's ``to_dict``).

    Parameters
    ----------
    dictionary : dict or value

    Returns
    -------
    object

    Raises
    ------
    TypeError
        If a ``class_path`` is not a class rebuilt here, or the file has arguments its class does
        not take (both named).
    ValueError
        If a dict has an unknown ``"type"``.
    """
    if not isinstance(dictionary, dict):
        return dictionary
    kind = dictionary.get("type")
    if kind == "instance":
        return _instance_from(dictionary)
    if kind in ("tuple", "list"):
        values = [from_dict(v) for v in dictionary.get("values", [])]
        return tuple(values) if kind == "tuple" else values
    if kind == "dict":
        return {k: from_dict(v) for k, v in dictionary.get("arguments", {}).items()}
    raise ValueError(
        f"from_dict got a dict with type {kind!r}; expected 'instance', 'tuple', 'list' or 'dict'."
    )


def output_to_json(obj, file_path) -> None:
    """
    Write ``obj`` (see :func:`to_dict`) to the JSON file ``file_path`` (overwritten), creating
    its folder if needed.
    """
    path = Path(file_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_dict(obj), indent=4, allow_nan=False))


def from_json(file_path):
    """The object written to ``file_path`` by :func:`output_to_json` (see :func:`from_dict`)."""
    return from_dict(json.loads(Path(file_path).read_text()))
