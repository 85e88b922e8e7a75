#include "engine/image.h"

#include <algorithm>
#include <stdexcept>

namespace gan {

torch::Tensor to_uint8(const torch::Tensor& images) {
  return images.detach().to(torch::kCPU, torch::kFloat32).clamp(-1, 1).add(1).mul(127.5).round().to(torch::kUInt8);
}

torch::Tensor from_uint8(const torch::Tensor& images) { return images.to(torch::kFloat).mul_(1.0 / 127.5).sub_(1.0); }

static torch::Tensor to_uint8_hwc(const torch::Tensor& chw) {
  auto t = chw;
  if (t.size(0) == 2 || t.size(0) > 3) t = t.slice(0, 0, t.size(0) == 2 ? 1 : 3);
  return to_uint8(t).permute({1, 2, 0}).contiguous();
}

Image8 to_image8(const torch::Tensor& chw) {
  if (chw.dim() != 3) throw std::invalid_argument("to_image8 needs a C x H x W tensor");
  auto hwc = to_uint8_hwc(chw);
  Image8 img;
  img.height = static_cast<int>(hwc.size(0));
  img.width = static_cast<int>(hwc.size(1));
  img.channels = static_cast<int>(hwc.size(2));
  img.pixels.assign(hwc.data_ptr<std::uint8_t>(), hwc.data_ptr<std::uint8_t>() + hwc.numel());
  return img;
}

Image8 make_grid(const torch::Tensor& nchw, int columns, int pad, std::uint8_t pad_value) {
  if (nchw.dim() != 4 || nchw.size(0) == 0) throw std::invalid_argument("make_grid needs N x C x H x W, N > 0");
  const int n = static_cast<int>(nchw.size(0));
  columns = std::max(1, std::min(columns, n));
  const int rows = (n + columns - 1) / columns;
  const int h = static_cast<int>(nchw.size(2)), w = static_cast<int>(nchw.size(3));
  Image8 grid;
  grid.channels = nchw.size(1) >= 3 ? 3 : 1;
  grid.width = columns * w + (columns + 1) * pad;
  grid.height = rows * h + (rows + 1) * pad;
  grid.pixels.assign(static_cast<size_t>(grid.width) * grid.height * grid.channels, pad_value);
  for (int i = 0; i < n; ++i) {
    auto tile = to_uint8_hwc(nchw[i]);
    const std::uint8_t* src = tile.data_ptr<std::uint8_t>();
    const int x0 = pad + (i % columns) * (w + pad), y0 = pad + (i / columns) * (h + pad);
    for (int y = 0; y < h; ++y)
      std::copy(src + static_cast<size_t>(y) * w * grid.channels, src + static_cast<size_t>(y + 1) * w * grid.channels,
                grid.pixels.begin() + (static_cast<size_t>(y0 + y) * grid.width + x0) * grid.channels);
  }
  return grid;
}

}  // namespace gan
