#pragma once
// The training recipe shared by the families that differ only in their networks and adversarial
// losses (models/conv_gan.cpp, models/gan_mlp.cpp). Internal to models/.
#include <torch/torch.h>

#include <memory>
#include <stdexcept>

#include "models/conv_gan.h"
#include "models/latent.h"
#include "models/layers.h"

namespace gan {
namespace adversarial_detail {
namespace F = torch::nn::functional;

template <class G>
class GeneratorCopy : public GeneratorSnapshot {
 public:
  GeneratorCopy(const G& src, torch::Device device) : g_(src->options) {
    g_->to(device);
    copy_module_state(*src, *g_);
    g_->eval();
  }
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor&) override {
    torch::NoGradGuard no_grad;
    auto device = g_->parameters().front().device();
    return g_->forward(z.to(device)).to(torch::kCPU);
  }
  long long latent_dim() const override { return g_->options.latent_dim; }

 private:
  G g_;
};

// One Family for every recipe of adversarial losses over a generator G (a ModuleHolder whose Impl
// has `options` with latent_dim, resolution and channels, and a constructor from them) and a
// discriminator D that gives one score per image. The networks come initialised, each family
// the way its paper does it, from the run's seed.
template <class G, class D>
class AdversarialFamily : public Family {
 public:
  AdversarialFamily(const FamilyInfo& info, const FamilySetup& s, AdversarialRecipe recipe, G g, D d)
      : Family(info),
        recipe_(recipe),
        g_(std::move(g)),
        d_(std::move(d)),
        d_steps_(static_cast<int>(s.params.integer("d_steps"))),
        device_(s.device) {
    g_->to(device_);
    d_->to(device_);
    const double lr_g = s.params.number("lr_g"), lr_d = s.params.number("lr_d");
    if (recipe == AdversarialRecipe::Wasserstein) {  // the WGAN paper: RMSProp, no momentum
      opt_g_ = std::make_unique<torch::optim::RMSprop>(g_->parameters(), torch::optim::RMSpropOptions(lr_g));
      opt_d_ = std::make_unique<torch::optim::RMSprop>(d_->parameters(), torch::optim::RMSpropOptions(lr_d));
      clip_ = s.params.number("clip");
    } else if (s.params.has("optimizer") && s.params.text("optimizer") == "sgd") {  // the 2014 GAN paper
      const double m = s.params.number("momentum");
      opt_g_ = std::make_unique<torch::optim::SGD>(g_->parameters(), torch::optim::SGDOptions(lr_g).momentum(m));
      opt_d_ = std::make_unique<torch::optim::SGD>(d_->parameters(), torch::optim::SGDOptions(lr_d).momentum(m));
    } else {
      const auto betas = std::make_tuple(s.params.number("beta1"), s.params.number("beta2"));
      opt_g_ = std::make_unique<torch::optim::Adam>(g_->parameters(), torch::optim::AdamOptions(lr_g).betas(betas));
      opt_d_ = std::make_unique<torch::optim::Adam>(d_->parameters(), torch::optim::AdamOptions(lr_d).betas(betas));
    }
    if (recipe == AdversarialRecipe::LeastSquares) {
      a_ = s.params.number("ls_a");
      b_ = s.params.number("ls_b");
      c_ = s.params.number("ls_c");
    }
    if (recipe == AdversarialRecipe::GradientPenalty) lambda_ = s.params.number("lambda_gp");
    if (s.params.has("label_smoothing")) real_target_ = 1.0 - s.params.number("label_smoothing");
    if (s.params.has("instance_noise")) {
      noise_sigma_ = s.params.number("instance_noise");
      noise_anneal_ = s.params.integer("noise_anneal");
    }
    if (s.params.has("ema") && s.params.number("ema") > 0) {
      ema_decay_ = s.params.number("ema");
      ema_ = G(g_->options);
      ema_->to(device_);
      copy_module_state(*g_, *ema_);
      ema_->eval();
    }
  }

  StepScalars train_step(const BatchSource& next_real, torch::Generator& noise) override {
    g_->train();
    d_->train();
    torch::Tensor fake, s_real, s_fake, loss_d, gp;
    // Instance noise (Sonderby et al. 2017): every image D sees, real or generated, gets N(0, sigma^2)
    // noise, sigma annealed to 0. Drawn from the run's noise generator, so a run stays reproducible.
    const double sigma = instance_noise_sigma(noise_sigma_, steps_, noise_anneal_);
    auto noisy = [&](const torch::Tensor& x) {
      if (sigma <= 0) return x;
      return x + sigma * torch::randn(x.sizes(), noise, torch::kFloat).to(x.device());
    };
    for (int k = 0; k < d_steps_; ++k) {
      Batch real = next_real();
      const long long n = real.images.size(0);
      auto z = torch::randn({n, g_->options.latent_dim}, noise, torch::kFloat).to(device_);
      fake = g_->forward(z);
      opt_d_->zero_grad();
      s_real = d_->forward(noisy(real.images));
      s_fake = d_->forward(noisy(fake.detach()));
      switch (recipe_) {
        case AdversarialRecipe::NonSaturating:
        case AdversarialRecipe::Minimax:
          loss_d = log_loss_d(s_real, s_fake, real_target_);
          break;
        case AdversarialRecipe::LeastSquares:
          loss_d = 0.5 * (s_real - b_).pow(2).mean() + 0.5 * (s_fake - a_).pow(2).mean();
          break;
        case AdversarialRecipe::Wasserstein:
          loss_d = s_fake.mean() - s_real.mean();
          break;
        case AdversarialRecipe::GradientPenalty: {
          auto eps = torch::rand({n, 1, 1, 1}, noise, torch::kFloat).to(device_);
          gp = gradient_penalty([this](const torch::Tensor& x) { return d_->forward(x); }, real.images,
                                fake.detach(), eps);
          loss_d = s_fake.mean() - s_real.mean() + lambda_ * gp;
          break;
        }
        case AdversarialRecipe::Hinge:
          loss_d = torch::relu(1.0 - s_real).mean() + torch::relu(1.0 + s_fake).mean();
          break;
      }
      loss_d.backward();
      opt_d_->step();
      if (recipe_ == AdversarialRecipe::Wasserstein) {  // the Lipschitz constraint of the WGAN paper
        torch::NoGradGuard no_grad;
        for (auto& p : d_->parameters()) p.clamp_(-clip_, clip_);
      }
    }
    // The generator's update on the last fake batch.
    opt_g_->zero_grad();
    auto s_gen = d_->forward(noisy(fake));
    torch::Tensor loss_g;
    switch (recipe_) {
      case AdversarialRecipe::NonSaturating:
        loss_g = F::binary_cross_entropy_with_logits(s_gen, torch::ones_like(s_gen));
        break;
      case AdversarialRecipe::Minimax:  // G minimises log(1 - D(G(z))) = -softplus(logit)
        loss_g = -F::softplus(s_gen).mean();
        break;
      case AdversarialRecipe::LeastSquares:
        loss_g = 0.5 * (s_gen - c_).pow(2).mean();
        break;
      default:
        loss_g = -s_gen.mean();
        break;
    }
    loss_g.backward();
    opt_g_->step();
    if (ema_) ema_update(*ema_, *g_, ema_decay_);
    ++steps_;
    StepScalars out = {{"loss_d", loss_d.item<double>()}, {"loss_g", loss_g.item<double>()}};
    switch (recipe_) {
      case AdversarialRecipe::NonSaturating:
      case AdversarialRecipe::Minimax:
        out.emplace_back("d_real", torch::sigmoid(s_real).mean().item<double>());
        out.emplace_back("d_fake", torch::sigmoid(s_fake).mean().item<double>());
        break;
      case AdversarialRecipe::LeastSquares:
      case AdversarialRecipe::Hinge:
        out.emplace_back("d_real", s_real.mean().item<double>());
        out.emplace_back("d_fake", s_fake.mean().item<double>());
        break;
      case AdversarialRecipe::Wasserstein:
      case AdversarialRecipe::GradientPenalty:
        // The critic's estimate of the Wasserstein-1 distance (up to its Lipschitz constant).
        out.emplace_back("wasserstein", (s_real.mean() - s_fake.mean()).item<double>());
        if (gp.defined()) out.emplace_back("gp", gp.item<double>());
        break;
    }
    return out;
  }

  // Samples come from the EMA of G when it is on.
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor&) override {
    torch::NoGradGuard no_grad;
    if (ema_) return ema_->forward(z.to(device_)).to(torch::kCPU);
    const bool was_training = g_->is_training();
    g_->eval();
    auto out = g_->forward(z.to(device_)).to(torch::kCPU);
    g_->train(was_training);
    return out;
  }

  std::shared_ptr<GeneratorSnapshot> snapshot() const override {
    return std::make_shared<GeneratorCopy<G>>(ema_ ? ema_ : g_, device_);
  }
  long long latent_dim() const override { return g_->options.latent_dim; }
  int resolution() const override { return g_->options.resolution; }
  int image_channels() const override { return g_->options.channels; }
  long long parameter_count() const override { return count_parameters(*g_) + count_parameters(*d_); }
  torch::nn::Module* discriminator() override { return d_.get(); }

  void save(torch::serialize::OutputArchive& a) const override {
    save_nested(a, "G", *g_);
    save_nested(a, "D", *d_);
    save_nested(a, "opt_G", *opt_g_);
    save_nested(a, "opt_D", *opt_d_);
    a.write("technique_steps", torch::tensor(static_cast<int64_t>(steps_)));
    if (ema_) save_nested(a, "G_ema", *ema_);
  }
  void load(torch::serialize::InputArchive& a) override {
    load_nested(a, "G", *g_);
    load_nested(a, "D", *d_);
    load_nested(a, "opt_G", *opt_g_);
    load_nested(a, "opt_D", *opt_d_);
    torch::Tensor steps;
    if (a.try_read("technique_steps", steps)) steps_ = steps.item<int64_t>();  // absent before these existed
    if (ema_) load_nested(a, "G_ema", *ema_);
    g_->to(device_);
    d_->to(device_);
    if (ema_) ema_->to(device_);
  }

 private:
  AdversarialRecipe recipe_;
  G g_;
  D d_;
  std::unique_ptr<torch::optim::Optimizer> opt_g_, opt_d_;
  int d_steps_;
  torch::Device device_;
  double a_ = 0, b_ = 1, c_ = 1, clip_ = 0.01, lambda_ = 10;
  double real_target_ = 1.0;                 // 1 - one-sided label smoothing
  double noise_sigma_ = 0;                   // instance noise at step 0
  long long noise_anneal_ = 1;
  G ema_{nullptr};                           // the EMA of G, when on
  double ema_decay_ = 0;
  long long steps_ = 0;                      // G updates so far (anneals the instance noise)
};


}  // namespace adversarial_detail
}  // namespace gan
