"""The message catalogue: every user-facing sentence, in Chinese and English.

Names are ``AREA_WHAT``; fields in braces are filled by the caller. Help texts for the
command line live in :data:`HELP`, keyed by the ``@key`` strings the CLI modules use.
"""

from __future__ import annotations

from lou_library.i18n import Msg

# ---------------------------------------------------------------------- the store
STORE_MISSING = Msg(
    "找不到数据库 {path}。请先运行 `lou init` 新建（或 `lou init --demo` 载入示例网络）。",
    "No database at {path}. Start with `lou init` (or `lou init --demo` for the demo network).",
)
STORE_MISSING_BACKED_UP = Msg(
    "找不到数据库 {path}，但旁边有它的 {n} 个备份：用 `lou db restore --latest` 取回最近的一个"
    "（`lou db restore` 列出全部）。不要用 `lou init`，那会新建一个空的数据库。",
    "No database at {path}, but {n:# backup of it lies|# backups of it lie} beside it: `lou db restore "
    "--latest` brings back the newest (`lou db restore` lists them). Not `lou init`: that "
    "starts an empty database.",
)
STORE_CORRUPT = Msg(
    "数据库文件 {path} 无法读取：{reason}。文件未做任何改动；可用 `lou db restore` 从备份恢复。",
    "The database file {path} cannot be read: {reason}. It was left untouched; "
    "`lou db restore` brings back a backup.",
)
RESTORE_NAME_OR_LATEST = Msg(
    "请只选一个：备份 {name}，或者 --latest（最新的备份）；未做任何更改。",
    "Choose one: the backup {name} or --latest (the newest backup); nothing was changed.",
)
BACKUP_CORRUPT = Msg(
    "备份 {name} 无法读取：{reason}。数据库未做任何改动；请换一个备份（`lou db restore` 列出全部）。",
    "The backup {name} cannot be read: {reason}. The database was left untouched; choose "
    "another backup (`lou db restore` lists them).",
)
GZIP_DAMAGED = Msg("压缩文件不完整或已损坏", "the compressed file is cut short or damaged")
STORE_EMPTY = Msg("文件是空的", "the file is empty")
STORE_NOT_JSON = Msg(
    "不是有效的 JSON（第 {line} 行第 {column} 列出错）",
    "it is not valid JSON (an error at line {line}, column {column})",
)
STORE_BOM = Msg(
    "开头有字节顺序标记（BOM），不是 lou 写的数据库文件",
    "it begins with a byte order mark (BOM), which no lou database file has",
)
STORE_TABLE_NOT_JSON = Msg(
    "其中的数据表 {table} 不是有效的 JSON", "its table {table} is not valid JSON"
)
STORE_NOT_TABLES = Msg("不是 lou 的数据表格式", "it is not a table of lou records")
STORE_NO_SCHEMA = Msg("缺少结构版本号（schema_version）", "it has no schema_version")
STORE_NEWER = Msg(
    "数据库 {path} 的结构版本是 {found}，而本程序只认识到 {supported}。请升级 lou-library 后再用；文件未做改动。",
    "The database {path} has schema version {found}, newer than this program knows "
    "({supported}). Upgrade lou-library; the file was left untouched.",
)
STORE_OLDER = Msg(
    "数据库 {path} 的结构版本是 {found}，需要升级到 {supported}：请运行 `lou db migrate`（升级前自动备份）。",
    "The database {path} has schema version {found}; this program needs {supported}. "
    "Run `lou db migrate` (it takes a backup first).",
)
STORE_NO_MIGRATION = Msg(
    "不知道如何把数据库 {path} 从结构版本 {found} 升级；文件未做改动。",
    "No migration is known from schema version {found} for {path}; the file was left untouched.",
)
STORE_BUSY = Msg(
    "数据库 {path} 正被另一个命令占用（{owner}），已等待 {seconds} 秒。请稍后再试；未做任何更改。",
    "The database {path} is in use by another command ({owner}); waited {seconds} s. "
    "Try again shortly; nothing was changed.",
)
STORE_WRITE_FAILED = Msg(
    "无法写入数据库 {path}：{reason}。数据库保持原样，未做任何更改。",
    "Could not write the database {path}: {reason}. It is unchanged.",
)
STORE_BACKUP_FAILED = Msg(
    "无法备份数据库 {path}：{reason}。为安全起见，未做任何更改。",
    "Could not back up the database {path}: {reason}. To be safe, nothing was changed.",
)
BACKUP_PROCESS_STOPPED = Msg(
    "备份进程被信号 {signal} 终止（系统内存不足时会这样）",
    "its process was stopped by signal {signal} (as the system does when memory runs out)",
)
STORE_EXISTS = Msg(
    "数据库 {path} 已经存在。确需重新建立请加 --force（旧文件会先自动备份）。",
    "The database {path} already exists. Add --force to replace it (the old file is backed up first).",
)
BACKUP_NOT_FOUND = Msg(
    "找不到备份 {name}。`lou db restore` 不带参数可列出 {folder} 中的备份。",
    "No backup {name}. `lou db restore` without arguments lists the backups in {folder}.",
)
STORE_NOT_A_FILE = Msg(
    "数据库路径 {path} 不是文件名（是文件夹或空路径）。请给出像 {path}/lou.json 这样的文件。",
    "The database path {path} is not a file name (a folder, or empty). Give a file such as {path}/lou.json.",
)
STORE_PARENT_NOT_FOLDER = Msg(
    "无法使用数据库 {path}：{parent} 是一个文件，不是文件夹。",
    "Cannot use the database {path}: {parent} is a file, not a folder.",
)
# PostgreSQL (lou --db postgresql://...)
PG_NOT_INSTALLED = Msg(
    "要使用 PostgreSQL 数据库 {path}，请先安装驱动：pip install 'lou-library[postgres]'。未做任何更改。",
    "To use the PostgreSQL database {path}, install its driver first: "
    "pip install 'lou-library[postgres]'. Nothing was changed.",
)
PG_FAILED = Msg(
    "PostgreSQL 数据库 {path} 拒绝了这条命令：{reason}。未做任何更改。",
    "The PostgreSQL database {path} refused the command: {reason}. Nothing was changed.",
)
PG_CONNECT_FAILED = Msg(
    "无法连接 PostgreSQL 数据库 {path}：{reason}。请检查地址、用户名和服务器是否在运行；未做任何更改。",
    "Could not connect to the PostgreSQL database {path}: {reason}. Check the address, the "
    "user and that the server is running; nothing was changed.",
)
OUTPUT_IS_DB = Msg(
    "不能写到 {path}：那是数据库或它的备份。请换一个文件名。",
    "Will not write {path}: it is the database or one of its backups. Choose another name.",
)
BAD_ENV = Msg(
    "环境变量 {name} 的值“{value}”无效。",
    "The environment variable {name} has an invalid value '{value}'.",
)
BAD_TEXT = Msg(
    "文字“{value}”含有无法识别的字节（不是 UTF-8）。",
    "The text '{value}' has bytes that are not UTF-8.",
)
UNEXPECTED = Msg(
    "遇到意外的数据（{kind}: {detail}），数据库未做改动。请运行 `lou db check` 查看；如问题仍在，请报告此错误。",
    "Unexpected data ({kind}: {detail}); the database is unchanged. Run `lou db check`; if it persists, please report it.",
)
OS_ERRORS = {
    2: Msg("文件或文件夹不存在", "No such file or directory"),
    13: Msg("没有权限", "Permission denied"),
    17: Msg("文件已存在", "File exists"),
    20: Msg("路径中有一段不是文件夹", "Not a directory"),
    21: Msg("这是一个文件夹", "Is a directory"),
    28: Msg("磁盘空间不足", "No space left on device"),
    30: Msg("只读文件系统", "Read-only file system"),
}
FILE_ERROR = Msg("无法访问文件 {path}：{reason}。", "Cannot use the file {path}: {reason}.")

# -- failures that tell the truth; files, permissions and the lock (issue 21)
FILE_ERROR_UNNAMED = Msg(
    "无法读写文件：{reason}。未做任何更改。",
    "Could not read or write a file: {reason}. Nothing was changed.",
)
SAVED_BUT_FAILED = Msg(
    "更改已保存到 {path}，但之后的一步失败了（{detail}）。请不要重复这条命令；可用 `lou info` 或 `lou db check` 查看。",
    "The change was saved to {path}, but a later step failed ({detail}). Do not run the "
    "command again; `lou info` or `lou db check` shows the result.",
)
INTERRUPTED = Msg("已中断（Ctrl-C），未做任何更改。", "Interrupted (Ctrl-C); nothing was changed.")
SAVED_THEN_INTERRUPTED = Msg(
    "已中断（Ctrl-C），但更改已经保存到 {path}。请不要重复这条命令。",
    "Interrupted (Ctrl-C) after the change was saved to {path}. Do not run the command again.",
)
BAD_LOCK_TIMEOUT = Msg(
    "环境变量 {name} 的值“{value}”无效：应为 0 到 {limit} 之间的秒数。",
    "The environment variable {name} has an invalid value '{value}': give a number of "
    "seconds from 0 to {limit}.",
)
STORE_NO_PERMISSION = Msg(
    "无权读取数据库 {path}（{reason}）。文件未做改动；请检查文件的所有者和权限（ls -l），或换用有权限的账户。",
    "No permission to read the database {path} ({reason}). It was left untouched; check the "
    "file's owner and permissions (ls -l), or use the account that owns it.",
)
STORE_READ_ONLY = Msg(
    "数据库 {path} 是只读的（或属于别的用户），lou 不会改写它；未做任何更改。确需修改，请先让它可写（chmod u+w）。",
    "The database {path} is read-only (or another user's), so lou will not rewrite it; "
    "nothing was changed. Make it writable (chmod u+w) if you mean to change it.",
)
STORE_HARD_LINKED = Msg(
    "数据库 {path} 有 {n} 个名字（硬链接）。lou 按文件名加锁，两个名字会得到两把锁，写入会把它分成两个文件；未做任何更改。请只保留一个名字（删掉另一个链接，或改用复制）。",
    "The database {path} has {n} names (hard links). lou locks a file by its name, so two "
    "names would get two locks and a write would split it in two; nothing was changed. Keep "
    "one name (remove the other link, or copy the file instead).",
)
STORE_NOT_REGULAR = Msg(
    "数据库路径 {path} 不是普通文件（是管道、设备或套接字），lou 不会打开它。",
    "The database path {path} is not a regular file (a pipe, a device or a socket); lou "
    "will not open it.",
)
STORE_FOREIGN_LINK = Msg(
    "不会使用 {path}：它是别的用户放在共享文件夹里的符号链接，可能指向别人的数据。请直接给出数据库文件的路径。",
    "Will not use {path}: it is a symbolic link another user put in a shared folder, and it "
    "may lead to someone else's data. Give the database file's own path.",
)
FILE_READ_ONLY = Msg(
    "不会替换 {path}：它是只读的，或属于别的用户，你不能直接改写它。请换一个文件名。",
    "Will not replace {path}: it is read-only or another user's, and you could not write it "
    "in place. Choose another name.",
)
FILE_IS_FOLDER = Msg(
    "不会写入 {path}：这是一个文件夹。请给出文件名，例如 {path}/报表.xlsx。",
    "Will not write {path}: it is a folder. Give a file name, such as {path}/report.xlsx.",
)
FILE_NOT_REGULAR = Msg(
    "不会写入 {path}：它不是普通文件（是管道、设备或套接字）。请换一个文件名。",
    "Will not write {path}: it is not a regular file (a pipe, a device or a socket). Choose "
    "another name.",
)
FILE_FOREIGN_LINK = Msg(
    "不会写入 {path}：它是别的用户放在共享文件夹里的符号链接，可能指向你的其他文件。请换一个文件名。",
    "Will not write through {path}: it is a symbolic link another user put in a shared "
    "folder, and it may point at one of your files. Choose another name.",
)
BAD_DATE_RANGE = Msg(
    "{what} 的日期 {value} 超出范围：只接受 {low} 年到 {high} 年之间的日期。",
    "The date {value} for {what} is out of range: give a date from the year {low} to {high}.",
)

# ------------------------------------------------------------------ general words
YES = Msg("是", "yes")
NO = Msg("否", "no")
DID_YOU_MEAN = Msg("您是不是要找 {codes}？", " Did you mean {codes}?")
AND_MORE = Msg("……另有 {n} 处问题未列出", "… and {n} more")
NOTHING_TO_CHANGE = Msg(
    "没有要修改的内容：请至少给出一个选项。", "Nothing to change: give at least one option."
)
NOTHING_FOUND = Msg("没有找到符合条件的记录", "Nothing matches")
EMPTY_FIELD = Msg("{what}不能为空。", "The {what} cannot be empty.")
FIELD_TOO_LONG = Msg(
    "{what}太长了（最多 {limit} 个字）。", "The {what} is too long (at most {limit} characters)."
)
FIELD_NAME = Msg("名称", "name")
FIELD_TITLE = Msg("书名", "title")
FIELD_BUILDING = Msg("楼栋", "building")
FIELD_UNIT = Msg("单元", "unit")
WHAT_SITE = Msg("片区", "site")
WHAT_BOX = Msg("图书箱", "box")
BAD_CODE = Msg(
    "{what}编号“{code}”不合格式：只能用字母、数字和短横线，最多 12 位。",
    "The {what} code '{code}' is not valid: letters, digits and hyphens, at most 12.",
)
BAD_CHOICE = Msg(
    "{what} 的值“{value}”无效；可选：{choices}。",
    "'{value}' is not a valid {what}; choose one of: {choices}.",
)
DUPLICATE_CODE = Msg("编号 {code} 已被使用。", "The code {code} is already taken.")
BACKED_UP = Msg("已备份到 {path}", "Backed up to {path}")
BACKUP_REASONS = {  # why a backup was taken, as the backup list shows it
    "manual": Msg("手动备份", "by hand"),
    "apply": Msg("执行轮换前", "before a rotation"),
    "undo": Msg("撤销轮换前", "before an undo"),
    "import": Msg("导入前", "before an import"),
    "before-init": Msg("整库被替换前", "before the database was replaced"),  # init/copy --force
    "before-restore": Msg("恢复备份前", "before a restore"),
    "repair": Msg("修复前", "before a repair"),
    "before-migrate": Msg("升级结构前", "before a migration"),
}
DEPOT_NAME = Msg("社区图书室", "depot")

# -------------------------------------------------------------------------- sites
NO_SITE = Msg("没有片区 {code}。{hint}", "No site {code}.{hint}")
DUPLICATE_SITE_NAME = Msg("已经有名为“{name}”的片区了。", "There is already a site named '{name}'.")
DEPOT_IS_PERMANENT = Msg(
    "社区图书室是书的“家”，不能撤销。", "The depot (community library room) cannot be retired."
)
ALREADY_RETIRED = Msg("{code} 已经撤销了。", "{code} is already retired.")
SITE_HAS_BOXES = Msg(
    "片区 {code} 还有在用的图书箱（{boxes}），请先撤销这些图书箱。",
    "Site {code} still has boxes in use ({boxes}); retire them first.",
)
SITE_RETIRED = Msg("片区 {code} 已撤销。", "Site {code} is retired.")
SITE_ADDED = Msg("已新增片区 {code}（{name}）", "Added site {code} ({name})")
SITE_EDITED = Msg("已修改片区 {code}（{name}）", "Updated site {code} ({name})")
SITE_RETIRED_DONE = Msg("已撤销片区 {code}（{name}）", "Retired site {code} ({name})")
SITES_TITLE = Msg("片区", "Sites")

# -------------------------------------------------------------------------- boxes
NO_BOX = Msg("没有图书箱 {code}。{hint}", "No box {code}.{hint}")
NO_BOX_IN_DEPOT = Msg(
    "社区图书室里不设图书箱；请选择一个小区或楼院。",
    "Boxes belong to a compound or a yard, not to the depot.",
)
BAD_CAPACITY = Msg(
    "容量 {value} 不合理：应在 1 到 {limit} 册之间。",
    "A capacity of {value} is not possible: 1 to {limit} books.",
)
DUPLICATE_PLACE = Msg(
    "{building}{unit} 已经有图书箱 {code} 了。",
    "{building} {unit} already has box {code}.",
)
CAPACITY_BELOW_CONTENTS = Msg(
    "图书箱 {code} 里现有 {n} 册书，容量不能改成 {value}；请先把多出的书移走。",
    "Box {code} holds {n:# book|# books}; its capacity cannot become {value}. Move the surplus out first.",
)
BOX_RETIRED = Msg(
    "图书箱 {code} 已撤销，不能修改；`lou box reactivate {code}` 可恢复使用。",
    "Box {code} is retired and cannot be changed; `lou box reactivate {code}` brings it back.",
)
BOX_NOT_ACTIVE = Msg(
    "图书箱 {code} 当前不可用（{status}）。", "Box {code} is not in use ({status})."
)
BOX_OVER_CAPACITY = Msg("图书箱放不下：", "Not enough room in the box:")
BOX_OVER_CAPACITY_LINE = Msg(
    "{code}：现有 {now} 册，再放 {adding} 册会超过容量 {capacity} 册（可放入社区图书室，或加 --force）",
    "{code}: holds {now}, adding {adding} would exceed its capacity of {capacity} "
    "(use the depot, or --force)",
)
IMPORT_OVER_CAPACITY_LINE = Msg(
    "{code}：现有 {now} 册，再放 {adding} 册会超过容量 {capacity} 册（可把图书箱一栏留空，书先进社区图书室）",
    "{code}: holds {now}, adding {adding} would exceed its capacity of {capacity} "
    "(leave the box empty to put the books in the depot)",
)
BOX_ADDED = Msg(
    "已新增图书箱 {code}：{site} {building}{unit}", "Added box {code}: {site}, {building} {unit}"
)
BOX_EDITED = Msg("已修改图书箱 {code}", "Updated box {code}")
BOX_RETIRED_DONE = Msg(
    "已撤销图书箱 {code}；箱内 {n} 册书已记为回到社区图书室。",
    "Retired box {code}; its {n:# book is|# books are} now recorded in the depot.",
)
BOXES_TITLE = Msg("图书箱（{n} 个）", "Boxes ({n})")
BOX_OR_DEPOT = Msg("--box 和 --to-depot 只能选一个。", "Give --box or --to-depot, not both.")

# --------------------------------------------------------------------- volunteers
NO_VOLUNTEER = Msg("没有志愿者 {code}。{hint}", "No volunteer {code}.{hint}")
VOLUNTEER_FROM_ENV = Msg(
    "（这个名字来自环境变量 LOU_VOLUNTEER={name}：改正它，或用 --volunteer 指定。）",
    "(The name came from the environment variable LOU_VOLUNTEER={name}: correct it, or give "
    "--volunteer.)",
)
AMBIGUOUS_VOLUNTEER = Msg(
    "“{name}”对应不止一位志愿者：{choices}。请改用编号。",
    "'{name}' matches more than one volunteer: {choices}. Use the code instead.",
)
BAD_PHONE = Msg(
    "电话号码“{value}”不对：应为 5 到 15 位数字。",
    "'{value}' is not a phone number: 5 to 15 digits.",
)
VOLUNTEER_RETIRED = Msg(
    "志愿者 {code} 已退出（`lou volunteer reactivate {code}` 可恢复在岗）。",
    "Volunteer {code} has retired (`lou volunteer reactivate {code}` brings them back).",
)
VOLUNTEER_ADDED = Msg("已登记志愿者 {code}（{name}）", "Added volunteer {code} ({name})")
VOLUNTEER_EDITED = Msg("已修改志愿者 {code}（{name}）", "Updated volunteer {code} ({name})")
VOLUNTEER_RETIRED_DONE = Msg("志愿者 {code}（{name}）已退出", "Volunteer {code} ({name}) retired")
VOLUNTEERS_TITLE = Msg(
    "志愿者（{n} 人，其中党员 {party} 人）",
    "Volunteers ({n}, {party:# Party member|# Party members})",
)

# issue 14 (corrections): bringing back what was retired, walks that hold a box or a person
NOT_RETIRED = Msg("{code} 没有撤销，仍在使用。", "{code} is not retired; it is in use.")
SITE_REACTIVATED = Msg("片区 {code}（{name}）恢复使用", "Site {code} ({name}) is in use again")
BOX_REACTIVATED = Msg(
    "图书箱 {code} 恢复使用（{building} {unit}，目前是空的）",
    "Box {code} is in use again ({building} {unit}, empty for now)",
)
BOX_SITE_RETIRED = Msg(
    "图书箱 {code} 所在的片区 {site} 已撤销：请先 `lou site reactivate {site}`。",
    "Box {code} belongs to site {site}, which is retired: `lou site reactivate {site}` first.",
)
VOLUNTEER_REACTIVATED = Msg(
    "志愿者 {code}（{name}）重新在岗", "Volunteer {code} ({name}) is active again"
)
VOLUNTEER_OTHER_STATUS = {
    "active": Msg(
        "同名的志愿者 {codes} 已退出；要找退出的志愿者请用编号。",
        " A retired volunteer has this name: {codes}; use the code to mean them.",
    ),
    "retired": Msg(
        "同名的志愿者 {codes} 在岗，并没有退出。", " The volunteer {codes} of this name is active."
    ),
}
VOLUNTEER_NAMESAKE = Msg(
    "注意：已有同名的在岗志愿者 {others}；按姓名查找时请改用编号。",
    "Note: an active volunteer of the same name already exists: {others}; use codes to tell "
    "them apart.",
)
BOX_ON_OPEN_TASK = Msg(
    "图书箱 {code} 在第 {round} 轮的任务 {id}（{date}）中，该任务还没报告完成。"
    "请先完成它（`lou task done {id}`），或撤回这一轮（`lou rotate undo`）；未做任何更改。",
    "Box {code} is on task {id} of round {round} ({date}), not reported done yet. Finish it "
    "first (`lou task done {id}`) or take the round back (`lou rotate undo`); nothing was changed.",
)
BOX_ON_OPEN_TASK_NO_UNDO = Msg(
    "图书箱 {code} 在第 {round} 轮的任务 {id}（{date}）中，该任务还没报告完成。"
    "请先完成它（`lou task done {id}`）；未做任何更改。",
    "Box {code} is on task {id} of round {round} ({date}), not reported done yet. Finish it "
    "first (`lou task done {id}`); nothing was changed.",
)
VOLUNTEER_ON_OPEN_TASK = Msg(
    "{name}（{code}）还有第 {round} 轮的任务 {id}（{date}）没报告完成。请先把它交给别人"
    "（`lou task swap {id} --to 姓名`）、报告完成（`lou task done {id}`），或撤回这一轮"
    "（`lou rotate undo`）；未做任何更改。",
    "{name} ({code}) still has task {id} of round {round} ({date}), not reported done. Hand it "
    "to someone else (`lou task swap {id} --to NAME`), report it done (`lou task done {id}`), "
    "or take the round back (`lou rotate undo`); nothing was changed.",
)
VOLUNTEER_ON_OPEN_TASK_NO_UNDO = Msg(
    "{name}（{code}）还有第 {round} 轮的任务 {id}（{date}）没报告完成。请先把它交给别人"
    "（`lou task swap {id} --to 姓名`）或报告完成（`lou task done {id}`）；未做任何更改。",
    "{name} ({code}) still has task {id} of round {round} ({date}), not reported done. Hand it "
    "to someone else (`lou task swap {id} --to NAME`) or report it done (`lou task done {id}`); "
    "nothing was changed.",
)

# -------------------------------------------------------------------------- books
NO_BOOK = Msg("没有编号为 {code} 的图书。{hint}", "No book {code}.{hint}")
BAD_ISBN = Msg(
    "ISBN“{value}”校验位不对，或位数不是 10/13 位。",
    "'{value}' is not a valid ISBN-10 or ISBN-13 (check digit or length).",
)
BAD_CATEGORY = Msg(
    "没有分类“{value}”；可选：{choices}。", "No category '{value}'; choose one of: {choices}."
)
BAD_CATEGORY_KEY = Msg(
    "分类代码“{value}”不合格式：小写英文字母开头，2 到 24 位字母、数字、-、_。",
    "The category key '{value}' is not valid: 2 to 24 lower-case letters, digits, - or _.",
)
DUPLICATE_CATEGORY_NAME = Msg(
    "分类名“{name}”已被 {key} 使用。", "The name '{name}' is already used by {key}."
)
BAD_COPIES = Msg(
    "册数“{value}”不对：应为 1 到 {limit} 的整数。",
    "'{value}' copies is not possible: a whole number from 1 to {limit}.",
)
BAD_PAGE = Msg(
    "--limit 至少为 1，--offset 不能为负。", "--limit must be at least 1 and --offset not negative."
)
BOOK_ALREADY_THERE = Msg("{code} 已经在图书箱 {box} 里了。", "{code} is already in box {box}.")
BOOK_NOT_ON_SHELF = Msg(
    "{code} 当前是“{status}”，不能直接移动；找到了请用 `lou book found`。",
    "{code} is '{status}' and cannot be moved; if it turned up, use `lou book found`.",
)
EMPTY_QUERY = Msg(
    "请给出要查找的文字、拼音、编号或 ISBN。",
    "Give some text, pinyin, a code or an ISBN to search for.",
)
PAGE_PAST_END = Msg(
    "第 {offset} 条之后没有记录了（共 {total} 条）。",
    "Nothing after row {offset} ({total:there is #|there are #}).",
)
BOOK_ALREADY_WITHDRAWN = Msg("{code} 已经下架了。", "{code} is already withdrawn.")
BOOK_NOT_MISSING = Msg(
    "{code} 当前状态是“{status}”，并未登记为未见、遗失或下架。",
    "{code} is '{status}', not reported missing, lost or withdrawn.",
)
DONATE_NEEDS_BOX = Msg(
    "捐赠登记需要写明是在哪个图书箱发现的（--box）。",
    "A donation needs the box it was found in (--box).",
)
BOOK_ADDED = Msg(
    "已入藏 {n} 册《{title}》（{codes}），放在 {place}",
    "Added {n} × '{title}' ({codes}) to {place}",
)
BOOK_EDITED = Msg(
    "已修改 {code}《{title}》，现在在 {place}", "Updated {code} '{title}', now at {place}"
)
OPTION_EMPTY = Msg(
    "{option} 是空的：写上名称或编号，不需要时就不写这个选项；未做任何更改。",
    "{option} is empty: give a name or code, or leave the option out; nothing was changed.",
)
OPTION_EMPTY_BOOK = Msg(
    "{option} 是空的：写上书号（如 B00012），不需要时就不写这个选项；未做任何更改。",
    "{option} is empty: give a book code (such as B00012), or leave the option out; nothing "
    "was changed.",
)
BOOK_WITHDRAWN = Msg("{code}《{title}》已下架", "{code} '{title}' withdrawn")
BOOK_WITHDRAWN_MISTAKE = Msg(
    "{code}《{title}》已下架，记为误登记：捐赠报告不再计入它（登记错了可用 lou book found 找回）",
    "{code} '{title}' withdrawn as entered by mistake: the donations report leaves it out "
    "(lou book found takes it back if that was wrong)",
)
BOOK_ON_OPEN_TASK = Msg(
    "{code} 在任务 {id}（{date}）的清单上，该任务还没报告完成：请告诉志愿者这本书已下架，不用去找",
    "{code} is on the list of task {id} ({date}), not reported done yet: tell the volunteer "
    "it has been withdrawn and need not be looked for",
)
WITHDRAWN_MISTAKE = Msg("已下架（误登记）", "withdrawn (entered by mistake)")
PICK_WITHDRAWN = Msg("（已下架，不用找）", " (withdrawn: do not look for it)")
BOOK_FOUND = Msg(
    "{code}《{title}》找回来了，现在在 {place}", "{code} '{title}' is back, at {place}"
)
DONATED = Msg(
    "感谢捐赠！已登记 {n} 册《{title}》（{codes}），在图书箱 {box}。",
    "Thank you! Registered {n} × '{title}' ({codes}) in box {box}.",
)
DONATE_OVER_CAPACITY = Msg(
    "图书箱 {box} 现在超过容量了；下次轮换会把多出的书带回社区图书室。",
    "Box {box} is now over capacity; the next rotation takes the surplus back to the depot.",
)
CATEGORY_ADDED = Msg("已新增分类 {key}（{zh} / {en}）", "Added category {key} ({zh} / {en})")
PAGE_CAPTION = Msg("第 {first}–{last} 条，共 {total} 条", "{first}–{last} of {total}")
PAGE_MORE = Msg(
    "还有更多：加 --offset {offset} 查看下一页。", "More: add --offset {offset} for the next page."
)
FIND_TITLE = Msg("查找“{query}”", "Search: {query}")
HISTORY_TITLE = Msg("{code}《{title}》的流转记录", "History of {code} '{title}'")

# ------------------------------------------------------------------ import/export
IMPORT_ROW_PROBLEM = Msg("第 {row} 行：{reason}", "row {row}: {reason}")
IMPORT_REJECTED = Msg(
    "导入未进行：发现 {n} 处问题，数据库没有任何改动。请改正后重新导入：",
    "Nothing was imported: problems found: {n}; the database is unchanged. Fix them and import again:",
)
IMPORT_EMPTY = Msg("文件里没有可导入的图书。", "The file has no books to import.")
# -- absurd imports are refused before any work (issue 21)
IMPORT_IGNORED_COLUMN = Msg("已忽略不认识的列“{column}”", "Ignored the unknown column '{column}'")
IMPORT_TITLE = Msg("导入 {file}", "Import of {file}")
IMPORT_DRY_RUN = Msg(
    "试运行：新增 {new} 册（{rows} 行），更新 {updated} 册，未变 {unchanged} 册。"
    "数据库未改动；去掉 --dry-run 即正式导入。",
    "Dry run: {new:# new book|# new books} ({rows:# row|# rows}), {updated} updated, {unchanged} unchanged. "
    "Nothing was written; drop --dry-run to import.",
)
IMPORT_DONE = Msg(
    "已导入：新增 {new} 册（{rows} 行，编号 {codes}），更新 {updated} 册，未变 {unchanged} 册",
    "Imported: {new:# new book|# new books} ({rows:# row|# rows}, codes {codes}), {updated} updated, "
    "{unchanged} unchanged",
)
# -- imports: round trip, repeats, limits (issue 14 and 21)
IMPORT_DONE_UPDATES = Msg(
    "已导入：新增 0 册，更新 {updated} 册，未变 {unchanged} 册",
    "Imported: 0 new books, {updated} updated, {unchanged} unchanged",
)
IMPORT_NOTHING_TO_DO = Msg(
    "没有要改的：文件的 {n} 行与目录完全一致，数据库未改动。",
    "Nothing to change: {n:the # row matches|all # rows match} the catalogue; the database is unchanged.",
)
IMPORT_UPDATED_TITLE = Msg("更新的图书", "Books updated")
IMPORT_UPDATED_MORE = Msg(
    "只列出前 {shown} 册，另有 {n} 册（--json 列出全部编号）",
    "The first {shown} shown; {n} more (--json lists every code)",
)
COL_CHANGES = Msg("改动", "Changes")
IMPORT_ALREADY = Msg(
    "{file} 的这份内容已在 {date} 导入过（{rows} 行：新增 {books} 册，更新 {updated} 册）。"
    "再导入一次会把这些再做一遍（新书重复添加）。确实要再导入，请加 --again。",
    "The same content as {file} was already imported on {date} ({rows:# row|# rows}: "
    "{books:# new book|# new books}, {updated} updated); importing it again would do all that twice (new books "
    "added again). If you really mean it, add --again.",
)
IMPORT_LARGE = Msg(
    "这个文件会新增 {n} 册，超过一次 {limit} 册：请先核对“数量”列。确实无误请加 --large。",
    "This file would add {n} books, more than {limit} at once: check its copies column. "
    "If it is right, add --large.",
)
IMPORT_TOO_LARGE = Msg(
    "这个文件会新增 {n} 册，超过一次导入的上限 {limit} 册。请拆成几个文件分批导入。",
    "This file would add {n} books, over the limit of {limit} per import. "
    "Split it into several files.",
)
IMPORT_UNKNOWN_CODE = Msg(
    "目录里没有编号为 {code} 的图书。“编号”列用来更新已在 lou 里的图书（`lou book export` 导出的那样）；"
    "新书请让编号留空，或删掉这一列。",
    "no book {code} in this catalogue. The Code column updates books already in lou (as "
    "`lou book export` writes them); for new books leave it empty or delete the column.",
)
IMPORT_CODE_TWICE = Msg(
    "{code} 在第 {other} 行已出现过：一册书只能有一行。",
    "{code} is also in row {other}: one row per copy.",
)
IMPORT_CODE_COPIES = Msg(
    "有编号的一行就是一册书，“数量”只能留空或填 1（这里是 {value}）。",
    "a row with a code is one copy: the copies cell must be empty or 1 (it says {value}).",
)
IMPORT_STATUS_CHANGE = Msg(
    "{code} 的状态是“{now}”，文件里是“{value}”：导入不改状态，请用 `{command}`。",
    "{code} is {now}, the file says {value}: an import does not change a status; use `{command}`.",
)
IMPORT_PLACE_CHANGE = Msg(
    "{code} 在 {now}，文件里是 {value}：导入不搬书。请用 `lou book edit {code} --box 箱号`"
    "（或 --to-depot）。",
    "{code} is at {now}, the file says {value}: an import does not move books. "
    "Use `lou book edit {code} --box BOX` (or --to-depot).",
)
IMPORT_FIXED_CHANGE = Msg(
    "{code} 的“{column}”是“{now}”，文件里是“{value}”：这一项登记后不能改。",
    "{code} has {column} '{now}', the file says '{value}': it is kept as recorded and "
    "cannot be changed.",
)
IMPORT_NEW_STATUS = Msg(
    "新书只能放进图书箱或图书室，状态不能是“{value}”。请清空“状态”格，或去掉这一行。",
    "a new book goes into a box or the depot; its status cannot be '{value}'. Clear the "
    "Status cell or leave the row out.",
)
IMPORT_NEW_SITE = Msg(
    "片区“{value}”与图书箱 {box} 所在的片区 {site} 不一致：片区由图书箱决定。",
    "the site '{value}' does not match {box}, which is in {site}: the site follows the box.",
)
IMPORT_BAD_VALUE = Msg(
    "“{column}”一列的“{value}”不认识，可以是：{choices}。",
    "'{value}' is not a known {column}: one of {choices}.",
)
IMPORT_ISBN_MANGLED = Msg(
    "ISBN“{value}”被 Excel 显示成了科学计数法，后几位已经丢失。请把 ISBN 列设为“文本”格式后重新输入"
    "（或直接导入 lou 导出的原文件）。",
    "the ISBN '{value}' was turned into scientific notation by Excel and lost its last "
    "digits. Format the ISBN column as Text and type them again (or import the file as "
    "lou exported it).",
)
IMPORT_REPEATED_HEADER = Msg(
    "已跳过第 {row} 行：它重复了表头（两份表格拼在一起了？）",
    "Skipped row {row}: it repeats the header (two lists pasted together?)",
)
IMPORT_REPEATED_ROW = Msg(
    "第 {row} 行与第 {first} 行完全相同，两行都算（同一行粘贴了两次？多出的书可用 lou book withdraw 注销）",
    "Row {row} is the same as row {first}, and both count (a line pasted twice? extra books "
    "can be withdrawn with lou book withdraw)",
)
IMPORT_SHEET = Msg(
    "读取的是工作表“{sheet}”：打开工作簿时显示的那张（共 {n} 张）",
    "Read the sheet '{sheet}', the one the workbook opens on (it has {n})",
)
EXPORT_KIND = Msg(
    "不知道如何导出为 {path}：请用 .csv 或 .json 结尾的文件名。",
    "Cannot export to {path}: use a name ending in .csv or .json.",
)
EXPORT_DONE = Msg("已导出 {n} 册到 {path}", "Exported {n:# book|# books} to {path}")

# ------------------------------------------------------- reading import files
IMPORT_FILE_MISSING = Msg("找不到文件 {path}。", "No such file: {path}.")
IMPORT_NOT_A_FILE = Msg(
    "{path} 不是一个普通文件（也许是文件夹）。请指定要导入的表格文件。",
    "{path} is not a regular file (perhaps a folder). Give the spreadsheet file to import.",
)
IMPORT_UNREADABLE = Msg("无法读取文件 {path}：{reason}。", "Cannot read the file {path}: {reason}.")
IMPORT_BAD_SUFFIX = Msg(
    "无法导入 {path}：不支持这种文件类型。可以导入 .csv、.tsv、.txt（逗号、制表符或分号分隔）"
    "和 .xlsx 文件；.xls、.et、.ods 等请先在 Excel/WPS 里“另存为” .xlsx 或 CSV。",
    "Cannot import {path}: this kind of file is not supported. Accepted: .csv, .tsv, .txt "
    "(comma-, tab- or semicolon-separated) and .xlsx; save .xls, .et, .ods and others "
    "as .xlsx or CSV in Excel/WPS first.",
)
IMPORT_TOO_BIG = Msg(
    "文件 {path} 有 {size} MB，超过了 {limit} MB 的上限。请拆成几个较小的文件分批导入。",
    "The file {path} is {size} MB, over the {limit} MB limit. "
    "Split it into smaller files and import them one at a time.",
)
IMPORT_XLSX_TOO_BIG = Msg(
    "工作簿 {path} 解压后超过 {limit} MB，太大了。请拆成几个较小的文件分批导入。",
    "The workbook {path} unpacks to more than {limit} MB. "
    "Split it into smaller files and import them one at a time.",
)
IMPORT_TOO_MANY_ROWS = Msg(
    "文件 {path} 的数据超过 {limit} 行的上限。请拆成几个文件分批导入。",
    "The file {path} has more than {limit} data rows, the limit. Split it into several files.",
)
IMPORT_FIELD_TOO_LONG = Msg(
    "文件 {path} 第 {row} 行有一个单元格超过 {limit} 个字，不像图书目录"
    "（常见原因是某个引号没有配对）。",
    "Row {row} of {path} has a cell longer than {limit} characters, which does not look "
    "like a book list (an unmatched quote mark is the usual cause).",
)
IMPORT_BAD_ENCODING = Msg(
    "无法识别文件 {path} 的文字编码（试过 UTF-8 和 GB18030/GBK）。"
    "请在 Excel/WPS 里另存为“CSV UTF-8”后再导入。",
    "Cannot tell the text encoding of {path} (tried UTF-8 and GB18030/GBK). "
    "Save it from Excel/WPS as “CSV UTF-8” and import that.",
)
IMPORT_UTF16 = Msg(
    "文件 {path} 是 UTF-16 编码的文本（Excel 的“Unicode 文本”），不支持。"
    "请另存为“CSV UTF-8”或 .xlsx。",
    "{path} is UTF-16 text (Excel's “Unicode Text”), which is not supported. "
    "Save it as “CSV UTF-8” or .xlsx.",
)
IMPORT_LOOKS_LIKE_XLSX = Msg(
    "文件 {path} 其实是 Excel 工作簿，不是 CSV 文本。"
    "请把扩展名改成 .xlsx，或在 Excel/WPS 里另存为 CSV。",
    "{path} is really an Excel workbook, not CSV text. "
    "Rename it to end in .xlsx, or save it as CSV from Excel/WPS.",
)
IMPORT_OLD_EXCEL = Msg(
    "文件 {path} 是旧版 Excel（.xls）文件或设了打开密码的工作簿，无法读取。"
    "请在 Excel/WPS 里去掉密码，另存为 .xlsx 或 CSV。",
    "{path} is an old Excel (.xls) file or a password-protected workbook and cannot be read. "
    "Remove the password and save it as .xlsx or CSV in Excel/WPS.",
)
IMPORT_BAD_XLSX = Msg(
    "文件 {path} 不是有效的 .xlsx 工作簿（{reason}）。请用 Excel/WPS 打开后重新另存为 .xlsx。",
    "{path} is not a valid .xlsx workbook ({reason}). "
    "Open it in Excel/WPS and save it as .xlsx again.",
)
IMPORT_BAD_CSV = Msg(
    "无法解析文件 {path} 第 {row} 行：{reason}。",
    "Cannot parse row {row} of {path}: {reason}.",
)
IMPORT_EMPTY_FILE = Msg(
    "文件 {path} 是空的，连表头行都没有。",
    "The file {path} is empty: it does not even have a header row.",
)
IMPORT_NO_TITLE = Msg(
    "文件 {path} 的表头（第 {row} 行）里没有书名列。表头必须是第一个非空行，"
    "书名列可以叫：{accepted}。找到的表头：{found}。",
    "The header row of {path} (row {row}) has no title column. The header must be the "
    "first non-empty row, and the title column may be called: {accepted}. "
    "Headers found: {found}.",
)
IMPORT_DUPLICATE_COLUMN = Msg(
    "文件 {path} 中“{first}”和“{second}”两列指的是同一项（{field}），请只保留其中一列。",
    "In {path}, the columns “{first}” and “{second}” both mean the same field ({field}); "
    "keep only one of them.",
)
# -- reading import files: what went wrong silently before (issue 21)
IMPORT_TOO_MANY_COLUMNS = Msg(
    "文件 {path} 的表头（第 {row} 行）有 {n} 列，不像图书目录（最多 {limit} 列）。",
    "The header of {path} (row {row}) has {n} columns, which is not a book list (at most {limit}).",
)
IMPORT_SECOND_HEADER = Msg(
    "文件 {path} 第 {row} 行又是一个表头（“{cell}”），但各列与第 {first} 行的表头不同："
    "两份表格拼在一起了？请分成两个文件分别导入。",
    "Row {row} of {path} is a second header ('{cell}') with other columns than the header "
    "in row {first}: two lists pasted together? Split them into two files.",
)
IMPORT_MIXED_ENCODING = Msg(
    "文件 {path} 第 {row} 行是 {odd} 编码，而文件其余部分是 {main}（两个文件拼在一起了？）。"
    "请统一另存为一种编码（Excel/WPS 里选“CSV UTF-8”）后再导入。",
    "Row {row} of {path} is in {odd} while the rest of the file is {main} (two files pasted "
    "together?). Save it again in one encoding (“CSV UTF-8” in Excel/WPS) and import that.",
)
IMPORT_UNCLOSED_QUOTE = Msg(
    "文件 {path} 第 {row} 行有一个单元格跨了 {lines} 行，把下面的行也吞了进去："
    '这里多半有一个没有配对的引号（"）。请在 Excel/WPS 或文本编辑器里改正。',
    "Row {row} of {path} has a cell running over {lines} lines that takes in the rows "
    'below it: a quote mark (") there is probably not closed. Fix it in Excel/WPS or a '
    "text editor.",
)
IMPORT_DATE_CELL = Msg(
    "文件 {path} 第 {row} 行“{column}”列是一个日期（{value}）：Excel 把输入的文字当成了日期。"
    "请把这一列设为“文本”格式后重新输入。",
    "Row {row} of {path}, column '{column}', holds a date ({value}) where text was "
    "expected: Excel took what was typed for a date. Format the column as Text and type "
    "it again.",
)

# ----------------------------------------------------------------- init and info
INIT_DONE = Msg(
    "已新建数据库 {path}（只有社区图书室）。下一步：`lou site add`、`lou box add`、`lou book import`。",
    "Created {path} (just the depot). Next: `lou site add`, `lou box add`, `lou book import`.",
)
INIT_DONE_DEMO = Msg(
    "已新建示例数据库 {path}：{sites} 个片区、{boxes} 个图书箱、{books} 册书、{volunteers} 位志愿者。",
    "Created the demo database {path}: {sites:# site|# sites}, {boxes:# box|# boxes}, "
    "{books:# book|# books}, {volunteers:# volunteer|# volunteers}.",
)
DEMO_MISSING = Msg(
    "示例数据 {path} 缺失或不完整；请重新安装 lou-library。",
    "The demo data {path} is missing or incomplete; reinstall lou-library.",
)
DEMO_INTRO = Msg(
    "这是一个全新的示例网络，存放在临时文件 {path}；您自己的数据库不受影响。",
    "A fresh demo network in a temporary file, {path}; your own database is not touched.",
)
DEMO_NEXT = Msg(
    "上面是示例网络的下一轮轮换预览。可以接着试：lou --db {path} rotate apply，或 lou --db {path} book find swgwsm",
    "Above: the demo network's next rotation, as a preview. Try next: lou --db {path} rotate apply, "
    "or lou --db {path} book find swgwsm",
)
INFO_TITLE = Msg("楼道图书角", "Corridor book corners")
INFO_DB = Msg("数据库", "Database")
INFO_SIZE = Msg("大小", "Size")
INFO_SCHEMA = Msg("结构版本", "Schema version")
INFO_SITES = Msg("片区", "Sites")
INFO_SITES_VALUE = Msg(
    "{total}（小区 {compound}，楼院 {yard}）",
    "{total} ({compound:# compound|# compounds}, {yard:# yard|# yards})",
)
INFO_BOXES = Msg("图书箱", "Boxes")
INFO_BOOKS_VALUE = Msg(
    "{total}（{parts}）；另有已下架 {withdrawn} 册，不计入",
    "{total} ({parts}); withdrawn {withdrawn}, not counted",
)
INFO_NEXT_ROUND = Msg("下一轮", "Next round")
INFO_NEXT_ROUND_VALUE = Msg("第 {number} 轮，{date}", "round {number}, {date}")
LIST_SEPARATOR = Msg("，", ", ")
INFO_BOOKS = Msg("图书", "Books")
INFO_VOLUNTEERS = Msg("志愿者", "Volunteers")
INFO_VOLUNTEERS_VALUE = Msg(
    "{total}（党员 {party}）", "{total} ({party:# Party member|# Party members})"
)
INFO_BACKUPS = Msg("备份", "Backups")

# ---------------------------------------------------------------------- db ...
CHECK_TITLE = Msg("{path} 的检查结果", "Problems in {path}")
CHECK_OK = Msg(
    "{path} 完好：文件、结构版本和各项记录都一致。",
    "{path} is sound: the file, its schema and its records agree.",
)
CHECK_FAILED = Msg("发现 {n} 处问题（见上表）。", "Problems found: {n} (see above).")
CHECK_NO_CODE = Msg("表 {table} 中有记录缺少编号", "a record in {table} has no code")
CHECK_DUPLICATE = Msg("编号 {code} 出现了 {n} 次", "the code {code} appears {n} times")
CHECK_NO_DEPOT = Msg("缺少社区图书室（DEPOT）", "the depot (DEPOT) is missing")
CHECK_BOX_SITE = Msg(
    "图书箱 {code} 所属片区 {site} 不存在",
    "box {code} belongs to a site {site} that does not exist",
)
CHECK_BOOK_BOX = Msg(
    "图书 {code} 记在图书箱 {box}，但该箱不存在",
    "book {code} is in box {box}, which does not exist",
)
CHECK_BOOK_RETIRED = Msg(
    "图书 {code} 记在已撤销的图书箱 {box}", "book {code} is in box {box}, which is retired"
)
CHECK_BOOK_STRAY = Msg(
    "图书 {code} 不在箱中，却仍记着图书箱 {box}", "book {code} is not in a box yet names box {box}"
)
CHECK_BOOK_CATEGORY = Msg(
    "图书 {code} 的分类“{key}”不在分类表里（lou book category list）：用 lou book edit {code} --category 改正",
    "book {code} has the category '{key}', which is not in the categories (lou book category "
    "list): correct it with lou book edit {code} --category",
)
BOOK_CODE_TAKEN = Msg(
    "新书要用的编号 {code} 已经有书了（编号计数器落后了，文件可能被改过）：请先运行 lou db check --repair；未做任何更改。",
    "The code {code} the new book would take is in use already (the code counter is behind; "
    "was the file edited?): run lou db check --repair first; nothing was changed.",
)
CHECK_COUNTER_BEHIND = Msg(
    "计数器 {counter} 的下一个号是 {next}，但 {highest} 号已经有了：新记录会和已有的重号（--repair 会把它调到后面）",
    "the counter {counter} would give {next} next, but number {highest} is in use already: a "
    "new record would take an existing number (--repair moves it on)",
)
CHECK_VOLUNTEER_SITE = Msg(
    "志愿者 {code} 负责的片区 {site} 不存在",
    "volunteer {code} serves a site {site} that does not exist",
)
CHECK_EVENT_BOOK = Msg(
    "有 {n} 条流转记录指向不存在的图书 {code}",
    "{n:# history entry points|# history entries point} to a book {code} that does not exist",
)
CHECK_TASK_VOLUNTEER = Msg(
    "任务 {id} 派给了不存在的志愿者 {code}",
    "task {id} belongs to a volunteer {code} who does not exist",
)
CHECK_TASK_NOWHERE = Msg(
    "任务 {id} 指向不存在的轮次 {round} 或图书箱（{boxes}）",
    "task {id} points to a round {round} or boxes ({boxes}) that do not exist",
)
CHECK_STALE_UNDO = Msg(
    "第 {number} 轮还保存着撤销信息，但只有最近一轮可以撤销",
    "round {number} still keeps undo data, though only the last round can be undone",
)
CHECK_NESTED_UNDO = Msg(
    "第 {number} 轮的撤销信息里嵌套了更早各轮的记录（结构版本 2 的问题）",
    "the undo data of round {number} nests the records of earlier rounds (a schema 2 problem)",
)
CHECK_TOO_DEEP = Msg(
    "文件嵌套了 {depth} 层，超过数据结构允许的 {limit} 层",
    "the file nests {depth} levels deep; the schema has at most {limit}",
)
CHECK_PADDED = Msg(
    "文件有 {size}，而其中的记录只需 {needed}（多余的空白或手工编辑）",
    "the file takes {size} while its records need {needed} (padding or a hand edit)",
)
CHECK_REPAIRED = Msg(
    "已修复 {n} 处（修复前已备份到 {path}）。",
    "Repaired {n:# record|# records} (backed up first to {path}).",
)
CHECK_NOTHING_TO_REPAIR = Msg(
    "没有可以自动修复的问题；其余问题需要人工判断。",
    "Nothing can be repaired automatically; the rest need a person to decide.",
)
# -- db check --repair tells what it left, and why (issue 21)
CHECK_MAYBE_TYPO = Msg(
    "可能是 {codes} 的笔误，请人工改正（不自动修复）",
    "it may be a typo for {codes}: fix it by hand (not repaired automatically)",
)
CHECK_SITE_STILL_USED = Msg(
    "但仍有图书箱属于片区 {site}，请人工判断（不自动修复）",
    "yet boxes still belong to {site}: a person must decide (not repaired automatically)",
)
CHECK_LEFT = Msg(
    "修复已保存；还有 {n} 处问题需要人工处理（见上表），再运行 `lou db check` 复查。",
    "The repairs were saved; {n:# problem is|# problems are} left for a person to fix (see above). "
    "Run `lou db check` again afterwards.",
)
CHECK_BAD_TEXT = Msg(
    "{table} 中的记录 {code} 的 {field} 含有控制字符或方向控制符（{chars}），Excel 报表无法保存它们",
    "the record {code} in {table} has control or direction characters ({chars}) in {field}, "
    "which an Excel report cannot hold",
)
COL_BOOKS_IN_BACKUP = Msg("图书", "Books")
CLOCK_BEHIND_BACKUPS = Msg(
    "注意：电脑时钟（{now}）早于最新一份备份的时间（{newest}），请检查日期和时区设置。备份按生成顺序编号保留，新备份不会因此被删除。",
    "Note: the clock ({now}) is behind the newest backup ({newest}); check the date and "
    "time zone. Backups are kept by the order they were made, so the new one is safe.",
)
BACKUP_LEGACY = Msg("（旧版备份）", " (earlier version)")
NO_BACKUPS = Msg("{folder} 中还没有备份。", "There are no backups in {folder} yet.")
NO_READABLE_BACKUP = Msg(
    "{folder} 中没有能恢复的备份：{names} 都读不出来（已损坏、来自更新版本的 lou，或是别的数据库的旧备份）。"
    "`lou db restore 文件名` 会说明每一个的原因。",
    "No backup in {folder} can be restored: {names} cannot be read (damaged, from a newer lou, "
    "or an old backup that may be another database's). `lou db restore NAME` says why for "
    "each.",
)
BACKUPS_TITLE = Msg("备份（{folder}）", "Backups in {folder}")
RESTORE_HOW = Msg(
    "恢复：lou db restore 备份文件名（或 --latest 恢复最新的一份）；恢复前会先备份当前文件。",
    "To restore: lou db restore NAME (or --latest); the current file is backed up first.",
)
RESTORED = Msg(
    "已用备份 {name} 恢复 {path}：现有 {books} 本书",
    "Restored {path} from {name}: {books:# book|# books}",
)
COPIED = Msg(
    "已把 {source} 复制到 {dest}：{books} 本书，{boxes} 个图书箱，{rounds} 轮轮换。",
    "Copied {source} to {dest}: {books:# book|# books}, {boxes:# box|# boxes}, "
    "{rounds:# round|# rounds}.",
)
COPY_SAME = Msg(
    "源和目标是同一个数据库（{path}）；未做任何更改。",
    "The source and the destination are the same database ({path}); nothing was changed.",
)
MIGRATE_NOTHING = Msg(
    "数据库已是最新结构版本 {version}，无需升级。",
    "The database is already at schema version {version}; nothing to do.",
)
MIGRATED = Msg(
    "数据库已从结构版本 {old} 升级到 {new}。",
    "Migrated the database from schema version {old} to {new}.",
)

# issue 14 (records validated on read): what a field should hold
STORE_BAD_RECORD = Msg(
    "数据库 {path} 中有一条记录不合格式：{problem}。数据库未做改动；运行 `lou db check` 查看所有问题。",
    "The database {path} has a record that does not fit: {problem}. Nothing was changed; "
    "`lou db check` lists every such record.",
)
CHECK_BAD_FIELD = Msg(
    "{table} 中的记录 {record}，字段 {field}：应为{expected}；实为 {found}",
    "record {record} in {table}, field {field}: expected {expected}; found {found}",
)
FOUND_NOTHING = Msg("空（缺少此字段）", "nothing (the field is missing)")
EXPECT_TEXT = Msg("文字", "text")
EXPECT_CODE = Msg("非空的编号", "a code (non-empty text)")
EXPECT_TEXT_OR_NONE = Msg("文字或 null", "text or null")
EXPECT_WHOLE = Msg("整数", "a whole number")
EXPECT_POSITIVE = Msg("正整数", "a whole number of at least 1")
EXPECT_NATURAL = Msg("不小于 0 的整数", "a whole number of at least 0")
EXPECT_FLAG = Msg("true 或 false", "true or false")
EXPECT_DATE = Msg("日期（如 2026-12-05）", "a date such as 2026-12-05")
EXPECT_LEGS = Msg(
    "一组“起点、终点、图书编号”的搬运段（from、to、books）",
    "a list of legs, each with from, to and books (codes separated by spaces)",
)
EXPECT_TEXTS = Msg("文字列表", "a list of texts")
EXPECT_LIST = Msg("列表", "a list")
EXPECT_MAPPING = Msg("键值表", "a mapping")
EXPECT_COUNTERS = Msg("名称到整数的键值表", "a mapping of names to whole numbers")
EXPECT_SETTINGS = Msg(
    "设置键值表（rotation 中 start 为日期、interval_days 为整数……）",
    "a mapping of settings (rotation: start a date, interval_days a whole number, ...)",
)
EXPECT_RECENT = Msg(
    "轮次号到图书编号（空格分隔）的键值表",
    "a mapping of round numbers to book codes (space-separated)",
)
EXPECT_AWAY = Msg(
    "外出时段列表（每段有 from 和 to 日期）", "a list of periods away, each with dates from and to"
)
EXPECT_ONE_OF = Msg("以下之一：{values}", "one of: {values}")
EXPECT_HOURS = Msg("大于 0、不超过 24 的小时数", "hours, more than 0 and at most 24")
EXPECT_NUMBER = Msg("数", "a number")

# ---------------------------------------------------------------------- rotation
BAD_DATE = Msg(
    "{what} 的日期“{value}”看不懂：请写成 2026-12-05、2026/12/5、2026年12月5日 或 12月5日 这样。",
    "{what}: '{value}' is not a date; write it as 2026-12-05, 2026/12/5, 2026年12月5日 or 12月5日.",
)
BAD_SHARE = Msg(
    "{what} 的值 {value} 不合理：应在 0 到 1 之间（如 0.02 表示 2%）。",
    "{what} {value} is not possible: a share from 0 to 1 (0.02 is 2%).",
)
BAD_ROUNDS = Msg(
    "轮数 {value} 不合理：应在 1 到 {limit} 之间。", "{value} rounds is not possible: 1 to {limit}."
)
MAKEUP_WORKDAY = Msg("调休上班日", "make-up working day")
ROUND_DATE_TOO_EARLY = Msg(
    "{date} 不能作为新一轮的日期：第 {number} 轮定在 {previous}，新一轮须在其后。",
    "{date} cannot be the next round's date: round {number} is on {previous}, the next must come after it.",
)
ROUND_DATE_TOO_LATE = Msg(
    "{date} 不能作为这一轮的日期：日程里第 {number} 轮在 {next}，这一轮须在它之前"
    "（要整体改期，请用 lou schedule set）。",
    "{date} cannot be this round's date: round {number} is on {next} in the schedule, and "
    "this one must come before it (to move the whole schedule, use lou schedule set).",
)
ROUND_NOT_YET_DUE = Msg(
    "第 {number} 轮（{date}）已经安排好了，还没到日子；等它完成后再安排下一轮。如需重排，请先 `lou rotate undo`。",
    "Round {number} ({date}) is already applied and still ahead; apply the next one after it. "
    "To redo it, `lou rotate undo` first.",
)
ROUND_NOT_YET_DUE_NO_UNDO = Msg(
    "第 {number} 轮（{date}）已经安排好了，还没到日子；等它完成后再安排下一轮。",
    "Round {number} ({date}) is already applied and still ahead; apply the next one after it.",
)
ROUND_AHEAD_NOTE = Msg(
    "注意：第 {number} 轮（{date}）还没进行；本预览假定它按计划完成。",
    "Note: round {number} ({date}) is still ahead; this preview assumes it goes as planned.",
)
ROTATE_NO_BOXES = Msg(
    "没有在用的图书箱，无法轮换。请先 `lou box add`。",
    "There are no boxes in use to rotate; add some with `lou box add`.",
)
ROTATE_BORROWED = Msg(
    "片区 {site} 当天没有可用的志愿者，建议由邻近片区 {other} 的 {name} 代劳。",
    "No volunteer of site {site} is available that day; {name} of the neighbouring site {other} is proposed.",
)
ROTATE_NOBODY = Msg(
    "片区 {site} 找不到任何可用的志愿者：这项任务暂无人负责。",
    "Nobody is available for site {site}: this task has no volunteer yet.",
)
# ------------------------------------------------------------- rotate settings
ROTATION_SETTING_UNKNOWN = Msg(
    "没有叫 {key} 的轮换设置。可设置：{keys}。",
    "There is no rotation setting {key}. Settings: {keys}.",
)
ROTATION_SETTING_SCHEDULE = Msg(
    "{key} 属于日程，请用 lou schedule set 设置。",
    "{key} belongs to the schedule: set it with lou schedule set.",
)
ROTATION_SETTING_FIXED = Msg(
    "{key} 不能改：图书每半月轮换一次（两轮相隔 14 天）；用 lou schedule set 可以改第 1 轮的日期。",
    "{key} cannot be changed: the books rotate every half month (14 days between rounds); "
    "lou schedule set changes round 1's date.",
)
SETTING_FIXED = Msg("不能改（每半月一轮）", "fixed (a round every half month)")
ROTATION_SETTING_BAD = Msg(
    "{key} 应为 {shown}，不是“{value}”。", "{key} must be {shown}, not “{value}”."
)
ROTATION_ROUTE_BAD = Msg(
    "路线里的片区代码不对或重复：{codes}。可用的片区：{sites}。",
    "The route names unknown or repeated sites: {codes}. Sites: {sites}.",
)
ROTATION_SETTING_SET = Msg(
    "已设置 rotation.{key} = {value}，下一轮起生效。",
    "Set rotation.{key} = {value}; it applies from the next round.",
)
COL_MEANING = Msg("含义", "Meaning")
COL_CHANGED_BY = Msg("修改方式", "Changed with")
DEFAULT_MARK = Msg("（默认）", " (default)")
ROTATION_SETTING_MEANINGS = {
    "fill": Msg(
        "书箱的目标：容量的这一比例（留出空位放捐书）",
        "A box's target: this share of its capacity (room is left for donations)",
    ),
    "change": Msg(
        "书箱每轮换掉目标的这一比例（1 = 全换；想读完一本书的读者可以少换些）",
        "The share of a box's target that changes each round (1: all; less lets readers finish a book)",
    ),
    "title_window": Msg(
        "书箱近几轮展示过的书名不再送来（其他副本也不送）",
        "Rounds in which a box does not get a title it showed again (no other copy either)",
    ),
    "leg_limit": Msg(
        "志愿者两站之间手里最多拿几册", "The most books a volunteer carries between two stops"
    ),
    "depot_limit": Msg(
        "一项任务最多从图书室取几册（送回也一样）",
        "The most books one walk takes from the library room (and brings back)",
    ),
    "window": Msg(
        "书箱记住近几轮收到过的书（这期间不再收到同一本）",
        "Rounds a box remembers the books it had (it does not get the same copy again within them)",
    ),
    "lost_after": Msg(
        "未见几轮后算作遗失", "Rounds a book can be not seen before it counts as lost"
    ),
    "max_boxes_per_task": Msg("一项任务最多几个书箱", "The most boxes in one volunteer's walk"),
    "help_margin": Msg(
        "本片区有空的志愿者时，只有他比邻近片区有空的志愿者多搬了一趟书的这一比例，"
        "才请邻近片区的人来走（100 = 总是本片区的人先走）",
        "A free neighbour walks a site's walk instead of the site's own free volunteer only when "
        "the own one has carried this share of a walk more (100: the site's own always first)",
    ),
    "route": Msg(
        "片区的顺序（未列出的按小区、家属院排在后面）：书箱按这个顺序分成步行任务",
        "The order of the sites (sites not named follow, compounds first): walks follow it",
    ),
    "interval_days": Msg("两轮之间隔几天", "Days between two rounds"),
    "skip_holidays": Msg("是否避开法定节假日", "Whether rounds avoid public holidays"),
    "start": Msg("第 1 轮的日期", "The date of round 1"),
}
ROUND_UNASSIGNED = Msg(
    "第 {number} 轮有 {n} 项任务没有人负责（{sites}）：没有执行。请先安排志愿者（lou volunteer away "
    "--cancel、lou volunteer add），或加 --allow-unassigned 照样执行。",
    "Round {number} has {n:# walk|# walks} nobody can take ({sites}): nothing was applied. "
    "Find volunteers first (lou volunteer away --cancel, lou volunteer add), or add "
    "--allow-unassigned to apply it anyway.",
)
ROUND_NOTHING_TO_MOVE = Msg(
    "第 {number} 轮没有一册书要换（还没有书，或没有别的书箱、图书室的书可以交换）：没有执行。",
    "Round {number} would move no book (no books yet, or none to exchange with another box "
    "or the library room): nothing was applied.",
)
ROUND_ALREADY_APPLIED = Msg(
    "第 {number} 轮已经执行过了，不能重复执行。", "Round {number} has already been applied."
)
REDATE_SAME = Msg(
    "第 {number} 轮已经是 {date}，没有改动。",
    "Round {number} is on {date} already; nothing changed.",
)
REDATE_TOO_EARLY = Msg(
    "{date} 不能作为这一轮的日期：第 {number} 轮在 {previous}，这一轮须在其后；未做任何更改。",
    "{date} cannot be this round's date: round {number} is on {previous}, and this one must "
    "come after it; nothing was changed.",
)
ROUND_REDATED = Msg(
    "第 {number} 轮的日期已从 {was} 改为 {date}（{n} 项任务随之改期）。通知、日历和服务时长都按新日期算；"
    "已经发出的通知请重新发一次（lou notice）。",
    "Round {number} moved from {was} to {date} ({n:# task|# tasks} with it). The notice, "
    "calendars and service hours follow the new date; send the notice again if it went out "
    "(lou notice).",
)
REDATE_AWAY = Msg(
    "任务 {tasks} 的志愿者在 {date} 请假：请换人（如 lou task swap {first} --to 姓名）。",
    "{n:The volunteer of task|The volunteers of tasks} {tasks} {n:is|are} away on {date}: "
    "hand {n:it|them} over (lou task swap {first} --to NAME).",
)
UNDO_NOTHING = Msg(
    "还没有执行过任何一轮，无可撤销。", "No round has been applied; there is nothing to undo."
)
UNDO_TOO_OLD = Msg(
    "第 {number} 轮已无法撤销：lou 只保留最近应用的一轮的撤销信息，这一轮的已经删除（之后又应用过一轮，或文件来自旧版本）。",
    "Round {number} can no longer be undone: lou keeps undo data for the last round applied "
    "only, and this round's is gone (a later round was applied, or the file comes from an "
    "older version).",
)
UNDO_TASKS_DONE = Msg(
    "第 {number} 轮不能撤销：已有任务完成（任务 {tasks}），书已经搬动了。只是日期错了的话，"
    "用 lou rotate redate 日期 改正。",
    "Round {number} cannot be undone: books have moved (tasks done: {tasks}). If only its date "
    "is wrong, lou rotate redate DATE corrects it.",
)
PLAN_UNREPORTED = Msg(
    "第 {number} 轮还有 {n} 项任务没有报告完成（任务 {tasks}）；本轮按它们已照清单搬完来排。"
    "请先问清楚，用 `lou task done` 报告。",
    "Round {number} has walks not reported done yet: {n} ({n:task|tasks} {tasks}). This round assumes "
    "they were walked as listed; ask, and report them with `lou task done`.",
)
UNDO_CHANGED_SINCE = Msg(
    "第 {number} 轮不能撤销：执行之后又有了别的改动（捐赠、新书、编辑、日程等），撤销会把它们一起抹掉。"
    "请逐本改正，或用 `lou db restore` 恢复执行前的备份（之后的改动都会丢失）。",
    "Round {number} cannot be undone: other changes were made after it (donations, new books, "
    "edits, the schedule) and an undo would erase them. Correct the books one by one, or bring "
    "back the backup taken before it with `lou db restore` (later changes are lost).",
)
ROUND_APPLIED = Msg(
    "第 {number} 轮（{date}）已执行：{moves} 册书换位，{tasks} 项任务已分派。可用 `lou task list` 查看。",
    "Round {number} ({date}) applied: {moves:# book moves|# books move}, "
    "{tasks:# task|# tasks} assigned. See `lou task list`.",
)
ROUND_UNDONE = Msg(
    "第 {number} 轮（{date}）已撤销，书目和位置恢复原样。",
    "Round {number} ({date}) undone; the catalogue is back as it was.",
)
PLAN_TITLE = Msg("第 {number} 轮 · {date}（{weekday}）", "Round {number} · {weekday} {date}")
# issue 14 (rounds are never skipped)
PLAN_LATE = Msg(
    "第 {number} 轮原定 {due}，已晚了 {days} 天；不跳过它，按今天（{date}）安排。",
    "Round {number} was due on {due} (late by {days} d); it is not skipped: it is planned "
    "for today ({date}).",
)
PLAN_PAST = Msg(
    "第 {number} 轮定在已经过去的 {date}：它的任务一分派就算逾期。如果不是补记已经做过的轮换，请改用今天或以后的日期。",
    "Round {number} is set on {date}, which has passed: its tasks are overdue as soon as "
    "they are given. Unless you are recording a rotation already done, use today or a later "
    "date.",
)
SCHEDULE_LATE_NOTE = Msg("已过日子，尚未应用（不会跳过）", "late: not applied yet (never skipped)")
SCHEDULE_START_PAST = Msg(
    "第 1 轮的日期 {date} 已经过去：这一轮已经晚了，会按应用那天安排（不会跳过）。",
    "Round 1's date, {date}, is in the past: the round is late already; it will be planned "
    "for the day it is applied (never skipped).",
)
PLAN_MOVED = Msg(
    "原定 {planned}，因“{reason}”改到 {date}。", "Moved from {planned} to {date}: {reason}."
)
PLAN_SUMMARY = Msg(
    "{moves} 册书换位，其中 {inside} 在本片区内{stay}；"
    "从图书室取 {from_depot} 册，送回图书室 {to_depot} 册；"
    "新鲜度 {fresh}（书名 {titles}）；每段路最多拿 {leg} 册。",
    "{moves:# book moves|# books move}, {inside} inside {moves:its|their} site{stay}; "
    "{from_depot:# comes|# come} from the depot and {to_depot:# goes|# go} back to it; "
    "freshness {fresh} (titles {titles}); at most {leg:# book|# books} in hand.",
)
# the share of the books changing box (straight or through the library room) that stay in
# their site, inserted into PLAN_SUMMARY and SIM_TOTALS when some book changed box
STAY_IN_SITE = Msg(
    "（换箱的书 {stay} 留在原片区）", " ({stay} of the books changing box stay in their site)"
)
PLAN_FORECAST = Msg(
    "按近 {rounds} 轮的遗失（每轮 {rate} 册），图书室约在第 {empty} 轮用完；要让每个书箱保持满额，"
    "每半年约需新收 {need} 册书。",
    "At the losses of the last {rounds:# round|# rounds} ({rate} a round), the library room runs "
    "out about round {empty}; to keep every box at its target the programme needs about "
    "{need:# new book|# new books} a half year.",
)
PLAN_SHORT = Msg(
    "有 {n} 个图书箱本轮补不满（共缺 {books} 册）：图书室没有合适的书，或一人拿不了更多。",
    "{n:# box stays below its|# boxes stay below their} target ({books:# book|# books} short): "
    "the library room has no fitting books, or one person cannot carry more.",
)
PLAN_LOST = Msg(
    "{n} 册书已连续多轮未见，本轮将记为遗失。",
    "{n:# book|# books} unseen for several rounds will be recorded as lost.",
)
PLAN_PREVIEW = Msg(
    "这只是预览，尚未写入。确认后运行 `lou rotate apply`。",
    "This is a preview; nothing was written. Run `lou rotate apply` to carry it out.",
)
PLAN_NOTHING_TO_MOVE = Msg(
    "这只是预览，尚未写入。这一轮没有一册书要换，`lou rotate apply` 不会执行它：先加书"
    "（lou book add 或 import），或再加图书箱。",
    "This is a preview; nothing was written. This round would move no book, so `lou rotate "
    "apply` will not apply it: add books (lou book add or import) or more boxes first.",
)
TASK_NO_VOLUNTEER = Msg("（无人）", "(nobody)")
# issue 15 (--json the same in every language): a plan's notes are codes and data; these
# word them (rotation.note_text).
PLAN_LOW_STOCK = Msg(
    "图书室的书不够把每个书箱补到目标：本轮每个书箱补到目标的 {share:.0%}。",
    "The library room has too few books to bring every box to its target: this round "
    "fills every box to {share:.0%} of it.",
)
PLAN_NOTES = {
    "late": PLAN_LATE,
    "past": PLAN_PAST,
    "low_stock": PLAN_LOW_STOCK,
    "unreported": PLAN_UNREPORTED,
    "borrowed": ROTATE_BORROWED,
    "nobody": ROTATE_NOBODY,
}
WEEKDAYS = Msg("周一 周二 周三 周四 周五 周六 周日", "Mon Tue Wed Thu Fri Sat Sun")

# ------------------------------------------------------------- volunteers' view
AWAY_NEEDS_END = Msg(
    "请用 --to 给出结束日期（或用 --cancel 取消请假）。",
    "Give the last day with --to (or --cancel to remove a time away).",
)
COL_AWAY = Msg("请假", "Away")
NO_ROUND = Msg("没有第 {number} 轮。", "There is no round {number}.")
NOTICE_HEAD = Msg(
    "【楼道图书角】第 {number} 轮图书轮换", "[Corridor book corners] Rotation round {number}"
)
NOTICE_DATE = Msg("时间：{date}（{weekday}）", "Date: {weekday} {date}")
NOTICE_INTRO = Msg(
    "请各位志愿者按以下安排轮换图书：", "Volunteers, here is who rotates which boxes:"
)
NOTICE_LINE = Msg(
    "任务 {task}｜{name}：{site} {route}（取出 {out} 册，放入 {into} 册）",
    "Task {task} | {name}: {site} {route} ({out:# book|# books} out, {into} in)",
)
NOTICE_DEPOT = Msg(
    "；社区图书室：取 {fetch} 册，送回 {back} 册",
    "; library room: {fetch:# book|# books} to fetch, {back} to bring back",
)
NOTICE_HANDOVER_HEAD = Msg(
    "交接（两段路线之间的书，请约好时间当面交接）：",
    "Hand-overs (books passing between two walks; agree on a time to meet):",
)
NOTICE_HANDOVER = Msg(
    "· {giver}（任务 {task}）→ {taker}（任务 {other_task}）：{n} 册，放入 {boxes}",
    "· {giver} (task {task}) → {taker} (task {other_task}): {n:# book|# books}, for {boxes}",
)
NOTICE_FOOT = Msg(
    "完成后请运行 lou task done 任务号（没见到的书用 --missing 写上），或告诉管理员。谢谢大家！",
    "When done, run lou task done TASK (list books not found with --missing), or tell the organiser. Thank you!",
)
CALENDAR_NAME = Msg("楼道图书角轮换", "Corridor book rotation")
CALENDAR_SUMMARY = Msg(
    "图书轮换第 {number} 轮：{site}（{name}）", "Book rotation round {number}: {site} ({name})"
)
CALENDAR_STOP = Msg(
    "{box}（{place}）：取出 {out} 册，放入 {into} 册", "{box} ({place}): {out} out, {into} in"
)
CALENDAR_STOP_DEPOT = Msg("{name}：取出 {out} 册，放入 {into} 册", "{name}: {out} out, {into} in")
CALENDAR_DONE = Msg("完成后：lou task done {task}", "When done: lou task done {task}")
CALENDAR_REMINDER = Msg("明天轮换图书：{site}", "Book rotation tomorrow: {site}")
CALENDAR_WRITTEN = Msg(
    "已写出 {n} 个日程到 {path}（可导入手机日历）。",
    "Wrote {path}: calendar events: {n} (import it into a phone calendar).",
)
PICK_TITLE = Msg("楼道图书角 · 取书放书清单", "Corridor book corners · pick lists")
PICK_META = Msg(
    "任务 {task} · 第 {round} 轮 · {date}（{weekday}）· {site} · {state}",
    "Task {task} · round {round} · {weekday} {date} · {site} · {state}",
)
PICK_OUT = Msg("取出 {n} 册 → {other}", "Take out {n} → {other}")
PICK_IN = Msg("放入 {n} 册 ← {other}", "Put in {n} ← {other}")
PICK_HAND_TO = Msg("交给任务 {task} {name}", "hand over to task {task}, {name}")
PICK_HAND_FROM = Msg("由任务 {task} {name} 交来", "handed over by task {task}, {name}")
IN_PARENS = Msg("（{text}）", " ({text})")
PICK_WRITTEN = Msg(
    "已写出 {n} 份清单到 {path}（用浏览器打开后打印，A4）。",
    "Wrote {path}: pick lists: {n} (open in a browser and print on A4).",
)
PICK_NONE = Msg("{name} 目前没有待办的任务。", "{name} has no open tasks.")
PICK_OVERDUE = Msg("已逾期", "OVERDUE")

# ------------------------------------------------------------------------- tasks
AWAY_BACKWARDS = Msg(
    "结束日期 {end} 早于开始日期 {start}。", "The end date {end} is before the start date {start}."
)
AWAY_NOT_FOUND = Msg(
    "{name} 没有从 {start} 开始的请假记录。", "{name} has no time away starting on {start}."
)
AWAY_ADDED = Msg(
    "已记下：{name} {start} 至 {end} 不在。", "Noted: {name} is away from {start} to {end}."
)
AWAY_CLASHES = Msg(
    "{name} 在这段时间里还有任务 {tasks}；请用 `lou task swap 任务号 --to 姓名` 交给别人。",
    "{name} has {n:task|tasks} {tasks} in that time; hand {n:it|them} over with "
    "`lou task swap ID --to NAME`.",
)
AWAY_CANCELLED = Msg(
    "已取消 {name} 从 {start} 开始的请假。", "Cancelled {name}'s time away from {start}."
)
SWAP_SAME = Msg("任务 {id} 本来就是 {name} 的。", "Task {id} is already {name}'s.")
SWAP_OTHER_SITE = Msg(
    "{name} 不负责片区 {site}；确需交给其他片区的志愿者，请加 --force。",
    "{name} does not serve site {site}; add --force to hand it to someone from another site.",
)
SWAP_AWAY = Msg(
    "不能交给 {name}：{date} 这天 {name} 不在（{start} 至 {end}，{reason}）。",
    "Cannot hand it to {name}: {name} is away on {date} ({start} to {end}, {reason}).",
)
SWAP_AWAY_NO_REASON = Msg(
    "不能交给 {name}：{date} 这天 {name} 不在（{start} 至 {end}）。",
    "Cannot hand it to {name}: {name} is away on {date} ({start} to {end}).",
)
SWAPPED = Msg("任务 {id} 已交给 {name}。", "Task {id} now belongs to {name}.")
BAD_TASK_ID = Msg(
    "任务编号“{value}”不对：应是数字，如 12。", "'{value}' is not a task number (such as 12)."
)
NO_TASK = Msg(
    "没有编号为 {id} 的任务。可用 `lou task list` 查看。", "No task {id}. See `lou task list`."
)
TASK_ALREADY_DONE = Msg("任务 {id} 已于 {at} 报告完成。", "Task {id} was reported done at {at}.")
TASK_ALREADY_DONE_AMEND = Msg(
    "任务 {id} 已于 {at} 报告完成；要补报漏掉的书，用 `lou task done {id} --amend --missing 编号`。",
    "Task {id} was reported done at {at}; to add a forgotten book, "
    "`lou task done {id} --amend --missing CODE`.",
)
# issue 14 (corrections): amending a task reported done
AMEND_NOT_DONE = Msg(
    "任务 {id} 还没报告完成，不需要 --amend：直接 `lou task done {id}`。",
    "Task {id} is not reported done yet, so there is nothing to amend: `lou task done {id}`.",
)
TASK_ALREADY_DONE_HOURS = Msg(
    "任务 {id} 已于 {at} 报告完成；要改它的服务时长，用 `lou task done {id} --amend --hours {hours}`。",
    "Task {id} was reported done at {at}; to correct the hours it took, "
    "`lou task done {id} --amend --hours {hours}`.",
)
AMEND_SAME_HOURS = Msg(
    "任务 {id} 记的就是 {hours} 小时，没有要改的。",
    "Task {id} has {hours} h recorded already; nothing to change.",
)
AMEND_NOTHING_GIVEN = Msg(
    "要补报什么？加 --missing 编号、--extra 编号@图书箱 或 --hours 时长；未做任何更改。",
    "What is to be added? Give --missing CODE, --extra CODE@BOX or --hours H; nothing was changed.",
)
AMEND_NOTHING_NEW = Msg(
    "任务 {id} 的报告里已经有这些书了，没有要补的。",
    "Task {id}'s report already lists these books; nothing to add.",
)
REOPEN_NOT_DONE = Msg(
    "任务 {id} 还没有报告完成，不用撤回。",
    "Task {id} has not been reported done: nothing to take back.",
)
REOPEN_LATER_ROUND = Msg(
    "任务 {id} 属于第 {round} 轮，之后又执行了新的一轮，它的报告已不能撤回；"
    "报错的书请用 lou book found 改正。",
    "Task {id} is of round {round}, and a later round has been applied: its report can no "
    "longer be taken back. Correct any book it got wrong with lou book found.",
)
REOPEN_NOT_PLAIN = Msg(
    "任务 {id} 的报告记了在箱中找到的书、是扫码报告的，或已经更正过，不能整个撤回；"
    "请改正其中不对的地方（lou book found、lou task done --amend、lou stocktake --undo）。",
    "Task {id}'s report recorded books found in boxes, came from scanning, or was amended: "
    "it cannot be taken back whole. Correct what is wrong in it (lou book found, lou task "
    "done --amend, lou stocktake --undo).",
)
REOPEN_BOX_GONE = Msg(
    "任务 {id} 的书要回到的图书箱 {boxes} 已不再使用，报告不能撤回；请逐本改正（lou book found）。",
    "Box {boxes}, where books of task {id} would go back, is no longer in use: the report "
    "cannot be taken back. Correct the books one by one (lou book found).",
)
REOPEN_VOLUNTEER_GONE = Msg(
    "任务 {id} 的志愿者 {name} 已经退出，撤回报告会留下一项没人能走的任务；请逐本改正。",
    "{name}, the volunteer of task {id}, has retired: taking the report back would leave an "
    "open task nobody can walk. Correct what is wrong one by one.",
)
REOPEN_BOOKS_CHANGED = Msg(
    "任务 {id} 报告未见的 {codes} 之后又有了变动（找回、移动或后来的任务），报告不能撤回；请逐本改正。",
    "{codes}, reported not seen by task {id}, changed since (found, moved or walked by a "
    "later task): the report cannot be taken back. Correct the books one by one.",
)
TASK_REOPENED = Msg(
    "任务 {id} 已撤回报告，重新待办。{books}",
    "Task {id}'s report is taken back: it is open again.{books}",
)
TASK_REOPENED_BOOKS = Msg(
    "它报告未见的 {n} 册书已按清单回到原处。",
    " The {n:# book|# books} it reported not seen {n:is|are} back where the list had {n:it|them}.",
)
AMEND_BOTH = Msg("{codes} 不能既是未见又是找到。", "{codes} cannot be both not seen and found.")
TASK_AMENDED = Msg("任务 {id} 的报告已更正：", "Task {id}'s report corrected:")
AMEND_SEEN_SINCE = Msg(
    "{codes} 在这次任务之后又被见到过（找回、移动或后来的任务），其记录保持不变；只在任务报告中记为未见。",
    "{codes} was seen after this task (found, moved, or walked by a later task): its record "
    "stays as it is; only the task's report lists it as not seen.",
)
MISSING_NOT_IN_TASK = Msg(
    "{codes} 不在任务 {id} 的清单里。", "{codes} is not on the list of task {id}."
)
EXTRA_NEEDS_BOX = Msg(
    "“{value}”要写成 编号@图书箱，图书箱须是本任务的：{boxes}。",
    "'{value}' should be CODE@BOX, with one of this task's boxes: {boxes}.",
)
EXTRA_UNKNOWN = Msg(
    "没有图书 {code}；不在书目中的书请用 `lou donate` 登记。",
    "No book {code}; register unknown books with `lou donate`.",
)
TASK_DONE = Msg(
    "任务 {id} 已完成，谢谢！",
    "Task {id} done, thank you!",
)
TASK_DONE_MISSING = Msg("{n} 册未见。", "Not seen: {n}.")
TASK_DONE_EXTRA = Msg("{n} 册在箱中找到。", "Found in the boxes: {n}.")
TASKS_TITLE = Msg("任务", "Tasks")
TASK_TITLE = Msg(
    "任务 {id} · 第 {round} 轮 · {date} · {site} · {volunteer}",
    "Task {id} · round {round} · {date} · {site} · {volunteer}",
)
TASK_STATES = {
    "open": Msg("待办", "open"),
    "done": Msg("已完成", "done"),
    "overdue": Msg("已逾期", "overdue"),
}
STATUS_TITLE = Msg("轮换情况", "Rotation status")
STATUS_NONE = Msg(
    "还没有执行过任何一轮。下一轮：第 {number} 轮，{date}。",
    "No round applied yet. Next: round {number}, {date}.",
)
HISTORY_ROUNDS_TITLE = Msg("轮换记录", "Rounds")
SCHEDULE_TITLE = Msg("轮换日程", "Rotation schedule")
SCHEDULE_SET = Msg(
    "日程已更新：第 1 轮 {start}，每 {interval} 天一轮，{holidays}。",
    "Schedule set: round 1 on {start}, every {interval:day|# days}, {holidays}.",
)
SCHEDULE_SET_MOVED = Msg(
    "日程已更新：第 1 轮原定 {start}，因“{reason}”改到 {date}；每 {interval} 天一轮，{holidays}。",
    "Schedule set: round 1 falls on {date} (moved from {start}: {reason}), every "
    "{interval:day|# days}, {holidays}.",
)
SCHEDULE_HOLIDAYS_ON = Msg(
    "避开节假日和调休上班日", "moved off public holidays and make-up working days"
)
SCHEDULE_HOLIDAYS_OFF = Msg("不避开节假日", "holidays not skipped")
SCHEDULE_LOCKED = Msg(
    "已经执行过轮换，不能再改第 1 轮的日期（否则已有各轮的日期会错位）。",
    "Rounds have been applied; the start date can no longer change (past rounds would shift).",
)
SIM_TITLE = Msg(
    "模拟 {rounds} 轮（不改动数据库）",
    "Simulation of {rounds:# round|# rounds} (the database is not changed)",
)
SIM_WALKS = Msg(
    "步行：每轮交接 {handovers} 次，每段路最多拿 {leg} 册，每项任务最多从图书室取 {depot} 册，"
    "无人负责的任务 {unassigned} 项；最后一轮后有 {doubles} 个书箱有同一书名的两本。",
    "Walks: {handovers:# hand-over|# hand-overs} a round at most, at most {leg:# book|# books} in hand, "
    "at most {depot:# book|# books} from the library room a walk, "
    "{unassigned:# walk|# walks} nobody could take; after the last round "
    "{doubles:# box holds|# boxes hold} two copies of one title.",
)
SIM_TOTALS = Msg(
    "合计：新鲜度 {freshness}（书名 {titles}），片区内搬运 {inside}{stay}，"
    "志愿者负担最多/最少 {ratio}，超容量 {violations} 次，软件多出 {created} 册、弄丢 {lost} 册。",
    "Totals: freshness {freshness} (titles {titles}), moves inside a site {inside}{stay}, "
    "busiest/quietest volunteer {ratio}, "
    "{violations:# capacity violation|# capacity violations}, "
    "{created:# book|# books} created and {lost} lost by the software.",
)
COL_ROUND = Msg("轮次", "Round")
COL_DATE = Msg("日期", "Date")
COL_MOVES = Msg("换位", "Moves")
COL_FRESH = Msg("新鲜度", "Fresh")
COL_TITLES_FRESH = Msg("书名新", "New titles")
COL_INSIDE = Msg("片区内", "Inside site")
# of the books changing box (straight or through the library room), those staying in their site
COL_STAY_IN_SITE = Msg("换箱留片区", "Stay in site")
COL_FROM_DEPOT = Msg("出图书室", "From depot")
COL_TO_DEPOT = Msg("回图书室", "To depot")
COL_TASKS = Msg("任务", "Tasks")
COL_DONE = Msg("完成", "Done")
COL_OPEN = Msg("待办", "Open")
COL_OVERDUE = Msg("逾期", "Overdue")
COL_ID = Msg("编号", "ID")
COL_VOLUNTEER = Msg("志愿者", "Volunteer")
COL_ROUTE = Msg("路线（图书箱）", "Route (boxes)")
COL_OUT = Msg("取出", "Take out")
COL_IN = Msg("放入", "Put in")
COL_MISSING = Msg("未见", "Missing")
COL_VIOLATIONS = Msg("超容量", "Over capacity")
COL_RETURNED = Msg("找回", "Returned")
COL_DONATED = Msg("捐赠", "Donated")
COL_WEEKDAY = Msg("星期", "Day")
COL_NOTE_MOVED = Msg("说明", "Note")

# -- issue 17: stocktake and intake in the field (helper A) ------------------------
ST_BOX_ON_WALK = Msg(
    "{box} 在任务 {id}（{date}）的路线上，该任务还没报告完成：记录里已经是这趟送完之后的书，"
    "现在盘点会把还没送到的书记成未见。请在送书时盘点（`lou task done {id} --scan`），"
    "或等任务报告完成后再盘点；未做任何更改。",
    "{box} is on the walk of task {id} ({date}), not reported done yet: its records already "
    "show the books after that walk, so a stocktake now would mark books not yet brought as "
    "not seen. Scan it on the walk (`lou task done {id} --scan`) or once the task is "
    "reported; nothing was changed.",
)
ST_UNDO_ALONE = Msg(
    "--undo 不能和 --dry-run、--from 或 --photo 一起用：它只撤销这个箱最近一次盘点；未做任何更改。",
    "--undo cannot go with --dry-run, --from or --photo: it only takes back the box's last "
    "stocktake; nothing was changed.",
)
ST_SCAN_LEFT_OVER = Msg(
    "这趟所有箱的编号都读完了，后面还有编号（{code}）：是不是多按了一次回车，让一个箱成了空箱？"
    "请检查输入（每个箱的编号之后空一行）；未做任何更改。",
    "There are codes after the run of the walk's last box ({code}): was Enter pressed twice, "
    "leaving a box empty? Check the input (an empty line after each box's codes); nothing "
    "was changed.",
)
ST_NO_FILE = Msg("找不到文件 {path}。", "No file {path}.")
ST_FILE_UNREADABLE = Msg("读不了 {path}：{reason}", "Cannot read {path}: {reason}")
ST_FILE_NOT_TEXT = Msg(
    "{path} 不是文本或 CSV 文件：请给一行一个编号的文件，什么都没改。",
    "{path} is not a text or CSV file: give a file with one code a line; nothing changed.",
)
ST_NO_PHOTO = Msg("找不到照片 {path}：什么都没改。", "No photo {path}: nothing changed.")
ST_PHOTO_UNREADABLE = Msg(
    "{path} 不是能打开的图片：请用手机拍的 JPEG 或 PNG 照片，什么都没改。",
    "{path} is not an image lou can open: use a JPEG or PNG photo; nothing changed.",
)
ST_PHOTO_NO_CODE = Msg(
    "照片 {path} 里读不到二维码或条码：靠近些、对准标签再拍一张，什么都没改。",
    "No QR code or barcode could be read in {path}: take it again closer, with the labels "
    "in focus; nothing changed.",
)
ST_NO_BOOK_CODES = Msg(
    "没有读到本图书角的图书编号（未知编号 {unknown} 个，ISBN {isbn} 个），{box} 的记录没有改动：请扫书上我们贴的标签（ISBN 只说明是哪种书，不说明是哪一册）。",
    "No book code of ours was read ({unknown} unknown, {isbn} ISBN), so {box} is left as it "
    "was: scan the labels we put on the books (an ISBN names a title, not a copy).",
)
ST_BOX_CODE = Msg(
    "{code} 是图书箱的编号，不是图书的：已跳过，请扫书上的标签。",
    "{code} is a box's code, not a book's: skipped; scan the labels on the books.",
)
ST_PHOTOS_ONLY = Msg(
    "多出的参数“{value}”：只有照片可以一次给几个（--photo 1.jpg 2.jpg）。",
    "Unexpected argument '{value}': only photos come several at once (--photo 1.jpg 2.jpg).",
)
ST_BOX_RETIRED = Msg(
    "图书箱 {box} 已撤销，不能盘点：书在那里的话，先用 lou box reactivate {box}。",
    "Box {box} is retired and cannot be stocktaken: if books are there, lou box reactivate {box} first.",
)
ST_PROMPT = Msg(
    "扫描 {box} 里的每一本书（扫码枪或键盘，一行一个编号），空行结束：",
    "Scan every book in {box} (scanner or keyboard, one code a line); an empty line to finish:",
)
ST_TASK_PROMPT = Msg(
    "第 {n}/{total} 个图书箱 {box}：扫描箱里的每一本书，空行结束（空箱直接按回车）：",
    "Box {n} of {total}, {box}: scan every book in it; an empty line to finish (just Enter "
    "for an empty box):",
)
ST_ECHO_BOOK = Msg("✓ {code}《{title}》", "✓ {code} '{title}'")
ST_ECHO_AGAIN = Msg("  {code} 已扫过", "  {code} read already")
ST_ECHO_UNKNOWN = Msg("? {code}：目录里没有这个编号", "? {code}: not in the catalogue")
ST_ECHO_ISBN = Msg("+ ISBN {isbn}：没有我们的标签", "+ ISBN {isbn}: a book without our label")
ST_TITLE = Msg("图书箱 {box} 盘点", "Stocktake of box {box}")
COL_RESULT = Msg("结果", "Result")
COL_ISBN = Msg("ISBN", "ISBN")
COL_ST_ID = Msg("盘点", "Stocktake")
COL_ST_TASK = Msg("任务", "Task")
ST_SECTION = Msg("盘点记录", "Stocktakes")
COL_COPIES = Msg("册数", "Copies")
ST_RESULTS = {
    "present": Msg("在箱", "present"),
    "not_seen": Msg("未见", "not seen"),
    "found_here": Msg("在此找到", "found here"),
    "withdrawn": Msg("已下架", "withdrawn"),
    "unknown": Msg("未知编号", "unknown code"),
    "isbn_only": Msg("仅有 ISBN", "ISBN only"),
}
ST_WAS = Msg("原记录：{where}", "recorded: {where}")
ST_WAS_MISSING = Msg("原记录：{status}，最后在 {box}", "recorded: {status}, last in {box}")
ST_WITHDRAWN_HINT = Msg(
    "找回：lou book found {code} --box {box}", "take it back: lou book found {code} --box {box}"
)
ST_UNKNOWN_HINT = Msg("不是本图书角的编号，未改动", "not one of our codes; nothing changed")
ST_OFFER = Msg(
    "《{title}》的新副本？lou donate --box {box} --isbn {isbn}",
    "a new copy of '{title}'? lou donate --box {box} --isbn {isbn}",
)
ST_INTAKE = Msg(
    "目录里没有：lou donate --box {box} --isbn {isbn} --title 书名",
    "not in the catalogue: lou donate --box {box} --isbn {isbn} --title TITLE",
)
ST_SUMMARY = Msg(
    "{box}：在箱 {present} 册，未见 {not_seen} 册，在此找到 {found} 册，已下架 {withdrawn} 册，"
    "未知编号 {unknown} 个，仅有 ISBN {isbn} 册。",
    "{box}: {present} present, {not_seen} not seen, {found} found here, {withdrawn} withdrawn, "
    "{unknown} unknown, {isbn} ISBN only.",
)
ST_SAVED = Msg(
    "已记为盘点 {id}。记错了？lou stocktake {box} --undo",
    "Saved as stocktake {id}. A mistake? lou stocktake {box} --undo",
)
ST_DRY_RUN = Msg(
    "这只是预览，什么都没改（去掉 --dry-run 即记录）。",
    "A preview: nothing changed (run it without --dry-run to record it).",
)
ST_NOTHING_TO_UNDO = Msg("{box} 没有可撤销的盘点。", "There is no stocktake of {box} to take back.")
ST_UNDO_CHANGED = Msg(
    "盘点 {id} 之后这些书又有变动，不能撤销：{codes}。什么都没改。",
    "Stocktake {id} cannot be taken back: these books changed after it: {codes}. Nothing changed.",
)
ST_UNDONE = Msg(
    "已撤销盘点 {id}（{box}）：{n} 册书回到盘点前的记录。",
    "Stocktake {id} ({box}) taken back: {n:# book is|# books are} as recorded before it.",
)
ST_TASK_SHORT = Msg(
    "任务 {id} 要走 {boxes} 个图书箱，只扫了 {scanned} 个，什么都没改：每个箱扫完按一次回车（空行），空箱也按一次。",
    "Task {id} walks {boxes:# box|# boxes} and only {scanned:# was|# were} scanned; nothing changed: end each "
    "box with an empty line, an empty box too.",
)
JSON_AND_FORMAT = Msg(
    "--json 就是 --format json，不能再和 --format {fmt} 一起用：二者选一。",
    "--json is --format json, so it cannot go with --format {fmt}: choose one.",
)
HOURS_SUMMARY_ALONE = Msg(
    "--summary 只在屏幕上给出一句总结（或用 --json），不写文件：去掉 --output 和 --format，"
    "或去掉 --summary 导出完整的时长报表。",
    "--summary prints one sentence (or --json) and writes no file: leave out --output and "
    "--format, or leave out --summary to export the whole hours report.",
)
ST_SCAN_ALONE = Msg(
    "--scan 不能和 --missing、--extra 或 --amend 一起用：扫描已经说明了缺什么、多什么。",
    "--scan goes without --missing, --extra or --amend: the scans say what is missing and extra.",
)
ST_TASK_TITLE = Msg(
    "任务 {id} 的盘点：与记录不符的书", "Task {id}'s stocktake: books not as recorded"
)
ST_TASK_ALL_PRESENT = Msg(
    "每个箱里的书都和记录一样。", "Every box holds exactly what the records say."
)
ST_TASK_BOX = Msg(
    "{box}：在箱 {present} 册，未见 {not_seen} 册，在此找到 {found} 册",
    "{box}: {present} present, {not_seen} not seen, {found} found here",
)
DONATE_NEEDS_TITLE = Msg(
    "请写上书名（--title），或给出 ISBN（--isbn）。",
    "Give the title (--title) or the ISBN (--isbn).",
)
DONATE_UNKNOWN_ISBN = Msg(
    "目录里没有 ISBN {isbn} 的书：请用 --title 写上书名，什么都没改。",
    "No book with ISBN {isbn} in the catalogue: give its title with --title; nothing changed.",
)
INTAKE_PROMPT = Msg(
    "扫描捐赠图书的 ISBN 条码（一行一个），空行结束：",
    "Scan the donated books' ISBN barcodes (one a line); an empty line to finish:",
)
INTAKE_BAD = Msg("{value} 不是有效的 ISBN：已跳过。", "{value} is not a valid ISBN: skipped.")
INTAKE_TITLE = Msg("待登记的捐赠（图书箱 {box}）", "Donations to register (box {box})")
INTAKE_NEW = Msg("目录里没有，不登记", "not in the catalogue; not registered")
INTAKE_UNKNOWN_LEFT = Msg(
    "目录里没有这些 ISBN，未登记（请逐本登记：lou donate --box {box} --isbn ISBN --title 书名）：{isbns}",
    "These ISBNs are not in the catalogue and were not registered (one at a time: lou donate "
    "--box {box} --isbn ISBN --title TITLE): {isbns}",
)
INTAKE_CONFIRM = Msg("登记这 {n} 册？[y/N] ", "Register {n:this # book|these # books}? [y/N] ")
INTAKE_NOT_CONFIRMED = Msg(
    "没有确认，什么都没登记（回答 y，或加 --yes）。",
    "Not confirmed: nothing was registered (answer y, or add --yes).",
)
INTAKE_NOTHING = Msg(
    "没有可登记的书（没有读到目录里已有的 ISBN），什么都没改。",
    "Nothing to register (no ISBN the catalogue knows was read); nothing changed.",
)
INTAKE_DONE = Msg(
    "感谢捐赠！已登记 {n} 册（{codes}），在图书箱 {box}。",
    "Thank you! Registered {n:# book|# books} ({codes}) in box {box}.",
)
LABELS_NEW_NONE = Msg("所有图书都已打印过标签。", "Every book has had its label printed already.")

# ----------------------------------------------------------------- table columns
COL_CODE = Msg("编号", "Code")
COL_NAME = Msg("名称", "Name")
COL_PERSON = Msg("姓名", "Name")
COL_KIND = Msg("类型", "Kind")
COL_BOXES = Msg("图书箱", "Boxes")
COL_BOOKS = Msg("图书", "Books")
COL_VOLUNTEERS = Msg("志愿者", "Volunteers")
COL_STATUS = Msg("状态", "Status")
COL_NOTE = Msg("备注", "Note")
COL_SITE = Msg("片区", "Site")
COL_SITES = Msg("负责片区", "Sites")
COL_BUILDING = Msg("楼栋", "Building")
COL_UNIT = Msg("单元", "Unit")
COL_PLACE = Msg("位置", "Place")
COL_TITLE = Msg("书名", "Title")
COL_AUTHOR = Msg("作者", "Author")
COL_CATEGORY = Msg("分类", "Category")
COL_AUDIENCE = Msg("读者对象", "Audience")
COL_CONDITION = Msg("品相", "Condition")
COL_SOURCE = Msg("来源", "Source")
COL_DONOR = Msg("捐赠人", "Donor")
COL_ADDED = Msg("入藏日期", "Added")
COL_ROLE = Msg("角色", "Role")
COL_PARTY = Msg("党员", "Party member")
COL_PHONE = Msg("电话", "Phone")
COL_WHEN = Msg("时间", "When")
COL_ACTION = Msg("事项", "What")
COL_FROM = Msg("从", "From")
COL_TO = Msg("到", "To")
COL_BY = Msg("经手", "By")
COL_PROBLEM = Msg("问题", "Problem")
COL_RECORD = Msg("记录", "Record")
COL_DETAIL = Msg("说明", "Detail")
COL_BACKUP = Msg("备份文件", "Backup")
COL_CREATED = Msg("时间", "Created")
COL_REASON = Msg("原因", "Reason")
COL_SIZE = Msg("大小", "Size")

# Column names of the catalogue export, also understood by the import.
COLUMN_NAMES = {
    "code": COL_CODE,
    "title": COL_TITLE,
    "author": COL_AUTHOR,
    "isbn": Msg("ISBN", "ISBN"),
    "category": COL_CATEGORY,
    "status": COL_STATUS,
    "box": Msg("图书箱", "Box"),
    "site": COL_SITE,
    "audience": COL_AUDIENCE,
    "condition": COL_CONDITION,
    "source": COL_SOURCE,
    "donor": COL_DONOR,
    "added_on": COL_ADDED,
    "last_box": Msg("上次所在图书箱", "Last box"),
    "note": COL_NOTE,
}

# Screens and terminals (issue 19): narrow screens, empty lists, consoles
COLUMNS_HIDDEN = Msg(
    "窗口太窄，未显示：{columns}（加宽窗口或用 --json 查看全部）",
    "Too narrow to show: {columns} (widen the window or use --json)",
)
NO_TASKS_IN_ROUND = Msg("第 {round} 轮没有任务。", "No tasks in round {round}.")
NO_OPEN_TASKS = Msg("没有待办的任务。", "No open tasks.")
NO_TASKS = Msg("还没有任务。", "No tasks yet.")
NO_BOXES = Msg("没有图书箱。", "No boxes.")
NO_VOLUNTEERS = Msg("没有志愿者。", "No volunteers.")
CONSOLE_ESCAPED = Msg(
    "此终端的编码（{encoding}）显示不了部分字符，已写成 \\uXXXX；请用 UTF-8 终端，"
    "或设置 PYTHONIOENCODING=utf-8。",
    "This console's encoding ({encoding}) cannot show some characters; they are written "
    "as \\uXXXX. Use a UTF-8 terminal, or set PYTHONIOENCODING=utf-8.",
)
PROGRESS_IMPORT_READ = Msg("读取 {file}", "Reading {file}")
PROGRESS_IMPORT_CHECK = Msg("检查 {rows} 行", "Checking {rows:# row|# rows}")
PROGRESS_IMPORT_SAVE = Msg("登记 {books} 册并保存", "Adding {books:# book|# books} and saving")
PROGRESS_SIMULATE = Msg("模拟轮换", "Simulating rounds")
FIND_NOTHING = Msg("没有找到“{query}”。", "Nothing matches “{query}”.")
NO_ROUNDS = Msg("还没有执行过轮换。", "No round has been applied yet.")

# ------------------------------------------------------------- names of values
STATUS_NAMES = {
    "in_box": Msg("在箱", "in a box"),
    "in_depot": Msg("在图书室", "in the depot"),
    "not_seen": Msg("未见", "not seen"),
    "lost": Msg("遗失", "lost"),
    "withdrawn": Msg("已下架", "withdrawn"),
    "active": Msg("在用", "active"),
    "repair": Msg("维修中", "under repair"),
    "retired": Msg("已撤销", "retired"),
}
VOLUNTEER_STATUS_NAMES = {"active": Msg("在岗", "active"), "retired": Msg("已退出", "retired")}
KIND_NAMES = {
    "compound": Msg("小区", "compound"),
    "yard": Msg("楼院", "yard"),
    "depot": Msg("社区图书室", "depot"),
}
ROLE_NAMES = {
    "administrator": Msg("文化管理员", "administrator"),
    "member": Msg("管理小组成员", "member"),
}
AUDIENCE_NAMES = {"general": Msg("一般", "general"), "children": Msg("儿童", "children")}
CONDITION_NAMES = {
    "good": Msg("良好", "good"),
    "worn": Msg("较旧", "worn"),
    "damaged": Msg("破损", "damaged"),
}
SOURCE_NAMES = {"stock": Msg("馆藏", "library stock"), "donation": Msg("捐赠", "donation")}
ACTION_NAMES = {
    "added": Msg("入藏", "added"),
    "donated": Msg("捐赠", "donated"),
    "moved": Msg("移动", "moved"),
    "rotated": Msg("轮换", "rotated"),
    "to_depot": Msg("回图书室", "back to the depot"),
    "edited": Msg("修改", "edited"),
    "withdrawn": Msg("下架", "withdrawn"),
    "found": Msg("找回", "found"),
    "restored": Msg("撤销下架", "withdrawal undone"),
    "amended": Msg("更正报告", "report corrected"),
    "not_seen": Msg("未见", "not seen"),
    "lost": Msg("遗失", "lost"),
    "undone": Msg("撤销盘点", "stocktake taken back"),  # issue 17
    "seen": Msg("盘点见到", "seen"),  # issue 17
}
# The notes a history event keeps ("round 3", "task 12"), shown in the chosen language.
HISTORY_NOTES = {
    "round": Msg("第 {n} 轮", "round {n}"),
    "task": Msg("任务 {n}", "task {n}"),
    "stocktake": Msg("盘点 {n}", "stocktake {n}"),  # issue 17
}

# ------------------------------------------ issue 19: choices typed in Chinese (helper D)
# The words a user may type for a choice besides its English value (matched after NFKC
# normalisation and case folding). The first word of each is the one help texts show.
CHOICE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "kind": {"compound": ("小区",), "yard": ("楼院",)},
    "role": {
        "administrator": ("管理员", "文化管理员"),
        "member": ("成员", "管理小组成员", "组员"),
    },
    "book_status": {
        "in_box": ("在箱", "箱中"),
        "in_depot": ("在图书室", "在库"),
        "not_seen": ("未见",),
        "lost": ("遗失", "丢失"),
        "withdrawn": ("已下架", "下架"),
    },
    "box_status": {
        "active": ("在用", "使用中"),
        "repair": ("维修中", "维修"),
        "retired": ("已撤销", "撤销"),
    },
    "format": {
        "table": ("屏幕",),
        "csv": (),
        "json": (),
        "xlsx": ("excel",),
        "md": ("markdown",),
        "html": ("网页",),
    },
    "lang": {"zh": ("中文", "汉语", "cn", "chinese"), "en": ("英文", "英语", "english")},
}

UNKNOWN_LANG = Msg(
    "LOU_LANG={value} 不是可用的界面语言（可写 zh、中文、cn 或 en）；按系统语言显示。",
    "LOU_LANG={value} is not a language lou has (use zh, 中文, cn or en); following the locale.",
)

AMBIGUOUS_SITE = Msg(
    "“{name}”对应不止一个片区：{choices}。请改用编号。",
    "'{name}' matches more than one site: {choices}. Use the code instead.",
)

# ------------------------------------ issue 19: files that open right (helper D)
WRONG_SUFFIX = Msg(
    "不写入 {path}：{format}文件的扩展名应是 {suffix}，请改名为 {fixed}。",
    "Will not write {path}: {format} files end in {suffix}. Name it {fixed}.",
)
FORMAT_SUFFIX_MISMATCH = Msg(
    "不写入 {path}：--format {fmt} 写出的是{format}，扩展名应是 {suffix}。"
    "请改名为 {fixed}，或按扩展名选 --format {other}。",
    "Will not write {path}: --format {fmt} writes {format} files, which end in {suffix}. "
    "Name it {fixed}, or choose --format {other} for this extension.",
)
CALENDAR_FORMAT = Msg("日历（iCalendar）", "calendar (iCalendar)")
CALENDAR_EMPTY = Msg(
    "没有要放进日历的任务{who}：没有写入文件。",
    "No open tasks{who} to put in a calendar: no file written.",
)
CALENDAR_EMPTY_WHO = Msg("（{name}）", " for {name}")

# ------------------------------------------- issue 15: shell completion (helper A)
COMPLETION_UNKNOWN_SHELL = Msg(
    "lou 不支持为 {shell} 补全命令；可选：{shells}。",
    "lou has no completion for {shell}; choose one of {shells}.",
)
COMPLETION_NO_SHELL = Msg(
    "无法判断当前使用的 shell；请写明，例如 {option} bash。",
    "Cannot tell which shell this is; name it, for example {option} bash.",
)
COMPLETION_INSTALLED = Msg(
    "已为 {shell} 安装命令补全：{path}。新开的终端里生效。",
    "Installed {shell} completion in {path}. It works in terminals opened from now on.",
)

# ------------------------------------------------------------------- help texts
HELP_OPTION = Msg("显示本帮助并退出。", "Show this message and exit.")

HELP: dict[str, Msg] = {
    "lou": Msg(
        "楼道图书角：管理图书、图书箱、片区、志愿者和每半月一次的轮换。\n\n例：lou --lang zh book find swgwsm",
        "Corridor book corners: books, boxes, sites, volunteers and the fortnightly rotation.\n\nExample: lou --lang zh book find swgwsm",
    ),
    "opt.db": Msg(
        "数据库文件（默认：个人数据目录；也可用环境变量 LOU_LIBRARY_DB），"
        "或 PostgreSQL 数据库的地址 postgresql://主机/库名。",
        "The database file (default: your data folder; or LOU_LIBRARY_DB), or a PostgreSQL "
        "database's URL, postgresql://HOST/DBNAME.",
    ),
    "opt.lang": Msg(
        "界面语言：zh（中文）或 en（英文）（默认跟随系统语言；也可用 LOU_LANG）。",
        "Interface language, zh (中文) or en (English) (default: the locale; or LOU_LANG).",
    ),
    "opt.version": Msg("显示版本号并退出。", "Show the version and exit."),
    # issue 15: shell completion (helper A)
    "opt.install_completion": Msg(
        "为 SHELL（bash、zsh、fish、powershell；不写则自动识别）安装命令补全。",
        "Install tab completion for SHELL (bash, zsh, fish, powershell; detected if left out).",
    ),
    "opt.show_completion": Msg(
        "显示 SHELL 的补全脚本（不写则自动识别），可复制或自行安装。",
        "Print the completion script for SHELL (detected if left out), to copy or install.",
    ),
    "opt.json": Msg("输出 JSON（供脚本使用）。", "Print JSON (for scripts)."),
    "opt.allow_unassigned": Msg(
        "有任务无人负责时也执行本轮（这些任务记为无人，有人时用 lou task swap 交给他）。",
        "Apply the round even with walks nobody can take (stored with nobody: hand each to "
        "someone with lou task swap).",
    ),
    "opt.show_contact": Msg(
        "显示完整电话号码和捐赠人姓名（默认隐去）。",
        "Show full phone numbers and donor names (masked by default).",
    ),
    "demo": Msg(
        "一步体验：在临时文件中建立示例网络并展示（不碰您的数据库）。\n\n例：lou demo",
        "Try it in one go: a demo network in a temporary file (your DB is not touched).\n\nExample: lou demo",
    ),
    "init": Msg(
        "新建数据库（空的，或 --demo 示例网络）。\n\n例：lou init --demo",
        "Create the database (empty, or the --demo network).\n\nExample: lou init --demo",
    ),
    "opt.init_demo": Msg(
        "载入示例网络：11 个片区、约 100 个图书箱、3000 余册书、41 位志愿者。",
        "Load the demo network: 11 sites, ~100 boxes, 3,000+ books, 41 volunteers.",
    ),
    "opt.init_force": Msg(
        "覆盖已有的数据库（旧文件会先备份）。",
        "Replace an existing database (the old file is backed up first).",
    ),
    "info": Msg(
        "数据库位置、结构版本和各项数量。\n\n例：lou info",
        "Where the database is, its schema version and counts.\n\nExample: lou info",
    ),
    "db": Msg(
        "数据库维护：检查、备份、恢复、升级。\n\n例：lou db check",
        "Look after the database file: check, back up, restore, migrate.\n\nExample: lou db check",
    ),
    "db.check": Msg(
        "检查文件和记录是否一致。\n\n例：lou db check",
        "Check the file and that its records agree.\n\nExample: lou db check",
    ),
    "db.backup": Msg(
        "立即备份数据库。\n\n例：lou db backup",
        "Back up the database now.\n\nExample: lou db backup",
    ),
    "db.restore": Msg(
        "列出备份，或用指定备份恢复数据库。\n\n例：lou db restore --latest",
        "List the backups, or restore one.\n\nExample: lou db restore --latest",
    ),
    "arg.backup": Msg(
        "备份文件名（见不带参数时的列表）。",
        "The backup's file name (see the list without arguments).",
    ),
    "opt.latest": Msg("恢复最新的一份备份。", "Restore the newest backup."),
    "db.migrate": Msg(
        "把旧版本的数据库升级到当前结构（先自动备份）。\n\n例：lou db migrate",
        "Bring an older database to the current schema (backs up first).\n\nExample: lou db migrate",
    ),
    "db.copy": Msg(
        "把整个网络从一个数据库复制到另一个：文件与 PostgreSQL 之间，双向均可。\n\n"
        "例：lou db copy lou.json postgresql://lou@dbserver/county",
        "Copy a whole network from one database to another: between a file and PostgreSQL, "
        "either way.\n\nExample: lou db copy lou.json postgresql://lou@dbserver/county",
    ),
    "arg.copy_source": Msg(
        "从哪个数据库复制：文件路径或 postgresql:// 地址。",
        "The database to copy from: a file, or a postgresql:// URL.",
    ),
    "arg.copy_dest": Msg(
        "复制到哪里：文件路径或 postgresql:// 地址。",
        "Where to copy it to: a file, or a postgresql:// URL.",
    ),
    "opt.copy_force": Msg(
        "目标已有网络时也覆盖它（先自动备份）。",
        "Replace the network the destination holds (it is backed up first).",
    ),
    "site": Msg(
        "片区：小区和楼院。\n\n例：lou site list",
        "Sites: compounds and building yards.\n\nExample: lou site list",
    ),
    "site.list": Msg(
        "列出片区及其图书箱、图书、志愿者数。\n\n例：lou site list",
        "List the sites with their boxes, books and volunteers.\n\nExample: lou site list",
    ),
    "site.add": Msg(
        "新增片区。\n\n例：lou site add 尚和园 --kind compound",
        "Add a site.\n\nExample: lou site add 尚和园 --kind compound",
    ),
    "site.show": Msg(
        "查看一个片区。\n\n例：lou site show SHY", "Show one site.\n\nExample: lou site show SHY"
    ),
    "site.edit": Msg(
        "修改片区的名称、类型或备注。\n\n例：lou site edit SHY --note 东门进",
        "Change a site's name, kind or note.\n\nExample: lou site edit SHY --note 'east gate'",
    ),
    "site.retire": Msg(
        "撤销片区（须先撤销其图书箱）。\n\n撤错了用 `lou site reactivate`。\n\n例：lou site retire SHY",
        "Retire a site (its boxes first); `lou site reactivate` takes it back.\n\n"
        "Example: lou site retire SHY",
    ),
    "site.reactivate": Msg(
        "已撤销的片区恢复使用。\n\n改名用 `lou site edit --name`。\n\n例：lou site reactivate SHY",
        "Bring a retired site back into use (rename it with `lou site edit --name`).\n\n"
        "Example: lou site reactivate SHY",
    ),
    "arg.site": Msg(
        "片区：编号、名称或拼音首字母，如 SHY、尚和园、shy。",
        "The site: its code, name or pinyin initials, such as SHY, 尚和园, shy.",
    ),
    "arg.site_name": Msg("片区名称，如 尚和园。", "The site's name, such as 尚和园."),
    "opt.kind": Msg(
        "类型：小区（compound）或 楼院（yard），中英文均可。",
        "Kind: compound (小区) or yard (楼院); either word works.",
    ),
    "opt.site_code": Msg(
        "自定编号（默认取名称拼音首字母）。",
        "Your own code (default: the pinyin initials of the name).",
    ),
    "opt.note": Msg("备注。", "A note."),
    "opt.name": Msg("新名称。", "The new name."),
    "opt.all": Msg("也列出已撤销/已退出的。", "Include retired ones too."),
    "box": Msg(
        "图书箱：放在单元楼道里的书箱。\n\n例：lou box show SHY-01",
        "Boxes: the book boxes in the stairwells.\n\nExample: lou box show SHY-01",
    ),
    "box.list": Msg(
        "列出图书箱及存书数/容量。\n\n例：lou box list --site SHY",
        "List the boxes with books/capacity.\n\nExample: lou box list --site SHY",
    ),
    "box.add": Msg(
        "新增图书箱。\n\n例：lou box add --site SHY --building 3号楼 --unit 1单元",
        "Add a box.\n\nExample: lou box add --site SHY --building 3号楼 --unit 1单元",
    ),
    "box.show": Msg(
        "查看一个图书箱和箱内的书。\n\n例：lou box show SHY-01",
        "Show a box and the books in it.\n\nExample: lou box show SHY-01",
    ),
    "box.edit": Msg(
        "修改图书箱（位置、容量、维修状态）。\n\n例：lou box edit SHY-01 --capacity 40",
        "Change a box (place, capacity, repair).\n\nExample: lou box edit SHY-01 --capacity 40",
    ),
    "box.retire": Msg(
        "撤销图书箱；箱内的书记为回到社区图书室。\n\n本轮还没完成的任务经过它时不能撤销"
        "（维修也一样）。撤错了用 `lou box reactivate`。\n\n例：lou box retire SHY-01",
        "Retire a box; its books are recorded back in the depot. Refused while an open task "
        "of the current round walks to it; `lou box reactivate` takes it back.\n\n"
        "Example: lou box retire SHY-01",
    ),
    "box.reactivate": Msg(
        "已撤销的图书箱恢复使用（空箱，原位置）。\n\n之后可用 `lou box edit` 改位置。"
        "维修完的箱子用 `lou box edit --status active`。\n\n例：lou box reactivate SHY-01",
        "Bring a retired box back into use (empty, at its place); `lou box edit` then changes "
        "its place. A box back from repair: `lou box edit --status active`.\n\n"
        "Example: lou box reactivate SHY-01",
    ),
    "arg.box": Msg("图书箱编号，如 SHY-01。", "The box's code, such as SHY-01."),
    "opt.site": Msg(
        "所属片区（编号、名称或拼音首字母）。", "The site (its code, name or pinyin initials)."
    ),
    "opt.building": Msg("楼栋，如 3号楼。", "The building, such as 3号楼."),
    "opt.unit": Msg("单元，如 1单元。", "The unit (stairwell), such as 1单元."),
    "opt.capacity": Msg(
        "容量（册）；楼道图书室可设 200。",
        "Capacity in books; a corridor reading room may hold 200.",
    ),
    "opt.box_code": Msg(
        "自定编号（默认：片区编号-序号）。", "Your own code (default: site code-number)."
    ),
    "opt.filter_site": Msg(
        "只看这个片区（编号、名称或拼音首字母）。",
        "Only this site (code, name or pinyin initials).",
    ),
    "opt.box_status": Msg(
        "按状态筛选：在用（active）、维修中（repair）、已撤销（retired），中英文均可。",
        "Filter by status: active (在用), repair (维修中), retired (已撤销).",
    ),
    "opt.box_edit_status": Msg(
        "在用（active）或 维修中（repair，不参与轮换），中英文均可。",
        "active (在用), or repair (维修中: left out of rotations).",
    ),
    "volunteer": Msg(
        "志愿者：管理小组成员和文化管理员。\n\n例：lou volunteer list --site SHY",
        "Volunteers: the management group and the culture administrator.\n\nExample: lou volunteer list --site SHY",
    ),
    "volunteer.list": Msg(
        "列出志愿者（电话默认隐去中间四位）。\n\n例：lou volunteer list --site SHY",
        "List the volunteers (phones masked).\n\nExample: lou volunteer list --site SHY",
    ),
    "volunteer.add": Msg(
        "登记志愿者。\n\n例：lou volunteer add 王秀兰 --party-member --site SHY",
        "Add a volunteer.\n\nExample: lou volunteer add 王秀兰 --party-member --site SHY",
    ),
    "volunteer.show": Msg(
        "查看一位志愿者（姓名、编号或拼音首字母）。\n\n例：lou volunteer show V002",
        "Show a volunteer (name, code or pinyin initials).\n\nExample: lou volunteer show V002",
    ),
    "volunteer.edit": Msg(
        "修改志愿者信息。\n\n例：lou volunteer edit V002 --phone 13800001111",
        "Change a volunteer's details.\n\nExample: lou volunteer edit V002 --phone 13800001111",
    ),
    "volunteer.retire": Msg(
        "志愿者退出。\n\n本轮还有没完成的任务时不能退出：先交给别人。退出的志愿者按姓名查不到，"
        "请用编号；撤错了用 `lou volunteer reactivate`。\n\n例：lou volunteer retire V002",
        "Retire a volunteer (refused while they have an open task of the current round: hand "
        "it over first). Retired volunteers are found by code, not by name; `lou volunteer "
        "reactivate` takes it back.\n\nExample: lou volunteer retire V002",
    ),
    "volunteer.reactivate": Msg(
        "退出的志愿者重新在岗。\n\n按编号，或按退出者中的姓名查找；改名用 "
        "`lou volunteer edit --name`。\n\n例：lou volunteer reactivate V002",
        "Bring a retired volunteer back (by code, or by name among the retired); rename with "
        "`lou volunteer edit --name`.\n\nExample: lou volunteer reactivate V002",
    ),
    "arg.volunteer": Msg(
        "志愿者的姓名、编号（如 V002）或拼音首字母。",
        "The volunteer's name, code (such as V002) or pinyin initials.",
    ),
    "arg.person_name": Msg("姓名。", "The name."),
    "opt.phone": Msg("手机号（显示时隐去中间四位）。", "Phone number (shown masked)."),
    "opt.party": Msg("是党员。", "Is a Party member."),
    "opt.party_edit": Msg("是否党员。", "Party member or not."),
    "opt.volunteer_site": Msg(
        "负责的片区（编号或名称；可重复，或用 、，, 隔开）。",
        "A site served (code or name; repeat, or separate with , 、 or ；).",
    ),
    "opt.volunteer_site_edit": Msg(
        "负责的片区（可重复，或用 、，, 隔开；替换原有的）。",
        "Sites served (repeat, or separate with , 、 or ；; replaces the old list).",
    ),
    "opt.role": Msg(
        "角色：管理员（administrator，文化管理员）或 成员（member），中英文均可。",
        "Role: administrator (管理员) or member (成员); either word works.",
    ),
    "book": Msg(
        "图书：每册书一条记录，有自己的编号。\n\n例：lou book find swgwsm",
        "Books: one record per copy, each with its own code.\n\nExample: lou book find swgwsm",
    ),
    "book.list": Msg(
        "列出图书（可筛选、分页；默认 50 条）。\n\n例：lou book list --site SHY --category 历史",
        "List books (filters, pages of 50).\n\nExample: lou book list --site SHY --category history",
    ),
    "book.find": Msg(
        "按书名、作者或拼音查找（全拼或首字母）。\n\n例：lou book find swgwsm",
        "Find by title, author or pinyin (full or initials).\n\nExample: lou book find swgwsm",
    ),
    "book.add": Msg(
        "新书入藏（默认放在社区图书室）。\n\n例：lou book add --title 上下五千年 --author 林汉达 --category 历史",
        "Add a book (to the depot unless --box).\n\nExample: lou book add --title 上下五千年 --category history",
    ),
    "book.show": Msg(
        "查看一册书。\n\n例：lou book show B00001",
        "Show one book.\n\nExample: lou book show B00001",
    ),
    "book.edit": Msg(
        "修改图书信息，或把书放进某个图书箱/送回图书室。\n\n例：lou book edit B00001 --condition worn",
        "Change a book, or move it to a box or the depot.\n\nExample: lou book edit B00001 --condition worn",
    ),
    "book.history": Msg(
        "一册书的流转记录。\n\n例：lou book history B00001",
        "A book's journey.\n\nExample: lou book history B00001",
    ),
    "book.import": Msg(
        "从 CSV 或 Excel 批量导入（全部成功或全部不导入）。\n\n"
        "认识的列（表头中英文均可）：书名（必需；也可叫 题名、名称、图书名称、书籍、name、title）、"
        "作者、ISBN、分类、数量、图书箱、读者对象、品相、捐赠人（带 * 的遮挡姓名不会存为姓名）、备注，"
        "以及导出文件（book export）里的“编号”：有编号的行更新那一册书，没有编号的行是新书。"
        "“状态”“片区”“来源”“入藏日期”只核对、不修改（改状态或位置请用 withdraw、found、edit）。\n\n"
        "同样内容的文件已导入过会被拒绝（除非加 --again）；一次新增超过 10,000 册需加 --large。\n\n"
        "例：lou book import 书目.xlsx --dry-run",
        "Import from CSV or Excel (all or nothing).\n\n"
        "Columns recognised (Chinese or English headers): Title (required; also name, book "
        "name, 书名, 题名, 名称, 图书名称, 书籍), Author, ISBN, Category, Copies, Box, Audience, "
        "Condition, Donor (a masked name with * is never stored as a name), Note, and the Code "
        "that `lou book export` writes: a row with a code updates that copy, a row without "
        "one is a new copy. Status, Site, Source and Added are checked, never changed (use "
        "withdraw, found or edit for those).\n\n"
        "A file with the same content as an earlier import is refused unless --again; more "
        "than 10,000 new books at once needs --large.\n\n"
        "Example: lou book import books.xlsx --dry-run",
    ),
    "book.export": Msg(
        "导出全部图书为 CSV（Excel 可直接打开）或 JSON。\n\n"
        "CSV 为带 BOM 的 UTF-8，Excel 和 WPS 双击打开不乱码；文件名以 .json 结尾则导出 JSON。\n\n"
        "例：lou book export 图书.csv",
        "Export every book as CSV (opens in Excel) or JSON.\n\n"
        "The CSV is UTF-8 with a BOM, so Excel and WPS open it with the Chinese intact; "
        "a name ending in .json gives JSON.\n\n"
        "Example: lou book export books.csv",
    ),
    "book.withdraw": Msg(
        "图书下架（破损、淘汰）。\n\n例：lou book withdraw B00001 --reason 破损",
        "Withdraw a book (damaged, discarded).\n\nExample: lou book withdraw B00001 --reason damaged",
    ),
    "book.found": Msg(
        "登记未见/遗失的书找回了；误下架的书也用它恢复。\n\n例：lou book found B00001 --box SHY-01",
        "A missing book is back; also takes back a withdrawal made by mistake.\n\n"
        "Example: lou book found B00001 --box SHY-01",
    ),
    "arg.book": Msg("图书编号，如 B00001。", "The book's code, such as B00001."),
    "arg.query": Msg(
        "书名、作者的一部分，或拼音/拼音首字母。",
        "Part of a title or author, or pinyin / pinyin initials.",
    ),
    "arg.import_file": Msg(
        "要导入的文件（.csv 或 .xlsx；UTF-8 或 GBK 均可）。",
        "The file to import (.csv or .xlsx; UTF-8 or GBK).",
    ),
    "arg.export_file": Msg("导出到的文件（.csv 或 .json）。", "The file to write (.csv or .json)."),
    "opt.title": Msg("书名。", "The title."),
    "opt.author": Msg("作者。", "The author."),
    "opt.isbn": Msg("ISBN（10 或 13 位，可带连字符）。", "ISBN-10 or ISBN-13 (hyphens allowed)."),
    "opt.category": Msg(
        "分类：历史、政治、小说、儿童读物、科普、其他（或其英文代码）。",
        "Category: history, politics, fiction, children, science, other.",
    ),
    "opt.audience": Msg(
        "读者对象：general（一般）或 children（儿童）。", "Audience: general or children."
    ),
    "opt.condition": Msg(
        "品相：good（良好）、worn（较旧）、damaged（破损）。", "Condition: good, worn or damaged."
    ),
    "opt.book_box": Msg(
        "直接放进这个图书箱（默认放在社区图书室）。",
        "Put it straight into this box (default: the depot).",
    ),
    "opt.copies": Msg("册数（每册有自己的编号）。", "How many copies (each gets its own code)."),
    "opt.force_capacity": Msg(
        "即使超过图书箱容量也放进去。", "Put it in even if the box is over capacity."
    ),
    "opt.filter_box": Msg("只看这个图书箱。", "Only this box."),
    "opt.book_status": Msg(
        "按状态筛选：在箱（in_box）、在图书室（in_depot）、未见（not_seen）、遗失（lost）、"
        "已下架（withdrawn），中英文均可。",
        "Filter by status: in_box (在箱), in_depot (在图书室), not_seen (未见), lost (遗失), "
        "withdrawn (已下架).",
    ),
    "opt.text": Msg("书名/作者/拼音中含有这些字。", "Title, author or pinyin contains this."),
    "opt.limit": Msg("每页条数。", "Rows per page."),
    "opt.offset": Msg("从第几条开始（用于翻页）。", "Rows to skip (for the next page)."),
    "opt.move_box": Msg("把书放进这个图书箱。", "Move the book into this box."),
    "opt.to_depot": Msg("把书送回社区图书室。", "Move the book back to the depot."),
    "opt.reason": Msg("原因。", "The reason."),
    "opt.mistake": Msg(
        "误登记（例如同一次捐赠登记了两次）：这条记录不是一本真有的书，捐赠报告不计入。",
        "Entered by mistake (a donation registered twice, say): not a real book; the "
        "donations report leaves it out.",
    ),
    "opt.found_box": Msg(
        "在哪个图书箱找到的（默认：送回图书室）。",
        "The box it turned up in (default: back in the depot).",
    ),
    "opt.again": Msg(
        "同样内容的文件已导入过，仍要再导入一次。",
        "Import a file whose content was already imported, once more.",
    ),
    "opt.large": Msg(
        "确认一次新增超过 10,000 册。", "Confirm an import that adds more than 10,000 books."
    ),
    "opt.dry_run": Msg(
        "只检查并显示将导入什么，不写入。", "Check and show what would be imported; write nothing."
    ),
    "category": Msg(
        "图书分类。\n\n例：lou book category list",
        "Book categories.\n\nExample: lou book category list",
    ),
    "category.list": Msg(
        "列出分类。\n\n例：lou book category list",
        "List the categories.\n\nExample: lou book category list",
    ),
    "category.add": Msg(
        "新增分类。\n\n例：lou book category add local --zh 巩义乡土 --en 'Local history'",
        "Add a category.\n\nExample: lou book category add local --zh 巩义乡土 --en 'Local history'",
    ),
    "arg.category_key": Msg(
        "分类代码（小写英文），如 local。", "The category key (lower-case), such as local."
    ),
    "opt.category_zh": Msg("中文名称。", "The Chinese name."),
    "opt.category_en": Msg("英文名称。", "The English name."),
    "donate": Msg(
        "登记居民捐到图书箱里的书。\n\n例：lou donate --box SHY-01 --title 平凡的世界 --donor 张大爷\n\n"
        "按 ISBN：lou donate --box SHY-01 --isbn 9787020024759；扫码枪成批登记：lou donate --box SHY-01 --scan",
        "Register a book a resident put into a box.\n\nExample: lou donate --box SHY-01 --title 平凡的世界\n\n"
        "By ISBN: lou donate --box SHY-01 --isbn 9787020024759; a batch from a scanner: "
        "lou donate --box SHY-01 --scan",
    ),
    "opt.donate_box": Msg("在哪个图书箱发现的。", "The box it was found in."),
    "opt.donor": Msg(
        "捐赠人（默认隐去，除非 --show-contact）。", "The donor (masked unless --show-contact)."
    ),
    "rotate": Msg(
        "每半月一次的图书轮换：预览、执行、撤销、模拟。\n\n例：lou rotate plan",
        "The fortnightly rotation: preview, apply, undo, simulate.\n\nExample: lou rotate plan",
    ),
    "rotate.plan": Msg(
        "预览下一轮：哪些书从哪个箱到哪个箱，谁来搬（不写入）。\n\n例：lou rotate plan",
        "Preview the next round: which books go where, who carries them (nothing is written).\n\nExample: lou rotate plan",
    ),
    "rotate.apply": Msg(
        "执行下一轮：书换位，任务分派给志愿者（先自动备份）。\n\n例：lou rotate apply",
        "Apply the next round: books move, tasks go to volunteers (backs up first).\n\nExample: lou rotate apply",
    ),
    "rotate.settings": Msg(
        "查看或修改轮换设置（不带参数：列出全部设置及含义）。\n\n例：lou rotate settings fill 0.8",
        "Show or change the rotation settings (no arguments: every setting and what it means).\n\nExample: lou rotate settings fill 0.8",
    ),
    "arg.rotation_key": Msg("要修改的设置（如 fill）。", "The setting to change (e.g. fill)."),
    "arg.rotation_value": Msg("新的值。", "Its new value."),
    "rotate.redate": Msg(
        "改正最近执行的一轮的日期（apply --date 写错了时），它的任务一起改期，已报告的也一样。\n\n"
        "例：lou rotate redate 2026-12-05",
        "Correct the date of the last applied round (a wrong apply --date); its tasks move "
        "with it, reported ones too.\n\nExample: lou rotate redate 2026-12-05",
    ),
    "rotate.undo": Msg(
        "撤销最近一轮（只要它的任务都还没完成）。\n\n"
        "执行之后若有别的改动（捐赠、新书、编辑、日程），撤销会把它们抹掉，所以不予撤销。\n\n"
        "例：lou rotate undo",
        "Take back the last round while none of its tasks is done.\n\n"
        "Refused once anything else changed after it (donations, new books, edits, the schedule), "
        "which an undo would erase.\n\n"
        "Example: lou rotate undo",
    ),
    "rotate.status": Msg(
        "最近一轮的进度：任务完成、待办、逾期。\n\n例：lou rotate status",
        "The last round's progress: tasks done, open, overdue.\n\nExample: lou rotate status",
    ),
    "rotate.history": Msg(
        "历次轮换的记录和新鲜度。\n\n例：lou rotate history",
        "Every round so far, with its figures.\n\nExample: lou rotate history",
    ),
    "rotate.simulate": Msg(
        "在副本上模拟 N 轮并给出质量指标（不改动数据库）。\n\n例：lou rotate simulate --rounds 26 --loss 0.02",
        "Play N rounds on a copy and print the quality figures (the DB is not changed).\n\nExample: lou rotate simulate --rounds 26 --loss 0.02",
    ),
    "opt.round_date": Msg(
        "新一轮的日期，如 2026-12-05 或 12月5日（默认按日程）。",
        "The round's date, such as 2026-12-05 or 12月5日 (default: the schedule's).",
    ),
    "opt.sim_rounds": Msg("模拟多少轮。", "How many rounds to play."),
    "opt.sim_loss": Msg(
        "每册书每轮“未见”的概率，如 0.02。",
        "Chance a book is reported missing each round, such as 0.02.",
    ),
    "opt.sim_returns": Msg(
        "未见的书每轮被还回的概率。", "Chance a missing book comes back each round."
    ),
    "opt.sim_donations": Msg("每轮居民捐赠的册数。", "Books residents donate each round."),
    "opt.sim_away": Msg(
        "每轮请假的志愿者比例，如 0.1。", "Share of volunteers away each round, such as 0.1."
    ),
    "opt.sim_seed": Msg("随机种子（相同种子结果相同）。", "Random seed (same seed, same result)."),
    "opt.sim_change": Msg(
        "试试每轮换掉书箱的这一比例（不改设置）：看新鲜度的得失。",
        "Try changing this share of each box a round (the settings stay): see what it does to freshness.",
    ),
    "task": Msg(
        "志愿者的任务：每人每轮走一条路线，按清单取书放书。\n\n例：lou task list --volunteer 王秀兰",
        "Volunteers' tasks: one walk per person per round, with pick lists.\n\nExample: lou task list --volunteer 王秀兰",
    ),
    "task.list": Msg(
        "列出任务（默认只列待办）。\n\n例：lou task list --volunteer 王秀兰",
        "List tasks (open ones unless --all or --round).\n\nExample: lou task list --volunteer V002",
    ),
    "task.show": Msg(
        "查看一项任务的取书/放书清单。\n\n例：lou task show 3",
        "Show a task's pick list: what to take out and put in.\n\nExample: lou task show 3",
    ),
    "task.done": Msg(
        "报告任务完成，并说明哪些书没见到。报告后发现漏报了，加 --amend 补报。"
        "\n\n例：lou task done 3 --missing B00012,B00345\n\n"
        "补报：lou task done 3 --amend --missing B00077\n\n"
        "用扫码枪逐箱扫描：lou task done 3 --scan",
        "Report a task done, and which books were not there. Forgot one? Add it with --amend."
        "\n\nExample: lou task done 3 --missing B00012,B00345\n\n"
        "Correction: lou task done 3 --amend --missing B00077\n\n"
        "Box by box with a barcode scanner: lou task done 3 --scan",
    ),
    "task.reopen": Msg(
        "撤回一项任务的完成报告（报错了任务编号时），任务重新待办。\n\n例：lou task reopen 7",
        "Take back a task's report (given for the wrong task), so the task is open again."
        "\n\nExample: lou task reopen 7",
    ),
    "opt.amend": Msg(
        "更正已报告完成的任务：补上漏报的 --missing / --extra，记录随之更正。",
        "Correct a task already reported done: add forgotten --missing / --extra books; the "
        "records follow.",
    ),
    "arg.redate": Msg("这一轮的正确日期。", "The round's right date."),
    "arg.task": Msg("任务编号（见 lou task list）。", "The task number (see lou task list)."),
    "opt.task_volunteer": Msg(
        "只看这位志愿者的（姓名、编号或拼音首字母）。",
        "Only this volunteer's (name, code or pinyin initials).",
    ),
    "opt.task_round": Msg("只看这一轮的（含已完成）。", "Only this round's (done ones included)."),
    "opt.task_all": Msg("也列出已完成的。", "Include done tasks."),
    "opt.missing": Msg(
        "没见到的书的编号（可重复，或用 、，, ； 或空格隔开）。",
        "Codes of books that were not there (repeat, or separate with , 、 ; or spaces).",
    ),
    "opt.extra": Msg(
        "在箱中意外见到的已登记图书：编号@图书箱。", "Registered books found in a box: CODE@BOX."
    ),
    "schedule": Msg(
        "轮换日程：每 14 天一轮。\n\n例：lou schedule show --rounds 6",
        "The rotation schedule: a round every 14 days.\n\nExample: lou schedule show --rounds 6",
    ),
    "schedule.show": Msg(
        "列出接下来几轮的日期。\n\n例：lou schedule show --rounds 6",
        "List the coming rounds' dates.\n\nExample: lou schedule show --rounds 6",
    ),
    "schedule.set": Msg(
        "设定第 1 轮日期，以及是否避开节假日。\n\n例：lou schedule set --start 2026-12-05 --skip-holidays",
        "Set round 1's date and whether to avoid holidays.\n\nExample: lou schedule set --start 2026-12-05 --skip-holidays",
    ),
    "opt.schedule_rounds": Msg("列出几轮。", "How many rounds to list."),
    "opt.schedule_start": Msg(
        "第 1 轮的日期，如 2026-12-05、2026年12月5日。",
        "The date of round 1, such as 2026-12-05 or 2026年12月5日.",
    ),
    "opt.skip_holidays": Msg(
        "遇法定节假日或调休上班日时改到最近的空闲日。",
        "Move a round off public holidays and make-up working days.",
    ),
    "notice": Msg(
        "生成一段纯文字通知，贴到志愿者微信群里。\n\n例：lou notice",
        "Plain text of a round's tasks to paste into the volunteers' group chat.\n\nExample: lou notice",
    ),
    "opt.notice_round": Msg("哪一轮（默认最近一轮）。", "Which round (default: the last one)."),
    "task.swap": Msg(
        "把任务交给另一位志愿者。\n\n例：lou task swap 5 --to 李建国",
        "Hand a task to another volunteer.\n\nExample: lou task swap 5 --to V003",
    ),
    "opt.swap_to": Msg(
        "接手的志愿者（姓名、编号或拼音首字母）。",
        "Who takes it over (name, code or pinyin initials).",
    ),
    "opt.swap_force": Msg("允许交给其他片区的志愿者。", "Allow a volunteer of another site."),
    "opt.pick_output": Msg(
        "写成可打印的 A4 网页清单（每位志愿者一页）。",
        "Write printable A4 pick lists as a web page (one volunteer per page).",
    ),
    "volunteer.away": Msg(
        "登记志愿者哪几天不在（轮换不会派给他/她）。\n\n例：lou volunteer away 王秀兰 --from 2026-12-01 --to 2026-12-20 --reason 探亲",
        "Record days a volunteer is away (no task is given then).\n\nExample: lou volunteer away V002 --from 2026-12-01 --to 2026-12-20",
    ),
    "opt.away_from": Msg(
        "第一天，如 2026-12-05、12月5日。", "The first day, such as 2026-12-05 or 12月5日."
    ),
    "opt.away_to": Msg(
        "最后一天，如 2026-12-19、12月19日。", "The last day, such as 2026-12-19 or 12月19日."
    ),
    "opt.away_cancel": Msg(
        "取消从 --from 那天开始的请假。", "Remove the time away that starts on --from."
    ),
    "schedule.ics": Msg(
        "把任务写成日历文件（.ics），可导入手机日历，前一晚提醒。\n\n例：lou schedule ics 我的轮换.ics --volunteer 王秀兰",
        "Write tasks as a calendar file (.ics) for phone calendars, with a reminder the evening before.\n\nExample: lou schedule ics rotation.ics --volunteer V002",
    ),
    "arg.ics_file": Msg("要写出的 .ics 文件。", "The .ics file to write."),
    "opt.repair": Msg(
        "修复能安全修复的问题（先自动备份）。", "Fix what can be fixed safely (backs up first)."
    ),
    # -- issue 17: stocktake and intake in the field (helper A)
    "stocktake": Msg(
        "盘点一个图书箱：读入箱里每本书的编号，与记录对照。\n\n"
        "编号来自扫码枪或键盘（一行一个，空行结束）、--from 文件或 --photo 手机照片；"
        "结果分为在箱、未见、在此找到、未知编号、仅有 ISBN。"
        "\n\n例：lou stocktake SHY-01 --photo 书脊.jpg\n\n撤销：lou stocktake SHY-01 --undo",
        "Stocktake a box: read the code of every book in it and compare with the records.\n\n"
        "The codes come from a scanner or the keyboard (one a line, an empty line to finish), "
        "--from FILE or --photo PHOTO; each copy is present, not seen, found here, an unknown "
        "code or ISBN only."
        "\n\nExample: lou stocktake SHY-01 --photo spines.jpg\n\n"
        "Take it back: lou stocktake SHY-01 --undo",
    ),
    "arg.stocktake_box": Msg("盘点哪个图书箱。", "The box to stocktake."),
    "arg.stocktake_more": Msg(
        "更多照片（跟在 --photo 后面，如 --photo *.jpg）。",
        "More photos (after --photo, as in --photo *.jpg).",
    ),
    "opt.stocktake_photo": Msg(
        "手机拍的照片（可多张）：读出标签上的二维码和书上的 ISBN 条码。",
        "Photos of the box's books (repeat for more): their labels' QR codes and ISBN barcodes.",
    ),
    "opt.stocktake_from": Msg(
        "从文本或 CSV 文件读编号（每行第一格）。",
        "Read the codes from a text or CSV file (the first cell of each row).",
    ),
    "opt.dry_run_stocktake": Msg("只显示对照结果，不写入。", "Show the comparison; write nothing."),
    "opt.stocktake_undo": Msg(
        "撤销这个图书箱最近一次盘点（只要书在那之后没有变动）。",
        "Take back this box's last stocktake (while its books have not changed since).",
    ),
    "opt.task_scan": Msg(
        "逐个图书箱扫描箱里的书（一行一个编号，每个箱以空行结束），据此报告未见和多出的书。",
        "Scan each box's books in turn (one code a line, an empty line after each box); the "
        "missing and extra books are reported from the scans.",
    ),
    "opt.donate_isbn": Msg(
        "ISBN（10 或 13 位）：目录里有同一 ISBN 的书时，书名、作者、分类照抄。",
        "The ISBN (10 or 13 digits): title, author and category come from copies with the "
        "same ISBN.",
    ),
    "opt.donate_title": Msg(
        "书名（给了目录里已有的 ISBN 时可省）。",
        "The title (not needed for an ISBN the catalogue has).",
    ),
    "opt.donate_scan": Msg(
        "成批登记：从扫码枪逐行读 ISBN，空行结束，先列表确认再登记。",
        "Register a batch: ISBNs from a scanner, one a line, an empty line to finish; a review "
        "table before anything is saved.",
    ),
    "opt.yes": Msg("不再询问，直接登记。", "Do not ask; register."),
    "opt.labels_new": Msg(
        "只印还没打印过标签的图书（打印过的会记下日期）。",
        "Only books whose label was never printed (printing is recorded).",
    ),
}
