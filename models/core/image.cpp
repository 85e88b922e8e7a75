#include "models/core/image.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gan {
namespace F = torch::nn::functional;

torch::Tensor to_uint8(const torch::Tensor& images) {
  return images.detach().to(torch::kCPU, torch::kFloat32).clamp(-1, 1).add(1).mul(127.5).round().to(torch::kUInt8);
}

torch::Tensor from_uint8(const torch::Tensor& images) { return images.to(torch::kFloat).mul_(1.0 / 127.5).sub_(1.0); }

// C x H x W (float in [-1, 1] or uint8) to H x W x C uint8 with 1 or 3 channels.
static torch::Tensor to_uint8_hwc(const torch::Tensor& chw) {
  auto t = chw;
  if (t.size(0) == 2 || t.size(0) > 3) t = t.slice(0, 0, t.size(0) == 2 ? 1 : 3);
  if (t.scalar_type() != torch::kUInt8) t = to_uint8(t);
  return t.to(torch::kCPU).permute({1, 2, 0}).contiguous();
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

Output image_output(std::string id, const torch::Tensor& chw) {
  Output o;
  o.id = std::move(id);
  o.image = to_image8(chw);
  return o;
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

torch::Tensor prepare_image(const Image8& image, int resolution, int channels) {
  if (image.empty() || image.width < 1 || image.height < 1 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels)
    throw std::invalid_argument("the image is empty or damaged");
  if (image.channels < 1 || image.channels > 4) throw std::invalid_argument("images need 1 to 4 channels");
  auto hwc = torch::from_blob(const_cast<std::uint8_t*>(image.pixels.data()), {image.height, image.width, image.channels},
                              torch::kUInt8);
  auto x = hwc.permute({2, 0, 1}).to(torch::kFloat).unsqueeze(0);  // 1 x C x H x W in 0..255
  if (x.size(1) == 4) x = x.slice(1, 0, 3);                        // alpha dropped
  if (x.size(1) == 2) x = x.slice(1, 0, 1);                        // grey + alpha
  if (channels == 1 && x.size(1) == 3)
    x = (0.299 * x.select(1, 0) + 0.587 * x.select(1, 1) + 0.114 * x.select(1, 2)).unsqueeze(1);
  if (channels == 3 && x.size(1) == 1) x = x.repeat({1, 3, 1, 1});
  if (x.size(1) != channels) throw std::invalid_argument("cannot make a " + std::to_string(channels) + "-channel image");
  // Shorter side to the resolution, then the centre square.
  const double scale = static_cast<double>(resolution) / std::min(image.width, image.height);
  const int64_t h = std::max<int64_t>(resolution, std::llround(image.height * scale));
  const int64_t w = std::max<int64_t>(resolution, std::llround(image.width * scale));
  if (h != image.height || w != image.width) {
    auto opt = F::InterpolateFuncOptions().size(std::vector<int64_t>{h, w});
    x = scale < 1 ? F::interpolate(x, opt.mode(torch::kArea))
                  : F::interpolate(x, opt.mode(torch::kBilinear).align_corners(false));
  }
  x = x.narrow(2, (h - resolution) / 2, resolution).narrow(3, (w - resolution) / 2, resolution);
  return x.squeeze(0).round().clamp(0, 255).to(torch::kUInt8).contiguous();
}

Image8 heat_map(const torch::Tensor& hw) {
  auto v = hw.detach().to(torch::kCPU, torch::kFloat).clamp(0, 1).contiguous();
  // Piecewise-linear ramp: black -> dark purple -> red -> orange -> yellow -> white.
  static const float stops[6][3] = {{0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}, {255, 255, 255}};
  Image8 img;
  img.height = static_cast<int>(v.size(0));
  img.width = static_cast<int>(v.size(1));
  img.channels = 3;
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * 3);
  const float* p = v.data_ptr<float>();
  for (size_t i = 0; i < static_cast<size_t>(img.width) * img.height; ++i) {
    const float x = p[i] * 5.0f;
    const int k = std::min(4, static_cast<int>(x));
    const float f = x - static_cast<float>(k);
    for (int c = 0; c < 3; ++c)
      img.pixels[i * 3 + static_cast<size_t>(c)] =
          static_cast<std::uint8_t>(std::lround(stops[k][c] + f * (stops[k + 1][c] - stops[k][c])));
  }
  return img;
}

}  // namespace gan
