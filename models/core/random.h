#pragma once
// Seeded draws: generators, latents (truncated), interpolation between them, labelled subsets.
#include <torch/torch.h>

#include <string>

namespace gan {

enum class InterpMode { Lerp, Slerp };
const char* to_string(InterpMode m);
bool parse_interp_mode(const std::string& s, InterpMode& out);

// The threshold below which truncation is refused (resampling would rarely terminate).
constexpr double kMinTruncation = 0.05;

// A CPU generator seeded with `seed` (the mt19937 LibTorch uses on the CPU).
torch::Generator make_cpu_generator(unsigned long long seed);

// N(0, I) samples of `shape` from `gen`. With threshold > 0 every component whose magnitude
// exceeds it is resampled until none does: a truncated normal. threshold <= 0 means no truncation.
torch::Tensor truncated_normal(torch::IntArrayRef shape, double threshold, torch::Generator& gen);

// The latent that a seed names: 1 x dim, the same on every run and machine.
torch::Tensor latent_for_seed(long long seed, long long dim, double threshold);

// Moves from a (t = 0) to b (t = 1) along a line or along the great circle (slerp), row by row.
torch::Tensor interpolate(const torch::Tensor& a, const torch::Tensor& b, double t, InterpMode mode);

// Indices of a class-balanced labelled subset: n / K examples of each of the K classes (the first
// of each class in a permutation drawn from `seed`), in that permutation's order. n < 0: all.
torch::Tensor labelled_subset(const torch::Tensor& labels, long long n, int num_classes, unsigned long long seed);

}  // namespace gan
