#pragma once
// 8-bit images: the only form in which pictures leave the engine.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gan {

struct Image8 {
  int width = 0;
  int height = 0;
  int channels = 0;              // 1 (grey) or 3 (RGB)
  std::vector<std::uint8_t> pixels;  // row-major, interleaved, no padding
  bool empty() const { return pixels.empty(); }
};

// Images in [-1, 1] (any shape) to uint8, rounding: the 8 bits that are shown, saved and measured.
torch::Tensor to_uint8(const torch::Tensor& images);
// uint8 images to float in [-1, 1], the range the networks work in.
torch::Tensor from_uint8(const torch::Tensor& images);

// One C x H x W tensor in [-1, 1] (C = 1 or 3; a 4th channel is dropped) to 8 bits, rounding.
Image8 to_image8(const torch::Tensor& chw);
// N x C x H x W in [-1, 1] laid out `columns` wide with `pad` pixels of `pad_value` between tiles.
Image8 make_grid(const torch::Tensor& nchw, int columns, int pad = 2, std::uint8_t pad_value = 24);

// Writes a PNG atomically (a temporary file, then a rename). Throws std::runtime_error.
void write_png(const std::string& path, const Image8& image);

}  // namespace gan
