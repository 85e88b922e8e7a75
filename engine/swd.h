#pragma once
// Sliced Wasserstein distance between two image sets on each level of a Laplacian pyramid (Karras et
// al. 2018, appendix D), computed as the reference code does (metrics/sliced_wasserstein.py):
//  - pyramid: a 5x5 binomial filter ([1 4 6 4 1] / 16 on each axis) with mirrored edges, halving down
//    to 16x16; each level is the image minus its downsampled-then-upsampled self, the last level the
//    smallest image itself;
//  - descriptors: 128 random 7x7 neighbourhoods per image and level, each set normalised per channel
//    (mean 0, std 1) on its own;
//  - distance: 4 repeats of 128 random unit directions; the mean absolute difference of the sorted
//    projections; reported x 1000.
// LibTorch only.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace gan {

// The levels of x (N x C x H x W, float) from the full side down to min_side: Laplacian levels, then
// the smallest image.
std::vector<torch::Tensor> laplacian_pyramid(const torch::Tensor& x, int min_side = 16);

// The distance between two equal-size descriptor sets (N x d) along random unit directions.
double sliced_wasserstein(const torch::Tensor& a, const torch::Tensor& b, int repeats, int directions,
                          torch::Generator& gen);

// Images of each set `gan-explorer metrics` compares by default: sorting 128 descriptors per image
// dominates, about a minute for 2000 images on one core.
constexpr long long kSwdImagesDefault = 2000;

struct SwdResult {
  std::vector<int> sides;          // each level's side, largest first
  std::vector<double> per_level;   // x 1000
  double mean = 0;                 // the levels' mean, x 1000
  long long n = 0;                 // images of each set
};

// real and fake: N x C x R x R uint8 (the same N, C and R). Deterministic for a seed.
SwdResult sliced_wasserstein_distance(const torch::Tensor& real, const torch::Tensor& fake, unsigned long long seed = 2018);
// "SWD x1e3: 32px 12.3, 16px 8.1; mean 10.2 (N images each)".
std::string describe(const SwdResult& r);

}  // namespace gan
