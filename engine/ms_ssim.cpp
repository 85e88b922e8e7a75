#include "engine/ms_ssim.h"

#include <cmath>
#include <stdexcept>
#include <algorithm>
#include <tuple>

namespace gan {
namespace F = torch::nn::functional;

namespace {

constexpr int kFilterSize = 11;
constexpr double kFilterSigma = 1.5, kK1 = 0.01, kK2 = 0.03, kMax = 255.0;
constexpr double kWeights[] = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

// The window's weighted mean over every valid position, per image and channel: (N*C) x 1 x h x w.
torch::Tensor filter(const torch::Tensor& x, const torch::Tensor& window) { return F::conv2d(x, window); }

// Mean SSIM and mean contrast-structure of each pair at one level. x, y: (N*C) x 1 x H x W float32
// (float64 convolutions are some 20 times slower on the CPU). The (co)variances are taken of each image
// minus its own mean, which leaves them unchanged but keeps float32 from cancelling E[x^2] - E[x]^2 on
// the 0..255 scale (a flat image then has exactly zero variance).
std::pair<torch::Tensor, torch::Tensor> ssim_level(const torch::Tensor& x, const torch::Tensor& y, long long n) {
  const long long size = std::min<long long>({kFilterSize, x.size(2), x.size(3)});
  const double sigma = static_cast<double>(size) * kFilterSigma / kFilterSize;
  auto window = ssim_window(static_cast<int>(size), sigma).to(torch::kFloat).view({1, 1, size, size});
  auto mx = x.mean({2, 3}, true), my = y.mean({2, 3}, true);
  auto xc = x - mx, yc = y - my;
  auto m1 = filter(xc, window), m2 = filter(yc, window);
  auto s11 = filter(xc * xc, window) - m1 * m1;
  auto s22 = filter(yc * yc, window) - m2 * m2;
  auto s12 = filter(xc * yc, window) - m1 * m2;
  auto mu1 = m1 + mx, mu2 = m2 + my;
  auto mu11 = mu1 * mu1, mu22 = mu2 * mu2, mu12 = mu1 * mu2;
  const double c1 = (kK1 * kMax) * (kK1 * kMax), c2 = (kK2 * kMax) * (kK2 * kMax);
  auto v1 = 2.0 * s12 + c2, v2 = s11 + s22 + c2;
  auto ssim = ((2.0 * mu12 + c1) * v1) / ((mu11 + mu22 + c1) * v2);
  auto cs = v1 / v2;
  // The mean over channels and positions of each image.
  return {ssim.reshape({n, -1}).to(torch::kDouble).mean(1), cs.reshape({n, -1}).to(torch::kDouble).mean(1)};
}

}  // namespace

torch::Tensor ssim_window(int size, double sigma) {
  const int radius = size / 2;
  const double offset = size % 2 == 0 ? 0.5 : 0.0;
  auto r = torch::arange(static_cast<int64_t>(size), torch::kDouble) - radius + offset;
  auto g = torch::exp(-(r.view({-1, 1}).pow(2) + r.view({1, -1}).pow(2)) / (2.0 * sigma * sigma));
  return g / g.sum();
}

int ms_ssim_levels(long long side) {
  int levels = 1;
  while (levels < 5 && (side >> levels) >= 1) ++levels;
  return levels;
}

bool ms_ssim_fits(long long height, long long width) {
  const long long step = 1LL << (ms_ssim_levels(std::min(height, width)) - 1);
  return height % step == 0 && width % step == 0;
}

torch::Tensor ssim(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.sizes() != b.sizes() || a.dim() != 4) throw std::invalid_argument("SSIM compares two N x C x H x W sets of one shape");
  torch::NoGradGuard no_grad;
  const long long n = a.size(0), c = a.size(1);
  auto x = a.to(torch::kFloat).reshape({n * c, 1, a.size(2), a.size(3)});
  auto y = b.to(torch::kFloat).reshape({n * c, 1, b.size(2), b.size(3)});
  return ssim_level(x, y, n).first;
}

torch::Tensor ms_ssim(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.sizes() != b.sizes() || a.dim() != 4) throw std::invalid_argument("MS-SSIM compares two N x C x H x W sets of one shape");
  torch::NoGradGuard no_grad;
  const long long n = a.size(0), c = a.size(1);
  const int levels = ms_ssim_levels(std::min(a.size(2), a.size(3)));
  if (a.size(2) % (1LL << (levels - 1)) != 0 || a.size(3) % (1LL << (levels - 1)) != 0)
    throw std::invalid_argument("MS-SSIM halves the images " + std::to_string(levels - 1) + " times: their sides must divide by " +
                                std::to_string(1LL << (levels - 1)));
  auto x = a.to(torch::kFloat).reshape({n * c, 1, a.size(2), a.size(3)});
  auto y = b.to(torch::kFloat).reshape({n * c, 1, b.size(2), b.size(3)});
  auto result = torch::ones({n}, torch::kDouble);
  for (int level = 0; level < levels; ++level) {
    auto [ssim, cs] = ssim_level(x, y, n);
    const bool last = level == levels - 1;
    // Clipped to 0 as the reference does: a negative mean to a fractional power has no real value.
    result = result * (last ? ssim : cs).clamp_min(0).pow(kWeights[level]);
    if (!last) {
      x = F::avg_pool2d(x, F::AvgPool2dFuncOptions(2));
      y = F::avg_pool2d(y, F::AvgPool2dFuncOptions(2));
    }
  }
  return result;
}

double mean_pairwise_ms_ssim(const torch::Tensor& images) {
  if (images.dim() != 4 || images.size(0) < 2) throw std::invalid_argument("MS-SSIM among images needs at least 2 images");
  const long long pairs = images.size(0) / 2;
  auto first = images.slice(0, 0, 2 * pairs, 2), second = images.slice(0, 1, 2 * pairs, 2);
  return ms_ssim(first, second).mean().item<double>();
}

}  // namespace gan
