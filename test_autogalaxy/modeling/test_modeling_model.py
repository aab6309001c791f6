"""``ag.Model`` and ``ag.Uniform``: declared parameters, ties, instances, errors, pickling."""

import pickle

import numpy as np
import pytest

import autogalaxy as ag
from autogalaxy import exc
from autogalaxy.profiles.light.abstract import LightProfile, light_profile_dataclass

BULGE_DISK_NAMES = (
    "bulge.centre_0",
    "bulge.centre_1",
    "bulge.ell_comps_0",
    "bulge.ell_comps_1",
    "bulge.intensity",
    "bulge.effective_radius",
    "bulge.sersic_index",
    "disk.centre_0",
    "disk.centre_1",
    "disk.ell_comps_0",
    "disk.ell_comps_1",
    "disk.intensity",
    "disk.effective_radius",
)


def bulge_disk():
    return ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic, disk=ag.lp.Exponential)


class TestUniform:
    def test__start_defaults_to_the_midpoint(self):
        prior = ag.Uniform(0.5, 8.0)
        assert (prior.lower_limit, prior.upper_limit, prior.start) == (0.5, 8.0, 4.25)
        assert ag.Uniform(0.0, 1.0, start=0.1).start == 0.1
        assert ag.Uniform(0.0, 1.0, start=1.0).start == 1.0  # a limit is a valid start

    @pytest.mark.parametrize(
        "args, kwargs, message",
        [
            ((2.0, 1.0), {}, r"lower_limit < upper_limit, got lower_limit=2.0, upper_limit=1.0"),
            ((1.0, 1.0), {}, r"lower_limit < upper_limit"),
            ((0.0, 1.0), {"start": 1.5}, r"start=1.5 lies outside its limits \[0.0, 1.0\]"),
            ((0.0, float("inf")), {}, r"upper_limit must be finite, got inf"),
            ((float("nan"), 1.0), {}, r"lower_limit must be finite, got nan"),
        ],
    )
    def test__bad_limits_raise(self, args, kwargs, message):
        with pytest.raises(exc.ModelException, match=message):
            ag.Uniform(*args, **kwargs)

    @pytest.mark.parametrize("bad", [True, "1", None, [1.0]])
    def test__non_numbers_raise_type_error(self, bad):
        with pytest.raises(TypeError, match="Uniform lower_limit must be a real number"):
            ag.Uniform(bad, 2.0)
        with pytest.raises(TypeError, match="Uniform start must be a real number"):
            ag.Uniform(0.0, 2.0, start=bad) if bad is not None else ag.Uniform(0.0, 2.0, "x")


class TestDeclaration:
    def test__profile_classes_get_every_parameter_free_with_the_default_priors(self):
        model = bulge_disk()
        assert model.parameter_names == BULGE_DISK_NAMES
        assert model.prior_count == 13
        sersic = model.bulge.sersic_index
        assert (sersic.lower_limit, sersic.upper_limit, sersic.start) == (0.5, 8.0, 4.0)
        centre = model.disk.centre
        assert [(p.lower_limit, p.upper_limit, p.start) for p in centre] == [(-0.5, 0.5, 0.0)] * 2
        # Every default is a prior of its own: nothing is tied by accident.
        assert len({id(p) for p in model.priors}) == 13

    def test__assignment_fixes_frees_and_ties(self):
        model = bulge_disk()
        model.bulge.ell_comps = (0.0, 0.1)  # fixed
        model.bulge.sersic_index = ag.Uniform(1.0, 6.0, start=2.0)
        model.disk.centre = model.bulge.centre  # tied
        assert model.prior_count == 13 - 2 - 2
        assert "bulge.ell_comps_0" not in model.parameter_names
        assert "disk.centre_0" not in model.parameter_names
        i = model.parameter_names.index("bulge.sersic_index")
        assert model.start_vector[i] == 2.0
        assert (model.lower_limits[i], model.upper_limits[i]) == (1.0, 6.0)

    def test__instance_from_places_each_value_and_shares_tied_ones(self):
        model = bulge_disk()
        model.disk.centre = model.bulge.centre
        vector = np.arange(1, 12) * 0.01
        galaxy = model.instance_from(vector)
        assert isinstance(galaxy, ag.Galaxy) and galaxy.redshift == 0.5
        assert galaxy.bulge.centre == (0.01, 0.02)
        assert galaxy.disk.centre == (0.01, 0.02)
        assert galaxy.bulge.ell_comps == (0.03, 0.04)
        assert (galaxy.bulge.intensity, galaxy.bulge.effective_radius) == (0.05, 0.06)
        assert galaxy.bulge.sersic_index == 0.07
        assert galaxy.disk.ell_comps == (0.08, 0.09)
        assert (galaxy.disk.intensity, galaxy.disk.effective_radius) == (0.1, 0.11)
        assert type(galaxy.disk) is ag.lp.Exponential and galaxy.disk.sersic_index == 1.0

    def test__instances_do_not_share_state_and_vector_is_not_mutated(self):
        model = bulge_disk()
        vector = model.start_vector
        before = vector.copy()
        first, second = model.instance_from(vector), model.instance_from(vector)
        assert first is not second and first.bulge is not second.bulge
        np.testing.assert_array_equal(vector, before)

    def test__fixed_objects_nested_models_and_lists(self):
        bulge = ag.lp.Sersic(effective_radius=0.4)  # an instance is a fixed value
        lens = ag.Model(ag.Galaxy, redshift=0.5, bulge=bulge)
        source = ag.Model(
            ag.Galaxy,
            redshift=1.0,
            light=ag.Model(ag.lp.GaussianSph, sigma=ag.Uniform(0.1, 1.0, start=0.5)),
        )
        model = ag.Model(ag.Galaxies, galaxies=[lens, source])
        assert model.parameter_names == (
            "galaxies_1.light.centre_0",
            "galaxies_1.light.centre_1",
            "galaxies_1.light.intensity",
            "galaxies_1.light.sigma",
        )
        galaxies = model.instance_from([0.1, 0.2, 3.0, 0.7])
        assert isinstance(galaxies, ag.Galaxies) and len(galaxies) == 2
        assert galaxies[0].bulge is bulge
        assert galaxies[1].light.sigma == 0.7 and galaxies[1].light.centre == (0.1, 0.2)

    def test__info_lists_free_tied_and_fixed(self):
        model = bulge_disk()
        model.disk.centre = model.bulge.centre
        model.bulge.ell_comps = (0.0, 0.1)
        info = model.info
        assert info.splitlines()[0] == "Galaxy model, 9 free parameters"
        assert "bulge.sersic_index" in info and "Uniform [0.5, 8], start 4" in info
        assert "disk.centre_0" in info and "= bulge.centre_0" in info
        assert "(0.0, 0.1) (fixed)" in info

    def test__pickle_round_trip_keeps_ties_and_values(self):
        model = bulge_disk()
        model.disk.centre = model.bulge.centre
        clone = pickle.loads(pickle.dumps(model))
        assert clone.parameter_names == model.parameter_names
        vector = model.start_vector + 0.01
        a, b = model.instance_from(vector), clone.instance_from(vector)
        assert a.disk.centre == b.disk.centre == b.bulge.centre
        assert a.bulge.sersic_index == b.bulge.sersic_index


class TestErrors:
    def test__cls_must_be_a_class(self):
        with pytest.raises(TypeError, match="Model needs a class as its first argument, got"):
            ag.Model(ag.lp.Sersic())

    def test__unknown_argument_of_a_profile(self):
        with pytest.raises(exc.ModelException, match="Sersic has no parameter 'sersic'; its pa"):
            ag.Model(ag.lp.Sersic, sersic=4.0)

    def test__fixed_parameter_of_a_subclass_is_not_an_argument(self):
        with pytest.raises(exc.ModelException, match="Exponential has no parameter 'sersic_index'"):
            ag.Model(ag.lp.Exponential, sersic_index=ag.Uniform(0.5, 8.0))

    def test__missing_redshift(self):
        with pytest.raises(exc.ModelException, match=r"ag.Model\(Galaxy, ...\) needs redshift"):
            ag.Model(ag.Galaxy, bulge=ag.lp.Sersic)

    def test__setting_an_unknown_attribute_raises_and_changes_nothing(self):
        model = bulge_disk()
        with pytest.raises(exc.ModelException, match="has no attribute 'sersic_indx' to set"):
            model.bulge.sersic_indx = 4.0
        with pytest.raises(exc.ModelException, match="no attribute 'buldge' to set; its attr"):
            model.buldge = ag.lp.Sersic
        assert model.prior_count == 13

    def test__reading_an_unknown_attribute_is_an_attribute_error(self):
        model = bulge_disk()
        with pytest.raises(AttributeError, match="The Sersic model has no attribute 'radius'"):
            model.bulge.radius  # noqa: B018
        assert not hasattr(model, "lens")

    def test__profile_parameter_without_default_prior(self):
        @light_profile_dataclass
        class Cored(LightProfile):
            core_radius: float = 0.1

        with pytest.raises(exc.ModelException, match="Cored.core_radius has no default prior"):
            ag.Model(Cored)
        assert ag.Model(Cored, core_radius=ag.Uniform(0.0, 1.0)).prior_count == 1

    @pytest.mark.parametrize(
        "vector, message",
        [
            (np.zeros(12), r"a vector of 13 values .* got shape \(12,\)"),
            (np.zeros((13, 1)), r"got shape \(13, 1\)"),
            (np.full(13, np.nan), "needs finite values"),
        ],
    )
    def test__instance_from_bad_vector(self, vector, message):
        with pytest.raises(exc.ModelException, match=message):
            bulge_disk().instance_from(vector)

    def test__invalid_profile_values_raise_profile_exception(self):
        model = ag.Model(ag.lp.SersicSph, effective_radius=ag.Uniform(-1.0, 1.0))
        vector = model.start_vector
        vector[model.parameter_names.index("effective_radius")] = -0.5
        with pytest.raises(exc.ProfileException, match="effective_radius must be > 0"):
            model.instance_from(vector)
