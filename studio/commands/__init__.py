"""The `hair-studio` subcommands, one module each. Every module has `register(subparsers)`, which adds its
parser and sets `func(args) -> int`; heavy imports (onnxruntime, Dear PyGui) happen inside handlers."""
