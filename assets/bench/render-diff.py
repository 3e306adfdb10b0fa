"""Compares Huimin's renderings (written by the RenderDiffExport test) with dcmtk's.

Reads <dir>/index.tsv (sample path, our PNM, window center, window width, transfer syntax UID),
renders each sample with dcmtk at the same window and frame 1, and prints per file the mean and
maximum absolute difference, then a summary. Files dcmtk cannot decode are listed as such.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

JPEG_LS = {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"}
JPEG_2000 = {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"}


def dcmtk_render(sample: str, center: str, width: str, syntax: str, target: Path) -> str | None:
    if syntax in JPEG_2000:
        return "free dcmtk has no JPEG 2000 decoder"
    tool = "dcml2pnm" if syntax in JPEG_LS else "dcmj2pnm"
    # A VOI LUT applied on our side is the file's first one on dcmtk's.
    window = ["+Wl", "1"] if center == "lut" else ["+Ww", center, width] if center else []
    result = subprocess.run([tool, "+F", "1", *window, "+op", sample, str(target)], capture_output=True, text=True)
    if result.returncode != 0 or not target.exists():
        return (result.stderr.strip().splitlines() or ["failed"])[-1]
    return None


def main() -> None:
    directory = Path(sys.argv[1])
    rows = []
    for line in (directory / "index.tsv").read_text().splitlines():
        sample, ours, center, width, syntax = line.split("\t")
        theirs = directory / (Path(ours).stem + ".dcmtk.pnm")
        failure = dcmtk_render(sample, center, width, syntax, theirs)
        name = Path(sample).name
        if failure:
            rows.append((name, None, None, failure))
            continue
        a = np.asarray(Image.open(directory / ours), dtype=np.int16)
        b = np.asarray(Image.open(theirs), dtype=np.int16)
        if a.shape != b.shape:
            rows.append((name, None, None, f"shape {a.shape} vs dcmtk {b.shape}"))
            continue
        difference = np.abs(a - b)
        rows.append((name, float(difference.mean()), int(difference.max()), "VOI LUT" if center == "lut" else f"window {center}/{width}" if center else "colour"))
    compared = [row for row in rows if row[1] is not None]
    for name, mean, peak, note in rows:
        figures = f"{mean:8.3f} {peak:4d}" if mean is not None else "       -    -"
        print(f"{name:48s} {figures}  {note}")
    if compared:
        means = [row[1] for row in compared]
        print(f"\n{len(compared)} files compared, {len(rows) - len(compared)} not: mean of means {np.mean(means):.3f}, "
              f"worst mean {max(means):.3f}, files with mean < 1: {sum(m < 1 for m in means)}")


if __name__ == "__main__":
    main()
