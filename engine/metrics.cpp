#include "engine/metrics.h"

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace gan {
namespace {

MeanStd mean_std(const std::vector<double>& v) {
  MeanStd r;
  if (v.empty()) return r;
  for (double x : v) r.mean += x;
  r.mean /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - r.mean) * (x - r.mean);
  r.std = std::sqrt(ss / static_cast<double>(v.size()));  // population std, as np.std
  return r;
}

// k distinct indices of 0..n-1 in random order (a partial Fisher-Yates shuffle).
torch::Tensor choose(long long n, long long k, std::mt19937_64& rng) {
  std::vector<int64_t> idx(static_cast<size_t>(n));
  for (long long i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = i;
  for (long long i = 0; i < k; ++i) {
    std::uniform_int_distribution<long long> pick(i, n - 1);
    std::swap(idx[static_cast<size_t>(i)], idx[static_cast<size_t>(pick(rng))]);
  }
  idx.resize(static_cast<size_t>(k));
  return torch::tensor(idx, torch::kLong);
}

}  // namespace

FeatureStats feature_stats(const torch::Tensor& features) {
  if (features.dim() != 2 || features.size(0) < 2)
    throw std::invalid_argument("feature statistics need an N x d matrix with N >= 2");
  torch::NoGradGuard no_grad;
  auto f = features.to(torch::kCPU, torch::kFloat64);
  FeatureStats s;
  s.count = f.size(0);
  s.mu = f.mean(0);
  auto centred = f - s.mu;
  s.sigma = centred.t().matmul(centred) / static_cast<double>(s.count - 1);
  return s;
}

double frechet_distance(const FeatureStats& a, const FeatureStats& b) {
  if (!a.mu.defined() || !b.mu.defined() || a.mu.sizes() != b.mu.sizes() || a.sigma.sizes() != b.sigma.sizes())
    throw std::invalid_argument("FID needs two statistics of the same feature dimension");
  torch::NoGradGuard no_grad;
  auto diff = a.mu - b.mu;
  auto eig = torch::linalg_eigvals(a.sigma.matmul(b.sigma));  // complex128
  double tr_covmean = torch::real(torch::sqrt(eig)).sum().item<double>();
  return diff.dot(diff).item<double>() + a.sigma.trace().item<double>() + b.sigma.trace().item<double>() -
         2.0 * tr_covmean;
}

MeanStd inception_score(const torch::Tensor& logits, int splits, uint64_t seed, bool shuffle) {
  if (logits.dim() != 2) throw std::invalid_argument("IS needs N x K logits");
  const long long n = logits.size(0);
  if (splits < 1 || n < splits)
    throw std::invalid_argument("IS needs at least as many samples as splits (" + std::to_string(n) + " < " +
                                std::to_string(splits) + ")");
  torch::NoGradGuard no_grad;
  auto x = logits.to(torch::kCPU, torch::kFloat64);
  if (shuffle) {
    std::mt19937_64 rng(seed);
    x = x.index_select(0, choose(n, n, rng));
  }
  auto p = x.softmax(1);
  auto log_p = x.log_softmax(1);
  std::vector<double> scores;
  for (int i = 0; i < splits; ++i) {
    const long long lo = i * n / splits, hi = (i + 1) * n / splits;
    auto pc = p.slice(0, lo, hi), lpc = log_p.slice(0, lo, hi);
    auto q = pc.mean(0, /*keepdim=*/true);
    auto kl = (pc * (lpc - q.log())).sum(1).mean();
    scores.push_back(std::exp(kl.item<double>()));
  }
  return mean_std(scores);
}

double polynomial_mmd2_unbiased(const torch::Tensor& x_in, const torch::Tensor& y_in, int degree, double gamma,
                                double coef0) {
  if (x_in.dim() != 2 || y_in.dim() != 2 || x_in.sizes() != y_in.sizes() || x_in.size(0) < 2)
    throw std::invalid_argument("MMD needs two m x d feature sets of one size, m >= 2");
  torch::NoGradGuard no_grad;
  auto x = x_in.to(torch::kCPU, torch::kFloat64), y = y_in.to(torch::kCPU, torch::kFloat64);
  if (gamma <= 0) gamma = 1.0 / static_cast<double>(x.size(1));
  // In place: the m x m kernel matrices are the whole cost, so no temporaries beside them.
  auto kernel_sums = [&](const torch::Tensor& a, const torch::Tensor& b, bool drop_diagonal) {
    auto k = a.matmul(b.t()).mul_(gamma).add_(coef0).pow_(degree);
    return (drop_diagonal ? k.sum() - k.trace() : k.sum()).item<double>();
  };
  const double m = static_cast<double>(x.size(0));
  const double sum_xx = kernel_sums(x, x, true);
  const double sum_yy = kernel_sums(y, y, true);
  const double sum_xy = kernel_sums(x, y, false);
  return (sum_xx + sum_yy) / (m * (m - 1)) - 2.0 * sum_xy / (m * m);
}

MeanStd kernel_inception_distance(const torch::Tensor& x, const torch::Tensor& y, int subsets, int subset_size,
                                  uint64_t seed) {
  if (x.dim() != 2 || y.dim() != 2 || x.size(1) != y.size(1))
    throw std::invalid_argument("KID needs two feature sets of the same dimension");
  const long long m = std::min<long long>({static_cast<long long>(subset_size), x.size(0), y.size(0)});
  if (m < 2 || subsets < 1) throw std::invalid_argument("KID needs at least 2 samples in each set");
  std::mt19937_64 rng(seed);
  std::vector<double> mmds;
  for (int i = 0; i < subsets; ++i) {
    auto xi = x.index_select(0, choose(x.size(0), m, rng));
    auto yi = y.index_select(0, choose(y.size(0), m, rng));
    mmds.push_back(polynomial_mmd2_unbiased(xi, yi));
  }
  return mean_std(mmds);
}

std::string fid_sample_warning(long long n, long long dim) {
  if (n >= dim) return {};
  return "N=" + std::to_string(n) + " is below the feature dimension " + std::to_string(dim) +
         ": the covariance is singular and FID is biased upward";
}

}  // namespace gan
