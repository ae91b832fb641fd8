"""lou-library (楼道图书角): the corridor book-box programme of a city subdistrict.

The package is layered: ``store`` owns the TinyDB file, plain modules hold the rules
(``catalogue``, ``importing``, ...), and ``cli`` parses arguments and renders results.
Rules never import Typer or Rich.
"""

__version__ = "0.1.0"
