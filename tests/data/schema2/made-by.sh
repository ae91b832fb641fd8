# Made with lou-library at commit 8860e32 (schema 2): PYTHONPATH=<that checkout>/src bash made-by.sh,
# then the outputs (*.json) with LOU_NOW=2026-12-27T09:00:00: book history B00001/B00005,
# report rotation --format json, rotate history, task show 5/6, rotate plan (all --json).
set -e
export PYTHONPATH=/tmp/old/src LOU_LANG=en NO_COLOR=1 COLUMNS=120
L="python -m lou_library --db /tmp/s2/lou.json"
export LOU_NOW=2026-11-24T09:30:00
$L init
$L site add 东院 --kind compound --code DY
$L site add 西院 --kind yard --code XY
for u in 1 2 3; do $L box add --site DY --building 1号楼 --unit ${u}单元 --capacity 6; done
for u in 1 2; do $L box add --site XY --building 2号楼 --unit ${u}单元 --capacity 6; done
$L volunteer add 王秀兰 --site DY
$L volunteer add 李桂芝 --site XY
for b in DY-01 DY-02 DY-03 XY-01 XY-02; do for i in 1 2 3 4; do $L book add --title "书$b-$i" --box $b >/dev/null; done; done
$L book add --title 库存一 >/dev/null; $L book add --title 库存二 >/dev/null
$L schedule set --start 2026-11-28
LOU_NOW=2026-11-28T09:00:00 $L rotate apply >/dev/null
LOU_NOW=2026-11-28T18:00:00 $L task done 1 --missing B00005
LOU_NOW=2026-11-28T18:00:00 $L task done 2
LOU_NOW=2026-11-29T10:00:00 $L book found B00005 --box DY-02
LOU_NOW=2026-12-12T09:00:00 $L rotate apply >/dev/null
LOU_NOW=2026-12-12T18:00:00 $L task done 3
LOU_NOW=2026-12-12T18:00:00 $L task done 4
LOU_NOW=2026-12-26T09:00:00 $L rotate apply >/dev/null
