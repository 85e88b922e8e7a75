// PNG output. With OpenCV (the desktop build) its encoder is used; the LibTorch-only build of the
// training core (a headless GPU server) has a minimal writer with uncompressed deflate blocks.
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <vector>

#include "engine/files.h"
#include "engine/image.h"

#ifdef GAN_HAVE_OPENCV
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace gan {

#ifdef GAN_HAVE_OPENCV
static std::vector<std::uint8_t> encode_png(const Image8& img) {
  cv::Mat m(img.height, img.width, img.channels == 3 ? CV_8UC3 : CV_8UC1, const_cast<std::uint8_t*>(img.pixels.data()));
  cv::Mat bgr;
  if (img.channels == 3) cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
  else bgr = m;
  std::vector<std::uint8_t> buf;
  if (!cv::imencode(".png", bgr, buf)) throw std::runtime_error("PNG encoding failed");
  return buf;
}
#else
static std::uint32_t crc32(const std::uint8_t* p, size_t n, std::uint32_t c = 0xffffffffu) {
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c;
}
static void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<std::uint8_t>(x >> s));
}
static void chunk(std::vector<std::uint8_t>& out, const char* type, const std::vector<std::uint8_t>& data) {
  put32(out, static_cast<std::uint32_t>(data.size()));
  std::vector<std::uint8_t> body(type, type + 4);
  body.insert(body.end(), data.begin(), data.end());
  out.insert(out.end(), body.begin(), body.end());
  put32(out, crc32(body.data(), body.size()) ^ 0xffffffffu);
}
static std::vector<std::uint8_t> encode_png(const Image8& img) {
  std::vector<std::uint8_t> raw;  // filter byte 0 before every row
  const size_t row = static_cast<size_t>(img.width) * img.channels;
  for (int y = 0; y < img.height; ++y) {
    raw.push_back(0);
    raw.insert(raw.end(), img.pixels.begin() + y * row, img.pixels.begin() + (y + 1) * row);
  }
  std::vector<std::uint8_t> z = {0x78, 0x01};  // zlib header, stored blocks of at most 65535 bytes
  std::uint32_t a = 1, b = 0;
  for (auto byte : raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  for (size_t off = 0; off < raw.size() || off == 0; off += 65535) {
    const size_t len = std::min<size_t>(65535, raw.size() - off);
    z.push_back(off + len >= raw.size() ? 1 : 0);
    z.push_back(len & 0xff), z.push_back(len >> 8), z.push_back(~len & 0xff), z.push_back((~len >> 8) & 0xff);
    z.insert(z.end(), raw.begin() + off, raw.begin() + off + len);
    if (raw.empty()) break;
  }
  put32(z, (b << 16) | a);
  std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, ihdr;
  put32(ihdr, img.width), put32(ihdr, img.height);
  ihdr.insert(ihdr.end(), {8, static_cast<std::uint8_t>(img.channels == 3 ? 2 : 0), 0, 0, 0});
  chunk(out, "IHDR", ihdr);
  chunk(out, "IDAT", z);
  chunk(out, "IEND", {});
  return out;
}
#endif

void write_png(const std::string& path, const Image8& image) {
  if (image.empty() || (image.channels != 1 && image.channels != 3)) throw std::invalid_argument("no image to write");
  const auto bytes = encode_png(image);
  write_bytes_atomically(path, std::string(bytes.begin(), bytes.end()));
}

}  // namespace gan
