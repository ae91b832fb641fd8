"""lou-library (楼道图书角): the corridor book-box programme of a city subdistrict.

The package is layered: ``cli`` parses arguments, calls one rule function per command and
renders its result; plain modules hold the rules (``catalogue``, ``rotation``, ...) and
reach the records only through the ``repository.Repository`` protocol; ``store`` and
``tinyrepo`` are its embedded TinyDB backend. Rules never import Typer, Rich or TinyDB.
"""

__version__ = "0.1.0"
