#pragma once

#include <Magick++.h>

#include <string>

// The pipeline a Magick++ user writes first, the baseline of the image benchmarks: decode the
// source at full size, resize it into the box (aspect kept), encode it with the same output
// settings as EdgeDesk's default JPEG (progressive, quality 85, metadata stripped), so that the two
// differ only in how they get there.
inline std::string naiveImageTransform(const Magick::Blob &source, int width, int height)
{
    Magick::Image image;
    image.read(source);
    image.resize(Magick::Geometry(size_t(width), size_t(height)));
    image.strip();
    image.magick("JPEG");
    image.interlaceType(Magick::PlaneInterlace);
    image.quality(85);
    Magick::Blob out;
    image.write(&out);
    return std::string(static_cast<const char *>(out.data()), out.length());
}

// The size sequence of the cold benchmarks: request k asks for a box of (64 + k*7919 mod 577) x
// (64 + k*104729 mod 417). 577 and 417 are coprime and each multiplier is prime to its modulus, so
// no box repeats within 577*417 requests. image_wrk_bench.py's Lua script walks the same one.
inline void coldImageBox(long k, int *width, int *height)
{
    *width = int(64 + (k * 7919) % 577);
    *height = int(64 + (k * 104729) % 417);
}
