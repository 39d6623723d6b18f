"""editorial.store on a real small file system: full disk, interrupted swaps, unsafe names."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from editorial import store
from editorial.errors import StoreError
from editorial.model import RenderedFile


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (H48): a real ENOSPC, no mocks. Skipped where mounting is not allowed."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                          capture_output=True, check=False)  # fmt: skip
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def files(**sizes: int) -> list[RenderedFile]:
    return [RenderedFile(name=n.replace("_", "."), data=bytes([65 + i % 26]) * s,
                         media_type="application/octet-stream")
            for i, (n, s) in enumerate(sizes.items())]  # fmt: skip


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith((".tmp-", ".old-"))]


def test_h48_atomic_write_on_a_full_disk_keeps_the_old_file(tiny_fs: Path) -> None:
    target = tiny_fs / "x.pdf"
    store.atomic_write(target, b"%PDF old" * 1000)
    with pytest.raises(StoreError) as err:
        store.atomic_write(target, b"%PDF new" * 250_000)  # 2 MB on a 1 MiB disk
    assert str(err.value).startswith("disk full writing ") and "x.pdf" in str(err.value)
    assert err.value.code == "write_failed"
    assert target.read_bytes() == b"%PDF old" * 1000
    assert not leftovers(tiny_fs)


def test_h48_publish_on_a_full_disk_keeps_the_previous_outputs(tiny_fs: Path) -> None:
    out = tiny_fs / "outputs"
    store.publish(out, "story", files(report_pdf=100_000, newsletter_html=5_000), {"source": "s.md"})
    before = tree(out / "story")
    with pytest.raises(StoreError) as err:
        store.publish(out, "story", files(report_pdf=2_000_000, newsletter_html=5_000), {"source": "s.md"})
    assert "disk full writing" in str(err.value) and "story" in str(err.value)
    assert tree(out / "story") == before
    assert not leftovers(tiny_fs)


@pytest.mark.slow
def test_h48_a_full_disk_in_a_real_batch_is_an_article_error(tiny_fs: Path, tmp_path: Path) -> None:
    """The real pipeline on a 1 MiB disk: the first article fits, later ones fail with
    write_failed; nothing partial is left and the batch completes."""
    from editorial import pipeline, sources, stages

    from .hostile.conftest import GOOD_1, GOOD_2

    src = tmp_path / "src"
    src.mkdir()
    for i in range(6):
        (src / f"a{i}.md").write_text((GOOD_1 if i % 2 else GOOD_2.replace("The new", f"# {i} The new")),
                                      "utf-8")  # fmt: skip
    jobs = [stages.Job(source=s) for s in sources.discover([src])]
    try:
        results = pipeline.run_batch(jobs, out_dir=tiny_fs / "out", workers=1)
    except StoreError as exc:  # the run report itself may not fit: still no partial file
        assert "disk full" in str(exc)
        results = []
    codes = {r.error.code for r in results if r.error}
    assert codes <= {"write_failed"}
    if results:
        assert codes == {"write_failed"} and any(r.status == "ok" for r in results)
        assert all("disk full writing" in r.error.message for r in results if r.error)
    assert not leftovers(tiny_fs)
    for manifest in (tiny_fs / "out").glob("*/manifest.json"):
        import json

        for name in json.loads(manifest.read_text("utf-8"))["files"]:
            assert (manifest.parent / name).stat().st_size > 0


def test_recover_finishes_or_undoes_interrupted_swaps(tmp_path: Path) -> None:
    out = tmp_path / "out"
    store.publish(out, "a", files(x_txt=10), {"source": "a"})
    store.publish(out, "b", files(x_txt=10), {"source": "b"})
    # killed between "final -> .old-" and "staging -> final": final is missing
    os.replace(out / "a", out / ".old-a")
    (out / ".tmp-a-123").mkdir()
    (out / ".tmp-a-123" / "x.txt").write_bytes(b"partial")
    # killed after the swap, before the cleanup
    (out / ".old-b").mkdir()
    (out / ".state").mkdir(exist_ok=True)
    (out / ".state" / ".tmp-zz").write_bytes(b"{")
    store.recover(out)
    assert tree(out / "a") and (out / "a" / "x.txt").read_bytes() == b"A" * 10
    assert not (out / ".old-b").exists() and (out / "b").is_dir()
    assert not leftovers(out)


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/x", "cards/../../x.png"])
def test_publish_refuses_file_names_outside_the_article_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(StoreError):
        store.publish(tmp_path / "out", "a", [RenderedFile(name=name, data=b"x", media_type="x")], {})
    assert not (tmp_path / "escape.txt").exists()
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("slug", ["", ".", "..", ".state", "a/b", "x" * 300])
def test_h42_h44_publish_refuses_unsafe_folder_names(tmp_path: Path, slug: str) -> None:
    with pytest.raises(StoreError):
        store.publish(tmp_path / "out", slug, files(x_txt=1), {})


def test_h43_colliding_slugs_get_distinct_folders(tmp_path: Path) -> None:
    out = tmp_path / "out"
    store.publish(out, "hello-world", files(x_txt=1), {"source": "one.md"})
    slug, warning = store.claim_slug(out, "hello-world", "two.md")
    assert slug != "hello-world" and slug.startswith("hello-world-") and warning
    assert store.claim_slug(out, "hello-world", "one.md") == ("hello-world", "")

