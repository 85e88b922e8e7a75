#include "models/networks/scripted.h"

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>

#include <filesystem>
#include <stdexcept>

#include "models/core/random.h"

namespace gan {

namespace {

// The line of a LibTorch error that says what went wrong: the interpreter's "RuntimeError: ..." when there
// is one (TorchScript's own first line only says that an operation failed), else the first line.
std::string first_line(const std::string& what) {
  std::string text = what;
  const auto err = what.rfind("Error: ");
  if (err != std::string::npos) {
    const auto start = what.rfind('\n', err);
    text = what.substr(start == std::string::npos ? 0 : start + 1);
  }
  const auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

std::string shape_of(const torch::Tensor& t) {
  std::string s;
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? " x " : "") + std::to_string(t.size(i));
  return s.empty() ? "a scalar" : s;
}

}  // namespace

ScriptedGeneratorImpl::ScriptedGeneratorImpl(const std::string& path, long long latent_dim, int num_classes)
    : path_(path), latent_dim_(latent_dim), num_classes_(num_classes) {
  if (latent_dim < 1) throw std::invalid_argument("the latent size must be at least 1");
  if (num_classes < 0 || num_classes == 1) throw std::invalid_argument("the class count must be 0 (none) or at least 2");
  if (!std::filesystem::exists(path)) throw std::invalid_argument(path + " does not exist");
  try {
    module_ = torch::jit::load(path, torch::kCPU);
  } catch (const std::exception& e) {
    throw std::invalid_argument(path + " is not a TorchScript module (save one with torch.jit.save): " +
                                first_line(e.what()));
  }
  module_.eval();
  torch::NoGradGuard no_grad;
  torch::Generator gen = make_cpu_generator(0);  // the trial's latents, without touching the global generator
  auto z = torch::randn({2, latent_dim}, gen, torch::kFloat);
  auto y = num_classes > 0 ? torch::arange(2, torch::kLong) : torch::Tensor();
  const torch::Tensor out = call(z, y);
  if (out.dim() != 4 || out.size(0) != 2 || out.size(1) < 1 || out.size(1) > 4 || out.size(2) != out.size(3) ||
      out.size(2) < 4 || out.size(2) > 1024)
    throw std::invalid_argument(path + " returns " + shape_of(out) + " for 2 latents of " + std::to_string(latent_dim) +
                                ", not images 2 x C x R x R (C from 1 to 4, R from 4 to 1024)");
  channels_ = static_cast<int>(out.size(1));
  resolution_ = static_cast<int>(out.size(2));
}

torch::Tensor ScriptedGeneratorImpl::call(const torch::Tensor& z, const torch::Tensor& labels) {
  std::vector<torch::jit::IValue> inputs{z.to(torch::kFloat)};
  if (num_classes_ > 0) inputs.emplace_back(labels.to(torch::kLong));
  torch::jit::IValue out;
  try {
    out = module_.forward(inputs);
  } catch (const std::exception& e) {
    throw std::invalid_argument(path_ + ": forward(z" + std::string(num_classes_ > 0 ? ", classes" : "") +
                                ") failed for latents N x " + std::to_string(latent_dim_) + ": " + first_line(e.what()));
  }
  if (!out.isTensor())
    throw std::invalid_argument(path_ + " returns " + out.tagKind() + ", not a tensor of images");
  return out.toTensor().to(torch::kFloat);
}

long long ScriptedGeneratorImpl::parameter_count() const {
  long long n = 0;
  for (const auto& p : module_.parameters()) n += p.numel();
  if (n > 0) return n;
  // A traced module may hold its weights as tensor attributes, or as constants in its graph (what
  // `gan-explorer export` writes): counted there instead.
  for (const auto& a : module_.named_attributes())
    if (a.value.isTensor()) n += a.value.toTensor().numel();
  if (n > 0) return n;
  for (const auto& method : module_.get_methods())
    for (const torch::jit::Node* node : method.graph()->nodes())
      if (node->kind() == c10::prim::Constant && node->output()->type()->kind() == c10::TypeKind::TensorType)
        n += torch::jit::toIValue(node->output())->toTensor().numel();
  return n;
}

torch::Tensor ScriptedGeneratorImpl::generate(const torch::Tensor& z, const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  if (num_classes_ > 0 && !labels.defined()) throw std::invalid_argument("this generator is conditional: it needs classes");
  auto out = call(z.to(torch::kCPU), labels.defined() ? labels.to(torch::kCPU) : labels);
  if (out.dim() != 4 || out.size(0) != z.size(0) || out.size(1) != channels_ || out.size(2) != resolution_ ||
      out.size(3) != resolution_)
    throw std::invalid_argument(path_ + " returned " + shape_of(out) + " for " + std::to_string(z.size(0)) +
                                " latents, not " + std::to_string(z.size(0)) + " x " + std::to_string(channels_) +
                                " x " + std::to_string(resolution_) + " x " + std::to_string(resolution_));
  return out.clamp(-1, 1).to(z.device());
}

}  // namespace gan
