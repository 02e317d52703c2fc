#!/usr/bin/python3
"""bench_image.py: the image section of `make bench` (PERF.md, "Images").

Inputs: a 12 MP (4000x3000) and a 24 MP (6000x4000) JPEG at q90 made with
ImageMagick from a seeded fractal plasma plus Gaussian noise, so that they
compress like photos (3-7 MB); generated once and kept in --inputs.

Times are wall-clock medians of whole commands (process start to exit,
output written), every command run once to warm up and then RUNS times in
turn (round robin), so slow drift hits all of them alike.  The anchors get
the same output sizes and JPEG/WebP qualities as netdep's derivatives
(read from cgi/image.c).  PSNR is against a reference made from the full
decode by ImageMagick (-filter Lanczos -resize to the derivative's exact
size); peak memory is /usr/bin/time's maximum resident set size.  A 12 MP HEIC
(heif-enc from the 12 MP JPEG, kept in --inputs too) goes through the
upload path against heif-convert + vipsthumbnail (issue 15).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

from bench_report import add_row

# PERF.md's anchor figures (12 MP, ms), to show how this machine compares.
PERF_MS = {"djpeg": 54, "djpeg2": 46, "djpeg8": 37, "vips400": 89,
           "im400": 286, "gm400": 61}
INPUTS = {"12mp": (4000, 3000), "24mp": (6000, 4000)}
GEN_VERSION = "v1"


def say(msg):
    print(f"bench_image: {msg}", flush=True)


def image_constants(top):
    """The derivative sizes and qualities netdep uses, from cgi/image.c."""
    c = {"IMAGE_THUMB_WIDTH": 400, "IMAGE_DISPLAY_LONG": 1600,
         "IMAGE_THUMB_JPEG_Q": 82, "IMAGE_DISP_JPEG_Q": 85,
         "IMAGE_THUMB_WEBP_Q": 80, "IMAGE_DISP_WEBP_Q": 80}
    found = set()
    try:
        with open(os.path.join(top, "cgi/image.c"), encoding="utf-8") as f:
            for m in re.finditer(r"(?m)^#define\s+(IMAGE_\w+)\s+(\d+)\s*$",
                                 f.read()):
                if m.group(1) in c:
                    c[m.group(1)] = int(m.group(2))
                    found.add(m.group(1))
    except OSError:
        pass
    return c, sorted(set(c) - found)


def make_inputs(d):
    """The two test photos, generated in parallel when missing."""
    os.makedirs(d, exist_ok=True)
    paths, procs = {}, []
    for name, (w, h) in INPUTS.items():
        p = os.path.join(d, f"photo-{name}-{GEN_VERSION}.jpg")
        paths[name] = p
        if os.path.exists(p):
            continue
        say(f"generating {p} ({w}x{h}, once; takes a while)")
        procs.append((p, subprocess.Popen(
            ["convert", "-seed", "42", "-size", f"{w}x{h}", "plasma:fractal",
             "-blur", "0x1", "-attenuate", "0.4", "+noise", "Gaussian",
             "-sampling-factor", "2x2", "-quality", "90", p + ".tmp.jpg"])))
    for p, proc in procs:
        if proc.wait() != 0:
            sys.exit(f"bench_image: generating {p} failed")
        os.replace(p + ".tmp.jpg", p)
    return paths


def run(argv, capture=False):
    t0 = time.perf_counter()
    r = subprocess.run(argv, stdout=subprocess.PIPE if capture else
                       subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ms = (time.perf_counter() - t0) * 1e3
    if r.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {r.returncode}: "
                           f"{r.stderr.strip()[:200]}")
    return ms, r.stdout


def time_all(cmds, runs):
    """cmds: name -> argv.  Returns name -> (median ms, [ms...], [stdout])
    or name -> error string."""
    out = {}
    live = {}
    for name, argv in cmds.items():
        try:
            run(argv)
            live[name] = argv
        except (OSError, RuntimeError) as e:
            out[name] = str(e)
    times = {n: [] for n in live}
    texts = {n: [] for n in live}
    for _ in range(runs):
        for name, argv in live.items():
            ms, text = run(argv, capture=True)
            times[name].append(ms)
            texts[name].append(text)
    for name in live:
        out[name] = (statistics.median(times[name]), times[name],
                     texts[name])
        say(f"{name}: median {out[name][0]:.1f} ms over {runs} "
            f"({', '.join(f'{t:.0f}' for t in times[name])})")
    return out


def phases(texts):
    """Median of netdep-thumb's "ms probe .. decode .. total" lines."""
    got = {}
    for t in texts:
        m = re.search(r"^ms (.*)$", t, re.M)
        if not m:
            continue
        words = m.group(1).split()
        for k, v in zip(words[::2], words[1::2]):
            got.setdefault(k, []).append(float(v))
    return ", ".join(f"{k} {statistics.median(v):.1f}"
                     for k, v in got.items())


def dims(path):
    r = subprocess.run(["identify", "-format", "%w %h", path],
                       capture_output=True, text=True, check=True)
    w, h = r.stdout.split()
    return int(w), int(h)


def psnr(ref, test):
    r = subprocess.run(["compare", "-metric", "PSNR", ref, test, "null:"],
                       capture_output=True, text=True)
    m = re.match(r"\s*(inf|[\d.]+)", r.stderr)
    if r.returncode > 1 or not m:
        raise RuntimeError(f"compare {test}: {r.stderr.strip()[:200]}")
    return float(m.group(1))


def peak_mb(argv, runs):
    best = None
    for _ in range(runs):
        r = subprocess.run(["/usr/bin/time", "-f", "%M", *argv],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip()[-200:])
        kb = int(r.stderr.strip().splitlines()[-1])
        best = max(best or 0, kb / 1024)
    return best


def heic_input(d, jpeg):
    """The 12 MP HEIC: the 12 MP JPEG through heif-enc (x265, q50: about
    the bytes per pixel of a phone's HEIC), made once next to it."""
    p = os.path.join(d, f"photo-12mp-{GEN_VERSION}.heic")
    if not os.path.exists(p):
        say(f"generating {p} with heif-enc (once; takes a minute)")
        subprocess.run(["heif-enc", "-q", "50", "-o", p + ".tmp.heic", jpeg],
                       check=True, stdout=subprocess.DEVNULL)
        os.replace(p + ".tmp.heic", p)
    return p


def heic_rows(rows, thumb, inputs, jpeg, tmp, runs, c):
    """Issue 15: a phone's 12 MP HEIC through the whole derivative path
    (netdep-thumb: probe, libheif decode, the upload set) against
    heif-convert to a JPEG then vipsthumbnail to the two sizes; peak RSS
    of each."""
    tw, dl = c["IMAGE_THUMB_WIDTH"], c["IMAGE_DISPLAY_LONG"]
    tq, dq = c["IMAGE_THUMB_JPEG_Q"], c["IMAGE_DISP_JPEG_Q"]
    what = (f"12 MP HEIC, upload set: netdep-thumb vs heif-convert + "
            f"vipsthumbnail {dl} + {tw}")
    mem_what = "peak RSS, upload set of a 12 MP HEIC (netdep-thumb)"
    missing = [t for t in ("heif-enc", "heif-convert", "vipsthumbnail")
               if not shutil.which(t)]
    why = (f"{thumb} is not built" if not thumb else
           f"missing {', '.join(missing)} (deps.sh bench)" if missing
           else None)
    if why:
        add_row(rows, "image.heic.vips", what, unit="ms", na=why)
        add_row(rows, "image.heic.mem", mem_what, unit="MB", na=why)
        return
    heic = heic_input(inputs, jpeg)
    d = os.path.join(tmp, "heic")
    os.makedirs(d, exist_ok=True)
    mid = os.path.join(d, "mid.jpg")
    steps = [["heif-convert", "-q", "90", heic, mid],
             ["vipsthumbnail", "-s", str(dl), "-o",
              f"{d}/v{dl}.jpg[Q={dq}]", mid],
             ["vipsthumbnail", "-s", str(tw), "-o",
              f"{d}/v{tw}.jpg[Q={tq}]", mid]]
    pair = ["sh", "-c", " && ".join(
        " ".join("'" + a + "'" for a in s) + " >/dev/null" for s in steps)]
    cmds = {"netdep_heic": [thumb, heic, d], "pair": pair}
    say(f"timing the HEIC: {', '.join(cmds)} ({runs} runs each)")
    res = time_all(cmds, runs)
    nd, an = res.get("netdep_heic"), res.get("pair")
    err = next((v for v in (nd, an) if isinstance(v, str)), None)
    add_row(rows, "image.heic.vips", what,
            nd[0] if isinstance(nd, tuple) else None,
            an[0] if isinstance(an, tuple) else None, "ms", op="<=",
            goal=1.5,
            note=(f"netdep-thumb phases (ms): {phases(nd[2])}; "
                  if isinstance(nd, tuple) else "") +
            f"{os.path.getsize(heic) / 1e6:.1f} MB HEIC (heif-enc q50, one "
            "4000x3000 HEVC image); the pair writes a q90 JPEG between",
            na=err, extra={"samples_ms": {
                k: v[1] for k, v in res.items() if isinstance(v, tuple)}})
    mruns = 1 if runs < 5 else 3
    try:
        mem = peak_mb([thumb, heic, d], mruns)
        pmem = max(peak_mb(s, mruns) for s in steps)
        merr = None
    except (OSError, RuntimeError) as e:
        mem, pmem, merr = None, None, str(e)
    add_row(rows, "image.heic.mem", mem_what, mem, pmem, "MB", op="<=",
            goal=200, absolute=True,
            anchor_text=f"pair: {pmem:.1f} MB" if pmem else "—",
            note=f"max RSS of {mruns} run(s); the server decodes in its "
            "sandboxed child, within NETDEP_DECODE_MEM_MB", na=merr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True)
    ap.add_argument("--thumb", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--top", required=True)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    rows, runs, tmp = a.rows, a.runs, a.tmp

    missing = [t for t in ("convert", "compare", "identify", "djpeg",
                           "vipsthumbnail", "gm") if not shutil.which(t)]
    if "convert" in missing:
        add_row(rows, "image", "image section",
                na="ImageMagick is missing (apt-get install imagemagick)")
        return
    c, defaulted = image_constants(a.top)
    tw, dl = c["IMAGE_THUMB_WIDTH"], c["IMAGE_DISPLAY_LONG"]
    tq, dq = c["IMAGE_THUMB_JPEG_Q"], c["IMAGE_DISP_JPEG_Q"]
    twq, dwq = c["IMAGE_THUMB_WEBP_Q"], c["IMAGE_DISP_WEBP_Q"]
    setup = (f"{tw} px q{tq} / {dl} px q{dq} JPEG, WebP q{twq}/q{dwq}"
             + (f" (defaults: {', '.join(defaulted)} not found in "
                "cgi/image.c)" if defaulted else ""))
    say(f"derivatives: {setup}")
    photos = make_inputs(a.inputs)

    thumb = a.thumb if os.access(a.thumb, os.X_OK) else None
    thumb_only = False
    if thumb:
        r = subprocess.run([thumb], capture_output=True, text=True)
        usage = r.stderr + r.stdout
        thumb_only = "[-t" in usage
        web_only = "-w" in usage
    why_thumb = None if thumb else f"{a.thumb} is not built"
    why_t = why_thumb or (None if thumb_only else
                          "netdep-thumb has no -t (thumbnail only)")

    def out(name):
        d = os.path.join(tmp, name)
        os.makedirs(d, exist_ok=True)
        return d

    results = {}
    for size, photo in photos.items():
        cmds = {}
        if thumb:
            # PERF.md's "full derivative set" (four web sizes and the
            # hash) is -w; without it netdep-thumb also draws the share
            # card, as an upload does (reported beside, no goal).
            cmds["netdep_full"] = [thumb, *(["-w"] if web_only else []),
                                   photo, out(f"{size}-nd-full")]
            if web_only:
                cmds["netdep_upload"] = [thumb, photo,
                                         out(f"{size}-nd-upload")]
            if thumb_only:
                cmds["netdep_t400"] = [thumb, "-t", photo,
                                       out(f"{size}-nd-t")]
        if "vipsthumbnail" not in missing:
            cmds["vips400"] = ["vipsthumbnail", "-s", str(tw), "-o",
                               f"{out(size)}/v400.jpg[Q={tq}]", photo]
            cmds["vips1600"] = ["vipsthumbnail", "-s", str(dl), "-o",
                                f"{out(size)}/v1600.jpg[Q={dq}]", photo]
        if size == "12mp":
            if "djpeg" not in missing:
                for name, scale in (("djpeg", None), ("djpeg2", "1/2"),
                                    ("djpeg8", "1/8")):
                    cmds[name] = ["djpeg", *(["-scale", scale] if scale
                                             else []),
                                  "-outfile", "/dev/null", photo]
            cmds["im400"] = ["convert", photo, "-thumbnail", f"{tw}x",
                             "-quality", str(tq), f"{out(size)}/im400.jpg"]
            if "gm" not in missing:
                cmds["gm400"] = ["gm", "convert", "-size",
                                 f"{tw * 2}x{tw * 3 // 2}", photo,
                                 "-thumbnail", f"{tw}x", "-quality",
                                 str(tq), f"{out(size)}/gm400.jpg"]
        say(f"timing {size}: {', '.join(cmds)} ({runs} runs each)")
        results[size] = time_all(cmds, runs)

    def med(size, name):
        v = results[size].get(name)
        return v[0] if isinstance(v, tuple) else None

    def err(size, name):
        v = results[size].get(name)
        if v is None:
            return "not run"
        return v if isinstance(v, str) else None

    def samples(*names):
        return {f"{size}.{n}": results[size][n][1] for size in results
                for n in names if isinstance(results[size].get(n), tuple)}

    r12 = results["12mp"]
    t400, full = med("12mp", "netdep_t400"), med("12mp", "netdep_full")
    v400, v1600 = med("12mp", "vips400"), med("12mp", "vips1600")
    ph_t = phases(r12["netdep_t400"][2]) if t400 else ""
    ph_f = phases(r12["netdep_full"][2]) if full else ""

    add_row(rows, "image.t400.vips",
            f"{tw} px thumbnail, 12 MP: netdep-thumb -t vs vipsthumbnail",
            t400, v400, "ms", op="<=", goal=0.6,
            note=f"netdep-thumb phases (ms): {ph_t}" if ph_t else "",
            na=why_t or err("12mp", "netdep_t400") or err("12mp", "vips400"),
            extra={"samples_ms": samples(*results["12mp"])})
    add_row(rows, "image.t400.djpeg8",
            f"{tw} px thumbnail, 12 MP: netdep-thumb -t vs djpeg -scale 1/8",
            t400, med("12mp", "djpeg8"), "ms", op="<=", goal=1.3,
            na=why_t or err("12mp", "netdep_t400") or err("12mp", "djpeg8"))
    add_row(rows, "image.t400.im",
            f"{tw} px thumbnail, 12 MP: vs ImageMagick convert -thumbnail",
            t400, med("12mp", "im400"), "ms",
            na=why_t or err("12mp", "netdep_t400") or err("12mp", "im400"))
    add_row(rows, "image.t400.gm",
            f"{tw} px thumbnail, 12 MP: vs GraphicsMagick -size hint",
            t400, med("12mp", "gm400"), "ms",
            na=why_t or err("12mp", "netdep_t400") or err("12mp", "gm400"))
    add_row(rows, "image.full.vips",
            f"full set (decode once, {tw}+{dl} JPEG+WebP, hash), 12 MP vs "
            f"vipsthumbnail {dl} + {tw}",
            full, v400 + v1600 if v400 and v1600 else None, "ms", op="<=",
            goal=1.0,
            note=f"netdep-thumb phases (ms): {ph_f}" if ph_f else "",
            na=why_thumb or err("12mp", "netdep_full") or
            err("12mp", "vips400") or err("12mp", "vips1600"))
    up12 = med("12mp", "netdep_upload")
    add_row(rows, "image.upload.vips",
            f"upload set (full set + 1200x630 share card), 12 MP vs "
            f"vipsthumbnail {dl} + {tw}",
            up12, v400 + v1600 if v400 and v1600 else None, "ms",
            na=why_thumb or err("12mp", "netdep_upload") or
            err("12mp", "vips400") or err("12mp", "vips1600"))
    t24, f24 = med("24mp", "netdep_t400"), med("24mp", "netdep_full")
    v24, v24d = med("24mp", "vips400"), med("24mp", "vips1600")
    add_row(rows, "image.t400.vips.24mp",
            f"{tw} px thumbnail, 24 MP: netdep-thumb -t vs vipsthumbnail",
            t24, v24, "ms",
            na=why_t or err("24mp", "netdep_t400") or err("24mp", "vips400"))
    add_row(rows, "image.full.vips.24mp",
            f"full set, 24 MP vs vipsthumbnail {dl} + {tw}", f24,
            v24 + v24d if v24 and v24d else None, "ms",
            na=why_thumb or err("24mp", "netdep_full") or
            err("24mp", "vips400") or err("24mp", "vips1600"))

    # --- quality ---
    p12 = photos["12mp"]
    refs = {}

    def ref(w, h):
        if (w, h) not in refs:
            p = os.path.join(tmp, f"ref-{w}x{h}.png")
            subprocess.run(["convert", p12, "-filter", "Lanczos", "-resize",
                            f"{w}x{h}!", p], check=True)
            refs[(w, h)] = p
        return refs[(w, h)]

    def quality(path):
        w, h = dims(path)
        return psnr(ref(w, h), path), (w, h)

    nd = os.path.join(tmp, "12mp-nd-full")
    vd = out("12mp-vips-q")
    for name, px, q, ext in (("t400", tw, tq, "jpg"), ("d1600", dl, dq, "jpg"),
                             ("t400", tw, twq, "webp"),
                             ("d1600", dl, dwq, "webp")):
        what = f"PSNR {name}.{ext} (12 MP) vs vipsthumbnail's"
        key = f"image.psnr.{name}.{ext}"
        mine = os.path.join(nd, f"{name}.{ext}")
        theirs = os.path.join(vd, f"v{px}.{ext}")
        why = why_thumb or err("12mp", "netdep_full")
        if not why and not os.path.exists(mine):
            why = f"netdep-thumb wrote no {name}.{ext}"
        if not why and "vipsthumbnail" in missing:
            why = "vipsthumbnail is missing"
        if why:
            add_row(rows, key, what, unit="dB", kind="delta", na=why)
            continue
        try:
            subprocess.run(["vipsthumbnail", "-s", str(px), "-o",
                            f"{theirs}[Q={q}]", p12], check=True)
            pm, dm = quality(mine)
            pv, dv = quality(theirs)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
            add_row(rows, key, what, unit="dB", kind="delta", na=str(e))
            continue
        add_row(rows, key, what, pm, pv, "dB", kind="delta", op=">=",
                goal=-0.5, note=f"netdep {dm[0]}x{dm[1]}, vips {dv[0]}x"
                f"{dv[1]}, both q{q}; reference: ImageMagick Lanczos from "
                "the full decode")

    # --- memory ---
    p24 = photos["24mp"]
    mruns = 1 if runs < 5 else 3
    try:
        mem = peak_mb([thumb, p24, out("24mp-mem")], mruns) if thumb \
            else None
        mem_err = why_thumb
    except RuntimeError as e:
        mem, mem_err = None, str(e)
    try:
        vmem = peak_mb(["vipsthumbnail", "-s", str(dl), "-o",
                        f"{out('24mp-mem')}/v.jpg[Q={dq}]", p24], mruns)
    except (OSError, RuntimeError):
        vmem = None
    add_row(rows, "image.mem.24mp",
            "peak RSS, full set of a 24 MP JPEG (netdep-thumb)", mem, vmem,
            "MB", op="<=", goal=64, absolute=True,
            anchor_text=f"vips {dl}: {vmem:.1f} MB" if vmem else "—",
            note=f"max RSS of {mruns} run(s), /usr/bin/time %M; the anchor "
            "is information only", na=mem_err)

    # --- a phone's photo (issue 15) ---
    heic_rows(rows, thumb, a.inputs, photos["12mp"], tmp, runs, c)

    # --- the anchors themselves against PERF.md's figures ---
    for name, label in (("djpeg", "djpeg full decode"),
                        ("djpeg2", "djpeg -scale 1/2"),
                        ("djpeg8", "djpeg -scale 1/8"),
                        ("vips400", f"vipsthumbnail -s {tw}"),
                        ("im400", f"convert -thumbnail {tw}x"),
                        ("gm400", "gm convert -size hint")):
        add_row(rows, f"image.anchor.{name}",
                f"anchor: {label}, 12 MP, this run vs PERF.md",
                med("12mp", name), PERF_MS[name], "ms",
                na=err("12mp", name))
    size12 = os.path.getsize(p12) / 1e6
    size24 = os.path.getsize(p24) / 1e6
    say(f"inputs: 12 MP {size12:.1f} MB, 24 MP {size24:.1f} MB; {setup}")


if __name__ == "__main__":
    main()
