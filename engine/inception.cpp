// The TorchScript path lives in its own translation unit: torch/script.h is heavy to compile.
#include <torch/script.h>

#include <filesystem>
#include <stdexcept>

#include "engine/extractor.h"
#include "engine/hash.h"

namespace gan {
namespace {

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

class InceptionExtractor : public FeatureExtractor {
 public:
  InceptionExtractor(torch::jit::Module module, torch::Tensor output_weight, std::string file, std::string hash,
                     long long dim)
      : module_(std::move(module)), weight_(std::move(output_weight)), file_(std::move(file)),
        hash_(std::move(hash)), dim_(dim) {}

  std::string label() const override {
    return "Inception (TorchScript " + file_ + ", " + std::to_string(dim_) + "-d pool features, " +
           std::to_string(weight_.size(0)) + " logits without bias for IS)";
  }
  std::string key() const override { return "inception-" + hash_; }
  std::string resize_method(int resolution) const override {
    return "bilinear " + std::to_string(resolution) + "->299 px inside the TorchScript module (uint8 input)";
  }
  long long feature_dim() const override { return dim_; }

  Extracted extract(const torch::Tensor& images) override {
    if (images.dim() != 4 || images.scalar_type() != torch::kUInt8)
      throw std::invalid_argument("Inception takes N x C x H x W uint8 images");
    torch::NoGradGuard no_grad;
    auto x = images.size(1) == 1 ? images.repeat({1, 3, 1, 1}) : images;
    if (x.size(1) != 3) throw std::invalid_argument("Inception takes grey or RGB images");
    auto features = module_.forward({x.contiguous(), c10::IValue(true)}).toTensor().reshape({x.size(0), -1});
    auto logits = features.to(torch::kFloat64).matmul(weight_.t());
    return {features.to(torch::kFloat32), logits};
  }

 private:
  torch::jit::Module module_;
  torch::Tensor weight_;  // K x d float64
  std::string file_, hash_;
  long long dim_;
};

}  // namespace

std::unique_ptr<FeatureExtractor> load_inception(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.empty()) throw std::runtime_error("no Inception file given");
  if (!fs::is_regular_file(path, ec))
    throw std::runtime_error("Inception file " + path + " does not exist (GAN Explorer never downloads it: see the README)");
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, torch::kCPU);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + " is not a TorchScript file that this LibTorch can read: " + first_line(e.what()));
  }
  module.eval();
  torch::Tensor weight;
  for (const auto& p : module.named_parameters(/*recurse=*/true))
    if (p.name == "output.weight") weight = p.value.detach().to(torch::kFloat64);
  if (!weight.defined() || weight.dim() != 2)
    throw std::runtime_error(path + " has no 'output' linear layer: it is not NVIDIA's inception-2015-12-05.pt");
  // A probe batch checks the calling convention: forward(img uint8 NCHW, return_features=True).
  long long dim = 0;
  try {
    torch::NoGradGuard no_grad;
    auto probe = torch::zeros({2, 3, 32, 32}, torch::kUInt8);
    auto f = module.forward({probe, c10::IValue(true)}).toTensor();
    if (f.dim() < 2 || f.size(0) != 2) throw std::runtime_error("its features are not N x d");
    dim = f.reshape({2, -1}).size(1);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + " does not behave like inception-2015-12-05.pt (forward(img, return_features=True)): " +
                             first_line(e.what()));
  }
  if (weight.size(1) != dim)
    throw std::runtime_error(path + ": its output layer takes " + std::to_string(weight.size(1)) + " features, its pool gives " +
                             std::to_string(dim));
  return std::make_unique<InceptionExtractor>(std::move(module), weight, fs::path(path).filename().string(),
                                              hex64(fnv1a_file(path)), dim);
}

}  // namespace gan
