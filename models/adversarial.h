#pragma once
// The training recipe shared by the families that differ in their networks, their adversarial losses
// and the way they use classes (models/conv_gan.cpp, models/conditional.cpp, models/gan_mlp.cpp).
// Internal to models/.
#include <torch/torch.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "models/blocks.h"
#include "models/conv_gan.h"
#include "models/latent.h"
#include "models/layers.h"

namespace gan {
namespace adversarial_detail {
namespace F = torch::nn::functional;

// The classes a generator is asked for: `labels` when given, else 0, 1, ..., K-1, 0, ... (undefined for
// unconditional generators).
inline torch::Tensor classes_for(long long n, int num_classes, const torch::Tensor& labels, torch::Device device) {
  if (num_classes <= 0) return {};
  if (labels.defined()) return labels.to(device, torch::kLong);
  return torch::arange(static_cast<int64_t>(n), torch::TensorOptions(torch::kLong)).remainder(num_classes).to(device);
}

template <class G>
class GeneratorCopy : public GeneratorSnapshot {
 public:
  GeneratorCopy(const G& src, torch::Device device) : g_(src->options) {
    g_->to(device);
    copy_module_state(*src, *g_);
    g_->eval();
  }
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override {
    torch::NoGradGuard no_grad;
    auto device = g_->parameters().front().device();
    return g_->forward(z.to(device), classes_for(z.size(0), g_->options.num_classes, labels, device)).to(torch::kCPU);
  }
  long long latent_dim() const override { return g_->options.latent_dim; }

 private:
  G g_;
};

// One Family for every recipe of adversarial losses over a generator G (a ModuleHolder whose Impl has
// `options` with latent_dim, resolution, channels and num_classes, a constructor from them, and
// forward(z, labels)) and a discriminator D (likewise constructible from its `options`, with
// judge(x, labels) -> CriticOutput). The networks come initialised, each family the way its paper
// does it, from the run's seed. `classes` says what D does with the class labels.
template <class G, class D>
class AdversarialFamily : public Family {
 public:
  AdversarialFamily(const FamilyInfo& info, const FamilySetup& s, AdversarialRecipe recipe, ClassUse classes, G g,
                    D d)
      : Family(info),
        recipe_(recipe),
        classes_(classes),
        g_(std::move(g)),
        d_(std::move(d)),
        d_steps_(static_cast<int>(s.params.integer("d_steps"))),
        num_classes_(classes == ClassUse::None ? 0 : s.num_classes),
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
      betas_ = std::make_tuple(s.params.number("beta1"), s.params.number("beta2"));
      opt_g_ = std::make_unique<torch::optim::Adam>(g_->parameters(), torch::optim::AdamOptions(lr_g).betas(betas_));
      opt_d_ = std::make_unique<torch::optim::Adam>(d_->parameters(), torch::optim::AdamOptions(lr_d).betas(betas_));
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
    if (s.params.has("g_objective")) feature_matching_ = s.params.text("g_objective") == "feature-matching";
    if (s.params.has("hist_avg")) hist_weight_ = s.params.number("hist_avg");
    if (s.params.has("ema") && s.params.number("ema") > 0) {
      ema_decay_ = s.params.number("ema");
      ema_ = G(g_->options);
      ema_->to(device_);
      copy_module_state(*g_, *ema_);
      ema_->eval();
    }
    if (classes_ == ClassUse::SemiSupervised) {
      labelled_ = s.params.text("labels");
      seed_ = static_cast<unsigned long long>(s.params.integer("seed"));
      if (s.params.text("baseline") == "on") {
        baseline_ = D(d_->options);
        torch::Generator init = make_cpu_generator(seed_ + 17);
        dcgan_init(*baseline_, init);  // initialised as D is
        if (s.params.has("init") && s.params.text("init") == "orthogonal") orthogonal_init(*baseline_, init);
        baseline_->to(device_);
        opt_b_ = std::make_unique<torch::optim::Adam>(baseline_->parameters(),
                                                      torch::optim::AdamOptions(lr_d).betas(betas_));
      }
    }
  }

  void attach_data(const torch::Tensor& images, const torch::Tensor& labels) override {
    if (classes_ != ClassUse::SemiSupervised) return;
    if (!labels.defined()) throw std::invalid_argument(info().name + " needs labelled data");
    auto index = labelled_subset(labels, labelled_ == "all" ? -1 : std::stoll(labelled_), num_classes_, seed_);
    labelled_images_ = images.index_select(0, index);
    labelled_labels_ = labels.index_select(0, index);
  }

  StepScalars train_step(const BatchSource& next_real, torch::Generator& noise) override {
    g_->train();
    d_->train();
    torch::Tensor fake, y_fake, loss_d, gp, loss_sup;
    CriticOutput real_out, fake_out;
    Batch last_real;
    // Instance noise (Sonderby et al. 2017): every image D sees, real or generated, gets N(0, sigma^2)
    // noise, sigma annealed to 0. Drawn from the run's noise generator, so a run stays reproducible.
    const double sigma = instance_noise_sigma(noise_sigma_, steps_, noise_anneal_);
    auto noisy = [&](const torch::Tensor& x) {
      if (sigma <= 0) return x;
      return x + sigma * torch::randn(x.sizes(), noise, torch::kFloat).to(x.device());
    };
    for (int k = 0; k < d_steps_; ++k) {
      Batch real = next_real();
      last_real = real;
      const long long n = real.images.size(0);
      if (num_classes_ > 0 && classes_ != ClassUse::SemiSupervised && !real.labels.defined())
        throw std::invalid_argument(info().name + " needs labelled data");
      auto z = torch::randn({n, g_->options.latent_dim}, noise, torch::kFloat).to(device_);
      if (g_->options.num_classes > 0) y_fake = torch::randint(0, num_classes_, {n}, noise, torch::kLong).to(device_);
      fake = g_->forward(z, y_fake);
      opt_d_->zero_grad();
      real_out = d_->judge(noisy(real.images), real.labels);
      fake_out = d_->judge(noisy(fake.detach()), y_fake);
      const auto& s_real = real_out.score;
      const auto& s_fake = fake_out.score;
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
          gp = gradient_penalty([&](const torch::Tensor& x) { return d_->judge(x, real.labels).score; }, real.images,
                                fake.detach(), eps);
          loss_d = s_fake.mean() - s_real.mean() + lambda_ * gp;
          break;
        }
        case AdversarialRecipe::Hinge:
          loss_d = torch::relu(1.0 - s_real).mean() + torch::relu(1.0 + s_fake).mean();
          break;
      }
      if (classes_ == ClassUse::Auxiliary)  // ACGAN: D also names the class of real and generated images
        loss_d = loss_d + F::cross_entropy(real_out.class_logits, real.labels) +
                 F::cross_entropy(fake_out.class_logits, y_fake);
      if (classes_ == ClassUse::SemiSupervised) {  // and the classes of the labelled few
        auto [xl, yl] = labelled_batch(n, noise);
        loss_sup = F::cross_entropy(d_->judge(xl).class_logits, yl);
        loss_d = loss_d + loss_sup;
        if (baseline_) {  // the same network, supervised only, on the same labelled batch
          baseline_->train();
          opt_b_->zero_grad();
          auto loss_b = F::cross_entropy(baseline_->judge(xl).class_logits, yl);
          loss_b.backward();
          opt_b_->step();
        }
      }
      if (hist_weight_ > 0) loss_d = loss_d + hist_weight_ * hist_d_.penalty(d_->parameters());
      loss_d.backward();
      opt_d_->step();
      if (recipe_ == AdversarialRecipe::Wasserstein) {  // the Lipschitz constraint of the WGAN paper
        torch::NoGradGuard no_grad;
        for (auto& p : d_->parameters()) p.clamp_(-clip_, clip_);
      }
      if (hist_weight_ > 0) hist_d_.update(d_->parameters());
    }
    // The generator's update on the last fake batch.
    opt_g_->zero_grad();
    auto gen_out = d_->judge(noisy(fake), y_fake);
    const auto& s_gen = gen_out.score;
    torch::Tensor loss_g;
    if (feature_matching_) {  // Salimans et al.: match the mean of D's last hidden layer on real data,
      torch::Tensor real_mean;  // both through the D that has just been updated
      {
        torch::NoGradGuard no_grad;
        real_mean = d_->judge(noisy(last_real.images), last_real.labels).features.mean(0);
      }
      loss_g = (gen_out.features.mean(0) - real_mean).pow(2).mean();
    } else {
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
    }
    if (classes_ == ClassUse::Auxiliary) loss_g = loss_g + F::cross_entropy(gen_out.class_logits, y_fake);
    if (hist_weight_ > 0) loss_g = loss_g + hist_weight_ * hist_g_.penalty(g_->parameters());
    loss_g.backward();
    opt_g_->step();
    if (hist_weight_ > 0) hist_g_.update(g_->parameters());
    if (ema_) ema_update(*ema_, *g_, ema_decay_);
    ++steps_;
    StepScalars out = {{"loss_d", loss_d.item<double>()}, {"loss_g", loss_g.item<double>()}};
    const auto& s_real = real_out.score;
    const auto& s_fake = fake_out.score;
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
    if (loss_sup.defined()) out.emplace_back("loss_sup", loss_sup.item<double>());
    return out;
  }

  std::vector<torch::Tensor> classify(const torch::Tensor& images) override {
    std::vector<torch::Tensor> out;
    if (classes_ != ClassUse::Auxiliary && classes_ != ClassUse::SemiSupervised) return out;
    torch::NoGradGuard no_grad;
    auto x = images.to(device_);
    auto logits_of = [&](D& net) {
      const bool was_training = net->is_training();
      net->eval();
      auto l = net->judge(x).class_logits.to(torch::kCPU);
      net->train(was_training);
      return l;
    };
    out.push_back(logits_of(d_));
    if (baseline_) out.push_back(logits_of(baseline_));
    return out;
  }

  // Samples come from the EMA of G when it is on.
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override {
    torch::NoGradGuard no_grad;
    auto y = classes_for(z.size(0), g_->options.num_classes, labels, device_);
    if (ema_) return ema_->forward(z.to(device_), y).to(torch::kCPU);
    const bool was_training = g_->is_training();
    g_->eval();
    auto out = g_->forward(z.to(device_), y).to(torch::kCPU);
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
  torch::nn::Module* generator() override { return g_.get(); }

  void save(torch::serialize::OutputArchive& a) const override {
    save_nested(a, "G", *g_);
    save_nested(a, "D", *d_);
    save_nested(a, "opt_G", *opt_g_);
    save_nested(a, "opt_D", *opt_d_);
    a.write("technique_steps", torch::tensor(static_cast<int64_t>(steps_)));
    if (ema_) save_nested(a, "G_ema", *ema_);
    if (baseline_) {
      save_nested(a, "baseline", *baseline_);
      save_nested(a, "opt_baseline", *opt_b_);
    }
    if (hist_weight_ > 0) {
      hist_g_.save(a, "hist_avg_G");
      hist_d_.save(a, "hist_avg_D");
    }
  }
  void load(torch::serialize::InputArchive& a) override {
    load_nested(a, "G", *g_);
    load_nested(a, "D", *d_);
    load_nested(a, "opt_G", *opt_g_);
    load_nested(a, "opt_D", *opt_d_);
    torch::Tensor steps;
    if (a.try_read("technique_steps", steps)) steps_ = steps.item<int64_t>();  // absent before these existed
    if (ema_) load_nested(a, "G_ema", *ema_);
    if (baseline_) {
      load_nested(a, "baseline", *baseline_);
      load_nested(a, "opt_baseline", *opt_b_);
      baseline_->to(device_);
    }
    if (hist_weight_ > 0) {
      hist_g_.load(a, "hist_avg_G");
      hist_d_.load(a, "hist_avg_D");
    }
    g_->to(device_);
    d_->to(device_);
    if (ema_) ema_->to(device_);
  }

 private:
  // n labelled images (with replacement) from the labelled subset, as float on the device.
  std::pair<torch::Tensor, torch::Tensor> labelled_batch(long long n, torch::Generator& noise) {
    if (!labelled_images_.defined()) throw std::logic_error("no labelled data attached");
    auto index = torch::randint(0, labelled_images_.size(0), {n}, noise, torch::kLong);
    auto x = labelled_images_.index_select(0, index).to(device_).to(torch::kFloat).mul_(1.0 / 127.5).sub_(1.0);
    return {x, labelled_labels_.index_select(0, index).to(device_)};
  }

  AdversarialRecipe recipe_;
  ClassUse classes_;
  G g_;
  D d_;
  std::unique_ptr<torch::optim::Optimizer> opt_g_, opt_d_;
  int d_steps_;
  int num_classes_;
  torch::Device device_;
  std::tuple<double, double> betas_{0.5, 0.999};
  double a_ = 0, b_ = 1, c_ = 1, clip_ = 0.01, lambda_ = 10;
  double real_target_ = 1.0;                 // 1 - one-sided label smoothing
  double noise_sigma_ = 0;                   // instance noise at step 0
  long long noise_anneal_ = 1;
  bool feature_matching_ = false;            // G's objective: feature matching instead of the adversarial loss
  double hist_weight_ = 0;                   // historical averaging's weight (0: off)
  HistoricalAverage hist_g_, hist_d_;
  G ema_{nullptr};                           // the EMA of G, when on
  double ema_decay_ = 0;
  long long steps_ = 0;                      // G updates so far (anneals the instance noise)
  // Semi-supervised (SGAN): the labelled subset, and the supervised-only baseline.
  std::string labelled_;
  unsigned long long seed_ = 0;
  torch::Tensor labelled_images_, labelled_labels_;  // uint8 / int64 on the CPU
  D baseline_{nullptr};
  std::unique_ptr<torch::optim::Adam> opt_b_;
};

}  // namespace adversarial_detail
}  // namespace gan
