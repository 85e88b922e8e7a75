#include "models/layers.h"

#include <stdexcept>

namespace gan {

void copy_module_state(const torch::nn::Module& src, torch::nn::Module& dst) {
  torch::NoGradGuard no_grad;
  auto sp = src.named_parameters(true), dp = dst.named_parameters(true);
  auto sb = src.named_buffers(true), db = dst.named_buffers(true);
  if (sp.size() != dp.size() || sb.size() != db.size())
    throw std::logic_error("copy_module_state: modules differ");
  for (const auto& item : sp) dp[item.key()].copy_(item.value());
  for (const auto& item : sb) db[item.key()].copy_(item.value());
}

void ema_update(torch::nn::Module& ema, const torch::nn::Module& src, double decay) {
  torch::NoGradGuard no_grad;
  auto ep = ema.named_parameters(true);
  for (const auto& item : src.named_parameters(true)) ep[item.key()].mul_(decay).add_(item.value(), 1.0 - decay);
  auto eb = ema.named_buffers(true);
  for (const auto& item : src.named_buffers(true)) eb[item.key()].copy_(item.value());
}

void dcgan_init(torch::nn::Module& module, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/false)) {
    const std::string name = m->name();
    const bool conv = name.find("Conv") != std::string::npos;
    const bool bn = name.find("BatchNorm") != std::string::npos;
    if (!conv && !bn) continue;
    for (auto& p : m->named_parameters(false)) {
      if (p.key() == "weight") p.value().normal_(bn ? 1.0 : 0.0, 0.02, gen);
      else if (p.key() == "bias") p.value().zero_();
    }
  }
}

long long count_parameters(const torch::nn::Module& module) {
  long long n = 0;
  for (const auto& p : module.parameters(true)) n += p.numel();
  return n;
}

void save_nested(torch::serialize::OutputArchive& archive, const std::string& key, const torch::nn::Module& m) {
  torch::serialize::OutputArchive sub;
  m.save(sub);
  archive.write(key, sub);
}

void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::nn::Module& m) {
  torch::serialize::InputArchive sub;
  if (!archive.try_read(key, sub)) throw std::runtime_error("the checkpoint has no '" + key + "'");
  m.load(sub);
}

void save_nested(torch::serialize::OutputArchive& archive, const std::string& key,
                 const torch::optim::Optimizer& o) {
  torch::serialize::OutputArchive sub;
  o.save(sub);
  archive.write(key, sub);
}

void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::optim::Optimizer& o) {
  torch::serialize::InputArchive sub;
  if (!archive.try_read(key, sub)) throw std::runtime_error("the checkpoint has no '" + key + "'");
  o.load(sub);
}

}  // namespace gan
