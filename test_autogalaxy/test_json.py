"""
``ag.output_to_json`` / ``ag.from_json`` (and ``to_dict`` / ``from_dict``): exact round trips of
galaxies, profiles, bases, pixelizations and settings; PyAutoGalaxy's file format read back;
refusals named.
"""

import json
import re

import numpy as np
import pytest

import autogalaxy as ag

pytestmark = pytest.mark.filterwarnings("error")


def awkward_floats():
    # Values whose decimal repr is long: a lossy writer would change their last bits.
    return 1.0 / 3.0, np.float64(0.1) + np.float64(0.2), np.nextafter(0.3, 1.0)


def galaxies():
    a, b, c = awkward_floats()
    lens = ag.Galaxy(
        redshift=0.5,
        label="lens",
        bulge=ag.lp.Sersic(centre=(a, -b), ell_comps=(0.05, c), intensity=b, effective_radius=a, sersic_index=4.0),
        disk=ag.lp_linear.ExponentialSph(centre=(0.0, 0.1), effective_radius=1.25),
        point=ag.lp_operated.Gaussian(intensity=2.0, sigma=c),
        psf=ag.lp_linear_operated.GaussianSph(sigma=0.05),
        mge=ag.lp_basis.Basis([ag.lp_linear.Gaussian(ell_comps=(a / 10, 0.0), sigma=s) for s in (0.1, a)]),
        nothing=None,
    )  # fmt: skip
    source = ag.Galaxy(
        redshift=1.0,
        pixelization=ag.Pixelization(
            mesh=ag.mesh.RectangularUniform(shape=(7, 9)), regularization=ag.reg.Constant(c)
        ),
    )
    return ag.Galaxies([lens, source])


def assert_same_galaxy(got, expected):
    assert type(got) is ag.Galaxy
    assert (got.redshift, got.label) == (expected.redshift, expected.label)
    assert list(got.components) == list(expected.components)
    for name, component in expected.components.items():
        rebuilt = got.components[name]
        assert type(rebuilt) is type(component)
        if isinstance(component, ag.LightProfile):
            for parameter in component.parameter_names():
                assert getattr(rebuilt, parameter) == getattr(component, parameter)  # bit for bit
        elif isinstance(component, ag.lp_basis.Basis):
            for p, q in zip(rebuilt.profile_list, component.profile_list):
                assert type(p) is type(q) and p.sigma == q.sigma and p.ell_comps == q.ell_comps
        elif component is not None:
            assert rebuilt.mesh.shape == component.mesh.shape
            assert rebuilt.regularization.coefficient == component.regularization.coefficient


def test__round_trip_is_exact(tmp_path):
    original = galaxies()
    path = tmp_path / "nested" / "galaxies.json"
    ag.output_to_json(original, path)
    rebuilt = ag.from_json(path)
    assert type(rebuilt) is ag.Galaxies and len(rebuilt) == 2
    for got, expected in zip(rebuilt, original):
        assert_same_galaxy(got, expected)
    # Tuples stay tuples (profiles check them), lists stay lists.
    assert rebuilt[0].bulge.centre == original[0].bulge.centre
    assert isinstance(rebuilt[0].bulge.centre, tuple)
    assert isinstance(rebuilt[0].mge.profile_list, list)


def test__settings_lists_and_plain_values():
    settings = ag.SettingsInversion(use_positive_only_solver=True)
    values = [settings, (1, 2.5), {"a": None, "b": "text"}, np.int64(3), True]
    rebuilt = ag.from_dict(json.loads(json.dumps(ag.to_dict(values))))
    assert isinstance(rebuilt[0], ag.SettingsInversion) and rebuilt[0].use_positive_only_solver
    assert rebuilt[1:] == [(1, 2.5), {"a": None, "b": "text"}, 3, True]
    assert ag.to_dict(ag.lp.GaussianSph(sigma=0.5)) == {
        "type": "instance",
        "class_path": "autogalaxy.profiles.light.standard.GaussianSph",
        "arguments": {
            "centre": {"type": "tuple", "values": [0.0, 0.0]},
            "intensity": 0.1,
            "sigma": 0.5,
        },
    }


PYAUTOGALAXY_FILE = """{
    "type": "instance",
    "class_path": "autogalaxy.galaxy.galaxy.Galaxy",
    "arguments": {
        "label": null,
        "redshift": 0.5,
        "bulge": {
            "type": "instance",
            "class_path": "autogalaxy.profiles.light.standard.sersic.Sersic",
            "arguments": {
                "effective_radius": 0.3, "intensity": 2.0, "sersic_index": 4.0,
                "centre": {"type": "tuple", "values": [0.1, 0.2]},
                "ell_comps": {"type": "tuple", "values": [0.05, -0.1]}
            }
        },
        "mge": {
            "type": "instance",
            "class_path": "autogalaxy.profiles.basis.Basis",
            "arguments": {
                "regularization": null,
                "profile_list": {"type": "list", "values": [{
                    "type": "instance",
                    "class_path": "autogalaxy.profiles.light.linear.gaussian.Gaussian",
                    "arguments": {
                        "ell_comps": {"type": "tuple", "values": [0.0, 0.0]},
                        "centre": {"type": "tuple", "values": [0.0, 0.0]},
                        "sigma": 0.1
                    }
                }]}
            }
        },
        "point": {
            "type": "instance",
            "class_path": "autogalaxy.profiles.light.linear_operated.gaussian.Gaussian",
            "arguments": {"sigma": 0.2}
        }
    }
}"""


def test__reads_a_pyautogalaxy_file(tmp_path):
    path = tmp_path / "galaxy.json"
    path.write_text(PYAUTOGALAXY_FILE)
    galaxy = ag.from_json(path)
    assert type(galaxy.bulge) is ag.lp.Sersic
    assert (galaxy.bulge.centre, galaxy.bulge.ell_comps) == ((0.1, 0.2), (0.05, -0.1))
    assert galaxy.bulge.sersic_index == 4.0 and galaxy.label is None
    assert type(galaxy.mge.profile_list[0]) is ag.lp_linear.Gaussian
    assert type(galaxy.point) is ag.lp_linear_operated.Gaussian


def test__bad__objects_that_are_not_written():
    with pytest.raises(
        TypeError,
        match=re.escape(
            "to_dict cannot write a ndarray (numpy.ndarray): only galaxies, light profiles"
        ),
    ):
        ag.to_dict(np.zeros(3))
    with pytest.raises(ValueError, match=re.escape("to_dict got the non-finite float nan")):
        ag.to_dict([1.0, float("nan")])


def test__bad__files_that_are_not_read():
    with pytest.raises(
        TypeError,
        match=re.escape("from_dict cannot rebuild 'os.system': it is not one of the classes"),
    ):
        ag.from_dict({"type": "instance", "class_path": "os.system", "arguments": {}})
    mesh = {
        "type": "instance",
        "class_path": "autoarray.inversion.mesh.mesh.rectangular_uniform.RectangularUniform",
        "arguments": {"shape": {"type": "tuple", "values": [5, 5]}, "n_knots": 64},
    }
    with pytest.raises(
        TypeError,
        match=re.escape(
            "from_dict: autoarray.inversion.mesh.mesh.rectangular_uniform.RectangularUniform has "
            "arguments ['n_knots'] that RectangularUniform here does not take (it takes ['shape'])"
        ),
    ):
        ag.from_dict(mesh)
    with pytest.raises(ValueError, match=re.escape("from_dict got a dict with type 'set'")):
        ag.from_dict({"type": "set", "values": []})
