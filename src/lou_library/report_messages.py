# ruff: noqa: E501 - long sentences read better unbroken (as in messages.py)
"""Messages of the admins' reports (``lou report``) and printable labels (``lou labels``).

Same rules as :mod:`lou_library.messages`: every user-facing string is a :class:`Msg` in
Chinese and English with the same ``{fields}``; help texts live in :data:`HELP`, keyed by
the ``@key`` strings of ``cli/cmd_report.py`` and ``cli/cmd_labels.py``. Importing this
module adds them to :data:`lou_library.messages.HELP`.
"""

from __future__ import annotations

from lou_library.i18n import Msg

# ------------------------------------------------------------------- the reports
REPORT_TITLES = {
    "inventory": Msg("藏书盘点", "Inventory"),
    "missing": Msg("未见和遗失图书", "Missing books"),
    "donations": Msg("居民捐赠", "Donations"),
    "rotation": Msg("图书轮换", "Rotation"),
    "volunteers": Msg("志愿者服务", "Volunteers"),
    "hours": Msg("志愿服务时长", "Service hours"),
}
REPORT_GENERATED = Msg("生成时间：{stamp}", "Generated {stamp}")
REPORT_FILTER_SITE = Msg("片区：{site}", "Site: {site}")
REPORT_FILTER_PERIOD = Msg("时段：{start} 至 {end}", "Period: {start} to {end}")
REPORT_FILTER_CONTACT = Msg("含联系方式（请妥善保管）", "Contact details shown (keep it private)")
REPORT_OPEN_START = Msg("最早", "the beginning")
REPORT_OPEN_END = Msg("今天", "today")
REPORT_FOOTER = Msg(
    "楼道图书角 · lou-library 生成，可直接打印", "Corridor book corners · made by lou-library"
)
REPORT_NO_ROWS = Msg("（没有记录）", "(nothing to report)")
REPORT_TOTAL = Msg("合计", "Total")
REPORT_TOTAL_ROWS = Msg("合计 {n} 条", "Total: {n}")
REPORT_WRITTEN = Msg("报表已写入 {path}（{format}）。", "Report written to {path} ({format}).")
REPORT_XLSX_NEEDS_OUTPUT = Msg(
    "xlsx 是二进制文件，不能直接显示：请加 --output 文件名.xlsx。",
    "xlsx is a binary file and cannot be shown here: add --output FILE.xlsx.",
)
REPORT_TABLE_NOT_A_FILE = Msg(
    "table 格式只用于屏幕显示；写文件请用 --format csv、json、xlsx、md 或 html。",
    "The table format is for the screen; to write a file use --format csv, json, xlsx, md or html.",
)
REPORT_UNKNOWN_SUFFIX = Msg(
    "从文件名 {path} 看不出要哪种格式：请加 --format（csv、json、xlsx、md、html）。",
    "Cannot tell the format from the file name {path}: add --format (csv, json, xlsx, md, html).",
)
REPORT_BAD_PERIOD = Msg(
    "--from {start} 晚于 --to {end}：开始日期不能晚于结束日期。",
    "--from {start} is after --to {end}: the period must start before it ends.",
)
REPORT_NO_PERIOD = Msg(
    "盘点报表反映的是当前状态，不能按时段统计：请去掉 --from/--to。",
    "The inventory shows the state of today and has no period: leave out --from/--to.",
)

# sections
SECTION_TITLES = {
    "inventory.sites": Msg("各片区图书（按状态）", "Books by site and status"),
    "inventory.categories": Msg("各分类图书（按状态）", "Books by category and status"),
    "inventory.boxes": Msg("各图书箱存书与容量", "Books and capacity per box"),
    "missing.books": Msg("未见和遗失的图书", "Books not seen or lost"),
    "missing.sites": Msg("各片区未见和遗失数", "Missing books by site"),
    "donations.summary": Msg("按月份、片区和捐赠人", "By month, site and donor"),
    "donations.months": Msg("按月份", "By month"),
    "donations.books": Msg("捐赠图书清单", "Donated books"),
    "rotation.rounds": Msg("各轮轮换", "Rounds"),
    "rotation.sites": Msg("各片区任务", "Tasks by site"),
    "volunteers.people": Msg("志愿者", "Volunteers"),
    "volunteers.party": Msg("党员和非党员", "Party members and others"),
    "hours.people": Msg("各志愿者服务时长", "Hours per volunteer"),
    "hours.groups": Msg("党员和非党员服务时长", "Hours: Party members and others"),
    "hours.sites": Msg("各片区服务时长", "Hours per site"),
    "hours.half_years": Msg("各半年服务时长", "Hours per half year"),
    "hours.entries": Msg("服务明细", "Every service"),
}

# charts (html)
CHART_BY_CATEGORY = Msg("在册图书（按分类）", "Books held, by category")
CHART_BY_SITE = Msg("在册图书（按片区）", "Books held, by site")
CHART_FRESHNESS = Msg("各轮新鲜度", "Freshness per round")
CHART_DONATIONS = Msg("每月捐赠册数", "Books donated per month")
CHART_ROUND = Msg("第 {n} 轮", "Round {n}")

# column headers not already in lou_library.messages
COL_TOTAL_HELD = Msg("在册合计", "Total held")
COL_BOX = Msg("图书箱", "Box")
COL_CAPACITY = Msg("容量", "Capacity")
COL_USE = Msg("使用率", "Use")
COL_FREE = Msg("空位", "Free")
COL_MONTH = Msg("月份", "Month")
COL_SITE_NAME = Msg("片区名称", "Site name")
# the day a volunteer reported the book not there (when it was last seen is not recorded)
COL_LAST_SEEN = Msg("报告未见", "Missing since")
COL_ROUNDS_SINCE = Msg("已过轮次", "Rounds since")
COL_TITLES = Msg("书目种数", "Titles")
COL_DONORS = Msg("捐赠人数", "Donors")
COL_SITES_COUNT = Msg("片区数", "Sites")
COL_DONATED_TO = Msg("捐入图书箱", "Donated into")
COL_BOOKS_CARRIED = Msg("搬运册数", "Books carried")
COL_ROUNDS_SERVED = Msg("服务轮次", "Rounds served")
COL_TASKS_DONE = Msg("完成任务", "Tasks done")
COL_TASKS_OPEN = Msg("未完成任务", "Tasks open")
COL_LAST_SERVED = Msg("最近服务", "Last served")
COL_GROUP = Msg("类别", "Group")
COL_PEOPLE = Msg("人数", "People")

GROUP_NAMES = {
    "party": Msg("党员", "Party members"),
    "others": Msg("非党员", "Others"),
}

# headline figures (html cards, markdown, the screen)
FIGURE_NAMES = {
    "books": Msg("在册图书", "Books held"),
    "in_box": Msg("在箱", "In boxes"),
    "in_depot": Msg("在图书室", "In the depot"),
    "not_seen": Msg("未见", "Not seen"),
    "lost": Msg("遗失", "Lost"),
    "withdrawn": Msg("已下架", "Withdrawn"),
    "boxes": Msg("图书箱", "Boxes"),
    "capacity": Msg("总容量", "Capacity"),
    "use": Msg("容量使用率", "Capacity used"),
    "missing": Msg("未见和遗失", "Missing"),
    "donated": Msg("捐赠图书", "Books donated"),
    "titles": Msg("书目种数", "Titles"),
    "donors": Msg("捐赠人数", "Donors"),
    "months": Msg("月份数", "Months"),
    "rounds": Msg("轮次", "Rounds"),
    "moves": Msg("换位册次", "Book moves"),
    "freshness": Msg("新鲜度", "Freshness"),
    "tasks": Msg("任务", "Tasks"),
    "done": Msg("已完成", "Done"),
    "open": Msg("待办", "Open"),
    "overdue": Msg("逾期", "Overdue"),
    "volunteers": Msg("志愿者", "Volunteers"),
    "party_members": Msg("其中党员", "Party members"),
    "tasks_done": Msg("完成任务", "Tasks done"),
    "books_carried": Msg("搬运册数", "Books carried"),
    "hours": Msg("服务时长（小时）", "Hours served"),
    "services": Msg("其他服务次数", "Other services"),
}

FORMAT_NAMES = {
    "csv": Msg("CSV 表格", "CSV"),
    "json": Msg("JSON", "JSON data"),
    "xlsx": Msg("Excel 工作簿", "Excel workbook"),
    "md": Msg("Markdown 表格", "Markdown"),
    "html": Msg("可打印网页", "printable web page"),
}

# ---------------------------------------------------------------------- the labels
LABELS_TITLE = {
    "books": Msg("图书标签", "Book labels"),
    "boxes": Msg("图书箱标签", "Box labels"),
}
LABEL_BOOK_FOOTER = Msg("楼道图书角 · 读完请放回", "Book corner · please put it back")
LABEL_BOX_FOOTER = Msg("楼道图书角 · 欢迎取阅", "Book corner · help yourself")
LABEL_CAPACITY = Msg("可放 {n} 册", "holds {n:# book|# books}")
LABELS_PRINT_HINT = Msg(
    "共 {n} 张标签，{sheets} 页 A4 标签纸（每页 {columns}×{rows}，每张 {width}×{height} mm）。"
    "打印时请选“实际大小 / 100%”、页边距“无”。本说明不会打印出来。",
    "{n:# label|# labels} on {sheets:# A4 label sheet|# A4 label sheets} ("
    "{columns}×{rows} per sheet, {width}×{height} mm each). "
    "Print at actual size (100 %) with no margins. This note is not printed.",
)
# Screens and terminals (issue 19): progress on stderr
PROGRESS_REPORT = Msg("整理报表", "Preparing the report")
PROGRESS_REPORT_FORMAT = Msg("生成{format}", "Writing the {format}")
PROGRESS_LABELS = Msg("生成标签", "Making labels")

LABELS_WRITTEN = Msg(
    "已把 {n} 张标签（{sheets} 页）写入 {path}。请用浏览器打开，按实际大小打印。",
    "Wrote {path}: labels: {n}, sheets: {sheets}. Open it in a browser and print at actual size.",
)
LABELS_NONE = Msg(
    "没有符合条件的{what}，没有写出标签。",
    "No {what} match, so no labels were written.",
)
LABELS_WHAT = {"books": Msg("图书", "books"), "boxes": Msg("图书箱", "boxes")}
LABELS_BAD_SKIP = Msg(
    "--skip {value} 不对：一页只有 {limit} 张标签，可跳过 0 到 {last} 张。",
    "--skip {value} is not valid: a sheet has {limit} labels, so skip 0 to {last}.",
)

# ------------------------------------------------------------------- help texts
HELP: dict[str, Msg] = {
    "report": Msg(
        "给社区和街道的报表：盘点、未见图书、捐赠、轮换、志愿者。\n\n"
        "可显示在屏幕上，或写成 CSV、JSON、Excel、Markdown、可打印网页。\n\n"
        "例：lou report inventory --format xlsx --output 盘点.xlsx",
        "Reports for admins: inventory, missing books, donations, rotation, volunteers.\n\n"
        "On screen, or as CSV, JSON, Excel, Markdown or a printable web page.\n\n"
        "Example: lou report inventory --format xlsx --output 盘点.xlsx",
    ),
    "report.inventory": Msg(
        "藏书盘点：按片区、图书箱、分类和状态统计，及容量使用。\n\n"
        "CSV 为“各片区图书（按状态）”一表。\n\n例：lou report inventory --format xlsx --output 盘点.xlsx",
        "Inventory: books by site, box, category and status, and how full each box is.\n\n"
        "The CSV holds 'Books by site and status'.\n\n"
        "Example: lou report inventory --format xlsx --output inventory.xlsx",
    ),
    "report.missing": Msg(
        "未见和遗失的图书：上次所在图书箱、报告未见的日期、已过几轮。\n\n"
        "CSV 为图书清单。\n\n例：lou report missing --site SHY",
        "Books not seen or lost: their last box, when they were reported missing, rounds since.\n\n"
        "The CSV holds the list of books.\n\nExample: lou report missing --site SHY",
    ),
    "report.donations": Msg(
        "居民捐赠：按月份、片区和捐赠人统计（捐赠人默认隐去）。\n\nCSV 为“按月份、片区和捐赠人”一表。"
        "\n\n例：lou report donations --from 2026-01-01 --to 2026-06-30 --format html --output 捐赠.html",
        "Donations by month, site and donor (donors masked unless --show-contact).\n\n"
        "The CSV holds 'By month, site and donor'.\n\n"
        "Example: lou report donations --from 2026-01-01 --to 2026-06-30 --format html --output donations.html",
    ),
    "report.rotation": Msg(
        "每轮轮换：换位册数、新鲜度、任务完成/待办/逾期、搬运册数。\n\n新鲜度等指标为全网数字，"
        "--site 只筛选任务。搬运册数：已报告完成的每段路线实际搬动的不同图书，每册只算一次"
        "（未见的不算），与志愿者报表一致。CSV 为“各轮轮换”一表。\n\n例：lou report rotation --format md",
        "Each round: books moved, freshness, tasks done/open/overdue, books carried.\n\n"
        "Freshness and moves are "
        "for the whole network; --site narrows the tasks. Books carried: per walk reported "
        "done, the distinct books it moved, each counted once (not those reported not seen); "
        "the volunteers report counts the same. The CSV holds 'Rounds'.\n\n"
        "Example: lou report rotation --format md",
    ),
    "report.volunteers": Msg(
        "志愿者服务：轮次、任务、搬运册数、最近服务日期、党员人数。\n\n电话默认隐去。"
        "搬运册数：已报告完成的每段路线实际搬动的不同图书，每册只算一次（未见的不算），"
        "与轮换报表一致。CSV 为志愿者一表。\n\n例：lou report volunteers --from 2026-01-01 --to 2026-06-30",
        "Per volunteer: rounds served, tasks done, books carried, last served; Party members "
        "counted (phones masked unless --show-contact).\n\nBooks carried: per walk reported "
        "done, the distinct books it moved, each counted once (not those reported not seen); "
        "the rotation report counts the same. The CSV holds 'Volunteers'.\n\n"
        "Example: lou report volunteers --from 2026-01-01 --to 2026-06-30",
    ),
    "opt.report_site": Msg(
        "只统计这个片区（编号、名称或拼音首字母，如 SHY、尚和园）。",
        "Only this site (its code, name or pinyin initials, such as SHY, 尚和园).",
    ),
    "opt.report_from": Msg(
        "时段的第一天（含），如 2026-01-01、2026年1月1日。",
        "The first day of the period (included), such as 2026-01-01 or 2026/1/1.",
    ),
    "opt.report_to": Msg(
        "时段的最后一天（含），如 2026-06-30、2026年6月30日。",
        "The last day of the period (included), such as 2026-06-30 or 2026/6/30.",
    ),
    "opt.report_format": Msg(
        "屏幕（table，默认）、csv（主表）、json、excel（xlsx，须 --output）、md、"
        "网页（html，可打印，含图表）；有 --output 时按扩展名，两者须一致。",
        "table (屏幕, screen, default), csv (main section), json, xlsx (excel; needs --output), "
        "md, html (网页, printable, with charts); with --output, from the file's extension, "
        "which must agree.",
    ),
    "opt.report_output": Msg(
        "写入这个文件（不给则输出到屏幕）。", "Write to this file (default: print it)."
    ),
    "labels": Msg(
        "打印图书或图书箱的标签（A4 标签纸，带二维码）。\n\n例：lou labels boxes --only SHY-01 --output 标签.html",
        "Printable labels with QR codes for books or boxes (A4 label sheets).\n\nExample: lou labels boxes --only SHY-01 --output 标签.html",
    ),
    "labels.books": Msg(
        "图书标签：编号、二维码、书名（不含已下架的）。\n\n"
        "例：lou labels books --output 图书标签.html --since 2026-11-01",
        "Book labels: code, QR code and title (withdrawn books left out).\n\n"
        "Example: lou labels books --output labels.html --since 2026-11-01",
    ),
    "labels.boxes": Msg(
        "图书箱标签：编号、二维码、片区、楼栋和单元（不含已撤销的）。\n\n"
        "例：lou labels boxes --output 书箱标签.html --only SHY-01 --only SHY-02",
        "Box labels: code, QR code, site, building and unit (retired boxes left out).\n\n"
        "Example: lou labels boxes --output box-labels.html --only SHY-01 --only SHY-02",
    ),
    "opt.labels_output": Msg(
        "要写出的网页文件（.html），用浏览器打开后打印。",
        "The web page (.html) to write; open it in a browser and print.",
    ),
    "opt.labels_only": Msg(
        "只打印这些编号（可重复，或用 、，, ； 或空格隔开）。",
        "Only these codes (repeat, or separate with , 、 ; or spaces).",
    ),
    "opt.labels_since": Msg(
        "只打印这天及以后入藏的图书/新设的图书箱，如 2026-11-01。",
        "Only books added (boxes set up) on or after this day, such as 2026-11-01.",
    ),
    "opt.labels_sheet": Msg(
        "标签纸规格：3x8（70×37 mm，默认）、3x7（70×42.3 mm）、2x8（105×37 mm）。",
        "Label sheet: 3x8 (70×37 mm, the default), 3x7 (70×42.3 mm) or 2x8 (105×37 mm).",
    ),
    "opt.labels_skip": Msg(
        "第一页跳过前几张（用半张用过的标签纸时）。",
        "Labels to leave blank at the start of the first sheet (a partly used sheet).",
    ),
}

from lou_library import messages as _m  # noqa: E402 - after HELP, which it merges

_m.HELP.update(HELP)
