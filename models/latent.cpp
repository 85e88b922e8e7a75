#include "models/latent.h"

#include <ATen/CPUGeneratorImpl.h>

#include <stdexcept>

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

}  // namespace gan
