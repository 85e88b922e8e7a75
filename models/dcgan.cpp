#include "models/dcgan.h"

#include <stdexcept>

#include "models/latent.h"
#include "models/layers.h"

namespace gan {
namespace F = torch::nn::functional;
using namespace torch::nn;

DcganGeneratorImpl::DcganGeneratorImpl(const DcganOptions& o) : options(o) {
  long long ch = static_cast<long long>(o.ngf) * (o.resolution / 8);
  net->push_back(ConvTranspose2d(ConvTranspose2dOptions(o.latent_dim, ch, 4).stride(1).padding(0).bias(false)));
  net->push_back(BatchNorm2d(ch));
  net->push_back(ReLU(ReLUOptions(true)));
  for (int size = 4; size < o.resolution / 2; size *= 2, ch /= 2) {
    net->push_back(ConvTranspose2d(ConvTranspose2dOptions(ch, ch / 2, 4).stride(2).padding(1).bias(false)));
    net->push_back(BatchNorm2d(ch / 2));
    net->push_back(ReLU(ReLUOptions(true)));
  }
  net->push_back(ConvTranspose2d(ConvTranspose2dOptions(ch, o.channels, 4).stride(2).padding(1).bias(false)));
  net->push_back(Tanh());
  register_module("net", net);
}

torch::Tensor DcganGeneratorImpl::forward(const torch::Tensor& z) {
  return net->forward(z.view({z.size(0), -1, 1, 1}));
}

DcganDiscriminatorImpl::DcganDiscriminatorImpl(const DcganOptions& o) {
  long long ch = o.ndf;
  net->push_back(Conv2d(Conv2dOptions(o.channels, ch, 4).stride(2).padding(1).bias(false)));
  net->push_back(LeakyReLU(LeakyReLUOptions().negative_slope(0.2).inplace(true)));
  for (int size = o.resolution / 2; size > 4; size /= 2, ch *= 2) {
    net->push_back(Conv2d(Conv2dOptions(ch, ch * 2, 4).stride(2).padding(1).bias(false)));
    net->push_back(BatchNorm2d(ch * 2));
    net->push_back(LeakyReLU(LeakyReLUOptions().negative_slope(0.2).inplace(true)));
  }
  net->push_back(Conv2d(Conv2dOptions(ch, 1, 4).stride(1).padding(0).bias(false)));
  register_module("net", net);
}

torch::Tensor DcganDiscriminatorImpl::forward(const torch::Tensor& x) { return net->forward(x).view({-1}); }

namespace {

class DcganSnapshot : public GeneratorSnapshot {
 public:
  DcganSnapshot(const DcganGenerator& src, torch::Device device) : g_(src->options) {
    g_->to(device);
    copy_module_state(*src, *g_);
    g_->eval();
  }
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor&) override {
    torch::NoGradGuard no_grad;
    auto device = g_->net->parameters().front().device();
    return g_->forward(z.to(device)).to(torch::kCPU);
  }
  long long latent_dim() const override { return g_->options.latent_dim; }

 private:
  DcganGenerator g_;
};

class Dcgan : public Family {
 public:
  Dcgan(const FamilyInfo& info, const FamilySetup& s)
      : Family(info),
        opts_(make_options(s)),
        g_(opts_),
        d_(opts_),
        opt_g_(g_->parameters(), adam(s.params.number("lr_g"), s)),
        opt_d_(d_->parameters(), adam(s.params.number("lr_d"), s)),
        d_steps_(static_cast<int>(s.params.integer("d_steps"))),
        device_(s.device) {
    torch::Generator init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
    dcgan_init(*g_, init);
    dcgan_init(*d_, init);
    g_->to(device_);
    d_->to(device_);
  }

  StepScalars train_step(const BatchSource& next_real, torch::Generator& noise) override {
    g_->train();
    d_->train();
    torch::Tensor fake, d_real_logits, d_fake_logits, loss_d;
    for (int k = 0; k < d_steps_; ++k) {
      Batch real = next_real();
      const long long n = real.images.size(0);
      auto z = torch::randn({n, opts_.latent_dim}, noise, torch::kFloat).to(device_);
      fake = g_->forward(z);
      opt_d_.zero_grad();
      d_real_logits = d_->forward(real.images);
      d_fake_logits = d_->forward(fake.detach());
      loss_d = F::binary_cross_entropy_with_logits(d_real_logits, torch::ones_like(d_real_logits)) +
               F::binary_cross_entropy_with_logits(d_fake_logits, torch::zeros_like(d_fake_logits));
      loss_d.backward();
      opt_d_.step();
    }
    // Non-saturating generator loss: G maximises log D(G(z)) on the last fake batch.
    opt_g_.zero_grad();
    auto g_logits = d_->forward(fake);
    auto loss_g = F::binary_cross_entropy_with_logits(g_logits, torch::ones_like(g_logits));
    loss_g.backward();
    opt_g_.step();
    return {{"loss_d", loss_d.item<double>()},
            {"loss_g", loss_g.item<double>()},
            {"d_real", torch::sigmoid(d_real_logits).mean().item<double>()},
            {"d_fake", torch::sigmoid(d_fake_logits).mean().item<double>()}};
  }

  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor&) override {
    torch::NoGradGuard no_grad;
    const bool was_training = g_->is_training();
    g_->eval();
    auto out = g_->forward(z.to(device_)).to(torch::kCPU);
    g_->train(was_training);
    return out;
  }

  std::shared_ptr<GeneratorSnapshot> snapshot() const override {
    return std::make_shared<DcganSnapshot>(g_, device_);
  }

  long long latent_dim() const override { return opts_.latent_dim; }
  int resolution() const override { return opts_.resolution; }
  int image_channels() const override { return opts_.channels; }
  long long parameter_count() const override { return count_parameters(*g_) + count_parameters(*d_); }

  void save(torch::serialize::OutputArchive& a) const override {
    save_nested(a, "G", *g_);
    save_nested(a, "D", *d_);
    save_nested(a, "opt_G", opt_g_);
    save_nested(a, "opt_D", opt_d_);
  }
  void load(torch::serialize::InputArchive& a) override {
    load_nested(a, "G", *g_);
    load_nested(a, "D", *d_);
    load_nested(a, "opt_G", opt_g_);
    load_nested(a, "opt_D", opt_d_);
    g_->to(device_);
    d_->to(device_);
  }

 private:
  static DcganOptions make_options(const FamilySetup& s) {
    DcganOptions o;
    o.latent_dim = s.params.integer("latent_dim");
    o.resolution = static_cast<int>(s.params.integer("resolution"));
    o.channels = s.image_channels;
    o.ngf = static_cast<int>(s.params.integer("ngf"));
    o.ndf = static_cast<int>(s.params.integer("ndf"));
    if (o.channels < 1 || o.channels > 4) throw std::invalid_argument("DCGAN needs 1 to 4 image channels");
    return o;
  }
  static torch::optim::AdamOptions adam(double lr, const FamilySetup& s) {
    return torch::optim::AdamOptions(lr).betas({s.params.number("beta1"), s.params.number("beta2")});
  }

  DcganOptions opts_;
  DcganGenerator g_;
  DcganDiscriminator d_;
  torch::optim::Adam opt_g_;
  torch::optim::Adam opt_d_;
  int d_steps_;
  torch::Device device_;
};

}  // namespace

FamilyInfo dcgan_family_info() {
  FamilyInfo f;
  f.id = "dcgan";
  f.name = "DCGAN";
  f.summary =
      "Deep convolutional GAN. The generator projects z to a 4x4 map and doubles it with strided "
      "transposed convolutions, batch norm and ReLU, ending in tanh; the discriminator mirrors it with "
      "strided convolutions and leaky ReLU. No pooling and no fully connected hidden layers. Trained "
      "with the non-saturating loss and Adam (lr 2e-4, beta1 0.5), weights drawn from N(0, 0.02).";
  f.paper =
      "A. Radford, L. Metz, S. Chintala. Unsupervised Representation Learning with Deep Convolutional "
      "Generative Adversarial Networks. ICLR 2016. arXiv:1511.06434";
  f.caps.latent_dim = 100;
  f.caps.truncation = TruncationKind::ResampleNormal;
  f.caps.series = {"loss_d", "loss_g", "d_real", "d_fake"};
  f.params = {
      {"lr_g", "G learning rate", "Adam step size of the generator", ParamType::Float, 1e-6, 1.0, "2e-4", {}, true},
      {"lr_d", "D learning rate", "Adam step size of the discriminator", ParamType::Float, 1e-6, 1.0, "2e-4", {},
       true},
      {"beta1", "Adam beta1", "Momentum of both Adam optimizers (the paper lowers it to 0.5)", ParamType::Float, 0.0,
       0.999, "0.5", {}, false},
      {"beta2", "Adam beta2", "Second-moment decay of both Adam optimizers", ParamType::Float, 0.0, 0.9999, "0.999",
       {}, false},
      {"d_steps", "D steps per G step", "Discriminator updates before each generator update", ParamType::Int, 1, 20,
       "1", {}, false},
      {"latent_dim", "Latent size", "Dimension of z ~ N(0, I)", ParamType::Int, 2, 1024, "100", {}, false},
      {"resolution", "Resolution", "Side of generated images; data are resized to it", ParamType::Choice, 0, 0, "32",
       {"16", "32", "64", "128"}, false},
      {"ngf", "G width", "Generator channels at the last hidden layer", ParamType::Int, 4, 512, "64", {}, false},
      {"ndf", "D width", "Discriminator channels at the first layer", ParamType::Int, 4, 512, "64", {}, false},
  };
  for (auto& p : shared_params(64)) f.params.push_back(p);
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<Dcgan>(info, s);
  };
  return f;
}

}  // namespace gan
