import sys

from mcugen.cli import main

sys.exit(main())
