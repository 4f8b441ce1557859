"""Hair segmentation: the model manifest, fetching and verifying MediaPipe's model, converting it to ONNX.

Importing this package is cheap: onnx and onnxruntime are imported only by the modules that need them.
"""

from studio.segmentation.errors import ModelError as ModelError
from studio.segmentation.manifest import ModelManifest as ModelManifest
from studio.segmentation.manifest import load_manifest as load_manifest
from studio.segmentation.manifest import models_dir as models_dir
