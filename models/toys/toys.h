#pragma once
// The 2-D toy distributions of the mode-collapse experiments (Metz et al.'s Unrolled GAN, Srivastava et
// al.'s VEEGAN, Lin et al.'s PacGAN; GAN Lab's ground): a ring of 8 Gaussians, a 5 x 5 grid of
// Gaussians and a spiral. Their samples, the standard mode-collapse measures, and a canvas that draws
// points, curves and a heat map over the plane.
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/core/image8.h"

namespace gan {

struct ToyDistribution {
  std::string id;     // "ring", "grid", "spiral"
  std::string label;  // "ring of 8 Gaussians"
  // The modes' centres. A spiral has no separate modes: its curve is cut into sections that hold equal
  // shares of its mass, and these are the sections' middles.
  std::vector<std::array<double, 2>> modes;
  double sigma = 0;   // the standard deviation of each coordinate around a mode (a spiral: around its curve)
  double extent = 0;  // the plane shown is [-extent, extent]^2
  // A spiral's curve as a dense polyline (M x 2) and the section of each of its vertices (M, int64);
  // undefined for the mixtures.
  torch::Tensor curve, section;

  // n samples, N x 2 float, from `gen` (by the per-batch draws of models/core/parallel.h).
  torch::Tensor sample(long long n, torch::Generator& gen) const;
};

// "ring": 8 Gaussians of sigma 0.02 at radius 2 (Metz et al.); "grid": 25 of sigma 0.05 at
// (-4 + 2i, -4 + 2j) (Lin et al.); "spiral": 1.5 turns with noise of sigma 0.05, in 20 sections.
// Throws std::invalid_argument for another id.
ToyDistribution toy_distribution(const std::string& id);
std::vector<std::string> toy_distribution_ids();

// The measures of VEEGAN and PacGAN on generated points: a point is of high quality when it lies within
// 3 sigma of its nearest mode (a spiral: of its curve, the section being the nearest vertex's); a mode
// is covered when at least `min_count` high-quality points fall on it (20 of 2500 in PacGAN).
struct ModeCoverage {
  int modes = 0;
  int covered = 0;
  double high_quality = 0;        // the share of points of high quality, 0..1
  std::vector<long long> counts;  // high-quality points per mode
};
ModeCoverage measure_modes(const ToyDistribution& d, const torch::Tensor& points, long long min_count = 20);

// A square picture of [-extent, extent]^2, y up, on white.
class PlaneCanvas {
 public:
  using Rgb = std::array<std::uint8_t, 3>;
  PlaneCanvas(int side, double extent);

  int side() const { return side_; }
  // The centres of a cells x cells grid over the plane, row by row from the top left: cells^2 x 2.
  torch::Tensor grid(int cells) const;
  // Fills the picture from values on grid(cells) (cells^2 values): lo..hi runs from `low` through white
  // to `high`; values outside are clamped.
  void heat(const torch::Tensor& values, int cells, double lo, double hi, Rgb low, Rgb high);
  // A dot of `radius` pixels at each point (N x 2), blended with `alpha` (0..1).
  void dots(const torch::Tensor& points, Rgb colour, int radius, double alpha);
  // Thin lines through consecutive points of each row of `paths` (L x P x 2).
  void paths(const torch::Tensor& paths, Rgb colour, double alpha);
  Image8 image() const { return image_; }

 private:
  void blend(int x, int y, Rgb colour, double alpha);
  int side_;
  double extent_;
  Image8 image_;
};

}  // namespace gan
