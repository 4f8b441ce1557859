"""Build step: a wheel carries the shipped data that the source tree keeps at its top level.

The shipped presets (lut_presets/), the reference swatches they were authored from (reference_images/) and the
model manifests (models/*.yaml) stay where the project's layout puts them; building copies them
into the package as studio/data/, where `studio.resources` finds them once installed. An editable install
reads the checkout's folders in place. Everything else about the build is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent

SHIPPED_DATA = {
    "lut_presets": ("*.yaml", "*.png"),
    "reference_images": ("*.png",),
    "models": ("*.yaml",),  # the manifests only: the models themselves are fetched at run time
}
"""Top-level folder: the patterns of its files that the package ships (MANIFEST.in puts them in the sdist)."""


class BuildPyWithData(build_py):
    """build_py that also copies SHIPPED_DATA into the built package's data/ folder."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for folder, patterns in SHIPPED_DATA.items():
            target = Path(self.build_lib) / "studio" / "data" / folder
            self.mkpath(str(target))
            for source in sorted(path for pattern in patterns for path in (SOURCE / folder).glob(pattern)):
                self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildPyWithData})
