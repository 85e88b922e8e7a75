#pragma once
// 8-bit images in files: PNGs written, images of any kind read.
#include <string>

#include "models/core/image.h"

namespace gan {

// Writes a PNG atomically (a temporary file, then a rename). Throws std::runtime_error.
void write_png(const std::string& path, const Image8& image);

// Reads an image file of any size, depth and channel count (OpenCV builds) as 8-bit grey or RGB.
// Throws std::runtime_error naming the file when it is not a readable image.
Image8 read_image(const std::string& path);

// Why an image file's bytes are not a whole image ("it is cut short (the JPEG has no end marker)"), or
// empty when they may be: a JPEG must reach its end marker after its scan, a PNG its IEND chunk
// (OpenCV builds; the decoders of other formats judge those).
std::string incomplete_image(const std::string& bytes);

// Whether a file name looks like an image (by its extension).
bool is_image_name(const std::string& path);

}  // namespace gan
