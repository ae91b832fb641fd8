# ruff: noqa: E501 - long sentences read better unbroken (as in messages.py)
"""The words of volunteer service hours and certificates (志愿服务记录与证明), in Chinese
and English. Kept apart from :mod:`lou_library.messages` like the reports' words."""

from __future__ import annotations

from lou_library.i18n import Msg

# ----------------------------------------------------------------- bad input
HOURS_OUT_OF_RANGE = Msg(
    "服务时长“{hours}”不对：应大于 0、不超过 {most} 小时（例如 1.5）。",
    "The hours “{hours}” are not right: more than 0 and at most {most} (for example 1.5).",
)
HOURS_TOO_FEW = Msg(
    "服务时长“{hours}”太少，记不下：最少 0.01 小时（例如 0.25 表示一刻钟）。",
    "The hours “{hours}” are too few to record: at least 0.01 (for example 0.25 for a "
    "quarter of an hour).",
)
SERVICE_WHAT_EMPTY = Msg(
    "请说明服务内容（--what，例如“整理社区图书室”）。",
    "Say what the service was (--what, for example “sorting the library room”).",
)
SERVICE_DATE_FUTURE = Msg(
    "服务日期 {date} 还没到：只能记录已经完成的服务。",
    "The date {date} is still to come: only service already given can be recorded.",
)
SERVICE_NOT_FOUND = Msg(
    "没有编号为 {code} 的服务记录。", "There is no service record number {code}."
)
ID_NUMBER_BAD = Msg(
    "身份证号“{number}”不对：{reason}。",
    "The resident ID number “{number}” is not right: {reason}.",
)
ID_BAD_LENGTH = Msg("应为 18 位", "it must have 18 characters")
ID_BAD_FORMAT = Msg(
    "前 17 位应为数字，最后一位为数字或 X",
    "the first 17 must be digits, the last a digit or X",
)
ID_BAD_DATE = Msg("其中的出生日期不存在", "the date of birth in it does not exist")
ID_BAD_CHECK = Msg(
    "校验位不符（可能有一位抄错了）", "the check digit does not match (a digit mistyped?)"
)
NO_SERVICE_IN_PERIOD = Msg(
    "{name}（{code}）在这段时间没有服务记录，无法出具证明。",
    "{name} ({code}) has no service recorded in that period: there is nothing to certify.",
)
ORG_MISSING = Msg(
    "还没有设置出具单位：请先运行 lou settings set org.name “单位名称”"
    "（还有 org.head 负责人、org.handler 经办人、org.contact 联系方式）。",
    "The issuing body is not set: run lou settings set org.name “NAME” first"
    " (and org.head, org.handler, org.contact).",
)
SETTING_UNKNOWN = Msg(
    "没有叫 {key} 的设置。可设置：{keys}。", "There is no setting {key}. Settings: {keys}."
)
SETTING_BAD_NUMBER = Msg(
    "{key} 应为 0 到 {most} 之间的数，不是“{value}”。",
    "{key} must be a number from 0 to {most}, not “{value}”.",
)
SETTING_EMPTY = Msg("{key} 不能为空。", "{key} must not be empty.")

# -------------------------------------------------------------- what was done
SERVICE_RECORDED = Msg(
    "已记录服务 #{id}：{name}，{date}，{hours} 小时，{what}。",
    "Recorded service #{id}: {name}, {date}, {hours} h, {what}.",
)
SERVICE_REMOVED = Msg(
    "已删除服务记录 #{id}（{name}，{date}，{hours} 小时）。",
    "Removed service record #{id} ({name}, {date}, {hours} h).",
)
CERTIFICATE_FORMAT = Msg("志愿服务证明", "certificate")
CERTIFICATE_WRITTEN = Msg(
    "已生成志愿服务记录证明 {number}（{name}，{hours} 小时）：{path}",
    "Wrote certificate of service {number} ({name}, {hours} h): {path}",
)
CERTIFICATE_REPLACES = Msg(
    "这一期间的服务时长有了变化，所以换了新编号：{number} 取代 {old}（旧证明的记录保留）。",
    "The hours of this period have changed, so it has a new number: {number} replaces {old} "
    "(the old one stays on record).",
)
SETTING_SET = Msg("已设置 {key} = {value}。", "Set {key} = {value}.")
TASK_HOURS = Msg("服务时长计 {hours} 小时。", "Hours counted: {hours}.")

# ------------------------------------------------------------ table words
COL_HOURS = Msg("时长（小时）", "Hours")
COL_WHAT = Msg("服务内容", "Service")
COL_KIND = Msg("类别", "Kind")
COL_SERVICES = Msg("其他服务", "Other services")
COL_HALF_YEAR = Msg("半年", "Half year")
COL_SETTING = Msg("设置", "Setting")
COL_VALUE = Msg("值", "Value")
KIND_NAMES = {
    "task": Msg("图书轮换", "Book rotation"),
    "service": Msg("其他服务", "Other service"),
}
TASK_WHAT = Msg("第 {round} 轮图书轮换：{boxes}", "Book rotation, round {round}: {boxes}")
SUMMARY = Msg(
    "{period}，{people} 名志愿者累计服务 {hours} {one:小时|小时}，完成 {rounds} 轮图书轮换，流转图书 {books} 册。",
    "{period}, {people:# volunteer|# volunteers} served {hours} {one:hour|hours} over "
    "{rounds:# round|# rounds} and moved {books:# book|# books}.",
)
PERIOD_ALL = Msg("迄今", "So far")
PERIOD = Msg("{start}至{end}", "From {start} to {end}")
HALF_YEAR = Msg("{year}年{half}", "{year} {half}")
HALVES = {1: Msg("上半年", "first half"), 2: Msg("下半年", "second half")}

# ------------------------------------------------------------ the certificate
CERT_TITLE = Msg("志愿服务记录证明", "Certificate of Volunteer Service")
CERT_NUMBER = Msg("证明编号", "Certificate number")
CERT_INTRO = Msg(
    "兹证明以下志愿者参加了本单位组织的志愿服务活动，服务记录如下。",
    "This certifies that the volunteer below took part in volunteer service organised by "
    "us, as recorded here.",
)
CERT_NAME = Msg("姓名", "Name")
CERT_ID = Msg("身份证号", "Resident ID number")
CERT_PERIOD = Msg("服务期间", "Period of service")
CERT_CONTENT = Msg("服务内容", "Service")
CERT_CONTENT_TEXT = Msg(
    "社区楼道图书角图书轮换与管理", "Rotation and care of the community corridor book boxes"
)
CERT_TOTAL = Msg("服务时长合计", "Total hours of service")
COL_REF = Msg("任务或记录号", "Task or record")  # (not 编号 twice: the volunteer's is 编号)
CERT_HOURS = Msg("{hours} {one:小时|小时}", "{hours} {one:hour|hours}")  # one: 1 for 1 hour
CERT_DETAIL = Msg("服务明细", "Services")
CERT_DATE = Msg("日期", "Date")
CERT_PLACE = Msg("地点", "Place")
CERT_BODY = Msg("出具单位", "Issuing body")
CERT_HEAD = Msg("负责人", "Person in charge")
CERT_HANDLER = Msg("经办人", "Handled by")
CERT_CONTACT = Msg("联系方式", "Contact")
CERT_ISSUED = Msg("出具日期", "Date of issue")
CERT_SEAL = Msg("（盖章）", "(seal)")
CERT_SIGNATURE = Msg("签字", "signature")
CERT_SIGNED_BY = Msg("{who}签字", "{who}, signature")
CERT_LABEL = Msg("{label}：", "{label}: ")
CERT_NOTE = Msg(
    "依据《志愿服务记录与证明出具办法（试行）》出具。证明编号可向出具单位查询核实。",
    "Issued under the Measures for Volunteer Service Records and Certificates (trial). "
    "The number can be checked with the issuing body.",
)

# ------------------------------------------------------------------ help texts
HELP: dict[str, Msg] = {
    "settings": Msg(
        "设置：证明的出具单位，每趟任务的估计用时。\n\n"
        "例：lou settings set org.name 某某街道文化站",
        "Settings: the body that issues certificates of service, and how long a walk is"
        " estimated to take.\n\nExample: lou settings set org.name 'Culture station'",
    ),
    "settings.show": Msg(
        "列出各项设置及其当前值。\n\n例：lou settings show",
        "List the settings and their values.\n\nExample: lou settings show",
    ),
    "settings.set": Msg(
        "设置一项：org.name 单位名称、org.head 负责人、org.handler 经办人、org.contact 联系方式；"
        "service.walk_minutes 每趟往返分钟数、service.minutes_per_box 每个图书箱分钟数、"
        "service.minutes_per_book 每册分钟数。\n\n例：lou settings set service.minutes_per_box 8",
        "Set one: org.name (the issuing body), org.head (person in charge), org.handler,"
        " org.contact; service.walk_minutes (out and back), service.minutes_per_box,"
        " service.minutes_per_book.\n\nExample: lou settings set service.minutes_per_box 8",
    ),
    "report.hours": Msg(
        "志愿服务时长：按人、党员、片区、半年统计。\n\n"
        "任务时长为志愿者报告的实际时长，未报告的按计划时的估计；另有 lou volunteer service 记录的其他服务。"
        "--summary 给出半年总结的一句话。\n\n"
        "例：lou report hours --from 2026-01-01 --to 2026-06-30 --format xlsx --output 服务时长.xlsx",
        "Volunteer service hours: per person, Party members, site and half year.\n\n"
        "A walk counts the hours its volunteer reported, else its estimate; other service is"
        " what lou volunteer service recorded. --summary gives the half-year summary in one"
        " sentence.\n\n"
        "Example: lou report hours --from 2026-01-01 --to 2026-06-30 --format xlsx --output hours.xlsx",
    ),
    "opt.hours_volunteer": Msg(
        "只统计这位志愿者（编号或姓名）。", "Only this volunteer (code or name)."
    ),
    "opt.hours_summary": Msg(
        "只给出总结：多少人、多少小时、多少轮、搬运多少册。",
        "Only the summary: how many people, hours, rounds and books moved.",
    ),
    "opt.task_hours": Msg(
        "这趟实际用了几小时（如 1.5）；不填则按计划时的估计计算。与 --amend 一起用时更正已报告的时长。",
        "How many hours the walk really took (such as 1.5); without it the estimate counts."
        " With --amend, corrects the hours reported.",
    ),
    "volunteer.service": Msg(
        "记录轮换之外的志愿服务，计入服务时长。\n\n"
        "如整理图书室、读书日活动。记错了用 --remove 编号 删除。\n\n"
        "例：lou volunteer service 王秀兰 --date 2026-04-23 --hours 3 --what 世界读书日活动",
        "Record volunteer service outside the rotation; it counts in the hours.\n\n"
        "Sorting the library room, a World Book Day event. Recorded by mistake: --remove ID.\n\n"
        "Example: lou volunteer service 王秀兰 --date 2026-04-23 --hours 3 --what 'World Book Day'",
    ),
    "volunteer.certificate": Msg(
        "出具志愿服务记录证明（可打印的 A4 网页）。\n\n"
        "含服务明细、时长合计、出具单位和证明编号。同一人同一期间再次出具时编号不变。"
        "身份证号默认隐去，--show-contact 时完整显示。\n\n"
        "例：lou volunteer certificate 王秀兰 --from 2026-01-01 --to 2026-06-30 --output 证明.html",
        "Issue a certificate of volunteer service (a printable A4 page).\n\n"
        "With the services, the total hours, the issuing body and a number. The same person"
        " and period keep their number. The resident ID number is masked unless"
        " --show-contact.\n\n"
        "Example: lou volunteer certificate 王秀兰 --from 2026-01-01 --to 2026-06-30"
        " --output certificate.html",
    ),
    "opt.service_date": Msg("服务日期（默认今天）。", "The day of the service (default: today)."),
    "opt.service_hours": Msg("服务时长，单位小时（如 1.5）。", "How many hours (such as 1.5)."),
    "opt.service_what": Msg("服务内容。", "What the service was."),
    "opt.service_site": Msg(
        "服务地点所在片区（可不填）。", "The site it took place at (optional)."
    ),
    "opt.service_remove": Msg(
        "删除这条记错的服务记录（编号见 lou report hours）。",
        "Remove this service record, recorded by mistake (its number is in lou report hours).",
    ),
    "opt.certificate_output": Msg("证明写入的网页文件（.html）。", "The page to write (.html)."),
    "opt.certificate_from": Msg(
        "期间开始（默认第一次服务）。", "Start of the period (default: the first service)."
    ),
    "opt.certificate_to": Msg(
        "期间结束（默认最近一次服务）。", "End of the period (default: the last service)."
    ),
    "opt.id_number": Msg(
        "身份证号（18 位，出具证明用；显示时隐去），空字符串表示删除。",
        'Resident ID number (18 characters, for certificates; masked when shown); "" clears it.',
    ),
    "arg.setting_key": Msg("设置项，如 org.name。", "The setting, such as org.name."),
    "arg.setting_value": Msg("新的值。", "Its new value."),
}

from lou_library import messages as _m  # noqa: E402 - after HELP, which it merges

_m.HELP.update(HELP)
