"""Hair segmentation: the model manifests, fetching and verifying MediaPipe's models (the hair segmenter, and the
face detector and face mesh that keep hair off faces), converting them to ONNX, and HairSegmenter.

Importing this package is cheap: onnx and onnxruntime are imported only by the modules that need them.
"""

from studio.segmentation.errors import ModelError as ModelError
from studio.segmentation.manifest import ModelManifest as ModelManifest
from studio.segmentation.manifest import load_manifest as load_manifest
from studio.segmentation.manifest import models_dir as models_dir

__all__ = ["ModelError", "ModelManifest", "load_manifest", "models_dir"]
