"""A synthetic network of any size, built through the project's own rules."""

from __future__ import annotations

from pathlib import Path

from lou_library.catalogue import BookSpec, create_books
from lou_library.demo import empty_document
from lou_library.network import add_box, add_site, add_volunteer
from lou_library.store import atomic_write_bytes, encode
from lou_library.tinyrepo import TinyRepository

TITLES = [
    "上下五千年",
    "十万个为什么",
    "杜甫诗选",
    "平凡的世界",
    "安徒生童话",
    "三体",
    "史记",
    "昆虫记",
]


def build_network(path: Path, books: int) -> None:
    """``books`` copies in boxes of 30 (24 each, 80 %), the rest in the depot."""
    db = TinyRepository.in_memory(empty_document())
    boxes = max(3, books // 30)
    sites = max(2, boxes // 9)
    codes: list[str] = []
    for s in range(sites):
        site = add_site(db, f"片区{s:03d}", "compound" if s % 2 else "yard", code=f"S{s:03d}")
        for v in range(3):
            add_volunteer(db, f"志愿者{s:03d}{v}", sites=[site["code"]])
    for b in range(boxes):
        box = add_box(db, f"S{b % sites:03d}", f"{b // sites + 1}号楼", "1单元")
        codes.append(box["code"])
    specs = []
    placed = 0
    for i, code in enumerate(codes):
        if placed + 24 > books:
            break
        specs.append(BookSpec(title=f"{TITLES[i % len(TITLES)]}（第{i}册）", box=code, copies=24))
        placed += 24
    if books > placed:
        specs.append(BookSpec(title="库存图书", copies=books - placed))
    create_books(db, specs, "test")
    atomic_write_bytes(path, encode(db.document()))
