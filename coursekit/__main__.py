"""``python -m coursekit run|refresh|sync``: see coursekit/course.py."""
import sys

from .course import main

sys.exit(main())
