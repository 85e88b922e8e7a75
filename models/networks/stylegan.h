#pragma once
// StyleGAN's networks (Karras, Laine & Aila, 2019) scaled to small images, without progressive growing:
// a mapping network of fully connected layers from z to w; a synthesis network from a learned constant
// 4x4 input, two style layers per side, each with per-pixel noise (a learned scale per channel) and AdaIN
// from an affine map of w, or, as an option, StyleGAN2's modulated and demodulated convolutions; the
// tracked mean w_avg for truncation in W; style mixing while training. Every layer has the equalised
// learning rate (weights N(0, 1) scaled at run time by He's constant; the mapping's by 0.01 more). The
// discriminator is ProGAN's, as StyleGAN's: convolutions down to 4x4, minibatch standard deviation, two
// dense layers.
#include <torch/torch.h>

#include <vector>

#include "models/layers/random_stream.h"
#include "models/networks/image_nets.h"

namespace gan {

struct StyleGanOptions {
  long long latent_dim = 128;
  long long w_dim = 128;
  int mapping_layers = 8;
  int resolution = 32;  // 16, 32 or 64
  int channels = 1;
  int ngf = 16, ndf = 16;   // width units: 8x at 4 and 8 px, halving with each doubling after
  bool demodulate = false;  // StyleGAN2's weight (de)modulation instead of AdaIN
  double mapping_lr = 0.01;
  double w_avg_beta = 0.995;   // w_avg <- lerp(mean w of the batch, w_avg, beta) each training pass
  double mixing_prob = 0.9;    // style-mixing regularisation: the share of samples with two latents
  unsigned long long seed = 1; // the network's own random stream (noise inputs, mixing)
};

// Style layers at resolution R: two per side from 4 to R.
int stylegan_layers(int resolution);
// The side of style layer i (4, 4, 8, 8, ...).
int stylegan_layer_side(int layer);
// The layer ranges of the style-mixing panel, as the paper's coarse (4-8 px), middle (16 px) and fine
// (32 px and up): {first, last} each, inclusive; an empty range is {0, -1}.
struct LayerBands {
  int coarse_lo, coarse_hi, middle_lo, middle_hi, fine_lo, fine_hi;
};
LayerBands stylegan_bands(int resolution);
void check_stylegan_options(const StyleGanOptions& o);

// A dense layer with the equalised learning rate: y = x (W * gain * lr_mul / sqrt(in))^T + b * lr_mul,
// W initialised N(0, 1 / lr_mul^2), b to bias_init / lr_mul.
struct EqualLinearImpl : torch::nn::Module {
  EqualLinearImpl(long long in, long long out, double gain, double lr_mul, double bias_init);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
  double scale, lr_mul;
};
TORCH_MODULE(EqualLinear);

// A convolution with the equalised learning rate (W * gain / sqrt(in * k * k)), padding k / 2.
struct EqualConv2dImpl : torch::nn::Module {
  EqualConv2dImpl(long long in, long long out, int kernel, double gain);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
  double scale;
};
TORCH_MODULE(EqualConv2d);

// One style layer: (2x nearest upsampling,) a 3x3 convolution (none for the constant input's AdaIN
// layer), the noise N x 1 x H x W times a learned scale per channel, the bias, leaky ReLU, then AdaIN
// (instance norm, then y_s = 1 + A_s(w), y_b = A_b(w)). With `demodulate`, the convolution's weights are
// scaled per sample by s = A(w) (A's bias starting at 1) and each output channel renormalised to unit
// norm, and no instance norm follows.
struct StyleLayerImpl : torch::nn::Module {
  StyleLayerImpl(long long in, long long out, long long w_dim, bool conv, bool upsample, bool demodulate);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& noise);
  EqualLinear affine{nullptr};
  torch::Tensor weight, bias, noise_strength;
  double scale = 1;
  bool conv, upsample, demodulate;
  long long out_channels;
};
TORCH_MODULE(StyleLayer);

struct StyleGanGeneratorImpl : ImageGenerator {
  explicit StyleGanGeneratorImpl(const StyleGanOptions& o);
  // mapping, then the synthesis from w broadcast to every layer. While training: w_avg moves towards the
  // batch's mean w, mixing_prob of the samples take the layers from a random crossover on from a second
  // latent, and the noise is drawn from the network's own stream. In eval mode: no mixing, and noise from
  // a generator seeded with 0 for each call, so that the output is a function of z alone.
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override;
  // Eval mode with fresh noise in every layer (StyleGAN2's noise_mode "random"), for export.
  torch::Tensor export_generate(const torch::Tensor& z, const torch::Tensor& labels) override;
  // z (N x latent_dim) -> w (N x w_dim).
  torch::Tensor map(const torch::Tensor& z);
  // ws: N x layers x w_dim; noise: one tensor per layer (N x 1 x side x side), or empty for no noise
  // (or, with fresh_noise, drawn anew in each layer).
  torch::Tensor synthesize(const torch::Tensor& ws, const std::vector<torch::Tensor>& noise, bool fresh_noise = false);
  // Noise inputs for n samples from gen (on the network's device).
  std::vector<torch::Tensor> draw_noise(long long n, torch::Generator& gen);
  int layers() const { return stylegan_layers(options.resolution); }
  long long latent_dim() const override { return options.latent_dim; }
  int num_classes() const override { return 0; }
  int resolution() const override { return options.resolution; }
  int channels() const override { return options.channels; }

  StyleGanOptions options;
  torch::nn::ModuleList mapping;
  torch::Tensor const_input;
  torch::nn::ModuleList style_layers;
  EqualConv2d to_rgb{nullptr};
  torch::Tensor w_avg;  // buffer
  RandomStream stream;
};
TORCH_MODULE(StyleGanGenerator);

// Truncation in W: w_avg + psi (w - w_avg) on the layers before `cutoff`, the others as they are.
torch::Tensor truncate_styles(const torch::Tensor& ws, const torch::Tensor& w_avg, double psi, int cutoff);
// ws_a with layers lo..hi (inclusive) taken from ws_b.
torch::Tensor mix_styles(const torch::Tensor& ws_a, const torch::Tensor& ws_b, int lo, int hi);

struct StyleGanCriticImpl : ImageCritic {
  explicit StyleGanCriticImpl(const StyleGanOptions& o);
  CriticOutput judge(const torch::Tensor& x, const torch::Tensor& labels) override;
  StyleGanOptions options;
  EqualConv2d from_rgb{nullptr};
  torch::nn::ModuleList convs;  // two per side from R down to 8
  EqualConv2d final_conv{nullptr};
  EqualLinear dense{nullptr}, out{nullptr};
};
TORCH_MODULE(StyleGanCritic);

// The minibatch standard deviation layer (Karras et al. 2018): the mean over features of the standard
// deviation over groups of up to 4 samples, appended as one more feature map.
torch::Tensor minibatch_stddev(const torch::Tensor& x);

// Weights N(0, 1 / lr_mul^2) for every equalised layer, the constant input N(0, 1), from gen.
void stylegan_init(torch::nn::Module& net, torch::Generator& gen);

}  // namespace gan
