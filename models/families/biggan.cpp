// BigGAN (Brock, Donahue & Simonyan, 2019), scaled to small images: residual networks with spectral norm
// and self-attention, class-conditional batch norm from a shared embedding and a hierarchical latent in G,
// a projection discriminator, the hinge loss with 2 D steps per G step, orthogonal initialisation and
// regularisation, and an EMA of G's weights for samples. Truncation (resampling z's large components) is
// the latent families' sample option; the Classes panel moves between two classes with z held.
#include "models/core/image.h"
#include "models/core/random.h"
#include "models/families/image_gan.h"
#include "models/layers/init.h"
#include "models/networks/biggan.h"

namespace gan {

namespace {

BigGanOptions biggan_options(const FamilySetup& s) {
  BigGanOptions o;
  o.latent_dim = s.params.integer("latent_dim");
  o.resolution = static_cast<int>(s.params.integer("resolution"));
  o.channels = s.image_channels;
  o.num_classes = s.num_classes;
  o.ngf = static_cast<int>(s.params.integer("ngf"));
  o.ndf = static_cast<int>(s.params.integer("ndf"));
  o.embed_dim = static_cast<int>(s.params.integer("embed_dim"));
  o.attention_res = static_cast<int>(s.params.integer("attention_res"));
  return o;
}

ImageGanNets biggan_nets(const FamilySetup& s) {
  const BigGanOptions o = biggan_options(s);
  BigGanGenerator g(o);
  BigGanCritic d(o);
  // The authors' G_init = D_init = 'ortho': every convolution, linear layer and embedding orthogonal.
  torch::Generator init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
  orthogonal_init(*g, init);
  orthogonal_init(*d, init);
  if (g->shared) {
    torch::NoGradGuard no_grad;
    auto& w = g->shared->weight;  // K x E: orthonormal columns (or rows, whichever there are fewer of)
    auto a = torch::randn({std::max(w.size(0), w.size(1)), std::min(w.size(0), w.size(1))}, init, torch::kFloat);
    auto qr = torch::linalg_qr(a);
    auto q = std::get<0>(qr) * torch::sign(torch::diagonal(std::get<1>(qr)));
    w.copy_(w.size(0) >= w.size(1) ? q : q.t());
  }
  settle_spectral_norms(*g);
  settle_spectral_norms(*d);
  return {g.ptr(), d.ptr(), [o] { return std::make_shared<BigGanGeneratorImpl>(o); },
          [o] { return std::make_shared<BigGanCriticImpl>(o); }};
}

// The latent explorer and sampling of every latent family, and the Classes panel: one z, the class
// embedding moved from class A's to class B's. Each draws with standing statistics for its truncation
// (the samples unless told "standing off"), computed once per truncation value and kept.
class BigGanSnapshot : public Snapshot {
 public:
  BigGanSnapshot(std::shared_ptr<ImageGenerator> g, torch::Device device, std::vector<std::string> class_names)
      : g_(std::move(g)), device_(device), class_names_(class_names),
        latent_(latent_snapshot(g_, device, std::move(class_names))) {
    for (auto& b : g_->named_buffers(true)) trained_.emplace_back(b.key(), b.value().clone());
  }

  Samples sample(const SampleRequest& r) override {
    const std::string standing = r.options.text("standing", "on");
    if (standing != "on" && standing != "off")
      throw std::invalid_argument("standing statistics must be on or off, not '" + standing + "'");
    const double trunc = truncation_threshold(r.options);
    prepare(standing == "on", trunc);
    SampleRequest plain = r;
    plain.options.erase("standing");
    Samples out = latent_->sample(plain);
    out.note = standing == "on" ? "standing statistics for " + (trunc > 0 ? "truncation " + format_number(trunc)
                                                                          : std::string("untruncated z"))
                                : "batch-norm statistics from training";
    return out;
  }

  ExploreResult explore(const ExploreRequest& r) override {
    const auto& v = r.values;
    const double trunc = truncation_threshold(v);
    prepare(true, trunc);
    if (r.view != "classes") return latent_->explore(r);
    auto* g = big();
    torch::NoGradGuard no_grad;
    auto class_of = [&](const std::string& id, const std::string& fallback) {
      const std::string text = v.text(id, fallback);
      const int c = find_class(class_names_, text);
      if (c < 0 || c >= g->num_classes()) throw std::invalid_argument("no class '" + text + "' in this run");
      return static_cast<long long>(c);
    };
    const long long a = class_of("class_a", "0"), b = class_of("class_b", "1");
    const double t = v.number("t", 0.0);
    if (t < 0 || t > 1) throw std::invalid_argument("t must be from 0 to 1");
    auto z = latent_for_seed(v.integer("seed", 1), g->latent_dim(), trunc).to(device_);
    auto ya = g->embed(torch::full({1}, static_cast<int64_t>(a), torch::kLong), 1);
    auto yb = g->embed(torch::full({1}, static_cast<int64_t>(b), torch::kLong), 1);
    auto image = g->generate_embedded(z, (1 - t) * ya + t * yb).to(torch::kCPU);
    ExploreResult out;
    out.outputs.push_back(image_output("image", image[0]));
    out.scalars.emplace_back("|z|", z.norm().item<double>());
    return out;
  }

 private:
  BigGanGeneratorImpl* big() const {
    auto* g = dynamic_cast<BigGanGeneratorImpl*>(g_.get());
    if (!g) throw std::logic_error("BigGAN's snapshot holds another generator");
    return g;
  }

  // G's batch-norm statistics: standing ones for truncation t, or those it was trained with.
  void prepare(bool standing, double t) {
    const double key = standing ? t : -1;
    if (key == prepared_) return;
    if (standing) {
      torch::Generator gen = make_cpu_generator(kStandingSeed);
      standing_statistics(*big(), t, kStandingBatches, kStandingBatch, gen);
    } else {
      torch::NoGradGuard no_grad;
      auto buffers = g_->named_buffers(true);
      for (const auto& [name, value] : trained_) buffers[name].copy_(value);
    }
    prepared_ = key;
  }

  static constexpr unsigned long long kStandingSeed = 20190225;
  static constexpr int kStandingBatches = 4, kStandingBatch = 64;

  std::shared_ptr<ImageGenerator> g_;
  torch::Device device_;
  std::vector<std::string> class_names_;
  std::shared_ptr<Snapshot> latent_;
  std::vector<std::pair<std::string, torch::Tensor>> trained_;  // G's buffers as trained
  double prepared_ = -1;  // the truncation the statistics are for (-1: as trained)
};

class BigGan : public ImageGan {
 public:
  BigGan(const FamilyInfo& info, const FamilySetup& s)
      : ImageGan(info, s, biggan_nets(s), hinge_loss(), adam(s.params)), ortho_(s.params.number("ortho_reg")) {}

  std::shared_ptr<Snapshot> snapshot() const override {
    return std::make_shared<BigGanSnapshot>(generator_copy(), device(), setup().class_names);
  }

 protected:
  torch::Tensor add_g_terms(torch::Tensor loss_g, const CriticOutput&, const torch::Tensor&) override {
    last_ortho_ = 0;
    if (ortho_ <= 0) return loss_g;
    auto& g = dynamic_cast<BigGanGeneratorImpl&>(generator());
    auto reg = orthogonal_regularization(biggan_regularized_weights(g), ortho_);
    last_ortho_ = reg.item<double>();
    return loss_g + reg;
  }
  void report(Scalars& out) override { out.emplace_back("ortho", last_ortho_); }

 private:
  double ortho_;
  double last_ortho_ = 0;
};

ViewSpec classes_view() {
  ViewSpec v;
  v.id = "classes";
  v.title = "Classes";
  v.help = "One latent drawn as class A, as class B, and in between: the shared class embedding moves from A's to "
           "B's while z stays";
  v.controls = {seed_control("seed", "Seed", "The latent z, held fixed", 1),
                class_control("class_a", "Class A", "The class at t = 0", false),
                class_control("class_b", "Class B", "The class at t = 1", false),
                slider_control("t", "t", "Position between the embeddings of A (0) and B (1)", 0, 1, 0, 3),
                truncation_control()};
  v.controls[2].default_value = "1";
  v.outputs = {{"image", "Image", OutputKind::Image, "G(z, (1 - t) e(A) + t e(B))"}};
  return v;
}

}  // namespace

FamilyInfo biggan_family_info() {
  auto series = score_series();
  series.push_back({"ortho", "Orthogonal reg.", SeriesAxis::Loss, SeriesKind::PerStep,
                    "beta/2 sum ||W W^T (1 - I)||^2 over G's weights, part of G's loss (0 when off)"});
  FamilyInfo f = image_family_info(
      "biggan", "BigGAN",
      "Large-scale GAN training, at small scale: residual G and D with spectral norm and self-attention; G's batch "
      "norms take their scale and shift from a shared class embedding joined to a chunk of z (a hierarchical latent: "
      "z is split, one chunk per block); D projects its features on a class embedding. Hinge loss, 2 D steps per G "
      "step, Adam (D 2e-4, G 5e-5, beta = (0, 0.999)), orthogonal initialisation and regularisation, samples from an "
      "EMA of G. The truncation trick (z's components beyond a threshold resampled) trades variety for fidelity; the "
      "Classes panel morphs one latent from one class to another.",
      "A. Brock, J. Donahue, K. Simonyan. Large Scale GAN Training for High Fidelity Natural Image Synthesis. ICLR "
      "2019. arXiv:1809.11096",
      series, /*conditional=*/true, /*uses_classes=*/true);
  f.caps.views.push_back(classes_view());
  f.caps.sample_options.insert(
      f.caps.sample_options.begin() + 1,
      toggle_control("standing", "Standing statistics",
                     "G's batch norms use statistics gathered over 256 samples drawn at this truncation (the "
                     "paper's standing statistics); off: the running statistics of training, which a truncated z "
                     "does not match",
                     true));
  f.caps.truncation.with = {"standing"};
  f.params = adam_params("5e-5", "2e-4", "0", "0.999", "Momentum of both Adam optimizers (the paper uses 0)");
  f.params.push_back(d_steps_param("2"));
  f.params.push_back({"ema", "EMA of G",
                      "Decay of the moving average of G's weights that samples and metrics use; 0 = off (the paper: "
                      "0.9999 over far longer runs)",
                      ParamType::Float, 0.0, 0.99999, "0.999", {}, false});
  f.params.push_back({"ortho_reg", "Orthogonal reg.",
                      "beta of the orthogonal regularisation of G's weights (the paper's 1e-4); 0 = off",
                      ParamType::Float, 0.0, 1.0, "1e-4", {}, false, /*resumable=*/true});
  f.params.push_back({"latent_dim", "Latent size",
                      "Dimension of z ~ N(0, I); split into chunks, one for the input and one per block (4 at "
                      "32 px, 5 at 64 px)",
                      ParamType::Int, 3, 1024, "128", {}, false});
  f.params.push_back({"resolution", "Resolution", "Side of generated images; data are resized to it",
                      ParamType::Choice, 0, 0, "32", {"16", "32", "64"}, false});
  f.params.push_back({"ngf", "G width", "G's width unit: 4x it at 16 and 32 px, 16x down to 1x at 64 px", ParamType::Int, 4,
                      256, "32", {}, false});
  f.params.push_back({"ndf", "D width", "D's width unit: 4x it at 16 and 32 px, 1x up to 16x at 64 px", ParamType::Int, 4,
                      256, "32", {}, false});
  f.params.push_back({"embed_dim", "Class embedding", "Size of the shared class embedding", ParamType::Int, 4, 512,
                      "128", {}, false});
  f.params.push_back({"attention_res", "Attention at",
                      "Side of the feature map where G and D have their self-attention block; 0 = none",
                      ParamType::Choice, 0, 0, "16", {"0", "8", "16", "32"}, false});
  for (auto& p : shared_params(64)) f.params.push_back(p);
  f.check = [](const ParamSet& p) {
    std::vector<std::string> errors;
    BigGanOptions o;
    o.latent_dim = p.integer("latent_dim");
    o.resolution = static_cast<int>(p.integer("resolution"));
    o.attention_res = static_cast<int>(p.integer("attention_res"));
    try {
      check_biggan_options(o);
    } catch (const std::invalid_argument& e) {
      errors.push_back(e.what());
    }
    return errors;
  };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    require_classes(info, s);
    return std::make_unique<BigGan>(info, s);
  };
  return f;
}

}  // namespace gan
