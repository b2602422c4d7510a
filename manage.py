#!/usr/bin/env python
"""Django's command-line utility; a server command refuses a missing configuration in a
line naming the variable (mbc_site/startup.py)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mbc_site.settings")
    from mbc_site.startup import manage

    manage(sys.argv)


if __name__ == "__main__":
    main()
