#include "models/networks/dcgan.h"

#include <stdexcept>

#include "models/layers/batch_norm.h"
#include "models/layers/spectral_norm.h"

namespace gan {
namespace F = torch::nn::functional;
using namespace torch::nn;

torch::Tensor one_hot(const torch::Tensor& labels, int num_classes) {
  return torch::one_hot(labels.to(torch::kLong), num_classes).to(torch::kFloat);
}

DcganGeneratorImpl::DcganGeneratorImpl(const DcganOptions& o) : options(o) {
  auto tconv = [&](long long in, long long out, int stride, int padding) -> AnyModule {
    if (o.spectral) return AnyModule(SNConvTranspose2d(in, out, 4, stride, padding, /*bias=*/false));
    return AnyModule(ConvTranspose2d(ConvTranspose2dOptions(in, out, 4).stride(stride).padding(padding).bias(false)));
  };
  auto norm = [&](long long ch) -> AnyModule {
    if (o.norm == GeneratorNorm::Virtual) return AnyModule(VirtualBatchNorm(ch));
    return AnyModule(SyncBatchNorm2d(ch));
  };
  auto attend_at = [&](int side, long long ch) {
    if (o.attention_res == side) net->push_back(SelfAttention(ch, o.spectral));
  };
  long long ch = static_cast<long long>(o.ngf) * (o.resolution / 8);
  net->push_back(tconv(o.latent_dim + o.num_classes, ch, 1, 0));
  net->push_back(norm(ch));
  net->push_back(ReLU(ReLUOptions(true)));
  attend_at(4, ch);
  for (int size = 4; size < o.resolution / 2; size *= 2, ch /= 2) {
    net->push_back(tconv(ch, ch / 2, 2, 1));
    net->push_back(norm(ch / 2));
    net->push_back(ReLU(ReLUOptions(true)));
    attend_at(size * 2, ch / 2);
  }
  net->push_back(tconv(ch, o.channels, 2, 1));
  net->push_back(Tanh());
  register_module("net", net);
  if (o.norm == GeneratorNorm::Virtual) {
    // Drawn by the family from the run's seed; zeros until then.
    reference_z = register_buffer("vbn_reference_z", torch::zeros({o.vbn_reference, o.latent_dim}));
    if (o.num_classes > 0)
      reference_labels = register_buffer("vbn_reference_labels",
                                         torch::arange(static_cast<int64_t>(o.vbn_reference), torch::kLong).remainder(o.num_classes));
  }
}

torch::Tensor DcganGeneratorImpl::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  return run(z, labels, /*attention_map=*/false);
}

torch::Tensor DcganGeneratorImpl::attention(const torch::Tensor& z, const torch::Tensor& labels) {
  return run(z, labels, /*attention_map=*/true);
}

torch::Tensor DcganGeneratorImpl::run(const torch::Tensor& z, const torch::Tensor& labels, bool attention_map) {
  auto in = z;
  if (options.num_classes > 0) {
    TORCH_CHECK(labels.defined() && labels.size(0) == z.size(0), "this generator needs a class for every latent");
    in = torch::cat({z, one_hot(labels, options.num_classes)}, 1);
  }
  long long reference = 0;
  if (options.norm == GeneratorNorm::Virtual) {
    reference = reference_z.size(0);
    auto ref = options.num_classes > 0
                   ? torch::cat({reference_z, one_hot(reference_labels, options.num_classes)}, 1)
                   : reference_z;
    in = torch::cat({ref, in}, 0);
    for (auto& m : net->modules(false))
      if (auto* vbn = dynamic_cast<VirtualBatchNormImpl*>(m.get())) vbn->reference = reference;
  }
  if (attention_map) {  // the layers up to the block, then its map instead of its output
    auto h = in.unsqueeze(-1).unsqueeze(-1);
    for (auto& m : *net) {
      if (auto* block = m.ptr()->as<SelfAttention>()) {
        auto map = block->attention(h);
        return reference > 0 ? map.narrow(0, reference, z.size(0)) : map;
      }
      h = m.forward(h);
    }
    return {};
  }
  auto out = net->forward(in.unsqueeze(-1).unsqueeze(-1));
  return reference > 0 ? out.narrow(0, reference, z.size(0)) : out;
}

ConvCriticImpl::ConvCriticImpl(const CriticOptions& c) : options(c) {
  const DcganOptions& o = c.base;
  auto conv = [&](long long in, long long out, int stride, int padding) -> AnyModule {
    if (c.spectral) return AnyModule(SNConv2d(in, out, 4, stride, padding, c.bias));
    return AnyModule(Conv2d(Conv2dOptions(in, out, 4).stride(stride).padding(padding).bias(c.bias)));
  };
  auto attend_at = [&](int side, long long ch) {
    if (c.attention_res == side) net->push_back(SelfAttention(ch, c.spectral));
  };
  long long ch = o.ndf;
  net->push_back(conv(o.channels + c.label_channels, ch, 2, 1));
  net->push_back(LeakyReLU(LeakyReLUOptions().negative_slope(0.2).inplace(true)));
  attend_at(o.resolution / 2, ch);
  for (int size = o.resolution / 2; size > 4; size /= 2, ch *= 2) {
    net->push_back(conv(ch, ch * 2, 2, 1));
    if (c.norm == CriticNorm::Batch) net->push_back(SyncBatchNorm2d(ch * 2));
    if (c.norm == CriticNorm::Layer) net->push_back(ChannelLayerNorm(ch * 2));
    if (c.norm == CriticNorm::LayerElementwise)
      net->push_back(LayerNorm(LayerNormOptions({ch * 2, size / 2, size / 2})));
    net->push_back(LeakyReLU(LeakyReLUOptions().negative_slope(0.2).inplace(true)));
    attend_at(size / 2, ch * 2);
  }
  const long long outputs = c.class_logits > 0 ? c.class_logits : 1;
  const long long features = ch * 16;  // ch x 4 x 4
  if (c.mbd_kernels > 0) {
    final_conv = false;
    mbd = register_module("mbd", MinibatchDiscrimination(features, c.mbd_kernels, c.mbd_dim, c.spectral && c.spectral_mbd));
    if (c.spectral) head = AnyModule(SNLinear(features + c.mbd_kernels, outputs));  // keeps D 1-Lipschitz
    else head = AnyModule(Linear(features + c.mbd_kernels, outputs));
    register_module("head", head.ptr());
  } else {
    net->push_back(conv(ch, outputs, 1, 0));
  }
  register_module("net", net);
  if (c.aux_classes > 0) {
    if (c.spectral) aux = AnyModule(SNLinear(features, c.aux_classes));
    else aux = AnyModule(Linear(features, c.aux_classes));
    register_module("aux", aux.ptr());
  }
}

CriticOutput ConvCriticImpl::judge(const torch::Tensor& x, const torch::Tensor& labels) {
  auto h = x;
  if (options.label_channels > 0) {
    TORCH_CHECK(labels.defined() && labels.size(0) == x.size(0), "this discriminator needs the class of every image");
    auto code = one_hot(labels, options.label_channels).view({x.size(0), options.label_channels, 1, 1});
    h = torch::cat({x, code.expand({x.size(0), options.label_channels, x.size(2), x.size(3)})}, 1);
  }
  const auto end = final_conv ? net->end() - 1 : net->end();
  for (auto it = net->begin(); it != end; ++it) h = it->forward(h);
  CriticOutput out;
  out.features = h.flatten(1);
  auto raw = final_conv ? (net->end() - 1)->forward(h).flatten(1)
                        : head.forward(torch::cat({out.features, mbd->forward(out.features)}, 1));
  if (options.class_logits > 0) {
    out.class_logits = raw;
    out.score = raw.logsumexp(1);  // Salimans et al.: D(x) = Z / (Z + 1), Z = sum_k exp(l_k)
  } else {
    out.score = raw.view({-1});
  }
  if (!aux.is_empty()) out.class_logits = aux.forward(out.features);
  return out;
}

torch::Tensor ConvCriticImpl::forward(const torch::Tensor& x) { return judge(x).score; }

}  // namespace gan
