"""`hair-studio models fetch | install --from FILE | info`: get, verify and convert the hair model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.digest import sha256_file
from studio.segmentation.manifest import load_manifest, models_dir, onnx_path, tflite_path

_DEST_HELP = "folder for the files (default: the one `models info` shows)"
"""--dest's help: the default folder depends on the environment (see models_dir)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `models fetch`, `models install` and `models info`."""
    models = subparsers.add_parser(
        "models",
        help="download, install and inspect the hair model",
        description="Get MediaPipe's hair segmentation model, check it against the shipped manifest "
        "(models/hair_segmentation.yaml) and convert it to ONNX. Files go to $STUDIO_MODELS_DIR when set, else to "
        "the checkout's models/ when running from source, else to a per-user folder; `models info` shows which.",
    )
    commands = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    fetch = commands.add_parser(
        "fetch",
        help="download, verify and convert the model",
        description="Download the model (from the manifest's official URL unless --url is given), check its "
        "size and SHA-256, and convert it to ONNX.",
    )
    fetch.add_argument("--url", help="download from this URL instead (the file must still match the manifest)")
    fetch.add_argument("--dest", type=Path, help=_DEST_HELP)
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.set_defaults(func=_fetch)

    install = commands.add_parser(
        "install",
        help="verify and convert a local copy of the model",
        description="Install a .tflite you already have (e.g. downloaded by hand) after checking its size and "
        "SHA-256 against the manifest, and convert it to ONNX.",
    )
    install.add_argument("--from", dest="source", type=Path, required=True, metavar="PATH", help="the .tflite file")
    install.add_argument("--dest", type=Path, help=_DEST_HELP)
    install.set_defaults(func=_install)

    info = commands.add_parser(
        "info",
        help="where the model files are, their hashes, and the execution providers",
        description="Show the manifest, the model files and their SHA-256, and which ONNX Runtime execution "
        "providers are available and which one would be used.",
    )
    info.set_defaults(func=_info)


def _fetch(args: argparse.Namespace) -> int:
    from studio.segmentation.fetch import fetch_model

    onnx_file = fetch_model(url=args.url, dest_dir=args.dest, progress=not args.quiet and sys.stderr.isatty())
    print(f"verified {onnx_file.with_name(load_manifest().tflite_file)}")
    print(f"wrote {onnx_file}")
    return 0


def _install(args: argparse.Namespace) -> int:
    from studio.segmentation.fetch import install_model

    onnx_file = install_model(args.source, dest_dir=args.dest)
    print(f"installed {onnx_file.with_name(load_manifest().tflite_file)} (verified)")
    print(f"wrote {onnx_file}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from studio.segmentation.providers import available_providers, preferred_providers

    manifest = load_manifest()
    print(f"manifest:   {manifest.path}")
    print(f"model:      {manifest.name} ({manifest.licence}), {manifest.url}")
    print(f"expected:   {manifest.size} bytes, SHA-256 {manifest.sha256}")
    print(f"folder:     {models_dir()}")
    tflite, onnx_file = tflite_path(), onnx_path()
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

