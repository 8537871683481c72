"""Only the package list lives here: pyproject.toml holds everything else.

resources/ is a top-level folder of the checkout that ships as `steward_desk.resources`
(see package-dir in pyproject.toml), which find_packages cannot see on its own.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["steward_desk", "steward_desk.*"]), "steward_desk.resources"]
)
