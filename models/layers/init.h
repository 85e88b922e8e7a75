#pragma once
// Weight initialisations, each drawing from a generator so that a run's initial weights follow its seed.
#include <torch/torch.h>

namespace gan {

// Radford et al. (2016): conv (and linear, and minibatch-discrimination) weights ~ N(0, 0.02);
// batch-norm gamma ~ N(1, 0.02), beta = 0; biases 0. Also CycleGAN's "normal" init.
void dcgan_init(torch::nn::Module& module, torch::Generator& gen);

// Every convolution and linear weight as a (scaled) random orthogonal matrix (Saxe et al., 2014), its
// rows being the output units; biases become 0. Batch-norm layers are left alone.
void orthogonal_init(torch::nn::Module& module, torch::Generator& gen, double gain = 1.0);

// Every linear layer from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), weights and biases (LibTorch's default,
// but seeded).
void seeded_linear_init(torch::nn::Module& module, torch::Generator& gen);

// PyTorch's default initialisation of every convolution, transposed convolution and linear layer,
// seeded: weights and biases ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in being weight.size(1) times the
// kernel's area (what kaiming_uniform_ with a = sqrt(5) gives). Norm layers are left alone.
void seeded_default_init(torch::nn::Module& module, torch::Generator& gen);

}  // namespace gan
