"""``--json`` is the same bytes whatever the interface language.

The commands are found by walking the Click tree of ``lou``, so a new command that takes
``--json`` is covered as soon as it exists: one without required arguments runs as it is; one
that needs arguments fails here until it gets a line in ``CASES``. Every command runs twice
on the same path, each time on a fresh copy of one demo network (applied round 1, a backup),
once with ``--lang en`` and once with ``--lang zh``, so commands that change the database
change two identical files.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from tests.conftest import Lou, command_tree

# Lines run before the command, in each copy (or a change to the file itself); then the
# command's own arguments.
Setup = list[str] | Callable[[Path], None]
Case = tuple[list[Setup], list[str]]

IMPORT_CSV = "title,author,category,copies\n平凡的世界,路遥,小说,2\n红岩,罗广斌,小说,1\n"


def _break_records(db: Path) -> None:
    """Two problems for ``db check``: a book in a box that does not exist, a volunteer
    serving a site that does not exist."""
    data = orjson.loads(db.read_bytes())
    book = next(iter(data["books"].values()))
    book["box"], book["status"] = "SHY-99", "in_box"
    next(iter(data["volunteers"].values()))["sites"] = ["SHX"]
    db.write_bytes(orjson.dumps(data))


def _scanned_codes(db: Path) -> None:
    """What a scanner read in a box: books of ours, another programme's label, an ISBN."""
    codes = "B00001\nB00002\nB00003\nLIB-42\n9787020024759\n"
    (db.parent / "codes.txt").write_text(codes, encoding="utf-8")


UNDO = ["rotate", "undo"]
SHY_AWAY = [["volunteer", "away", f"V00{n}", "--from", "2026-11-25", "--to", "2026-11-30"]
            for n in range(2, 7)]  # fmt: skip
REPORTED = ["task", "done", "1", "--missing", "{task_book}"]


CASES: dict[str, Case] = {
    "site add": ([], ["新华小区", "--kind", "compound"]),
    "site show": ([], ["SHY"]),
    "site edit": ([], ["SHY", "--name", "尚和园一期", "--kind", "yard"]),
    "site retire": ([["site", "add", "新华小区", "--kind", "yard", "--code", "XH"]], ["XH"]),
    "site reactivate": (
        [["site", "add", "新华小区", "--kind", "yard", "--code", "XH"], ["site", "retire", "XH"]],
        ["XH"],
    ),
    "box add": ([], ["--site", "SHY", "--building", "9号楼", "--unit", "1单元"]),
    "box show": ([], ["SHY-01"]),
    "box edit": (
        [["box", "add", "--site", "SHY", "--building", "9号楼", "--unit", "1单元"]],
        ["{new_box}", "--capacity", "40", "--status", "repair"],
    ),
    "box retire": (
        [["box", "add", "--site", "SHY", "--building", "9号楼", "--unit", "1单元"]],
        ["{new_box}"],
    ),
    "box reactivate": (
        [
            ["box", "add", "--site", "SHY", "--building", "9号楼", "--unit", "1单元"],
            ["box", "retire", "{new_box}"],
        ],
        ["{new_box}"],
    ),
    "book find": ([], ["swgwsm"]),
    "book add": ([], ["--title", "平凡的世界", "--author", "路遥", "--box", "DEPOT"]),
    "book show": ([], ["B00001"]),
    "book edit": ([], ["B00001", "--condition", "worn", "--category", "history"]),
    "book history": ([], ["B00001"]),
    "book withdraw": ([], ["B00001"]),
    "book found": ([["task", "done", "1", "--missing", "{task_book}"]], ["{task_book}"]),
    "book import": ([], ["{csv}"]),
    "book category add": ([], ["poetry", "--zh", "诗歌", "--en", "Poetry"]),
    "volunteer add": ([], ["张三", "--site", "SHY", "--phone", "13900001234", "--party-member"]),
    "volunteer show": ([], ["V002"]),
    "volunteer edit": ([], ["V002", "--role", "administrator", "--not-party-member"]),
    "volunteer away": ([], ["V002", "--from", "2026-12-01", "--to", "2026-12-19"]),
    "volunteer retire": ([["volunteer", "add", "张三"]], ["张三"]),
    "volunteer reactivate": (
        [["volunteer", "add", "张三"], ["volunteer", "retire", "张三"]],
        ["张三"],
    ),
    "donate": ([], ["--box", "SHY-01", "--title", "平凡的世界", "--author", "路遥"]),
    "stocktake": (
        [["task", "done", "5"], _scanned_codes],
        ["SHY-01", "--from", "{work}/codes.txt"],
    ),
    "rotate apply": ([UNDO], []),
    "rotate redate": ([], ["2026-11-27"]),
    "rotate simulate": ([], ["--rounds", "2", "--loss", "0.05", "--donations", "2"]),
    "task show": ([], ["1"]),
    "task swap": ([], ["1", "--to", "V016", "--force"]),
    "task done": ([], ["1", "--missing", "{task_book}"]),
    "task reopen": ([["task", "done", "1", "--missing", "{task_book}"]], ["1"]),
    "schedule set": ([UNDO], ["--start", "2026-12-05", "--skip-holidays"]),
    "db restore": ([], ["--latest"]),
    "db copy": ([], ["{work}/lou.json", "{work}/copy.json"]),
    "volunteer service": ([], ["V002", "--date", "2026-11-20", "--hours", "2", "--what", "整理"]),
    "volunteer certificate": (
        [
            ["settings", "set", "org.name", "文化站"],
            ["volunteer", "service", "V002", "--date", "2026-11-20", "--hours", "2", "--what", "x"],
        ],
        ["V002", "--output", "{work}/c.html"],
    ),
    "settings set": ([], ["org.name", "文化站"]),
}
# Other states worth the same check: the notes a plan carries (late, unreported walks,
# borrowed volunteers, a holiday), a report with a book found, problems in the file.
# name: (command, setup, arguments, exit code)
STATES: dict[str, tuple[str, list[Setup], list[str], int]] = {
    "rotate status after a report": ("rotate status", [REPORTED], [], 0),
    "task done with a book found": ("task done", [], ["1", "--extra", "B00200@DFXD-01"], 0),
    "report hours summary": ("report hours", [REPORTED], ["--summary"], 0),
    "book import dry run": ("book import", [], ["{csv}", "--dry-run"], 0),
    "rotate plan with walks unreported": (
        "rotate plan",
        [UNDO, ["rotate", "apply", "--date", "2026-11-20"]],
        [],
        0,
    ),
    "rotate plan of a late round": (
        "rotate plan",
        [UNDO, ["schedule", "set", "--start", "2026-11-14"]],
        [],
        0,
    ),
    "rotate plan off a holiday": (
        "rotate plan",
        [UNDO, ["schedule", "set", "--start", "2027-01-01", "--skip-holidays"]],
        [],
        0,
    ),
    "schedule show off a holiday": (
        "schedule show",
        [UNDO, ["schedule", "set", "--start", "2026-09-19", "--skip-holidays"]],
        ["--rounds", "4"],
        0,
    ),
    "schedule set on a holiday": (
        "schedule set",
        [UNDO],
        ["--start", "2027-10-01", "--skip-holidays"],
        0,
    ),
    "rotate plan with a volunteer borrowed": ("rotate plan", [UNDO, *SHY_AWAY], [], 0),
    "rotate apply with a volunteer borrowed": ("rotate apply", [UNDO, *SHY_AWAY], [], 0),
    "db check with problems": ("db check", [_break_records], [], 1),
    "db check repairing some": ("db check", [_break_records], ["--repair"], 3),
    "a report after a walk": ("report missing", [REPORTED], [], 0),
    "a simulation with volunteers away": (
        "rotate simulate",
        [],
        ["--rounds", "2", "--away", "0.5", "--loss", "0.1"],
        0,
    ),
}


def commands_with_json() -> list[tuple[str, bool]]:
    """Every leaf command that takes ``--json``, and whether it needs arguments."""
    return [
        (" ".join(path), any(param.required for param in command.params))
        for path, command in command_tree()
        if not hasattr(command, "list_commands")
        and any("--json" in param.opts for param in command.params)
    ]


COMMANDS = commands_with_json()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A demo network with round 1 applied (so tasks and a backup exist)."""
    folder = tmp_path_factory.mktemp("base")
    lou = Lou(folder / "lou.json")
    lou.ok("init", "--demo")
    lou.ok("rotate", "apply")
    stop = lou.json("task", "show", "1")["stops"][0]
    fields = {"task_book": stop["take_out"][0][0]}
    yield folder, fields


def _run(
    case: Case,
    command: str,
    lang: str,
    base: tuple[Path, dict[str, str]],
    work: Path,
    code: int = 0,
) -> str:
    folder, fields = base
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(folder, work)
    csv = work / "books.csv"
    csv.write_text(IMPORT_CSV, encoding="utf-8")
    values = {**fields, "csv": str(csv), "new_box": "SHY-13", "work": str(work)}
    lou = Lou(work / "lou.json")
    setup, args = case
    for line in setup:
        if callable(line):
            line(lou.path)
        else:
            lou.ok(*(part.format(**values) for part in line))
    run = lou("--lang", lang, *command.split(), *(a.format(**values) for a in args), "--json")
    assert run.exit_code == code, (lang, command, run.stderr)
    assert run.stdout.startswith(("{", "[")), (lang, command, run.stdout, run.stderr)
    return run.stdout


def test_the_walk_finds_the_commands_that_take_json() -> None:
    names = {name for name, _ in COMMANDS}
    assert len(names) > 45
    assert {"info", "rotate plan", "rotate apply", "task done", "donate", "book import"} <= names
    assert not {"book export", "labels books", "init"} & names


@pytest.mark.parametrize(("command", "required"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_json_is_the_same_in_both_languages(
    command: str,
    required: bool,
    base: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert command in CASES or not required, f"give `lou {command}` its arguments in CASES"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # `lou demo` makes its file here
    case = CASES.get(command, ([], []))
    english = _run(case, command, "en", base, tmp_path / "work")
    chinese = _run(case, command, "zh", base, tmp_path / "work")
    if command == "demo":  # a fresh temporary folder each time, by design
        english, chinese = (
            re.sub(r"lou-demo-\w+", "lou-demo-X", out) for out in (english, chinese)
        )
    assert english == chinese


@pytest.mark.parametrize("name", sorted(STATES))
def test_json_is_the_same_in_both_languages_in_other_states(
    name: str, base: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    command, setup, args, code = STATES[name]
    english = _run((setup, args), command, "en", base, tmp_path / "work", code)
    chinese = _run((setup, args), command, "zh", base, tmp_path / "work", code)
    assert english == chinese


def test_the_notes_are_worded_in_the_interface_language(
    base: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The codes in --json come back as sentences in the table's language."""
    folder, _ = base
    shutil.copytree(folder, tmp_path / "work")
    lou = Lou(tmp_path / "work" / "lou.json")
    lou.ok("rotate", "undo")
    lou.ok("rotate", "apply", "--date", "2026-11-20")
    plan = lou.json("rotate", "plan")
    assert plan["notes"] == [
        {"code": "unreported", "number": 1, "n": 17, "tasks": list(range(1, 18))}
    ]
    tasks = ", ".join(map(str, range(1, 18)))
    assert plan["warnings"] == [
        f"Round 1 has walks not reported done yet: 17 (tasks {tasks}). This round assumes "
        "they were walked as listed; ask, and report them with `lou task done`."
    ]
    chinese = lou.ok("--lang", "zh", "rotate", "plan").stderr.splitlines()
    tasks = "，".join(map(str, range(1, 18)))
    assert (
        f"! 第 1 轮还有 17 项任务没有报告完成（任务 {tasks}）；本轮按它们已照清单搬完来排。"
        "请先问清楚，用 `lou task done` 报告。"
    ) in chinese
