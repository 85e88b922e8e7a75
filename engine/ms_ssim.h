#pragma once
// Multi-scale structural similarity (Wang, Simoncelli & Bovik 2003) as ProGAN's reference code
// computes it (metrics/ms_ssim.py, from TensorFlow's image_encoder/msssim.py), and Odena et al.'s
// diversity measure built on it: the mean MS-SSIM of pairs of images from one set. A set whose pairs
// are more alike than the training images' pairs is less diverse than the data (mode collapse).
//  - per level: an 11x11 Gaussian window, sigma 1.5, "valid" convolution, both shrunk to the level's
//    side when the level is smaller (the window keeps sigma/size); K1 0.01, K2 0.03, range 255;
//  - 5 levels with the paper's weights 0.0448 0.2856 0.3001 0.2363 0.1333 (they sum to 1.0001), each
//    level a 2x2 average of the one before; contrast-structure at every level but the last, full SSIM
//    at the last; negative values clipped to 0 before the powers;
//  - images smaller than 16 px have fewer levels (one per halving down to 1 px), with the first
//    weights. At 32 px the last two levels are 4x4 and 2x2, where the window is the whole level: that
//    is what the reference code does with such images, and we follow it rather than change the measure.
// LibTorch only.
#include <torch/torch.h>

#include <vector>

namespace gan {

// The reference's Gaussian window ("fspecial"), size x size, sums to 1.
torch::Tensor ssim_window(int size, double sigma);

// How many levels images of this side get: 5, or one per halving down to 1 px for smaller images.
int ms_ssim_levels(long long side);

// MS-SSIM of each pair (a[i], b[i]): N values in [0, 1]. a and b: N x C x H x W, uint8 or float on the
// 0..255 scale, the same shape; the side must halve evenly for each level.
torch::Tensor ms_ssim(const torch::Tensor& a, const torch::Tensor& b);

// Single-scale SSIM (Wang et al. 2004) of each pair: the first level's full SSIM with the same window
// and constants, the mean over positions and channels. N values in [-1, 1]; 1 for identical images.
torch::Tensor ssim(const torch::Tensor& a, const torch::Tensor& b);

// True when images of this size halve evenly at every level (28 px do not: 28 / 16 is not whole).
bool ms_ssim_fits(long long height, long long width);

// The mean MS-SSIM of consecutive pairs (images 0 and 1, 2 and 3, ...), as the reference's API feeds
// them: N / 2 pairs. Needs at least 2 images.
double mean_pairwise_ms_ssim(const torch::Tensor& images);

}  // namespace gan
