#!/usr/bin/env python3
"""make_samples.py: rebuilds the HEIC and AVIF samples of this folder.

Needs Debian's libheif-examples (heif-enc), libavif-bin (avifenc),
libvips-tools (vipsthumbnail, vips) and libimage-exiftool-perl. The source
picture is ../exif-orientation/Landscape_1.jpg (MIT, see that folder's
LICENSE), scaled to 360x240 and given EXIF (camera, GPS) and XMP (creator)
so the tests can check that no public file keeps them. The encoders are
not bit-exact across versions: the committed files are the reference, this
script says how they were made.

What heif-enc cannot write (an irot/imir on HEVC, a grid of HEVC tiles,
the bomb) is built here with a small box writer around the HEVC bitstream
heif-enc produced, so the pixels stay an encoder's.  Usage: run it from
anywhere; it writes next to itself.
"""
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, '..', 'exif-orientation', 'Landscape_1.jpg')


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def box(t, payload):
    return struct.pack('>I4s', 8 + len(payload), t.encode()) + payload


def fbox(t, version, flags, payload):
    return box(t, struct.pack('>I', (version << 24) | flags) + payload)


def boxes(b, start=0, end=None):
    """(type, payload) of each box in b[start:end]."""
    end = len(b) if end is None else end
    while start < end:
        size, t = struct.unpack('>I4s', b[start:start + 8])
        yield t.decode('latin1'), b[start + 8:start + size]
        start += size


def child(b, t):
    for ct, p in boxes(b):
        if ct == t:
            return p
    raise KeyError(t)


def primary_hevc(path):
    """(hvcC box, coded data, ispe) of a heif-enc file's primary item."""
    b = open(path, 'rb').read()
    meta = child(b, 'meta')[4:]
    pitm = struct.unpack('>H', child(meta, 'pitm')[4:6])[0]
    iprp = child(meta, 'iprp')
    props = list(boxes(child(iprp, 'ipco')))
    ipma = child(iprp, 'ipma')
    n = struct.unpack('>I', ipma[4:8])[0]
    i, mine = 8, []
    for _ in range(n):
        item, cnt = struct.unpack('>HB', ipma[i:i + 3])
        idx = list(ipma[i + 3:i + 3 + cnt])
        i += 3 + cnt
        if item == pitm:
            mine = [x & 0x7f for x in idx]
    hvcc = ispe = None
    for x in mine:
        t, p = props[x - 1]
        if t == 'hvcC':
            hvcc = box('hvcC', p)
        if t == 'ispe':
            ispe = struct.unpack('>II', p[4:12])
    iloc = child(meta, 'iloc')
    v = iloc[0]
    osz, lsz = iloc[4] >> 4, iloc[4] & 15
    bsz = iloc[5] >> 4
    isz = iloc[5] & 15 if v >= 1 else 0
    assert v in (0, 1) and osz == 4 and lsz == 4 and bsz in (0, 4) \
        and isz == 0
    cnt = struct.unpack('>H', iloc[6:8])[0]
    i = 8
    for _ in range(cnt):
        item = struct.unpack('>H', iloc[i:i + 2])[0]
        i += 2
        if v == 1:
            assert struct.unpack('>H', iloc[i:i + 2])[0] & 15 == 0
            i += 2
        i += 2  # data_reference_index
        base = struct.unpack('>I', iloc[i:i + 4])[0] if bsz else 0
        i += bsz
        ext = struct.unpack('>H', iloc[i:i + 2])[0]
        i += 2
        data = b''
        for _ in range(ext):
            off, ln = struct.unpack('>II', iloc[i:i + 8])
            i += 8
            data += b[base + off:base + off + ln]
        if item == pitm:
            return hvcc, data, ispe
    raise KeyError('primary data')


def build(brands, items, props, assoc, primary, dimg=None):
    """A HEIF file: items is [(id, type, data, hidden)], props a list of
    property boxes, assoc {item id: [(1-based index, essential)]}, dimg
    (from, [to...]) the grid's tile references.  Data goes to one mdat."""
    ftyp = box('ftyp', brands[0].encode() + b'\0\0\0\0' +
               b''.join(x.encode() for x in brands))
    hdlr = fbox('hdlr', 0, 0, b'\0' * 4 + b'pict' + b'\0' * 12 + b'\0')
    pitm = fbox('pitm', 0, 0, struct.pack('>H', primary))
    iinf = fbox('iinf', 0, 0, struct.pack('>H', len(items)) + b''.join(
        fbox('infe', 2, 1 if hidden else 0,
             struct.pack('>HH', iid, 0) + t.encode() + b'\0')
        for iid, t, _, hidden in items))
    ipco = box('ipco', b''.join(props))
    ents = b''
    for iid in sorted(assoc):
        a = assoc[iid]
        ents += struct.pack('>HB', iid, len(a)) + bytes(
            (0x80 if ess else 0) | idx for idx, ess in a)
    ipma = fbox('ipma', 0, 0, struct.pack('>I', len(assoc)) + ents)
    iprp = box('iprp', ipco + ipma)
    iref = b''
    if dimg:
        frm, to = dimg
        iref = fbox('iref', 0, 0, box('dimg', struct.pack(
            '>HH', frm, len(to)) + b''.join(struct.pack('>H', x) for x in to)))

    def meta_with(offsets):
        iloc = fbox('iloc', 0, 0, bytes([0x44, 0x00]) + struct.pack(
            '>H', len(items)) + b''.join(
                struct.pack('>HHHII', iid, 0, 1, off, len(data))
                for (iid, _, data, _), off in zip(items, offsets)))
        return fbox('meta', 0, 0, hdlr + pitm + iloc + iinf + iref + iprp)

    meta_len = len(meta_with([0] * len(items)))
    off, offsets = len(ftyp) + meta_len + 8, []
    for _, _, data, _ in items:
        offsets.append(off)
        off += len(data)
    mdat = box('mdat', b''.join(d for _, _, d, _ in items))
    return ftyp + meta_with(offsets) + mdat


def ispe(w, h):
    return fbox('ispe', 0, 0, struct.pack('>II', w, h))


def single(hvcc, data, size, extra):
    """One HEVC item with transform properties `extra` (boxes)."""
    props = [hvcc, ispe(*size)] + extra
    return build(['heic', 'mif1', 'heic'], [(1, 'hvc1', data, False)], props,
                 {1: [(1, True), (2, False)] +
                  [(3 + i, True) for i in range(len(extra))]}, 1)


def grid(tiles, tile_size, out_size, cols, rows):
    """A grid item (id 1) over HEVC tiles (ids 2..), as phones store."""
    items = [(1, 'grid', struct.pack('>BBBBHH', 0, 0, rows - 1, cols - 1,
                                     *out_size), False)]
    props = [ispe(*out_size), ispe(*tile_size)]
    assoc = {1: [(1, False)]}
    for k, (hvcc, data, _) in enumerate(tiles):
        iid = 2 + k
        items.append((iid, 'hvc1', data, True))
        props.append(hvcc)
        assoc[iid] = [(len(props), True), (2, False)]
    return build(['heic', 'mif1', 'heic'], items, props, assoc, 1,
                 dimg=(1, [2 + k for k in range(len(tiles))]))


def write(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)


def main():
    t = tempfile.mkdtemp()
    small = os.path.join(t, 'small.jpg')
    run('vipsthumbnail', SRC, '-s', '360', '-o', small + '[Q=95,strip]')
    run('exiftool', '-q', '-overwrite_original', '-Make=TestPhone',
        '-Model=NetdepCam', '-DateTimeOriginal=2026:03:26 08:30:00',
        '-GPSLatitude=21.0285', '-GPSLatitudeRef=N',
        '-GPSLongitude=105.8542', '-GPSLongitudeRef=E',
        '-XMP-dc:Creator=Nguyen Van A', small)
    # HEIC, straight from the encoder (EXIF and XMP items copied in).
    run('heif-enc', '-q', '40', '-o', os.path.join(HERE, 'plain.heic'), small)
    # 10-bit HEIC: heif-enc takes the depth from a 16-bit PNG.
    png16 = os.path.join(t, 'small16.png')
    run('vips', 'colourspace', small, png16, 'rgb16')
    run('heif-enc', '-q', '40', '-b', '10', '-o',
        os.path.join(HERE, 'tenbit.heic'), png16)
    # The same HEVC picture with HEIF transforms.
    hvcc, data, size = primary_hevc(os.path.join(HERE, 'plain.heic'))
    write('rot90.heic', single(hvcc, data, size, [box('irot', b'\x01')]))
    write('mirror.heic', single(hvcc, data, size, [box('imir', b'\x00')]))
    write('rot270-mirror.heic', single(hvcc, data, size, [
        box('irot', b'\x03'), box('imir', b'\x01')]))
    # A clean aperture (crop to 300x200 around the centre), then a turn:
    # the probe must agree with libheif on the size shown.
    write('clap-rot90.heic', single(hvcc, data, size, [
        box('clap', struct.pack('>8I', 300, 1, 200, 1, 0, 1, 0, 1)),
        box('irot', b'\x01')]))
    # A grid of 2x2 HEVC tiles of 256x192, cropped to 500x380 as phones
    # crop their 512x512 tiles to the sensor's size.
    big = os.path.join(t, 'big.png')
    run('vipsthumbnail', SRC, '-s', '512x384', '--size', '512x384!', '-o',
        big)
    tiles = []
    for r in range(2):
        for c in range(2):
            tp = os.path.join(t, 'tile%d%d.png' % (r, c))
            run('vips', 'crop', big, tp, str(c * 256), str(r * 192), '256',
                '192')
            th = os.path.join(t, 'tile%d%d.heic' % (r, c))
            run('heif-enc', '-q', '40', '-o', th, tp)
            tiles.append(primary_hevc(th))
    write('grid.heic', grid(tiles, (256, 192), (500, 380), 2, 2))
    # The bomb: plain.heic whose ispe claims 100000 x 100000.
    b = bytearray(open(os.path.join(HERE, 'plain.heic'), 'rb').read())
    old = ispe(*size)
    assert b.count(old) == 1
    b[b.find(old):b.find(old) + len(old)] = ispe(100000, 100000)
    write('bomb-ispe.heic', bytes(b))
    # Truncated: two thirds of plain.heic.
    b = open(os.path.join(HERE, 'plain.heic'), 'rb').read()
    write('truncated.heic', b[:len(b) * 2 // 3])
    # AVIF with libavif's encoder (aom), EXIF and XMP copied in.
    avif = lambda name, *opts, src=small: run(
        'avifenc', '-s', '8', '--min', '20', '--max', '40', *opts, src,
        os.path.join(HERE, name))
    avif('plain.avif')
    avif('tenbit.avif', '-d', '10')
    avif('rot90.avif', '--irot', '1')
    avif('mirror.avif', '--imir', '1')
    avif('grid.avif', '-g', '2x2')
    rgba = os.path.join(t, 'alpha.png')
    run('vips', 'bandjoin_const', small, rgba, '128')
    avif('alpha.avif', src=rgba)
    # An image sequence (two frames): refused as animated.
    run('avifenc', '-s', '10', '--min', '40', '--max', '60', small, small,
        os.path.join(HERE, 'sequence.avif'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
