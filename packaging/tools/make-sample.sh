#!/usr/bin/env bash
# Generates resources/sample/pristine.jpg: the photograph-like landscape the PUBLIC bucket is
# seeded with. Everything is drawn from seeded noise (plasma fractals, random ridge lines), so the
# project owns the picture and may redistribute it. 1600x1200, JPEG quality 85, with an EXIF
# Orientation tag of 1 (top-left) so that orientation handling has a tag to read.
# Needs ImageMagick 6 (`convert`) and python3. Usage: make-sample.sh [output.jpg]
set -euo pipefail

W=1600
H=1200
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../../resources/sample/pristine.jpg"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A grey fractal texture, auto-levelled: tex SEED BLUR NAME
tex() {
  convert -seed "$1" -size ${W}x${H} plasma:fractal -colorspace gray -blur 0x"$2" -auto-level \
    "$tmp/$3"
}

# A silhouette mask, white below a random ridge line: ridge SEED SMOOTHNESS HEIGHT-BAND NAME.
# One random value per column, smoothed at two scales (broad shapes plus rocky detail), mapped to
# a band of heights, stretched to full height and compared with a top-to-bottom gradient.
ridge() {
  convert -seed "$1" -size ${W}x1 xc:gray50 -attenuate 1 +noise Uniform -colorspace gray \
    \( -clone 0 -blur 0x"$2" -auto-level \) \( -clone 0 -blur 0x4 -auto-level \) -delete 0 \
    -compose blend -define compose:args=18 -composite -auto-level +level "$3" \
    -scale ${W}x${H}! "$tmp/r.png"
  convert -size ${W}x${H} gradient:black-white "$tmp/r.png" -compose minus_dst -composite \
    -threshold 0 -negate -blur 0x1.2 "$tmp/$4"
}

convert -size ${W}x${H} gradient:'#1d4f9c'-'#e4ecf1' "$tmp/sky.png"
tex 11 5 clouds.png
convert "$tmp/clouds.png" -level 55%,95% \
  \( -size ${W}x${H} gradient:white-black -level 0%,70% \) -compose multiply -composite \
  "$tmp/cloudmask.png"
ridge 21 45 '34%,52%' far.png
ridge 37 25 '60%,74%' near.png
tex 41 1.5 rock.png
tex 43 0.8 grass.png
convert "$tmp/rock.png" +level-colors '#2a3550','#7d8aa3' \
  \( -size ${W}x${H} gradient:black-'#55627a' \) -compose screen -composite "$tmp/rockc.png"
convert "$tmp/grass.png" +level-colors '#23401a','#7fa043' \
  \( -size ${W}x${H} gradient:'#d0d0d0'-white \) -compose multiply -composite "$tmp/grassc.png"
convert "$tmp/sky.png" \
  \( -size ${W}x${H} xc:white "$tmp/cloudmask.png" -alpha off -compose copyopacity -composite \) \
  -compose over -composite \
  \( "$tmp/rockc.png" "$tmp/far.png" -alpha off -compose copyopacity -composite \) \
  -compose over -composite \
  \( "$tmp/grassc.png" "$tmp/near.png" -alpha off -compose copyopacity -composite \) \
  -compose over -composite \
  -attenuate 0.3 +noise Gaussian -strip -sampling-factor 2x2 -quality 85 "$tmp/plain.jpg"

# ImageMagick writes an EXIF block only when the image already has one, so add a minimal one:
# an APP1 "Exif" segment right after the JFIF APP0, holding a big-endian TIFF header and one IFD
# with a single entry, Orientation (0x0112, SHORT) = 1.
python3 - "$tmp/plain.jpg" "$out" <<'PY'
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
assert data[:2] == b'\xff\xd8', 'not a JPEG'
ifd = struct.pack('>H', 1) + struct.pack('>HHIHH', 0x0112, 3, 1, 1, 0) + struct.pack('>I', 0)
tiff = b'MM' + struct.pack('>HI', 42, 8) + ifd
payload = b'Exif\x00\x00' + tiff
app1 = b'\xff\xe1' + struct.pack('>H', len(payload) + 2) + payload
at = 2
if data[2:4] == b'\xff\xe0':  # keep JFIF APP0 first
    at = 4 + struct.unpack('>H', data[4:6])[0]
open(dst, 'wb').write(data[:at] + app1 + data[at:])
PY

size=$(stat -c %s "$out")
orientation=$(identify -format '%[EXIF:Orientation]' "$out")
dims=$(identify -format '%wx%h' "$out")
echo "make-sample: $out $dims, $size bytes, EXIF Orientation $orientation"
[ "$dims" = "${W}x${H}" ] && [ "$orientation" = 1 ] && [ "$size" -lt $((600 * 1024)) ]
