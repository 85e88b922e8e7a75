#include "models/core/random.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace gan {

const char* to_string(InterpMode m) { return m == InterpMode::Slerp ? "slerp" : "lerp"; }

bool parse_interp_mode(const std::string& s, InterpMode& out) {
  if (s == "lerp") out = InterpMode::Lerp;
  else if (s == "slerp") out = InterpMode::Slerp;
  else return false;
  return true;
}

torch::Generator make_cpu_generator(unsigned long long seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

torch::Tensor truncated_normal(torch::IntArrayRef shape, double threshold, torch::Generator& gen) {
  torch::Tensor z = torch::randn(shape, gen, torch::kFloat);
  if (threshold <= 0) return z;
  if (threshold < kMinTruncation)
    throw std::invalid_argument("truncation threshold must be at least 0.05");
  // Resample only the offending components; each pass keeps P(|x| <= t) of them.
  for (int pass = 0; pass < 100000; ++pass) {
    torch::Tensor bad = z.abs() > threshold;
    const long long n = bad.sum().item<int64_t>();
    if (n == 0) return z;
    z.masked_scatter_(bad, torch::randn({n}, gen, torch::kFloat));
  }
  throw std::runtime_error("truncated normal did not converge");
}

torch::Tensor latent_for_seed(long long seed, long long dim, double threshold) {
  torch::Generator gen = make_cpu_generator(static_cast<unsigned long long>(seed));
  return truncated_normal({1, dim}, threshold, gen);
}

torch::Tensor interpolate(const torch::Tensor& a, const torch::Tensor& b, double t, InterpMode mode) {
  if (mode == InterpMode::Lerp) return a + (b - a) * t;
  // Slerp on each row: angle between the directions, then the great-circle blend of the vectors.
  auto an = a / a.norm(2, -1, true).clamp_min(1e-12);
  auto bn = b / b.norm(2, -1, true).clamp_min(1e-12);
  auto omega = (an * bn).sum(-1, true).clamp(-1.0, 1.0).acos();
  auto so = omega.sin();
  auto slerp = (((1.0 - t) * omega).sin() / so) * a + ((t * omega).sin() / so) * b;
  // Nearly parallel rows: the formula is 0/0, and lerp is the limit.
  return torch::where(so.abs() < 1e-6, a + (b - a) * t, slerp);
}

torch::Tensor labelled_subset(const torch::Tensor& labels, long long n, int num_classes, unsigned long long seed) {
  auto gen = make_cpu_generator(seed);
  auto order = torch::randperm(labels.size(0), gen, torch::TensorOptions(torch::kLong));
  if (n < 0 || n >= labels.size(0)) return order;
  const long long per_class = std::max<long long>(1, n / std::max(1, num_classes));
  auto sorted = labels.to(torch::kCPU, torch::kLong).index_select(0, order);
  std::vector<long long> taken(static_cast<size_t>(std::max(1, num_classes)), 0);
  std::vector<int64_t> picked;
  const auto* y = sorted.data_ptr<int64_t>();
  const auto* o = order.data_ptr<int64_t>();
  for (int64_t i = 0; i < sorted.size(0); ++i) {
    const auto c = y[i];
    if (c < 0 || c >= num_classes || taken[static_cast<size_t>(c)] >= per_class) continue;
    ++taken[static_cast<size_t>(c)];
    picked.push_back(o[i]);
  }
  return torch::tensor(picked, torch::kLong);
}

}  // namespace gan
