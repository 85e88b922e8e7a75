#pragma once
// FID, KID and IS from feature sets, computed the way torch-fidelity computes them. LibTorch only.
//  - FID: statistics in float64, covariance with N-1; the trace term is the sum of the real parts of
//    the square roots of the eigenvalues of S1*S2, taken as complex numbers (no sqrtm).
//  - IS: float64 softmax of the logits, samples shuffled with a seeded permutation, 10 splits;
//    mean and population std (ddof 0) of exp(E[KL(p(y|x) || p(y))]) over the splits.
//  - KID: unbiased MMD^2 with the cubic polynomial kernel (x.y / d + 1)^3 over 100 random subsets of
//    up to 1000 samples each; mean and population std over the subsets.
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace gan {

struct FeatureStats {
  torch::Tensor mu;     // d, float64
  torch::Tensor sigma;  // d x d, float64
  long long count = 0;
};

struct MeanStd {
  double mean = 0, std = 0;
};

// Mean and covariance (N-1) of N x d features, in float64. Needs N >= 2.
FeatureStats feature_stats(const torch::Tensor& features);

// ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 * sum(Re(sqrt(eig(S1 S2)))).
double frechet_distance(const FeatureStats& a, const FeatureStats& b);

// Inception Score of N x K logits. Throws std::invalid_argument when N < splits.
MeanStd inception_score(const torch::Tensor& logits, int splits = 10, uint64_t seed = 2020, bool shuffle = true);

// Unbiased MMD^2 of two equal-size feature sets with the polynomial kernel (gamma = 1/d when <= 0).
double polynomial_mmd2_unbiased(const torch::Tensor& x, const torch::Tensor& y, int degree = 3, double gamma = 0,
                                double coef0 = 1);

// KID over `subsets` random subsets of min(subset_size, N1, N2) samples of each set.
MeanStd kernel_inception_distance(const torch::Tensor& x, const torch::Tensor& y, int subsets = 100,
                                  int subset_size = 1000, uint64_t seed = 2020);

// A warning for the user when N is below the feature dimension (the covariance is then singular and
// FID is biased upward), else an empty string.
std::string fid_sample_warning(long long n, long long dim);

}  // namespace gan
