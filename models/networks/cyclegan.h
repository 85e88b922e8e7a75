#pragma once
// CycleGAN's networks (Zhu et al. 2017; the authors' pytorch-CycleGAN-and-pix2pix): a ResNet generator
// with instance norm and a PatchGAN discriminator.
#include <torch/torch.h>

namespace gan {

// x + [reflect-pad 1, conv 3x3, instance norm, ReLU, reflect-pad 1, conv 3x3, instance norm](x).
struct ResnetBlockImpl : torch::nn::Module {
  explicit ResnetBlockImpl(long long channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential body;
};
TORCH_MODULE(ResnetBlock);

struct ResnetGeneratorOptions {
  int in_channels = 1;
  int out_channels = 1;
  int ngf = 64;         // channels after the first convolution; doubled by each downsampling
  int blocks = 6;       // residual blocks at the bottleneck (the paper: 6 up to 128 px, 9 at 256)
  int downsamplings = 2;
};

// Image -> image: reflect-pad 3, conv 7x7 (ngf), IN, ReLU; two stride-2 3x3 convolutions doubling the
// channels; `blocks` residual blocks; two stride-2 3x3 transposed convolutions halving them; reflect-pad
// 3, conv 7x7, tanh. Instance norm without affine parameters; convolutions with biases.
struct ResnetGeneratorImpl : torch::nn::Module {
  explicit ResnetGeneratorImpl(const ResnetGeneratorOptions& o);
  torch::Tensor forward(const torch::Tensor& x);
  ResnetGeneratorOptions options;
  torch::nn::Sequential net;
};
TORCH_MODULE(ResnetGenerator);

// PatchGAN: a stride-2 4x4 convolution with leaky ReLU (0.2), then `layers - 1` more with instance norm
// (channels doubling, at most 8x), a stride-1 4x4 convolution, and a stride-1 4x4 convolution to one
// score per patch (N x 1 x h x w). Receptive field: 16, 34, 70, 142 pixels for 1, 2, 3, 4 layers; the
// paper's 70x70 PatchGAN at 256 px is `layers` = 3.
struct PatchDiscriminatorImpl : torch::nn::Module {
  PatchDiscriminatorImpl(int channels, int ndf, int layers);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential net;
};
TORCH_MODULE(PatchDiscriminator);

// The receptive field, in pixels, of one output of a PatchGAN with `layers` stride-2 layers.
int patch_receptive_field(int layers);

}  // namespace gan
