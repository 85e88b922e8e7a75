// ProGAN (Karras, Aila, Laine & Lehtinen, 2018): progressive growing from 4x4 to the final
// resolution, each new block faded in with alpha rising linearly over a number of images, then a
// stabilising phase; equalised learning rate, pixel norm, minibatch standard deviation, and the
// WGAN-GP loss with the paper's drift term.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "models/core/parallel.h"
#include "models/families/progan.h"

#include "models/families/image_gan.h"
#include "models/core/random.h"
#include "models/layers/state.h"
#include "models/networks/progan.h"

namespace gan {

// ---- The schedule ----------------------------------------------------------------------------------
GrowthSchedule::GrowthSchedule(int stages, long long fade_images, long long stable_images)
    : stages_(stages), fade_(fade_images), stable_(stable_images) {
  if (stages < 1 || fade_images < 0 || stable_images < 1) throw std::invalid_argument("a bad growth schedule");
}

long long GrowthSchedule::stage_length(int stage) const { return stage == 0 ? stable_ : fade_ + stable_; }

double GrowthSchedule::alpha(int stage, long long shown) const {
  if (stage == 0 || fade_ == 0 || shown >= fade_) return 1.0;
  return static_cast<double>(std::max(0LL, shown)) / static_cast<double>(fade_);
}

GrowthSchedule::Change GrowthSchedule::advance(int& stage, long long& shown, long long n) const {
  const bool fading = alpha(stage, shown) < 1;
  shown += n;
  if (stage + 1 < stages_ && shown >= stage_length(stage)) {
    shown -= stage_length(stage);
    ++stage;
    return Change::NewStage;
  }
  return fading && alpha(stage, shown) >= 1 ? Change::FadeDone : Change::None;
}

std::string growth_note(int stage, double alpha, int resolution) {
  const int side = stage_side(stage);
  std::ostringstream s;
  s << side << "\u00d7" << side;
  if (stage > 0 && alpha < 1) {
    s.precision(2);
    s << std::fixed << " fading in from " << side / 2 << "\u00d7" << side / 2 << " (\u03b1 = " << alpha << ")";
  }
  if (side < resolution) s << ", shown at " << resolution << "\u00d7" << resolution << " (nearest neighbour)";
  return s.str();
}

namespace {

struct ProganGrowingGenerator : ProganGeneratorImpl {
  using ProganGeneratorImpl::ProganGeneratorImpl;
  std::string sample_note() const override { return growth_note(stage(), alpha(), options.resolution); }
  RealPath real_path() const override {
    const int st = stage();
    const double a = alpha();
    const int side = stage_side(st);
    if (side >= options.resolution && (st == 0 || a >= 1)) return {};  // the final images, as they are
    RealPath path;
    std::ostringstream key;
    key.precision(17);
    key << "progan stage " << st << " alpha " << a;
    path.key = key.str();
    std::ostringstream note;
    note.precision(2);
    note << std::fixed << "real images average-pooled to " << side << "\u00d7" << side;
    if (st > 0 && a < 1) note << " and blended with " << side / 2 << "\u00d7" << side / 2 << " (\u03b1 = " << a << ")";
    if (side < options.resolution) note << ", then scaled up by nearest neighbour, as the samples";
    path.note = note.str();
    path.apply = [st, a](const torch::Tensor& x) { return progan_real_shown(x, st, a); };
    return path;
  }
};

// `grow off`: the same networks at the final side from the start, nothing to fade in (the paper's
// Figure 4 baseline).
bool grows(const ParamSet& p) { return p.text("grow") != "off"; }

ProganOptions progan_options(const FamilySetup& s) {
  ProganOptions o;
  o.latent_dim = s.params.integer("latent_dim");
  o.resolution = static_cast<int>(s.params.integer("resolution"));
  o.channels = s.image_channels;
  o.fmap_base = s.params.integer("fmap_base");
  o.fmap_max = s.params.integer("fmap_max");
  o.mbstd_group = s.params.integer("mbstd_group");
  if (o.channels < 1 || o.channels > 4) throw std::invalid_argument("ProGAN's networks need 1 to 4 image channels");
  return o;
}

// Equalised learning rate: every weight N(0, 1), every bias 0, drawn from the run's seed.
void equalized_init(torch::nn::Module& m, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& p : m.named_parameters()) {
    const auto& name = p.key();
    if (name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0)
      p.value().normal_(0.0, 1.0, gen);
    else
      p.value().zero_();
  }
}

class Progan : public Family {
 public:
  Progan(const FamilyInfo& info, const FamilySetup& s)
      : Family(info),
        setup_(s),
        options_(progan_options(s)),
        g_net_(std::make_shared<ProganGrowingGenerator>(options_)),
        d_net_(std::make_shared<ProganCriticImpl>(options_)),
        g_("G", g_net_),
        d_("D", d_net_),
        schedule_(progan_stages(options_.resolution), grows(s.params) ? s.params.integer("fade_images") : 0,
                  s.params.integer("stable_images")),
        batch_(s.params.integer("batch")),
        shrink_from_(static_cast<int>(s.params.integer("batch_shrink_from"))),
        lambda_(s.params.number("lambda_gp")),
        drift_(s.params.number("drift")) {
    auto init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
    equalized_init(*g_net_, init);
    equalized_init(*d_net_, init);
    g_.to(s.device);
    d_.to(s.device);
    if (s.params.number("ema") > 0) {
      ema_net_ = std::make_shared<ProganGrowingGenerator>(options_);
      ema_net_->to(s.device);
      g_.set_ema(ema_net_, s.params.number("ema"));
    }
    if (!grows(s.params)) stage_ = schedule_.stages() - 1;
    reset_optimizers();
    apply_growth();
    add_player(g_);
    add_player(d_);
  }

  Scalars train_step(Streams& streams, torch::Generator& noise) override {
    g_net_->train();
    d_net_->train();
    const double alpha = schedule_.alpha(stage_, shown_);
    apply_growth();
    const long long n = batch_at(stage_);
    Batch batch = streams.next("images", n);
    const long long b = batch.images.size(0);
    auto real = progan_real_at(batch.images, stage_, alpha);
    // The critic's step.
    auto z = batch_randn({b, options_.latent_dim}, noise).to(setup_.device);
    auto fake = g_net_->forward(z).detach();
    d_.zero_grad();
    auto s_real = d_net_->forward(real), s_fake = d_net_->forward(fake);
    auto eps = batch_rand({b, 1, 1, 1}, noise).to(setup_.device);
    auto gp = gradient_penalty([&](const torch::Tensor& x) { return d_net_->forward(x); }, real, fake, eps);
    // The paper's drift term keeps the critic's scores near 0: eps_drift * E[D(x)^2].
    auto loss_d = loss_.d(s_real, s_fake) + lambda_ * gp + drift_ * s_real.pow(2).mean();
    loss_d.backward();
    d_.step();
    d_.after_update();
    // The generator's step, on fresh latents.
    auto z2 = batch_randn({b, options_.latent_dim}, noise).to(setup_.device);
    g_.zero_grad();
    auto loss_g = loss_.g(d_net_->forward(g_net_->forward(z2)));
    loss_g.backward();
    g_.step();
    g_.after_update();

    const long long shown_now = b * batch_world();  // the images of every process of the run
    images_ += shown_now;
    const int side = stage_side(stage_);
    // A fade and the stabilising phase after it start with fresh optimizer moments, as the paper's
    // code does (it resets Adam whenever the level of detail enters or leaves a transition).
    if (schedule_.advance(stage_, shown_, shown_now) != GrowthSchedule::Change::None) reset_optimizers();
    apply_growth();
    Scalars out = {{"loss_d", loss_d.item<double>()}, {"loss_g", loss_g.item<double>()}};
    for (auto& item : loss_.report(s_real, s_fake)) out.push_back(std::move(item));  // the Wasserstein estimate
    out.emplace_back("gp", gp.item<double>());
    out.emplace_back("alpha", alpha);
    out.emplace_back("resolution", static_cast<double>(side));
    out.emplace_back("kimg", static_cast<double>(images_) / 1000.0);
    return out;
  }

  std::shared_ptr<Snapshot> snapshot() const override {
    auto copy = std::make_shared<ProganGrowingGenerator>(options_);
    copy->to(setup_.device);
    copy_module_state(ema_net_ ? *ema_net_ : *g_net_, *copy);
    copy->eval();
    return latent_snapshot(copy, setup_.device, {});
  }

  int resolution() const override { return options_.resolution; }
  int image_channels() const override { return options_.channels; }

 protected:
  void save_state(torch::serialize::OutputArchive& a) const override {
    a.write("progan_stage", torch::tensor(static_cast<int64_t>(stage_)));
    a.write("progan_stage_images", torch::tensor(static_cast<int64_t>(shown_)));
    a.write("progan_images", torch::tensor(static_cast<int64_t>(images_)));
  }
  void load_state(torch::serialize::InputArchive& a) override {
    torch::Tensor stage, shown, images;
    a.read("progan_stage", stage);
    a.read("progan_stage_images", shown);
    a.read("progan_images", images);
    const int st = static_cast<int>(stage.item<int64_t>());
    if (st < 0 || st >= progan_stages(options_.resolution) || shown.item<int64_t>() < 0)
      throw std::runtime_error("the checkpoint's ProGAN stage is outside this network's stages");
    stage_ = st;
    shown_ = shown.item<int64_t>();
    images_ = images.item<int64_t>();
    apply_growth();
  }

 private:
  // The batch at a stage: the configured batch, halved at each doubling from batch_shrink_from on.
  long long batch_at(int stage) const {
    long long n = batch_;
    if (shrink_from_ > 0)
      for (int side = stage_side(stage); side >= shrink_from_ && n > 1; side /= 2) n /= 2;
    return n;
  }
  void apply_growth() {
    const double alpha = schedule_.alpha(stage_, shown_);
    g_net_->set_growth(stage_, alpha);
    d_net_->set_growth(stage_, alpha);
    if (ema_net_) ema_net_->set_growth(stage_, alpha);
  }
  void reset_optimizers() {
    const MakeOptimizer make = adam(setup_.params);
    g_.set_optimizer(make(g_net_->parameters(), setup_.params.number("lr_g")));
    d_.set_optimizer(make(d_net_->parameters(), setup_.params.number("lr_d")));
  }

  FamilySetup setup_;
  ProganOptions options_;
  std::shared_ptr<ProganGrowingGenerator> g_net_;
  std::shared_ptr<ProganCriticImpl> d_net_;
  std::shared_ptr<ProganGrowingGenerator> ema_net_;
  Player g_, d_;
  AdversarialLoss loss_ = wasserstein_loss();
  GrowthSchedule schedule_;
  long long batch_;
  int shrink_from_;
  double lambda_, drift_;
  int stage_ = 0;
  long long shown_ = 0;   // images shown within the stage
  long long images_ = 0;  // images shown in all
};

std::vector<SeriesSpec> progan_series() {
  auto s = wasserstein_series();
  s.push_back({"gp", "GP term", SeriesAxis::Loss, SeriesKind::PerStep,
               "The gradient penalty E[(||grad D(x_hat)|| - 1)^2] before its weight lambda"});
  s.push_back({"alpha", "Fade-in \u03b1", SeriesAxis::Fraction, SeriesKind::PerStep,
               "The weight of the newest block: it rises from 0 to 1 while the block fades in, then stays 1"});
  s.push_back({"resolution", "Resolution", SeriesAxis::Stage, SeriesKind::PerStep,
               "The side of the images G makes and D judges at this step"});
  s.push_back({"kimg", "Images shown (thousands)", SeriesAxis::Progress, SeriesKind::PerStep,
               "Real images shown to D so far, in thousands: the paper's clock"});
  return s;
}

}  // namespace

FamilyInfo progan_family_info() {
  FamilyInfo f = image_family_info(
      "progan", "ProGAN",
      "Progressive growing: G and D start at 4x4 and grow a block at a time to the final resolution. Each new "
      "block fades in: G's output is (1 - alpha) * upsample(toRGB(old)) + alpha * toRGB(new), D mirrors it, "
      "and real images are blended the same way, alpha rising from 0 to 1 over the fade's images; a stabilising "
      "phase follows. Equalised learning rate, pixel norm in G, minibatch standard deviation in D, WGAN-GP with "
      "a drift term, Adam(1e-3, beta = (0, 0.99)), an EMA of G for samples. Curves: the fade-in alpha and the "
      "resolution beside the losses.",
      "T. Karras, T. Aila, S. Laine, J. Lehtinen. Progressive Growing of GANs for Improved Quality, Stability, and "
      "Variation. ICLR 2018. arXiv:1710.10196",
      progan_series(), /*conditional=*/false, /*uses_classes=*/false);
  f.params = adam_params("1e-3", "1e-3", "0", "0.99", "Momentum of both Adam optimizers (the paper uses 0)");
  f.params.push_back({"lambda_gp", "GP weight lambda", "Weight of the gradient penalty", ParamType::Float, 0, 1000, "10",
                      {}, false, /*resumable=*/true});
  f.params.push_back({"drift", "Drift weight", "Weight of E[D(x)^2], which keeps the critic's scores near 0 (the "
                      "paper's 0.001)", ParamType::Float, 0, 1, "0.001", {}, false, /*resumable=*/true});
  f.params.push_back({"fade_images", "Fade-in images",
                      "Real images over which a new block's alpha rises from 0 to 1 (the paper: 800k; scaled here "
                      "to the dataset)",
                      ParamType::Int, 0, 1e9, "30000", {}, false});
  f.params.push_back({"stable_images", "Stabilising images",
                      "Real images shown at each resolution after its fade (and at 4x4) before the next block",
                      ParamType::Int, 1, 1e9, "30000", {}, false});
  f.params.push_back({"grow", "Progressive growing",
                      "on: start at 4x4 and grow; off: the same networks at the final resolution from the start "
                      "(the paper's comparison)",
                      ParamType::Choice, 0, 0, "on", {"on", "off"}, false});
  f.params.push_back({"batch_shrink_from", "Halve batch from",
                      "The batch halves at each doubling from this side on (0: never; the paper keeps 16 up to 128)",
                      ParamType::Int, 0, 1024, "0", {}, false});
  f.params.push_back({"ema", "EMA of G", "Decay of the moving average of G's weights that samples come from (0: off)",
                      ParamType::Float, 0.0, 0.99999, "0.999", {}, false});
  f.params.push_back({"latent_dim", "Latent size", "Dimension of z ~ N(0, I) (the paper: 512)", ParamType::Int, 2, 1024,
                      "128", {}, false});
  f.params.push_back({"resolution", "Resolution", "The final side; training starts at 4x4 and doubles to it",
                      ParamType::Choice, 0, 0, "32", {"8", "16", "32", "64", "128"}, false});
  f.params.push_back({"fmap_base", "Feature maps base", "Channels at side s are min(max, base / s) (the paper's networks: 16384)",
                      ParamType::Int, 64, 65536, "1024", {}, false});
  f.params.push_back({"fmap_max", "Feature maps max", "The most channels at any side (the paper: 512)", ParamType::Int,
                      4, 1024, "64", {}, false});
  f.params.push_back({"mbstd_group", "Minibatch stddev group",
                      "Images per group of the minibatch standard deviation: 4 as the reference code; 0: the whole "
                      "minibatch, as the paper's text",
                      ParamType::Int, 0, 4096, "4", {}, false});
  for (auto& p : shared_params(16)) f.params.push_back(p);
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<Progan>(info, s);
  };
  return f;
}

}  // namespace gan
