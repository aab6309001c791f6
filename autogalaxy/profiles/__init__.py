"""Profiles of galaxies: light profiles (``autogalaxy.profiles.light``)."""
