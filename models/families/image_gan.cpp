#include "models/core/parallel.h"
#include "models/families/image_gan.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/core/image.h"
#include "models/core/random.h"
#include "models/layers/batch_norm.h"
#include "models/layers/init.h"
#include "models/layers/spectral_norm.h"
#include "models/layers/state.h"
#include "models/networks/mlp.h"

namespace gan {

// ---- Optimizers ----------------------------------------------------------------------------------
MakeOptimizer adam(const ParamSet& p) {
  const auto betas = std::make_tuple(p.number("beta1"), p.number("beta2"));
  return [betas](std::vector<torch::Tensor> params, double lr) -> std::unique_ptr<torch::optim::Optimizer> {
    return std::make_unique<torch::optim::Adam>(std::move(params), torch::optim::AdamOptions(lr).betas(betas));
  };
}

MakeOptimizer adam_or_sgd(const ParamSet& p) {
  if (p.has("optimizer") && p.text("optimizer") == "sgd") {  // the 2014 GAN paper
    const double m = p.number("momentum");
    return [m](std::vector<torch::Tensor> params, double lr) -> std::unique_ptr<torch::optim::Optimizer> {
      return std::make_unique<torch::optim::SGD>(std::move(params), torch::optim::SGDOptions(lr).momentum(m));
    };
  }
  return adam(p);
}

MakeOptimizer rmsprop() {  // the WGAN paper: RMSProp without momentum
  return [](std::vector<torch::Tensor> params, double lr) -> std::unique_ptr<torch::optim::Optimizer> {
    return std::make_unique<torch::optim::RMSprop>(std::move(params), torch::optim::RMSpropOptions(lr));
  };
}

// ---- The family --------------------------------------------------------------------------------
double instance_noise_sigma(double sigma0, long long step, long long anneal_steps) {
  if (anneal_steps <= 0) return 0;
  return sigma0 * std::max(0.0, 1.0 - static_cast<double>(step) / static_cast<double>(anneal_steps));
}

double real_target(const ParamSet& p) {
  return p.has("label_smoothing") ? 1.0 - p.number("label_smoothing") : 1.0;
}

ImageGan::ImageGan(const FamilyInfo& info, const FamilySetup& s, ImageGanNets nets, AdversarialLoss loss,
                   const MakeOptimizer& make_optimizer)
    : Family(info),
      setup_(s),
      g_net_(std::move(nets.g)),
      d_net_(std::move(nets.d)),
      new_g_(std::move(nets.new_g)),
      g_("G", g_net_),
      d_("D", d_net_),
      loss_(std::move(loss)),
      batch_(s.params.integer("batch")),
      d_steps_(static_cast<int>(s.params.integer("d_steps"))) {
  g_.to(s.device);
  d_.to(s.device);
  g_.set_optimizer(make_optimizer(g_net_->parameters(), s.params.number("lr_g")));
  d_.set_optimizer(make_optimizer(d_net_->parameters(), s.params.number("lr_d")));
  if (s.params.has("instance_noise")) {
    noise_sigma_ = s.params.number("instance_noise");
    noise_anneal_ = s.params.integer("noise_anneal");
  }
  if (s.params.has("g_noise")) fresh_g_noise_ = s.params.text("g_noise") == "fresh";
  if (s.params.has("g_objective")) feature_matching_ = s.params.text("g_objective") == "feature-matching";
  if (s.params.has("hist_avg") && s.params.number("hist_avg") > 0) {
    g_.set_historical_average(s.params.number("hist_avg"));
    d_.set_historical_average(s.params.number("hist_avg"));
  }
  if (s.params.has("ema") && s.params.number("ema") > 0) {
    ema_net_ = new_g_();
    ema_net_->to(s.device);
    g_.set_ema(ema_net_, s.params.number("ema"));
  }
  add_player(g_);
  add_player(d_);
}

torch::Tensor ImageGan::d_loss(DStep& s) { return loss_.d(s.real_out.score, s.fake_out.score); }

Scalars ImageGan::train_step(Streams& streams, torch::Generator& noise) {
  g_net_->train();
  d_net_->train();
  torch::Tensor fake, y_fake, loss_d;
  CriticOutput real_out, fake_out;
  Batch last_real;
  // Instance noise (Sonderby et al. 2017): every image D sees, real or generated, gets N(0, sigma^2)
  // noise, sigma annealed to 0. Drawn from the run's noise generator, so a run stays reproducible.
  const double sigma = instance_noise_sigma(noise_sigma_, steps_, noise_anneal_);
  auto noisy = [&](const torch::Tensor& x) {
    if (sigma <= 0) return x;
    return x + sigma * batch_randn(x.sizes(), noise).to(x.device());
  };
  const int classes = g_net_->num_classes();
  const int d_steps = d_steps_at(steps_);
  for (int k = 0; k < d_steps; ++k) {
    Batch real = streams.next("images", batch_);
    last_real = real;
    const long long n = real.images.size(0);
    if (classes > 0 && !real.labels.defined()) throw std::invalid_argument(info().name + " needs labelled data");
    auto z = batch_randn({n, g_net_->latent_dim()}, noise).to(device());
    if (classes > 0) y_fake = batch_randint(classes, {n}, noise).to(device());
    fake = g_net_->generate(z, y_fake);
    d_.zero_grad();
    real_out = d_net_->judge(noisy(real.images), real.labels);
    {
      FrozenRunningStats real_only;  // D's batch-norm running statistics: of real images only
      fake_out = d_net_->judge(noisy(fake.detach()), y_fake);
    }
    DStep step{real, fake, y_fake, real_out, fake_out, n, noise};
    loss_d = d_loss(step);
    loss_d = add_d_terms(loss_d, step);
    if (d_.historical_average_on()) loss_d = loss_d + d_.historical_penalty();
    loss_d.backward();
    d_.step();
    after_d_update();
    d_.after_update();
  }
  // The generator's update: on fresh noise (Algorithm 1 of GAN, WGAN and WGAN-GP), or on the fakes of D's
  // last step (g_noise = reuse, one G forward pass fewer; runs of revision 1 did this).
  if (fresh_g_noise_) {
    const long long n = fake.size(0);
    auto z = batch_randn({n, g_net_->latent_dim()}, noise).to(device());
    if (classes > 0) y_fake = batch_randint(classes, {n}, noise).to(device());
    fake = g_net_->generate(z, y_fake);
  }
  g_.zero_grad();
  CriticOutput gen_out;
  {
    FrozenRunningStats real_only;
    gen_out = d_net_->judge(noisy(fake), y_fake);
  }
  torch::Tensor loss_g;
  if (feature_matching_) {  // Salimans et al.: match the mean of D's last hidden layer on real data,
    torch::Tensor real_mean;  // both through the D that has just been updated
    {
      torch::NoGradGuard no_grad;
      real_mean = d_net_->judge(noisy(last_real.images), last_real.labels).features.mean(0);
    }
    loss_g = feature_matching(gen_out.features, real_mean);
  } else {
    loss_g = loss_.g(gen_out.score);
  }
  loss_g = add_g_terms(loss_g, gen_out, y_fake);
  if (g_.historical_average_on()) loss_g = loss_g + g_.historical_penalty();
  loss_g.backward();
  g_.step();
  g_.after_update();
  ++steps_;
  Scalars out = {{"loss_d", loss_d.item<double>()}, {"loss_g", loss_g.item<double>()}};
  for (auto& item : loss_.report(real_out.score, fake_out.score)) out.push_back(std::move(item));
  report(out);
  return out;
}

void ImageGan::save_state(torch::serialize::OutputArchive& a) const {
  a.write("technique_steps", torch::tensor(static_cast<int64_t>(steps_)));
}

void ImageGan::load_state(torch::serialize::InputArchive& a) {
  torch::Tensor steps;
  if (a.try_read("technique_steps", steps)) steps_ = steps.item<int64_t>();  // absent before these existed
}

// ---- Sampling and exploring ------------------------------------------------------------------------
namespace {

// The classes of the generator's samples: the class asked for, or (mixed) 0, 1, ..., K-1, 0, ...
torch::Tensor classes_from(long long first, long long n, int num_classes, long long fixed) {
  if (num_classes <= 0) return {};
  if (fixed >= 0) return torch::full({n}, static_cast<int64_t>(fixed), torch::kLong);
  return torch::arange(static_cast<int64_t>(first), static_cast<int64_t>(first + n), torch::kLong).remainder(num_classes);
}

class ImageGanSnapshot : public Snapshot {
 public:
  ImageGanSnapshot(std::shared_ptr<ImageGenerator> g, torch::Device device, std::vector<std::string> class_names)
      : g_(std::move(g)), device_(device), class_names_(std::move(class_names)) {}

  Samples sample(const SampleRequest& r) override {
    Samples out = sample_images(r);
    out.note = g_->sample_note();
    out.real_path = g_->real_path();
    return out;
  }

  Samples sample_images(const SampleRequest& r) {
    if (r.inputs.defined()) throw std::invalid_argument("this model generates from noise: it takes no input images");
    if (r.n < 1) throw std::invalid_argument("the number of samples must be at least 1");
    torch::NoGradGuard no_grad;
    const double trunc = truncation(r.options);
    const long long dim = g_->latent_dim();
    const int k = g_->num_classes();
    const std::string cls = class_choice(r.options, k > 0 ? "all" : "");
    const long long fixed = cls == "all" || cls == "mixed" || cls.empty() ? -1 : class_index(cls);
    Samples out;
    if (r.options.has("to_seed")) {  // frames from the latent of `seed` to that of `to_seed`
      InterpMode mode = InterpMode::Slerp;
      if (!parse_interp_mode(r.options.text("mode", "slerp"), mode))
        throw std::invalid_argument("the interpolation mode must be lerp or slerp");
      auto za = latent_for_seed(r.seed, dim, trunc), zb = latent_for_seed(r.options.integer("to_seed", 0), dim, trunc);
      std::vector<torch::Tensor> zs;
      for (long long i = 0; i < r.n; ++i)
        zs.push_back(interpolate(za, zb, r.n > 1 ? static_cast<double>(i) / static_cast<double>(r.n - 1) : 0.0, mode));
      auto z = torch::cat(zs);
      out.images = to_uint8(generate(z, classes_from(0, r.n, k, fixed)));
      out.columns = static_cast<int>(r.n);
      return out;
    }
    torch::Generator gen = make_cpu_generator(static_cast<unsigned long long>(r.seed));
    if (k > 0 && cls == "all") {  // a row per class, the same latents down each column
      const int columns = static_cast<int>((r.n + k - 1) / k);
      auto z = truncated_normal({columns, dim}, trunc, gen).repeat({k, 1});
      auto labels = torch::arange(static_cast<int64_t>(k), torch::kLong).repeat_interleave(columns);
      out.images = to_uint8(generate(z, labels));
      out.columns = columns;
      for (int c = 0; c < k; ++c) out.row_labels.push_back(class_name(c));
      return out;
    }
    // In batches, each drawing its latents from the seed's generator in turn.
    constexpr long long kBatch = 250;
    std::vector<torch::Tensor> parts;
    for (long long i = 0; i < r.n; i += kBatch) {
      const long long b = std::min(kBatch, r.n - i);
      auto z = truncated_normal({b, dim}, trunc, gen);
      parts.push_back(to_uint8(generate(z, classes_from(i, b, k, fixed))));
    }
    out.images = torch::cat(parts);
    out.columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(r.n))));
    if (fixed >= 0) out.row_labels.assign(1, class_name(static_cast<int>(fixed)));
    return out;
  }

  ExploreResult explore(const ExploreRequest& r) override {
    if (r.view != "latent") throw std::invalid_argument("no explore panel '" + r.view + "'");
    torch::NoGradGuard no_grad;
    const auto& v = r.values;
    const double trunc = truncation(v);
    InterpMode mode = InterpMode::Slerp;
    if (!parse_interp_mode(v.text("mode", "slerp"), mode))
      throw std::invalid_argument("the interpolation mode must be lerp or slerp");
    const long long dim = g_->latent_dim();
    auto z = interpolate(latent_for_seed(v.integer("seed_a", 1), dim, trunc),
                         latent_for_seed(v.integer("seed_b", 2), dim, trunc), v.number("t", 0.0), mode);
    const int k = g_->num_classes();
    const std::string cls = class_choice(v, k > 0 ? "0" : "");
    auto images = generate(z, classes_from(0, 1, k, cls.empty() ? -1 : class_index(cls)));
    ExploreResult out;
    out.outputs.push_back(image_output("image", images[0]));
    out.scalars.emplace_back("|z|", z.norm().item<double>());
    return out;
  }

 private:
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) {
    return g_->generate(z.to(device_), labels.defined() ? labels.to(device_) : labels);
  }
  static double truncation(const Values& v) { return truncation_threshold(v); }
  std::string class_choice(const Values& v, const std::string& fallback) const {
    if (g_->num_classes() == 0 && v.has("class"))
      throw std::invalid_argument("this model is not conditional: it takes no class");
    return v.text("class", fallback);
  }
  long long class_index(const std::string& text) const {
    const int k = g_->num_classes();
    for (int c = 0; c < k && c < static_cast<int>(class_names_.size()); ++c)
      if (class_names_[static_cast<size_t>(c)] == text) return c;
    double v = -1;
    if (!parse_number(text, v) || v != std::floor(v) || v < 0 || v >= k)
      throw std::invalid_argument("the class must be all, or a class number from 0 to " + std::to_string(k - 1) +
                                  ", not '" + text + "'");
    return static_cast<long long>(v);
  }
  std::string class_name(int c) const {
    if (c < static_cast<int>(class_names_.size()) && !class_names_[static_cast<size_t>(c)].empty())
      return class_names_[static_cast<size_t>(c)];
    return "Class " + std::to_string(c);
  }

  std::shared_ptr<ImageGenerator> g_;
  torch::Device device_;
  std::vector<std::string> class_names_;
};

}  // namespace

torch::Tensor ImageGan::generate(const torch::Tensor& z, const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  ImageGenerator& g = ema_net_ ? *ema_net_ : *g_net_;
  auto y = labels.defined() ? labels.to(device(), torch::kLong) : classes_from(0, z.size(0), g.num_classes(), -1);
  if (y.defined()) y = y.to(device());
  const bool was_training = g.is_training();
  g.eval();
  auto out = g.generate(z.to(device()), y).to(torch::kCPU);
  g.train(was_training);
  return out;
}

std::shared_ptr<ImageGenerator> ImageGan::generator_copy() const {
  auto copy = new_g_();
  copy->to(setup_.device);
  copy_module_state(ema_net_ ? *ema_net_ : *g_net_, *copy);
  copy->eval();
  return copy;
}

std::shared_ptr<Snapshot> ImageGan::snapshot() const {
  auto copy = generator_copy();
  return latent_snapshot(copy, setup_.device,
                         copy->num_classes() > 0 ? setup_.class_names : std::vector<std::string>{});
}

std::shared_ptr<Snapshot> latent_snapshot(std::shared_ptr<ImageGenerator> g, torch::Device device,
                                          std::vector<std::string> class_names) {
  return std::make_shared<ImageGanSnapshot>(std::move(g), device, std::move(class_names));
}

// ---- Networks from the params --------------------------------------------------------------------
void require_classes(const FamilyInfo& info, const FamilySetup& s) {
  if (s.num_classes < 2)
    throw std::invalid_argument(info.name + " needs a labelled dataset: Fashion-MNIST, or an image folder with one "
                                "subfolder per class");
}

ImageGanNets conv_nets(const FamilySetup& s, const std::function<void(DcganOptions&, CriticOptions&)>& adjust) {
  DcganOptions o;
  o.latent_dim = s.params.integer("latent_dim");
  o.resolution = static_cast<int>(s.params.integer("resolution"));
  o.channels = s.image_channels;
  o.ngf = static_cast<int>(s.params.integer("ngf"));
  o.ndf = static_cast<int>(s.params.integer("ndf"));
  if (o.channels < 1 || o.channels > 4) throw std::invalid_argument("these networks need 1 to 4 image channels");
  if (s.params.has("g_norm") && s.params.text("g_norm") == "virtual") {
    o.norm = GeneratorNorm::Virtual;
    o.vbn_reference = s.params.integer("vbn_reference");
  }
  if (s.params.has("g_spectral")) o.spectral = s.params.text("g_spectral") == "on";
  if (s.params.has("attention_res")) {
    o.attention_res = static_cast<int>(s.params.integer("attention_res"));
    if (o.attention_res > o.resolution / 2)
      throw std::invalid_argument("the attention resolution (" + std::to_string(o.attention_res) +
                                  ") must be at most half the image resolution (" + std::to_string(o.resolution) + ")");
  }
  CriticOptions c(o);
  c.attention_res = o.attention_res;
  if (s.params.has("mbd_kernels")) c.mbd_kernels = s.params.integer("mbd_kernels");
  if (adjust) adjust(o, c);
  if (s.revision < 2) {  // the critics as runs of revision 1 built them (params.h)
    c.bias = false;
    c.spectral_mbd = false;
    if (c.norm == CriticNorm::Layer) c.norm = CriticNorm::LayerElementwise;
  }
  c.base = o;  // the critic mirrors the generator
  DcganGenerator g(o);
  ConvCritic d(c);
  torch::Generator init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
  dcgan_init(*g, init);
  dcgan_init(*d, init);
  if (s.params.has("init") && s.params.text("init") == "orthogonal") {
    orthogonal_init(*g, init);
    orthogonal_init(*d, init);
  }
  if (o.norm == GeneratorNorm::Virtual) {  // Salimans et al.'s fixed reference batch, from the run's seed
    torch::NoGradGuard no_grad;
    g->reference_z.copy_(torch::randn(g->reference_z.sizes(), init, torch::kFloat));
  }
  if (s.revision >= 2) {  // sigma for the weights as initialised: an eval-mode sample at step 0 is normalised
    settle_spectral_norms(*g);
    settle_spectral_norms(*d);
  }
  return {g.ptr(), d.ptr(), [o] { return std::make_shared<DcganGeneratorImpl>(o); },
          [c] { return std::make_shared<ConvCriticImpl>(c); }};
}

void spectral_critic(DcganOptions&, CriticOptions& d) {
  d.spectral = true;
  d.norm = CriticNorm::None;
  d.bias = true;  // Miyato's and Zhang's discriminators have biases; without them D(0) = 0
}

ImageGanNets mlp_nets(const FamilySetup& s, bool conditional) {
  MlpOptions o;
  o.latent_dim = s.params.integer("latent_dim");
  o.resolution = static_cast<int>(s.params.integer("resolution"));
  o.channels = s.image_channels;
  o.g_hidden = s.params.integer("g_hidden");
  o.d_hidden = s.params.integer("d_hidden");
  o.pieces = static_cast<int>(s.params.integer("pieces"));
  o.num_classes = conditional ? s.num_classes : 0;
  if (conditional && s.revision >= 2) o.g_dropout = 0.5;  // Mirza & Osindero: dropout in G too
  // Revision 3: dropout masks from the networks' own streams, so that a run repeats from its seed.
  o.seeded_dropout = s.revision >= 3;
  o.dropout_seed = static_cast<unsigned long long>(s.params.integer("seed")) * 1000003ull + 11;
  o.mbd_kernels = s.params.integer("mbd_kernels");
  MlpGenerator g(o);
  MlpDiscriminator d(o);
  auto init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")) + 1);
  seeded_linear_init(*g, init);
  seeded_linear_init(*d, init);
  if (s.params.text("init") == "orthogonal") {
    orthogonal_init(*g, init);
    orthogonal_init(*d, init);
  }
  if (o.mbd_kernels > 0) {
    torch::NoGradGuard no_grad;
    d->mbd->T.normal_(0.0, 0.02, init);
  }
  return {g.ptr(), d.ptr(), [o] { return std::make_shared<MlpGeneratorImpl>(o); },
          [o] { return std::make_shared<MlpDiscriminatorImpl>(o); }};
}

// ---- Registry helpers ------------------------------------------------------------------------------
ControlSpec truncation_control() {
  return slider_control("truncation", "Truncation",
                        "Components of z beyond this threshold are resampled (the truncation trick): less variety, "
                        "more typical images. Off: z ~ N(0, I)",
                        kMinTruncation, 3.0, 1.0, 2, /*optional=*/true);
}

double truncation_threshold(const Values& v) {
  if (!v.has("truncation")) return 0;
  const double t = v.number("truncation", 0);
  if (t != 0 && t < kMinTruncation) throw std::invalid_argument("the truncation threshold must be at least 0.05 (or off)");
  return t;
}

namespace {

std::vector<ControlSpec> latent_sample_options(bool conditional) {
  std::vector<ControlSpec> c = {truncation_control()};
  if (conditional)
    c.push_back(class_control("class", "Class",
                              "The class drawn; all classes: one row each, the same latents down each column",
                              /*all_option=*/true));
  c.push_back(command_line_only(seed_control(
      "to_seed", "Interpolate to seed", "Frames from the latent of the seed to the latent of this one", 2)));
  c.push_back(command_line_only(choice_control("mode", "Interpolation",
                                               "slerp: along the great circle, as the latents' norms suggest; lerp: "
                                               "along the line",
                                               {"slerp", "lerp"}, "slerp")));
  return c;
}

ViewSpec latent_view(bool conditional) {
  ViewSpec v;
  v.id = "latent";
  v.title = "Latent explorer";
  v.help = "The image between the latents of two seeds; it answers as the slider moves, also while training runs";
  v.controls = {seed_control("seed_a", "Seed A", "The latent at t = 0", 1),
                seed_control("seed_b", "Seed B", "The latent at t = 1", 2),
                slider_control("t", "t", "Position between A (0) and B (1)", 0, 1, 0, 3),
                choice_control("mode", "Path", "slerp: along the great circle; lerp: along the line", {"slerp", "lerp"},
                               "slerp"),
                truncation_control()};
  if (conditional) v.controls.push_back(class_control("class", "Class", "The class the generator draws", false));
  v.outputs = {{"image", "Image", OutputKind::Image, "G(z) for the latent between A and B"}};
  return v;
}

}  // namespace

FamilyInfo image_family_info(const char* id, const char* name, const char* summary, const char* paper,
                             std::vector<SeriesSpec> series, bool conditional, bool uses_classes) {
  FamilyInfo f;
  f.id = id;
  f.name = name;
  f.summary = summary;
  f.paper = paper;
  f.caps.streams = {{"images", "Images", "The images to learn to generate", uses_classes, "fashion-mnist"}};
  f.caps.series = std::move(series);
  f.caps.sample_options = latent_sample_options(conditional);
  f.caps.views = {latent_view(conditional)};
  f.caps.truncation = {"truncation", {"off", "2", "1.5", "1", "0.75", "0.5", "0.25"}, {}, {}};
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  return f;
}

std::vector<SeriesSpec> log_loss_series() {
  return {{"loss_d", "D loss", SeriesAxis::Loss, SeriesKind::PerStep, "The discriminator's loss"},
          {"loss_g", "G loss", SeriesAxis::Loss, SeriesKind::PerStep, "The generator's loss"},
          {"d_real", "D(x)", SeriesAxis::Output, SeriesKind::PerStep, "D's mean probability that real images are real"},
          {"d_fake", "D(G(z))", SeriesAxis::Output, SeriesKind::PerStep,
           "D's mean probability that generated images are real"}};
}

std::vector<SeriesSpec> score_series() {
  return {{"loss_d", "D loss", SeriesAxis::Loss, SeriesKind::PerStep, "The discriminator's loss"},
          {"loss_g", "G loss", SeriesAxis::Loss, SeriesKind::PerStep, "The generator's loss"},
          {"d_real", "D(x)", SeriesAxis::Output, SeriesKind::PerStep, "D's mean raw output on real images"},
          {"d_fake", "D(G(z))", SeriesAxis::Output, SeriesKind::PerStep, "D's mean raw output on generated images"}};
}

std::vector<SeriesSpec> wasserstein_series() {
  return {{"loss_d", "D loss", SeriesAxis::Loss, SeriesKind::PerStep, "The critic's loss"},
          {"loss_g", "G loss", SeriesAxis::Loss, SeriesKind::PerStep, "The generator's loss"},
          {"wasserstein", "Wasserstein estimate", SeriesAxis::Output, SeriesKind::PerStep,
           "E[D(x)] - E[D(G(z))]: the critic's estimate of the Wasserstein-1 distance; it should fall as samples "
           "improve"}};
}

static HyperParam g_noise_param() {
  HyperParam p{"g_noise", "G step's noise",
               "fresh: G's step draws new z, as Algorithm 1 of GAN, WGAN and WGAN-GP; reuse: G's step takes the fakes "
               "D has just trained on (one G forward pass fewer)",
               ParamType::Choice, 0, 0, "fresh", {"fresh", "reuse"}, false, /*resumable=*/true};
  p.since_revision = 2;
  p.legacy_value = "reuse";
  return p;
}

std::vector<HyperParam> technique_params(const TechniqueSet& t) {
  std::vector<HyperParam> p = {
      {"ema", "EMA of G", "Decay of a moving average of G's weights, used for samples and metrics; 0 = off (e.g. 0.999)",
       ParamType::Float, 0.0, 0.99999, "0", {}, false},
      {"instance_noise", "Instance noise", "Std of Gaussian noise on D's real and fake inputs at step 0; 0 = off",
       ParamType::Float, 0.0, 2.0, "0", {}, false},
      {"noise_anneal", "Noise anneal steps", "Steps over which the instance noise falls linearly to 0",
       ParamType::Int, 1, 1e8, "10000", {}, false},
      {"g_objective", "G objective",
       "adversarial: the family's G loss; feature-matching: G matches the mean of D's last hidden layer on real data "
       "(Salimans et al.)",
       ParamType::Choice, 0, 0, t.feature_matching_default ? "feature-matching" : "adversarial",
       {"adversarial", "feature-matching"}, false},
      {"hist_avg", "Historical averaging", "Weight of ||theta - mean of past theta||^2 in both players' losses; 0 = off",
       ParamType::Float, 0.0, 100.0, "0", {}, false},
      g_noise_param(),
      {"init", "Weight init", "normal: N(0, 0.02) as DCGAN; orthogonal: random orthogonal weights (Saxe et al.)",
       ParamType::Choice, 0, 0, "normal", {"normal", "orthogonal"}, false},
  };
  if (t.log_loss)
    p.push_back({"label_smoothing", "Label smoothing", "One-sided: D's target for real images is 1 minus this; fakes stay 0",
                 ParamType::Float, 0.0, 0.5, "0", {}, false, /*resumable=*/true});
  if (t.minibatch)
    p.push_back({"mbd_kernels", "Minibatch discrimination",
                 "Kernels of minibatch discrimination before D's output (each of dimension 5); 0 = off", ParamType::Int,
                 0, 1000, "0", {}, false});
  if (t.virtual_bn) {
    p.push_back({"g_norm", "G normalisation",
                 "batch: batch norm; virtual: each sample normalised by a fixed reference batch with itself (Salimans "
                 "et al.)",
                 ParamType::Choice, 0, 0, "batch", {"batch", "virtual"}, false});
    p.push_back({"vbn_reference", "VBN reference size", "Latents in virtual batch norm's fixed reference batch",
                 ParamType::Int, 2, 1024, "64", {}, false});
  }
  return p;
}

void finish_conv_params(FamilyInfo& f, TechniqueSet t) {
  for (auto& p : technique_params(t)) f.params.push_back(p);
  for (auto& p : conv_network_params()) f.params.push_back(p);
  for (auto& p : shared_params(64)) f.params.push_back(p);
}

std::vector<HyperParam> mlp_params() {
  std::vector<HyperParam> p = {
      {"g_loss", "G loss", "minimax: minimise log(1 - D(G(z))); non-saturating: maximise log D(G(z))",
       ParamType::Choice, 0, 0, "minimax", {"minimax", "non-saturating"}, false},
      {"optimizer", "Optimizer", "Adam, or SGD with momentum (the paper's)", ParamType::Choice, 0, 0, "adam",
       {"sgd", "adam"}, false},
      {"lr_g", "G learning rate", "Step size of the generator", ParamType::Float, 1e-6, 10.0, "2e-4", {}, true, /*resumable=*/true},
      {"lr_d", "D learning rate", "Step size of the discriminator", ParamType::Float, 1e-6, 10.0, "2e-4", {}, true, /*resumable=*/true},
      {"momentum", "SGD momentum", "Momentum of both SGD optimizers (with optimizer = sgd; the paper's 0.5)", ParamType::Float, 0.0, 0.99, "0.5", {}, false, /*resumable=*/true},
      {"beta1", "Adam beta1", "Momentum of both Adam optimizers", ParamType::Float, 0.0,
       0.999, "0.5", {}, false, /*resumable=*/true},
      {"beta2", "Adam beta2", "Second-moment decay of both Adam optimizers", ParamType::Float, 0.0, 0.9999, "0.999",
       {}, false, /*resumable=*/true},
      d_steps_param("1"),
      {"latent_dim", "Latent size", "Dimension of z ~ N(0, I)", ParamType::Int, 2, 1024, "100", {}, false},
      {"resolution", "Resolution", "Side of generated images; data are resized to it", ParamType::Choice, 0, 0, "28",
       {"16", "28", "32", "64"}, false},
      {"g_hidden", "G width", "Units in G's (joint) ReLU layers", ParamType::Int, 8, 8192, "1200", {}, false},
      {"d_hidden", "D width", "Maxout units in each of D's layers", ParamType::Int, 4, 4096, "240", {}, false},
      {"pieces", "Maxout pieces", "Linear pieces per maxout unit", ParamType::Int, 1, 16, "5", {}, false},
  };
  TechniqueSet t;
  t.log_loss = true;
  t.virtual_bn = false;  // no batch norm in these generators
  for (auto& h : technique_params(t)) p.push_back(h);
  for (auto& h : shared_params(100)) p.push_back(h);
  return p;
}

std::vector<HyperParam> adam_params(const std::string& lr_g, const std::string& lr_d, const std::string& beta1,
                                    const std::string& beta2, const std::string& beta1_help) {
  return {
      {"lr_g", "G learning rate", "Adam step size of the generator", ParamType::Float, 1e-6, 1.0, lr_g, {}, true, /*resumable=*/true},
      {"lr_d", "D learning rate", "Adam step size of the discriminator", ParamType::Float, 1e-6, 1.0, lr_d, {}, true, /*resumable=*/true},
      {"beta1", "Adam beta1", beta1_help, ParamType::Float, 0.0, 0.999, beta1, {}, false, /*resumable=*/true},
      {"beta2", "Adam beta2", "Second-moment decay of both Adam optimizers", ParamType::Float, 0.0, 0.9999, beta2, {},
       false, /*resumable=*/true},
  };
}

HyperParam d_steps_param(const std::string& default_steps) {
  return {"d_steps", "D steps per G step", "Discriminator (critic) updates before each generator update",
          ParamType::Int, 1, 20, default_steps, {}, false, /*resumable=*/true};
}

std::vector<HyperParam> conv_network_params() {
  return {
      {"latent_dim", "Latent size", "Dimension of z ~ N(0, I)", ParamType::Int, 2, 1024, "100", {}, false},
      {"resolution", "Resolution", "Side of generated images; data are resized to it", ParamType::Choice, 0, 0, "32",
       {"16", "32", "64", "128"}, false},
      {"ngf", "G width", "Generator channels at the last hidden layer", ParamType::Int, 4, 512, "64", {}, false},
      {"ndf", "D width", "Discriminator channels at the first layer", ParamType::Int, 4, 512, "64", {}, false},
  };
}

}  // namespace gan
