"""readmark-cli commands, one module each; `reader.cli` assembles them."""
