#pragma once
// The interface every GAN family implements: its networks, its losses and update steps.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/params.h"
#include "models/registry.h"

namespace gan {

// What a family is built from: validated hyper-parameters and what the data decides.
struct FamilySetup {
  ParamSet params;          // validated against the family's specs
  int image_channels = 1;   // from the dataset
  int num_classes = 0;      // from the dataset (0 when unlabelled)
  torch::Device device = torch::kCPU;
};

// A batch of real data on the family's device: images in [-1, 1], N x C x H x W, and int64 labels
// (undefined when the dataset has none).
struct Batch {
  torch::Tensor images;
  torch::Tensor labels;
};
using BatchSource = std::function<Batch()>;

// The scalars one training step reports, in the order of Capabilities::series.
using StepScalars = std::vector<std::pair<std::string, double>>;

// A copy of the generator, detached from training, for rendering on another thread.
class GeneratorSnapshot {
 public:
  virtual ~GeneratorSnapshot() = default;
  // z: N x latent_dim on the CPU; labels: N int64 or undefined. Returns N x C x H x W in [-1, 1] on the CPU.
  virtual torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) = 0;
  virtual long long latent_dim() const = 0;
};

class Family {
 public:
  explicit Family(FamilyInfo info) : info_(std::move(info)) {}
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const FamilyInfo& info() const { return info_; }

  // One generator update and the critic updates that go with it. Draws real batches from `next_real`
  // and all noise from `noise`, so that a run is reproducible from its seed.
  virtual StepScalars train_step(const BatchSource& next_real, torch::Generator& noise) = 0;

  // Images for latents z (N x latent_dim, any device), in eval mode without gradients, on the CPU.
  virtual torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) = 0;
  virtual std::shared_ptr<GeneratorSnapshot> snapshot() const = 0;

  virtual long long latent_dim() const = 0;
  virtual int resolution() const = 0;
  virtual int image_channels() const = 0;
  virtual long long parameter_count() const = 0;
  // The networks, for inspection; nullptr when the family has none.
  virtual torch::nn::Module* discriminator() { return nullptr; }
  virtual torch::nn::Module* generator() { return nullptr; }

  // The training images (N x C x R x R uint8 on the CPU) and labels (N int64, or undefined), for families
  // that need more than shuffled batches: SGAN picks its labelled subset here. Called before training.
  virtual void attach_data(const torch::Tensor& /*images*/, const torch::Tensor& /*labels*/) {}
  // For families that train classifiers (Capabilities::classifiers names them, in this order): each
  // one's class logits (N x K, on the CPU) for images in [-1, 1], in eval mode.
  virtual std::vector<torch::Tensor> classify(const torch::Tensor& /*images*/) { return {}; }

  // Everything needed to continue exactly: networks, buffers and optimizer states.
  virtual void save(torch::serialize::OutputArchive& archive) const = 0;
  virtual void load(torch::serialize::InputArchive& archive) = 0;

 private:
  FamilyInfo info_;  // a copy: a family outlives any registry
};

// Builds the family named by info with validated params; throws std::invalid_argument with every
// problem listed when the params are bad.
std::unique_ptr<Family> create_family(const FamilyInfo& info, FamilySetup setup);

}  // namespace gan
