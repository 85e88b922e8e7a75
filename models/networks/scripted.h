#pragma once
// Generators trained elsewhere: a TorchScript module (Python's torch.jit.save of a scripted or traced
// module) whose forward maps N x latent_dim latents, and N int64 classes when it is conditional, to
// N x C x R x R images in [-1, 1]. It is sampled and explored as the latent families' generators are
// (latent_snapshot): the grid, truncation, classes, interpolation, the metrics.
#include <torch/script.h>
#include <torch/torch.h>

#include <memory>
#include <string>

#include "models/networks/image_nets.h"

namespace gan {

class ScriptedGeneratorImpl : public ImageGenerator {
 public:
  // Loads `path` on the CPU and tries it on two latents (and classes 0 and 1): throws
  // std::invalid_argument saying what is wrong when it is not such a module.
  ScriptedGeneratorImpl(const std::string& path, long long latent_dim, int num_classes);
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override;
  long long latent_dim() const override { return latent_dim_; }
  int num_classes() const override { return num_classes_; }
  int resolution() const override { return resolution_; }
  int channels() const override { return channels_; }
  const std::string& path() const { return path_; }
  long long parameter_count() const;  // the module's own (its registered parameters are none)

 private:
  torch::Tensor call(const torch::Tensor& z, const torch::Tensor& labels);
  std::string path_;
  torch::jit::Module module_;
  long long latent_dim_;
  int num_classes_;
  int resolution_ = 0, channels_ = 0;
};

}  // namespace gan
