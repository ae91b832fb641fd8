"""``python -m lou_library`` runs the same command line as ``lou``."""

from lou_library.cli import main

if __name__ == "__main__":
    main()
