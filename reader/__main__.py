"""`python -m reader` starts the app, like the `readmark` command."""

from __future__ import annotations

import sys

from reader.app import main

sys.exit(main())
