"""`hair-studio models fetch | install --from FILE... | info`: get, verify and convert the models (the hair
segmenter, required, and MediaPipe's face detector and face mesh, which keep hair off faces)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.digest import sha256_file
from studio.segmentation.errors import ModelError
from studio.segmentation.manifest import HAIR_MODEL, MODELS, all_manifests, manifest_path, models_dir

_DEST_HELP = "folder for the files (default: the one `models info` shows)"
"""--dest's help: the default folder depends on the environment (see models_dir)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `models fetch`, `models install` and `models info`."""
    models = subparsers.add_parser(
        "models",
        help="download, install and inspect the models",
        description="Get MediaPipe's hair segmentation model (required) and its face detector and face mesh "
        "(optional: with them the segmenter keeps hair off faces), check each against its shipped manifest "
        "(models/<model>.yaml) and convert it to ONNX. Files go to $STUDIO_MODELS_DIR when set, else to "
        "the checkout's models/ when running from source, else to a per-user folder; `models info` shows which.",
    )
    commands = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    fetch = commands.add_parser(
        "fetch",
        help="download, verify and convert the models",
        description="Download the models (from their manifests' official URLs unless --url is given), check "
        "their size and SHA-256, and convert them to ONNX.",
    )
    fetch.add_argument("models", nargs="*", metavar="MODEL",
                       help=f"which models (default: all of {', '.join(MODELS)})")
    fetch.add_argument("--url", help="download from this URL instead (one model only, the hair model unless "
                       "named; the file must still match the manifest)")
    fetch.add_argument("--dest", type=Path, help=_DEST_HELP)
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.set_defaults(func=_fetch)

    install = commands.add_parser(
        "install",
        help="verify and convert local copies of the models",
        description="Install .tflite files you already have (e.g. downloaded by hand): each is recognised by "
        "its SHA-256 among the manifests, checked, and converted to ONNX.",
    )
    install.add_argument("--from", dest="sources", type=Path, nargs="+", required=True, metavar="PATH",
                         help="the .tflite files")
    install.add_argument("--dest", type=Path, help=_DEST_HELP)
    install.set_defaults(func=_install)

    info = commands.add_parser(
        "info",
        help="where the model files are, their hashes, and the execution providers",
        description="Show each manifest, the model files and their SHA-256, and which ONNX Runtime execution "
        "providers are available and which one would be used.",
    )
    info.set_defaults(func=_info)


def _fetch(args: argparse.Namespace) -> int:
    from studio.segmentation.fetch import fetch_model

    models = args.models or ([HAIR_MODEL] if args.url else list(MODELS))
    for model in models:
        manifest_path(model)  # an unknown name fails here, before anything is downloaded
    if args.url and len(models) != 1:
        raise ModelError("--url takes one model")
    for model in models:
        onnx_file = fetch_model(url=args.url, dest_dir=args.dest, progress=not args.quiet and sys.stderr.isatty(),
                                model=model)
        print(f"verified {onnx_file.with_suffix('.tflite')}")
        print(f"wrote {onnx_file}")
    return 0


def _install(args: argparse.Namespace) -> int:
    from studio.segmentation.fetch import install_model

    for source in args.sources:
        onnx_file = install_model(source, dest_dir=args.dest)
        print(f"installed {onnx_file.with_suffix('.tflite')} (verified)")
        print(f"wrote {onnx_file}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from studio.segmentation.providers import available_providers, preferred_providers

    folder = models_dir()
    print(f"folder:     {folder}")
    for manifest in all_manifests():
        print(f"manifest:   {manifest.path}")
        print(f"model:      {manifest.name} ({manifest.licence}), {manifest.url}")
        print(f"expected:   {manifest.size} bytes, SHA-256 {manifest.sha256}")
        tflite, onnx_file = folder / manifest.tflite_file, folder / manifest.onnx_file
        if tflite.is_file():
            digest = sha256_file(tflite)
            verdict = "verified" if digest == manifest.sha256 else "DOES NOT MATCH the manifest"
            print(f"tflite:     {tflite} ({tflite.stat().st_size} bytes, SHA-256 {digest}, {verdict})")
        else:
            print(f"tflite:     {tflite} (missing: run `hair-studio models fetch`)")
        if onnx_file.is_file():
            print(f"onnx:       {onnx_file} ({onnx_file.stat().st_size} bytes, SHA-256 {sha256_file(onnx_file)})")
        else:
            print(f"onnx:       {onnx_file} (missing: run `hair-studio models fetch`)")
    print(f"providers:  {', '.join(available_providers())} (listed by onnxruntime)")
    print(f"would use:  {preferred_providers()[0]}")
    return 0
