"""
A declared model: a class (``ag.Galaxy``, a light profile, ...) whose constructor arguments are
fixed values, free parameters (:class:`Uniform` priors) or further models.

>>> model = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic, disk=ag.lp.Exponential)
>>> model.bulge.sersic_index = ag.Uniform(0.5, 8.0, start=2.0)   # a free parameter
>>> model.bulge.ell_comps = (0.0, 0.0)                          # fixed by plain assignment
>>> model.disk.centre = model.bulge.centre                      # tied: one pair of parameters
>>> galaxy = model.instance_from(model.start_vector)

A light-profile class given without arguments gets every parameter free, with the default priors
of :data:`DEFAULT_PRIORS`. Free parameters are ordered depth first, in constructor order (the
order of the keywords for a galaxy's components); a prior shared by several attributes counts
once, named after its first place. Pair parameters (``centre``, ``ell_comps``) are named with a
suffix, ``bulge.centre_0`` (y) and ``bulge.centre_1`` (x), as in PyAutoFit.
"""

import inspect

import numpy as np

from autogalaxy import exc
from autogalaxy.modeling.prior import Uniform
from autogalaxy.profiles.light import LightProfile

__all__ = ["Model", "DEFAULT_PRIORS", "free_model_from"]

#: Default ``(lower_limit, upper_limit, start)`` of light-profile parameters a model does not set.
#: Centres in arcsec from the image centre; ``ell_comps`` keep the axis ratio above 0.17 at the
#: corners of the box; intensities in the data's units (start at the class default, 0.1).
DEFAULT_PRIORS = {
    "centre": (-0.5, 0.5, 0.0),
    "ell_comps": (-0.7, 0.7, 0.0),
    "intensity": (1e-4, 1e3, 0.1),
    "effective_radius": (0.01, 5.0, 0.6),
    "sersic_index": (0.5, 8.0, 4.0),
    "sigma": (0.01, 5.0, 1.0),
}

_PAIRS = ("centre", "ell_comps")


def _default_prior_from(cls, name):
    """A fresh default prior (a pair of them for ``centre`` / ``ell_comps``) of ``cls.name``."""
    if name not in DEFAULT_PRIORS:
        raise exc.ModelException(
            f"{cls.__name__}.{name} has no default prior; give it a value or a prior: "
            f"ag.Model({cls.__name__}, {name}=ag.Uniform(lower_limit, upper_limit, start))."
        )
    lower, upper, start = DEFAULT_PRIORS[name]
    if name in _PAIRS:
        return (Uniform(lower, upper, start), Uniform(lower, upper, start))
    return Uniform(lower, upper, start)


def _signature_of(cls):
    """``(named arguments in order, required ones, accepts any keyword)`` of ``cls(...)``."""
    if issubclass(cls, LightProfile):
        names = cls.parameter_names()
        return names, (), False
    parameters = [
        p
        for p in inspect.signature(cls).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    names = tuple(p.name for p in parameters)
    required = tuple(p.name for p in parameters if p.default is p.empty)
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in inspect.signature(cls).parameters.values())
    return names, required, accepts_any


def _spec_from(value):
    """What the model stores for an argument: priors, models and containers of them, or values."""
    if isinstance(value, Uniform | Model):
        return value
    if isinstance(value, type):
        return Model(value)
    if isinstance(value, tuple | list):
        return type(value)(_spec_from(v) for v in value)
    return value


def _walk(spec, path):
    """Yield ``(name, prior)`` for every prior under ``spec``, depth first."""
    if isinstance(spec, Uniform):
        yield path, spec
    elif isinstance(spec, Model):
        for name, sub in spec._arguments.items():
            yield from _walk(sub, f"{path}.{name}" if path else name)
    elif isinstance(spec, tuple | list):
        for i, sub in enumerate(spec):
            yield from _walk(sub, f"{path}_{i}")


def _instance_from(spec, values: dict):
    """The object ``spec`` describes, with each prior replaced by ``values[id(prior)]``."""
    if isinstance(spec, Uniform):
        return values[id(spec)]
    if isinstance(spec, Model):
        arguments = {name: _instance_from(sub, values) for name, sub in spec._arguments.items()}
        return spec.cls(**arguments)
    if isinstance(spec, tuple | list):
        return type(spec)(_instance_from(sub, values) for sub in spec)
    return spec


def _info_lines_from(spec, path, seen: dict) -> list:
    if isinstance(spec, Uniform):
        if id(spec) in seen:
            return [f"{path:40s} = {seen[id(spec)]}"]
        seen[id(spec)] = path
        return [
            f"{path:40s} Uniform [{spec.lower_limit:.6g}, {spec.upper_limit:.6g}], "
            f"start {spec.start:.6g}"
        ]
    if isinstance(spec, Model):
        lines = []
        for name, sub in spec._arguments.items():
            lines += _info_lines_from(sub, f"{path}.{name}" if path else name, seen)
        return lines
    if isinstance(spec, tuple | list) and any(isinstance(v, Uniform | Model) for v in spec):
        lines = []
        for i, sub in enumerate(spec):
            lines += _info_lines_from(sub, f"{path}_{i}", seen)
        return lines
    return [f"{path:40s} {spec!r} (fixed)"]


class Model:
    """
    A class and its constructor arguments, some of them free parameters.

    Parameters
    ----------
    cls : type
        The class the model builds, e.g. ``ag.Galaxy`` or ``ag.lp.Sersic``.
    **arguments
        Constructor arguments. A :class:`Uniform` is a free parameter; a class (e.g.
        ``bulge=ag.lp.Sersic``) becomes a nested ``Model`` of it; a ``Model`` is nested as it is;
        a tuple or list holds any of these; anything else is a fixed value. Light-profile
        parameters not given get the default priors of :data:`DEFAULT_PRIORS`; other classes use
        their constructor's defaults.

    Raises
    ------
    TypeError
        If ``cls`` is not a class.
    autogalaxy.exc.ModelException
        If an argument is not a parameter of ``cls`` (classes with ``**kwargs``, like
        ``Galaxy``, accept any name when the model is built), a required argument (e.g. a
        galaxy's ``redshift``) is missing, or a light-profile parameter has no default prior.

    Notes
    -----
    Attributes are the arguments: ``model.bulge`` is the nested model, ``model.bulge.sersic_index``
    its prior or value, and plain assignment changes them. Assigning a name the model does not
    have raises :class:`autogalaxy.exc.ModelException` (a typo would otherwise be a silent wrong
    model); reading one raises ``AttributeError``. A model is picklable (ties survive, since
    pickling keeps the identity of shared priors), so Dask workers receive it as it is.
    """

    def __init__(self, cls, **arguments):
        if not isinstance(cls, type):
            raise TypeError(
                f"Model needs a class as its first argument, got {cls!r} of type "
                f"{type(cls).__name__}; e.g. ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic)."
            )
        names, required, accepts_any = _signature_of(cls)
        unknown = [name for name in arguments if name not in names]
        if unknown and not accepts_any:
            raise exc.ModelException(
                f"{cls.__name__} has no parameter {unknown[0]!r}; its parameters are "
                f"{', '.join(names)}."
            )
        missing = [name for name in required if name not in arguments]
        if missing:
            raise exc.ModelException(
                f"ag.Model({cls.__name__}, ...) needs {', '.join(missing)}: give "
                f"{missing[0]}=value (a fixed value) or a prior."
            )
        specs = {}
        for name in names:
            if name in arguments:
                specs[name] = _spec_from(arguments[name])
            elif issubclass(cls, LightProfile):
                specs[name] = _default_prior_from(cls, name)
        for name in unknown:
            specs[name] = _spec_from(arguments[name])
        object.__setattr__(self, "cls", cls)
        object.__setattr__(self, "_arguments", specs)

    # ------------------------------------------------------------------------- attributes

    def __getattr__(self, name):
        # Only reached for names not found normally; dunder / private lookups (pickle, copy)
        # must see a plain AttributeError.
        arguments = self.__dict__.get("_arguments")
        if name.startswith("_") or arguments is None:
            raise AttributeError(name)
        if name in arguments:
            return arguments[name]
        raise AttributeError(
            f"The {self.cls.__name__} model has no attribute {name!r}; its attributes are "
            f"{', '.join(arguments)}."
        )

    def __setattr__(self, name, value):
        if name not in self._arguments:
            raise exc.ModelException(
                f"The {self.cls.__name__} model has no attribute {name!r} to set; its attributes "
                f"are {', '.join(self._arguments)}. Components of a galaxy are declared when the "
                "model is built, e.g. ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic)."
            )
        self._arguments[name] = _spec_from(value)

    def __repr__(self):
        return f"Model({self.cls.__name__}, {self.prior_count} free parameters)"

    # ------------------------------------------------------------------------- parameters

    @property
    def _named_priors(self) -> list:
        """``[(name, prior)]`` of the free parameters, each prior once, in vector order."""
        seen = set()
        named = []
        for path, prior in _walk(self, ""):
            if id(prior) not in seen:
                seen.add(id(prior))
                named.append((path, prior))
        return named

    @property
    def priors(self) -> tuple:
        """The free parameters' priors, in vector order."""
        return tuple(prior for _, prior in self._named_priors)

    @property
    def parameter_names(self) -> tuple:
        """The free parameters' names, in vector order (e.g. ``"bulge.sersic_index"``)."""
        return tuple(name for name, _ in self._named_priors)

    @property
    def prior_count(self) -> int:
        """The number of free parameters."""
        return len(self._named_priors)

    @property
    def start_vector(self) -> np.ndarray:
        """Each free parameter's start, in vector order (a new array)."""
        return np.array([p.start for p in self.priors], dtype=float)

    @property
    def lower_limits(self) -> np.ndarray:
        """Each free parameter's lower limit, in vector order."""
        return np.array([p.lower_limit for p in self.priors], dtype=float)

    @property
    def upper_limits(self) -> np.ndarray:
        """Each free parameter's upper limit, in vector order."""
        return np.array([p.upper_limit for p in self.priors], dtype=float)

    @property
    def info(self) -> str:
        """One line per argument: free parameters with their limits and start, fixed values."""
        lines = [f"{self.cls.__name__} model, {self.prior_count} free parameters"]
        return "\n".join(lines + _info_lines_from(self, "", {}))

    def instance_from(self, vector):
        """
        Build the object the model describes with the free parameters set to ``vector``.

        Parameters
        ----------
        vector : array_like of float
            One value per free parameter, in :attr:`parameter_names` order.

        Returns
        -------
        object
            An instance of :attr:`cls` (e.g. an ``ag.Galaxy``) built from the fixed values and
            ``vector``.

        Raises
        ------
        autogalaxy.exc.ModelException
            If ``vector`` does not hold :attr:`prior_count` finite numbers.
        autogalaxy.exc.ProfileException
            If the values make an invalid profile (e.g. ``effective_radius <= 0``).
        """
        values = np.asarray(vector, dtype=float)
        priors = self.priors
        if values.shape != (len(priors),):
            raise exc.ModelException(
                f"instance_from needs a vector of {len(priors)} values (one per free parameter: "
                f"{', '.join(self.parameter_names)}), got shape {values.shape}."
            )
        if not np.all(np.isfinite(values)):
            raise exc.ModelException(f"instance_from needs finite values, got {values.tolist()}.")
        by_prior = {id(p): float(v) for p, v in zip(priors, values)}
        return _instance_from(self, by_prior)


def free_model_from(model, caller: str) -> Model:
    """
    ``model``, checked to be a :class:`Model` with at least one free parameter.

    Parameters
    ----------
    model : object
        What the caller was given.
    caller : str
        The function's name, for the messages (e.g. ``"fit"``).

    Returns
    -------
    Model

    Raises
    ------
    TypeError
        If ``model`` is not a ``Model``.
    autogalaxy.exc.ModelException
        If every argument of the model is fixed.
    """
    if not isinstance(model, Model):
        raise TypeError(
            f"{caller} needs an ag.Model, got {type(model).__name__}; e.g. "
            "ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic)."
        )
    if model.prior_count == 0:
        raise exc.ModelException(
            "The model has no free parameter (every argument is fixed); give at least one "
            "attribute a prior, e.g. model.bulge.sersic_index = ag.Uniform(0.5, 8.0)."
        )
    return model
