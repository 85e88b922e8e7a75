#include "models/layers/init.h"

#include <cmath>
#include <string>

namespace gan {

void dcgan_init(torch::nn::Module& module, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/false)) {
    const std::string name = m->name();
    const bool conv = name.find("Conv") != std::string::npos || name.find("Linear") != std::string::npos;
    const bool bn = name.find("BatchNorm") != std::string::npos;
    const bool mbd = name.find("MinibatchDiscrimination") != std::string::npos;
    if (!conv && !bn && !mbd) continue;
    for (auto& p : m->named_parameters(false)) {
      if (p.key() == "weight" || p.key() == "T") p.value().normal_(bn ? 1.0 : 0.0, 0.02, gen);
      else if (p.key() == "bias") p.value().zero_();
    }
  }
}

void orthogonal_init(torch::nn::Module& module, torch::Generator& gen, double gain) {
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/false)) {
    const std::string name = m->name();
    if (name.find("Conv") == std::string::npos && name.find("Linear") == std::string::npos) continue;
    for (auto& p : m->named_parameters(false)) {
      if (p.key() == "bias") {
        p.value().zero_();
        continue;
      }
      if (p.key() != "weight") continue;
      auto& w = p.value();
      // Rows are output units: dim 1 of a transposed convolution's weight, dim 0 otherwise.
      const bool transposed = name.find("Transpose") != std::string::npos;
      auto shaped = transposed ? w.transpose(0, 1) : w;
      const int64_t rows = shaped.size(0), cols = shaped.numel() / rows;
      auto a = torch::randn({std::max(rows, cols), std::min(rows, cols)}, gen, torch::kFloat);
      auto qr = torch::linalg_qr(a);
      auto q = std::get<0>(qr) * torch::sign(torch::diagonal(std::get<1>(qr)));  // unique: diag(R) > 0
      if (rows < cols) q = q.t();
      shaped.copy_((gain * q).reshape(shaped.sizes()).to(w.dtype()));
    }
  }
}

void seeded_linear_init(torch::nn::Module& m, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& sub : m.modules(false)) {
    auto* lin = dynamic_cast<torch::nn::LinearImpl*>(sub.get());
    if (!lin) continue;
    const double k = 1.0 / std::sqrt(static_cast<double>(lin->weight.size(1)));
    lin->weight.uniform_(-k, k, gen);
    lin->bias.uniform_(-k, k, gen);
  }
}

void seeded_default_init(torch::nn::Module& m, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& sub : m.modules(false)) {
    torch::Tensor w, b;
    if (auto* c = dynamic_cast<torch::nn::Conv2dImpl*>(sub.get())) w = c->weight, b = c->bias;
    else if (auto* t = dynamic_cast<torch::nn::ConvTranspose2dImpl*>(sub.get())) w = t->weight, b = t->bias;
    else if (auto* l = dynamic_cast<torch::nn::LinearImpl*>(sub.get())) w = l->weight, b = l->bias;
    if (!w.defined()) continue;
    const double fan_in = static_cast<double>(w.numel() / w.size(0));  // size(1) x the kernel's area
    const double k = 1.0 / std::sqrt(fan_in);
    w.uniform_(-k, k, gen);
    if (b.defined()) b.uniform_(-k, k, gen);
  }
}

}  // namespace gan
