#include "engine/swd.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "models/core/random.h"

namespace gan {
namespace F = torch::nn::functional;

namespace {

torch::Tensor binomial_filter(long long channels) {
  auto k = torch::tensor({1.0, 4.0, 6.0, 4.0, 1.0}, torch::kFloat) / 16.0;
  return torch::outer(k, k).expand({channels, 1, 5, 5}).contiguous();
}

// scipy.ndimage's "mirror" edges are reflection without repeating the edge: torch's "reflect".
torch::Tensor blur(const torch::Tensor& x) {
  auto padded = F::pad(x, F::PadFuncOptions({2, 2, 2, 2}).mode(torch::kReflect));
  return F::conv2d(padded, binomial_filter(x.size(1)), F::Conv2dFuncOptions().groups(x.size(1)));
}

torch::Tensor pyr_down(const torch::Tensor& x) { return blur(x).slice(2, 0, x.size(2), 2).slice(3, 0, x.size(3), 2); }

torch::Tensor pyr_up(const torch::Tensor& x) {
  auto up = torch::zeros({x.size(0), x.size(1), x.size(2) * 2, x.size(3) * 2}, x.options());
  up.slice(2, 0, up.size(2), 2).slice(3, 0, up.size(3), 2).copy_(x);
  return blur(up) * 4;
}

// 128 random 7x7 neighbourhoods of each image, normalised per channel over the set: M x (C * 49).
torch::Tensor descriptors(const torch::Tensor& level, torch::Generator& gen) {
  constexpr int kPatch = 7, kPerImage = 128;
  const long long n = level.size(0), side = level.size(2);
  if (side < kPatch) throw std::invalid_argument("SWD needs levels of at least 7x7");
  auto ys = torch::randint(0, side - kPatch + 1, {n, kPerImage}, gen, torch::kLong);
  auto xs = torch::randint(0, side - kPatch + 1, {n, kPerImage}, gen, torch::kLong);
  // The chosen patches by index, channels last: M x 7 x 7 x C, then M x C x 7 x 7.
  auto offsets = torch::arange(static_cast<int64_t>(kPatch), torch::kLong);
  auto ni = torch::arange(static_cast<int64_t>(n), torch::kLong).repeat_interleave(kPerImage).view({-1, 1, 1});
  auto yi = ys.reshape({-1, 1, 1}) + offsets.view({1, kPatch, 1});
  auto xi = xs.reshape({-1, 1, 1}) + offsets.view({1, 1, kPatch});
  auto d = level.permute({0, 2, 3, 1}).index({torch::indexing::TensorIndex(ni), torch::indexing::TensorIndex(yi), torch::indexing::TensorIndex(xi)}).permute({0, 3, 1, 2}).contiguous();
  d = d - d.mean({0, 2, 3}, true);
  d = d / d.std({0, 2, 3}, /*unbiased=*/false, true).clamp_min(1e-8);
  return d.reshape({n * kPerImage, -1});
}

// Each row sorted ascending. std::sort on contiguous rows: about twice as fast as torch::sort (1.13)
// here, and sorting is most of SWD's time.
torch::Tensor sorted_rows(const torch::Tensor& x) {
  auto out = x.to(torch::kFloat).contiguous().clone();
  const int64_t rows = out.size(0), cols = out.size(1);
  float* data = out.data_ptr<float>();
  at::parallel_for(0, rows, 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) std::sort(data + r * cols, data + (r + 1) * cols);
  });
  return out;
}

}  // namespace

std::vector<torch::Tensor> laplacian_pyramid(const torch::Tensor& x, int min_side) {
  std::vector<torch::Tensor> levels;
  auto current = x.to(torch::kFloat);
  while (current.size(2) / 2 >= min_side) {
    auto down = pyr_down(current);
    levels.push_back(current - pyr_up(down));
    current = down;
  }
  levels.push_back(current);
  return levels;
}

double sliced_wasserstein(const torch::Tensor& a, const torch::Tensor& b, int repeats, int directions,
                          torch::Generator& gen) {
  if (a.sizes() != b.sizes()) throw std::invalid_argument("sliced Wasserstein needs two sets of the same size");
  double total = 0;
  for (int r = 0; r < repeats; ++r) {
    auto dirs = torch::randn({a.size(1), directions}, gen, torch::kFloat);
    dirs = dirs / dirs.pow(2).sum(0, true).sqrt();
    auto pa = sorted_rows(dirs.t().matmul(a.to(torch::kFloat).t()));
    auto pb = sorted_rows(dirs.t().matmul(b.to(torch::kFloat).t()));
    total += (pa - pb).abs().to(torch::kDouble).mean().item<double>();
  }
  return total / repeats;
}

SwdResult sliced_wasserstein_distance(const torch::Tensor& real, const torch::Tensor& fake, unsigned long long seed) {
  if (real.sizes() != fake.sizes() || real.dim() != 4)
    throw std::invalid_argument("SWD compares two image sets of the same number, channels and size");
  torch::NoGradGuard no_grad;
  auto real_levels = laplacian_pyramid(real);
  auto fake_levels = laplacian_pyramid(fake);
  // The same neighbourhoods of both sets (one seed each), and directions from a third draw.
  auto real_gen = make_cpu_generator(seed), fake_gen = make_cpu_generator(seed), dir_gen = make_cpu_generator(seed + 1);
  SwdResult out;
  out.n = real.size(0);
  for (size_t i = 0; i < real_levels.size(); ++i) {
    auto a = descriptors(real_levels[i], real_gen), b = descriptors(fake_levels[i], fake_gen);
    out.sides.push_back(static_cast<int>(real_levels[i].size(2)));
    out.per_level.push_back(1e3 * sliced_wasserstein(a, b, 4, 128, dir_gen));
    out.mean += out.per_level.back() / static_cast<double>(real_levels.size());
  }
  return out;
}

std::string describe(const SwdResult& r) {
  std::string s = "SWD x1e3:";
  char buf[64];
  for (size_t i = 0; i < r.sides.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s %dpx %.2f", i ? "," : "", r.sides[i], r.per_level[i]);
    s += buf;
  }
  std::snprintf(buf, sizeof buf, "; mean %.2f (%lld images each)", r.mean, r.n);
  return s + buf;
}

}  // namespace gan
