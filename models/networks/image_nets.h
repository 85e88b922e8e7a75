#pragma once
// What the families that make images from latents need of their networks: a generator from z (and a
// class) to images, and a discriminator that judges images (and classes). DCGAN's convolutional
// networks and GAN's perceptrons both implement these.
#include <torch/torch.h>

#include <string>

#include "models/core/family.h"

namespace gan {

// What a discriminator says about a batch.
struct CriticOutput {
  torch::Tensor score;         // N: the real/fake logit or critic score
  torch::Tensor class_logits;  // N x K for ACGAN's auxiliary head and SGAN's classifier; else undefined
  torch::Tensor features;      // N x F: the last hidden layer, flattened (feature matching)
};

class ImageGenerator : public torch::nn::Module {
 public:
  // z: N x latent_dim; labels: N int64 when the generator is conditional (required then), else ignored.
  // Returns N x C x R x R in [-1, 1].
  virtual torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) = 0;
  virtual long long latent_dim() const = 0;
  virtual int num_classes() const = 0;  // 0: unconditional
  virtual int resolution() const = 0;
  virtual int channels() const = 0;
  // What a user should know about the images it makes now, written beside its samples (ProGAN: the
  // stage's resolution and how it is shown); empty for most.
  virtual std::string sample_note() const { return {}; }
  // When it draws smaller than resolution() and scales up: how real images are brought to match.
  virtual RealPath real_path() const { return {}; }
  // What `gan-explorer export` traces: generate() in eval mode by default; a generator whose eval pass
  // draws from a seeded generator (StyleGAN's noise) draws fresh noise here instead, which a trace can hold.
  virtual torch::Tensor export_generate(const torch::Tensor& z, const torch::Tensor& labels) {
    return generate(z, labels);
  }
  // Before an export is traced: statistics a generator samples with but did not train with (BigGAN's
  // standing statistics, for untruncated z), gathered from gen. Nothing for most.
  virtual void prepare_export(torch::Generator& /*gen*/) {}
};

class ImageCritic : public torch::nn::Module {
 public:
  // x: N x C x R x R in [-1, 1]; labels: N int64 for critics that take the class, else ignored.
  virtual CriticOutput judge(const torch::Tensor& x, const torch::Tensor& labels) = 0;
};

// The one-hot code of labels (N int64) as N x K floats on the labels' device.
torch::Tensor one_hot(const torch::Tensor& labels, int num_classes);

}  // namespace gan
