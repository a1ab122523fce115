"""`python -m nudger` runs the same CLI as the `nudger` script."""

import sys

from nudger.cli import main

sys.exit(main())
