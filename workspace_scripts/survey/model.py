"""
The model of the survey demo, for ``python -m autogalaxy.sample fit ... --model model.py``.

A Sersic bulge and an Exponential disk sharing one centre: 11 free parameters, each searched
inside its limits from a start that knows nothing of the object (the same for every galaxy).
"""

import autogalaxy as ag

model = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic, disk=ag.lp.Exponential)
model.bulge.centre = (ag.Uniform(-0.3, 0.3, start=0.0), ag.Uniform(-0.3, 0.3, start=0.0))
model.bulge.ell_comps = (ag.Uniform(-0.6, 0.6, start=0.0), ag.Uniform(-0.6, 0.6, start=0.0))
model.bulge.intensity = ag.Uniform(0.01, 100.0, start=1.0)
model.bulge.effective_radius = ag.Uniform(0.02, 3.0, start=0.3)
model.bulge.sersic_index = ag.Uniform(0.5, 8.0, start=2.5)
model.disk.centre = model.bulge.centre  # one centre: the same two free parameters
model.disk.ell_comps = (ag.Uniform(-0.6, 0.6, start=0.0), ag.Uniform(-0.6, 0.6, start=0.0))
model.disk.intensity = ag.Uniform(0.001, 10.0, start=0.2)
model.disk.effective_radius = ag.Uniform(0.1, 5.0, start=1.0)
