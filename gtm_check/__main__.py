"""Entry point for ``python -m gtm_check``."""

from gtm_check.main import main

if __name__ == "__main__":
    main()
