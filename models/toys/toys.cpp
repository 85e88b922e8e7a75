#include "models/toys/toys.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/core/parallel.h"

namespace gan {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kSpiralSections = 20;
constexpr int kSpiralVertices = 2000;

// The spiral at u in [0, 1]: 1.5 turns, the radius growing from 0.5 to 4.
torch::Tensor spiral_at(const torch::Tensor& u) {
  auto phi = u * (3 * kPi);
  auto r = 0.5 + 3.5 * u;
  return torch::stack({r * torch::cos(phi), r * torch::sin(phi)}, 1);
}

}  // namespace

std::vector<std::string> toy_distribution_ids() { return {"ring", "grid", "spiral"}; }

ToyDistribution toy_distribution(const std::string& id) {
  ToyDistribution d;
  d.id = id;
  if (id == "ring") {
    d.label = "ring of 8 Gaussians";
    for (int k = 0; k < 8; ++k) d.modes.push_back({2 * std::cos(2 * kPi * k / 8), 2 * std::sin(2 * kPi * k / 8)});
    d.sigma = 0.02;
    d.extent = 3;
  } else if (id == "grid") {
    d.label = "5x5 grid of Gaussians";
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) d.modes.push_back({-4.0 + 2 * i, -4.0 + 2 * j});
    d.sigma = 0.05;
    d.extent = 5.5;
  } else if (id == "spiral") {
    d.label = "spiral";
    d.sigma = 0.05;
    d.extent = 4.5;
    auto u = (torch::arange(kSpiralVertices, torch::kDouble) + 0.5) / kSpiralVertices;
    d.curve = spiral_at(u).to(torch::kFloat);
    d.section = (u * kSpiralSections).floor().to(torch::kLong).clamp_max(kSpiralSections - 1);
    auto mids = spiral_at((torch::arange(kSpiralSections, torch::kDouble) + 0.5) / kSpiralSections);
    for (int k = 0; k < kSpiralSections; ++k) d.modes.push_back({mids[k][0].item<double>(), mids[k][1].item<double>()});
  } else {
    throw std::invalid_argument("no toy distribution '" + id + "' (ring, grid or spiral)");
  }
  return d;
}

torch::Tensor ToyDistribution::sample(long long n, torch::Generator& gen) const {
  // The draws of parallel.h: W processes together draw what one would draw with W times the batch.
  auto noise = batch_randn({n, 2}, gen) * sigma;
  if (curve.defined()) return spiral_at(batch_rand({n}, gen).to(torch::kDouble)).to(torch::kFloat) + noise;
  auto centres = torch::empty({static_cast<long long>(modes.size()), 2}, torch::kFloat);
  for (size_t k = 0; k < modes.size(); ++k) {
    centres[static_cast<long long>(k)][0] = modes[k][0];
    centres[static_cast<long long>(k)][1] = modes[k][1];
  }
  auto which = batch_randint(static_cast<long long>(modes.size()), {n}, gen);
  return centres.index_select(0, which) + noise;
}

ModeCoverage measure_modes(const ToyDistribution& d, const torch::Tensor& points, long long min_count) {
  ModeCoverage out;
  out.modes = static_cast<int>(d.modes.size());
  out.counts.assign(d.modes.size(), 0);
  auto p = points.detach().to(torch::kCPU, torch::kFloat).reshape({-1, 2});
  const long long n = p.size(0);
  if (n == 0) return out;
  torch::Tensor anchors;  // what a point's distance is measured to
  if (d.curve.defined()) {
    anchors = d.curve;
  } else {
    anchors = torch::empty({out.modes, 2}, torch::kFloat);
    for (int k = 0; k < out.modes; ++k) anchors[k][0] = d.modes[k][0], anchors[k][1] = d.modes[k][1];
  }
  auto dist = torch::cdist(p, anchors);  // N x anchors
  auto [nearest, index] = dist.min(1);
  auto good = nearest.le(3 * d.sigma) & torch::isfinite(p).all(1);
  auto mode = d.curve.defined() ? d.section.index_select(0, index) : index;
  auto hits = torch::bincount(mode.masked_select(good), {}, out.modes);
  for (int k = 0; k < out.modes; ++k) {
    out.counts[k] = hits[k].item<int64_t>();
    if (out.counts[k] >= min_count) ++out.covered;
  }
  out.high_quality = good.sum().item<double>() / static_cast<double>(n);
  return out;
}

// ---- Canvas ----------------------------------------------------------------------------------------
PlaneCanvas::PlaneCanvas(int side, double extent) : side_(side), extent_(extent) {
  image_.width = image_.height = side;
  image_.channels = 3;
  image_.pixels.assign(static_cast<size_t>(side) * side * 3, 255);
}

torch::Tensor PlaneCanvas::grid(int cells) const {
  auto c = (torch::arange(cells, torch::kFloat) + 0.5) / cells * (2 * extent_) - extent_;
  auto y = c.flip(0).view({cells, 1}).expand({cells, cells});
  auto x = c.view({1, cells}).expand({cells, cells});
  return torch::stack({x.reshape(-1), y.reshape(-1)}, 1);
}

void PlaneCanvas::heat(const torch::Tensor& values, int cells, double lo, double hi, Rgb low, Rgb high) {
  auto v = values.detach().to(torch::kCPU, torch::kDouble).reshape({cells, cells}).contiguous();
  auto a = v.accessor<double, 2>();
  const double span = hi > lo ? hi - lo : 1;
  for (int y = 0; y < side_; ++y)
    for (int x = 0; x < side_; ++x) {
      const double t = std::clamp((a[y * cells / side_][x * cells / side_] - lo) / span, 0.0, 1.0) * 2 - 1;
      const Rgb& to = t < 0 ? low : high;
      const double w = std::abs(t);
      auto* px = &image_.pixels[(static_cast<size_t>(y) * side_ + x) * 3];
      for (int c = 0; c < 3; ++c) px[c] = static_cast<std::uint8_t>(std::lround(255 * (1 - w) + to[c] * w));
    }
}

void PlaneCanvas::blend(int x, int y, Rgb colour, double alpha) {
  if (x < 0 || y < 0 || x >= side_ || y >= side_) return;
  auto* px = &image_.pixels[(static_cast<size_t>(y) * side_ + x) * 3];
  for (int c = 0; c < 3; ++c) px[c] = static_cast<std::uint8_t>(std::lround(px[c] * (1 - alpha) + colour[c] * alpha));
}

void PlaneCanvas::dots(const torch::Tensor& points, Rgb colour, int radius, double alpha) {
  auto p = points.detach().to(torch::kCPU, torch::kDouble).reshape({-1, 2}).contiguous();
  auto a = p.accessor<double, 2>();
  const double scale = side_ / (2 * extent_);
  for (long long i = 0; i < p.size(0); ++i) {
    if (!std::isfinite(a[i][0]) || !std::isfinite(a[i][1])) continue;
    const double fx = (a[i][0] + extent_) * scale, fy = (extent_ - a[i][1]) * scale;
    if (fx < -radius || fy < -radius || fx > side_ + radius || fy > side_ + radius) continue;
    const int cx = static_cast<int>(std::floor(fx)), cy = static_cast<int>(std::floor(fy));
    for (int dy = -radius; dy <= radius; ++dy)
      for (int dx = -radius; dx <= radius; ++dx)
        if (dx * dx + dy * dy <= radius * radius) blend(cx + dx, cy + dy, colour, alpha);
  }
}

void PlaneCanvas::paths(const torch::Tensor& paths, Rgb colour, double alpha) {
  auto p = paths.detach().to(torch::kCPU, torch::kDouble).contiguous();
  auto a = p.accessor<double, 3>();
  const double scale = side_ / (2 * extent_);
  for (long long l = 0; l < p.size(0); ++l)
    for (long long i = 0; i + 1 < p.size(1); ++i) {
      const double x0 = (a[l][i][0] + extent_) * scale, y0 = (extent_ - a[l][i][1]) * scale;
      const double x1 = (a[l][i + 1][0] + extent_) * scale, y1 = (extent_ - a[l][i + 1][1]) * scale;
      if (!std::isfinite(x0 + y0 + x1 + y1)) continue;
      const double length = std::max(std::abs(x1 - x0), std::abs(y1 - y0));
      if (length > 4.0 * side_) continue;  // a segment far off the picture
      const int steps = std::max(1, static_cast<int>(std::ceil(length)));
      for (int s = 0; s < steps; ++s) {  // the last pixel is the next segment's first
        const double t = static_cast<double>(s) / steps;
        blend(static_cast<int>(std::floor(x0 + t * (x1 - x0))), static_cast<int>(std::floor(y0 + t * (y1 - y0))),
              colour, alpha);
      }
    }
}

}  // namespace gan
