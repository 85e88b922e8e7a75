#pragma once
// An 8-bit image as a plain value: the only form in which pictures leave the engine's threads, and
// the form in which users' images come in. No LibTorch here.
#include <cstdint>
#include <vector>

namespace gan {

struct Image8 {
  int width = 0;
  int height = 0;
  int channels = 0;                  // 1 (grey) or 3 (RGB)
  std::vector<std::uint8_t> pixels;  // row-major, interleaved, no padding
  bool empty() const { return pixels.empty(); }
};

}  // namespace gan
