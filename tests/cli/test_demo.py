"""`hipalign library demo`: the figure as SVG or PNG, one still, all key frames, or moving."""

import io
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, ImageStat
from typer.testing import CliRunner

from hipalign.cli.main import app
from hipalign.core.library.catalog import default_demos

runner = CliRunner()


def run(*args: str) -> tuple[int, bytes, str]:
    result = runner.invoke(app, ["library", "demo", *args])
    return result.exit_code, result.stdout_bytes, result.stderr


def test_without_options_it_prints_the_moving_figure_as_svg() -> None:
    code, out, _ = run("side_hip_abduction")
    assert code == 0
    assert out.startswith(b"<svg") and b"<animate" in out and b"Right side" in out


def test_png_goes_to_the_out_file_as_a_still_of_the_end_position(tmp_path: Path) -> None:
    target = tmp_path / "lift.png"
    code, _, _ = run("side_hip_abduction", "--format", "png", "--out", str(target))
    assert code == 0
    image = Image.open(target)
    assert image.format == "PNG" and image.width == 480


def test_left_and_right_pngs_are_mirror_images(tmp_path: Path) -> None:
    pictures = {}
    for side in ("left", "right"):
        code, out, _ = run("band_hip_flexion", "--side", side, "--format", "png")
        assert code == 0
        pictures[side] = Image.open(io.BytesIO(out)).convert("L")
    left, right = pictures["left"], pictures["right"]
    # The side label is written in words, not mirrored: compare below it, at a quarter of the
    # size, since the rasteriser's anti-aliased edges may fall a pixel apart.
    box = (0, left.height // 5, left.width, left.height)

    def gap(a: Image.Image, b: Image.Image) -> float:
        diff = ImageChops.difference(a.crop(box).reduce(4), b.crop(box).reduce(4))
        return ImageStat.Stat(diff).mean[0]

    assert gap(left, ImageOps.mirror(right)) < min(10.0, gap(left, right) / 4)
    assert ImageChops.difference(left, right).getbbox() is not None  # not merely symmetric


def test_all_frames_writes_one_file_per_key_frame_into_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    code, _, _ = run("clamshell", "--all-frames", "--side", "left", "--out", str(folder))
    assert code == 0
    names = sorted(p.name for p in folder.iterdir())
    frames = default_demos()["clamshell"].frames
    assert names == [f"clamshell-left-{n:02d}-{f.name}.svg" for n, f in enumerate(frames, 1)]
    assert all(b"<animate" not in (folder / n).read_bytes() for n in names)


def test_a_frame_outside_the_demonstration_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    target = tmp_path / "x.svg"
    code, _, err = run("clamshell", "--frame", "9", "--out", str(target))
    assert code == 2 and "frame" in err and "use 1 to 4" in err
    assert not target.exists()


def test_bad_combinations_and_unknown_ids_are_refused() -> None:
    code, _, err = run("clamshell", "--all-frames")
    assert code == 2 and "--all-frames needs --out" in err
    code, _, err = run("clamshell", "--all-frames", "--frame", "2", "--out", "x")
    assert code == 2 and "cannot be used together" in err
    code, _, err = run("no_such_exercise")
    assert code == 2 and "not in the library" in err


def test_with_lang_es_the_figure_speaks_spanish_and_its_files_keep_the_frame_ids(
    tmp_path: Path,
) -> None:
    result = runner.invoke(app, ["--lang", "es", "library", "demo", "clamshell", "--frame", "2"])
    assert result.exit_code == 0
    out = result.stdout_bytes.decode()
    assert "Dibujo de Almeja, lado derecho: La rodilla de arriba se separa" in out
    assert ">Lado derecho</text>" in out and "Drawing of" not in out
    folder = tmp_path / "frames"
    code = runner.invoke(
        app, ["--lang", "es", "library", "demo", "clamshell", "--all-frames", "--out", str(folder)]
    ).exit_code
    assert code == 0
    assert sorted(p.name for p in folder.iterdir())[0] == "clamshell-right-01-start.svg"
    assert "Breve pausa arriba" in (folder / "clamshell-right-03-top.svg").read_text("utf-8")
