// 2-D toys: a perceptron G and D on a ring of 8 Gaussians, a 5x5 grid of them or a spiral, with any of
// the adversarial losses of the image families (GAN's two, LSGAN's, WGAN's with clipping or the
// gradient penalty, the hinge with spectral norm). The mode-collapse experiments of Unrolled GAN,
// VEEGAN and PacGAN, and GAN Lab's live view of D over the plane, natively.
#include <cmath>
#include <cstdio>

#include "models/core/family.h"
#include "models/core/image.h"
#include "models/core/parallel.h"
#include "models/core/random.h"
#include "models/layers/init.h"
#include "models/layers/spectral_norm.h"
#include "models/layers/state.h"
#include "models/losses/adversarial.h"
#include "models/toys/toys.h"

namespace gan {

namespace {

constexpr int kSide = 384;                        // the plane's picture
constexpr int kHeatCells = 96;                    // D is evaluated on this grid for the heat map
constexpr long long kMeasurePoints = 2500;        // VEEGAN's and PacGAN's sample count
constexpr unsigned long long kMeasureSeed = 2500;  // the fixed latents the series are measured on
const PlaneCanvas::Rgb kRealColour{25, 135, 60};
const PlaneCanvas::Rgb kFakeColour{120, 40, 170};
const PlaneCanvas::Rgb kHeatReal{140, 215, 150};  // where D says "real"
const PlaneCanvas::Rgb kHeatFake{205, 175, 230};  // where D says "generated"

struct MlpShape {
  long long in, out, hidden;
  int layers;  // hidden layers
  bool spectral;
};

// Layers of `hidden` ReLU units, then a linear output.
struct ToyMlpImpl : torch::nn::Module {
  explicit ToyMlpImpl(const MlpShape& s) : shape(s) {
    long long in = s.in;
    for (int i = 0; i <= s.layers; ++i) {
      const long long out = i == s.layers ? s.out : s.hidden;
      const std::string name = "fc" + std::to_string(i);
      if (s.spectral) sn.push_back(register_module(name, SNLinear(in, out)));
      else plain.push_back(register_module(name, torch::nn::Linear(in, out)));
      in = out;
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    const size_t n = shape.spectral ? sn.size() : plain.size();
    for (size_t i = 0; i < n; ++i) {
      x = shape.spectral ? sn[i]->forward(x) : plain[i]->forward(x);
      if (i + 1 < n) x = torch::relu(x);
    }
    return x;
  }
  // Weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) drawn from `gen` (LibTorch's default, seeded).
  void init(torch::Generator& gen) {
    if (!shape.spectral) return seeded_linear_init(*this, gen);
    torch::NoGradGuard no_grad;
    for (auto& l : sn) {
      const double k = 1.0 / std::sqrt(static_cast<double>(l->weight.size(1)));
      l->weight.uniform_(-k, k, gen);
      l->bias.uniform_(-k, k, gen);
    }
    settle_spectral_norms(*this);
  }
  MlpShape shape;
  std::vector<torch::nn::Linear> plain;
  std::vector<SNLinear> sn;
};
TORCH_MODULE(ToyMlp);

struct LossChoice {
  AdversarialLoss loss;
  bool probability = false;  // D's output is a logit: show sigmoid(D) on the plane
  bool clip = false;
  bool penalty = false;
  bool spectral = false;
};

LossChoice loss_choice(const std::string& id) {
  LossChoice c;
  if (id == "gan" || id == "gan-minimax") {
    c.loss = log_loss(id == "gan-minimax");
    c.probability = true;
  } else if (id == "lsgan") {
    c.loss = least_squares_loss(0, 1, 1);
  } else if (id == "wgan" || id == "wgan-gp") {
    c.loss = wasserstein_loss();
    c.clip = id == "wgan";
    c.penalty = id == "wgan-gp";
  } else if (id == "hinge") {
    c.loss = hinge_loss();
    c.spectral = true;
  } else {
    throw std::invalid_argument("no loss '" + id + "'");
  }
  return c;
}

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

Scalars coverage_scalars(const ModeCoverage& m) {
  return {{"modes", m.modes > 0 ? static_cast<double>(m.covered) / m.modes : 0.0}, {"hq", m.high_quality}};
}

// Frozen copies of G and D: draws the plane.
class ToySnapshot : public Snapshot {
 public:
  ToySnapshot(ToyMlp g, ToyMlp d, ToyDistribution dist, bool probability, torch::Device device)
      : g_(std::move(g)), d_(std::move(d)), dist_(std::move(dist)), probability_(probability), device_(device) {
    torch::Generator gen = make_cpu_generator(7);
    real_ = dist_.sample(1000, gen);  // the same real points under every picture
  }

  Samples sample(const SampleRequest& r) override {
    if (r.inputs.defined()) throw std::invalid_argument("this model generates from noise: it takes no input images");
    if (r.n < 1) throw std::invalid_argument("the number of samples must be at least 1");
    torch::NoGradGuard no_grad;
    PlaneCanvas canvas(kSide, dist_.extent);
    canvas.dots(real_, kRealColour, 1, 0.35);
    canvas.dots(generate(r.n, r.seed), kFakeColour, 1, 0.8);
    Samples out;
    out.images = prepare_image(canvas.image(), kSide, 3).unsqueeze(0);  // 1 x 3 x H x W, as drawn
    out.columns = 1;
    out.note = std::to_string(r.n) + " generated points (purple) over 1000 of the " + dist_.label + " (green)";
    return out;
  }

  ExploreResult explore(const ExploreRequest& r) override {
    if (r.view != "plane") throw std::invalid_argument("no view '" + r.view + "'");
    torch::NoGradGuard no_grad;
    const long long n = r.values.integer("points", 1000);
    if (n < 1 || n > 20000) throw std::invalid_argument("points must be 1..20000");
    const long long seed = r.values.integer("seed", 1);
    PlaneCanvas canvas(kSide, dist_.extent);
    ExploreResult out;
    if (r.values.text("heat", "on") == "on") {
      auto grid = canvas.grid(kHeatCells);
      auto v = d_->forward(grid.to(device_)).view(-1).to(torch::kCPU, torch::kDouble);
      double lo = 0, hi = 1;
      if (probability_) {
        v = torch::sigmoid(v);
      } else {
        lo = v.min().item<double>(), hi = v.max().item<double>();
      }
      canvas.heat(v, kHeatCells, lo, hi, kHeatFake, kHeatReal);
      out.scalars.push_back({probability_ ? "D(x) lowest" : "D lowest", v.min().item<double>()});
      out.scalars.push_back({probability_ ? "D(x) highest" : "D highest", v.max().item<double>()});
    }
    if (r.values.text("real", "on") == "on") canvas.dots(real_, kRealColour, 1, 0.35);
    if (r.values.text("mapping", "off") == "on") canvas.paths(latent_grid(), kFakeColour, 0.45);
    auto points = generate(n, seed);
    canvas.dots(points, kFakeColour, 1, 0.85);
    const ModeCoverage m = measure_modes(dist_, points, (20 * n + kMeasurePoints - 1) / kMeasurePoints);
    out.scalars.push_back({"modes covered", static_cast<double>(m.covered)});
    out.scalars.push_back({"of", static_cast<double>(m.modes)});
    out.scalars.push_back({"high quality", m.high_quality});
    Output plane;
    plane.id = "plane";
    plane.image = canvas.image();
    out.outputs.push_back(std::move(plane));
    return out;
  }

 private:
  torch::Tensor generate(long long n, long long seed) {
    torch::Generator gen = make_cpu_generator(static_cast<unsigned long long>(seed));
    auto z = torch::randn({n, g_->shape.in}, gen, torch::kFloat);
    return g_->forward(z.to(device_)).to(torch::kCPU);
  }
  // The image under G of a grid on the plane of z's first two coordinates (the others 0): 9 lines each
  // way over [-2.5, 2.5], 160 points each.
  torch::Tensor latent_grid() {
    const long long dim = g_->shape.in, lines = 9, along = 160;
    auto a = torch::linspace(-2.5, 2.5, along), at = torch::linspace(-2.5, 2.5, lines);
    auto z = torch::zeros({2 * lines, along, dim});
    for (long long i = 0; i < lines; ++i) {
      z[i].select(1, 0).copy_(a);
      if (dim > 1) z[i].select(1, 1).fill_(at[i].item<double>());
      if (dim > 1) z[lines + i].select(1, 1).copy_(a);
      z[lines + i].select(1, 0).fill_(at[i].item<double>());
    }
    return g_->forward(z.view({-1, dim}).to(device_)).to(torch::kCPU).view({2 * lines, along, 2});
  }

  ToyMlp g_, d_;
  ToyDistribution dist_;
  bool probability_;
  torch::Device device_;
  torch::Tensor real_;  // 1000 points of the distribution, N x 2
};

class Toy : public Family {
 public:
  Toy(const FamilyInfo& info, const FamilySetup& s)
      : Family(info),
        setup_(s),
        dist_(toy_distribution(s.params.text("distribution"))),
        choice_(loss_choice(s.params.text("loss"))),
        g_net_(shape_g(s)),
        d_net_(shape_d(s, choice_.spectral)),
        g_("g", g_net_.ptr()),
        d_("d", d_net_.ptr()),
        batch_(s.params.integer("batch")),
        d_steps_(static_cast<int>(s.params.integer("d_steps"))),
        clip_(s.params.number("clip")),
        gp_lambda_(s.params.number("gp_lambda")) {
    auto init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")) + 1);
    g_net_->init(init);
    d_net_->init(init);
    g_.to(s.device);
    d_.to(s.device);
    const bool rms = s.params.text("optimizer") == "rmsprop";
    const auto betas = std::make_tuple(s.params.number("beta1"), s.params.number("beta2"));
    auto make = [&](Player& p, double lr) {
      if (rms) p.set_optimizer(std::make_unique<torch::optim::RMSprop>(p.net().parameters(), torch::optim::RMSpropOptions(lr)));
      else p.set_optimizer(std::make_unique<torch::optim::Adam>(p.net().parameters(), torch::optim::AdamOptions(lr).betas(betas)));
    };
    make(g_, s.params.number("lr_g"));
    make(d_, s.params.number("lr_d"));
    add_player(g_);
    add_player(d_);
  }

  Scalars train_step(Streams& /*streams*/, torch::Generator& noise) override {
    g_net_->train();
    d_net_->train();
    const long long dim = g_net_->shape.in;
    torch::Tensor loss_d, s_real, s_fake, gp;
    for (int k = 0; k < d_steps_; ++k) {
      auto real = dist_.sample(batch_, noise).to(setup_.device);
      auto z = batch_randn({batch_, dim}, noise).to(setup_.device);
      auto fake = g_net_->forward(z).detach();
      d_.zero_grad();
      s_real = d_net_->forward(real).view(-1);
      s_fake = d_net_->forward(fake).view(-1);
      loss_d = choice_.loss.d(s_real, s_fake);
      if (choice_.penalty) {
        auto eps = batch_rand({batch_, 1}, noise).to(setup_.device);
        gp = gradient_penalty([&](const torch::Tensor& x) { return d_net_->forward(x).view(-1); }, real, fake, eps);
        loss_d = loss_d + gp_lambda_ * gp;
      }
      loss_d.backward();
      d_.step();
      if (choice_.clip) {
        torch::NoGradGuard no_grad;
        for (auto& p : d_net_->parameters()) p.clamp_(-clip_, clip_);
      }
      d_.after_update();
    }
    // G's step on fresh noise (Algorithm 1 of GAN, WGAN and WGAN-GP).
    auto z = batch_randn({batch_, dim}, noise).to(setup_.device);
    g_.zero_grad();
    auto loss_g = choice_.loss.g(d_net_->forward(g_net_->forward(z)).view(-1));
    loss_g.backward();
    g_.step();
    g_.after_update();
    Scalars out = {{"loss_d", loss_d.item<double>()}, {"loss_g", loss_g.item<double>()}};
    for (auto& item : choice_.loss.report(s_real.detach(), s_fake.detach())) out.push_back(std::move(item));
    if (gp.defined()) out.emplace_back("gp", gp.item<double>());
    return out;
  }

  Scalars measure() override {
    torch::NoGradGuard no_grad;
    torch::Generator gen = make_cpu_generator(kMeasureSeed);
    auto z = torch::randn({kMeasurePoints, g_net_->shape.in}, gen, torch::kFloat);
    auto points = g_net_->forward(z.to(setup_.device));
    return coverage_scalars(measure_modes(dist_, points));
  }

  std::shared_ptr<Snapshot> snapshot() const override {
    auto copy = [&](const ToyMlp& net) {
      ToyMlp c(net->shape);
      c->to(setup_.device);
      copy_module_state(*net, *c);
      c->eval();
      return c;
    };
    return std::make_shared<ToySnapshot>(copy(g_net_), copy(d_net_), dist_, choice_.probability, setup_.device);
  }

  int resolution() const override { return kSide; }
  int image_channels() const override { return 3; }

 private:
  static MlpShape shape_g(const FamilySetup& s) {
    return {s.params.integer("latent_dim"), 2, s.params.integer("g_hidden"), static_cast<int>(s.params.integer("layers")),
            false};
  }
  static MlpShape shape_d(const FamilySetup& s, bool spectral) {
    return {2, 1, s.params.integer("d_hidden"), static_cast<int>(s.params.integer("layers")), spectral};
  }

  FamilySetup setup_;
  ToyDistribution dist_;
  LossChoice choice_;
  ToyMlp g_net_, d_net_;
  Player g_, d_;
  long long batch_;
  int d_steps_;
  double clip_, gp_lambda_;
};

}  // namespace

FamilyInfo toy_family_info() {
  FamilyInfo f;
  f.id = "toy";
  f.name = "2-D toys";
  f.summary =
      "Perceptrons learning a distribution on the plane: a ring of 8 Gaussians, a 5x5 grid of Gaussians or a "
      "spiral, with any of the adversarial losses (GAN's non-saturating or minimax, LSGAN's least squares, "
      "WGAN's with weight clipping or the gradient penalty, the hinge with spectral norm in D). The Plane panel "
      "shows, live, the real and generated points and D's output over the plane (and, as a mesh, where G sends a "
      "grid of latents); the plots show the share of modes covered and of high-quality samples (VEEGAN's and "
      "PacGAN's measures: within 3 sigma of a mode; a mode counts with 20 of 2500 samples on it).";
  f.paper =
      "L. Metz, B. Poole, D. Pfau, J. Sohl-Dickstein. Unrolled Generative Adversarial Networks. ICLR 2017 (the "
      "ring). Z. Lin, A. Khetan, G. Fanti, S. Oh. PacGAN. NeurIPS 2018 (the grid, the measures). M. Kahng et al. "
      "GAN Lab. IEEE VIS 2018";
  Capabilities& c = f.caps;
  c.streams.clear();
  c.own_data = "points drawn from the distribution its hyper-parameters name (ring, grid or spiral)";
  c.truncation.why_none =
      "Its points are drawn from the whole prior: the Plane and the mode counts measure what G makes of all of it";
  c.noise_metrics = false;
  c.series = {
      {"loss_d", "D loss", SeriesAxis::Loss, SeriesKind::PerStep, "The discriminator's (critic's) loss"},
      {"loss_g", "G loss", SeriesAxis::Loss, SeriesKind::PerStep, "The generator's loss"},
      {"d_real", "D(x)", SeriesAxis::Output, SeriesKind::PerStep, "D's mean output on real points"},
      {"d_fake", "D(G(z))", SeriesAxis::Output, SeriesKind::PerStep, "D's mean output on generated points"},
      {"wasserstein", "W estimate", SeriesAxis::Output, SeriesKind::PerStep, "E[D(x)] - E[D(G(z))] (WGAN losses)"},
      {"gp", "gradient penalty", SeriesAxis::Loss, SeriesKind::PerStep, "(||grad D(x_hat)|| - 1)^2 (wgan-gp)"},
      {"modes", "modes covered", SeriesAxis::Share, SeriesKind::Measured,
       "The share of the modes with at least 20 of 2500 generated points within 3 sigma (fixed latents)"},
      {"hq", "high-quality samples", SeriesAxis::Share, SeriesKind::Measured,
       "The share of 2500 generated points within 3 sigma of a mode (a spiral: of its curve)"},
  };
  ViewSpec plane;
  plane.id = "plane";
  plane.title = "Plane";
  plane.help = "Real points (green), generated points (purple) and D's output over the plane (green: real)";
  ControlSpec points = slider_control("points", "Points", "How many generated points to draw", 100, 10000, 1000, 0);
  plane.controls = {seed_control("seed", "Seed", "The seed of the generated points' latents", 1), points,
                    toggle_control("heat", "D's output", "Colour the plane by D's output (sigmoid for the log losses)", true),
                    toggle_control("real", "Real points", "Draw 1000 points of the real distribution", true),
                    toggle_control("mapping", "Latent mesh",
                           "Draw where G sends a grid on the plane of z's first two coordinates (the others 0)",
                           false)};
  plane.outputs = {{"plane", "The plane", OutputKind::Image, "Real and generated points over D's output"}};
  c.views = {plane};
  f.params = {
      {"distribution", "Distribution", "What to learn: a ring of 8 Gaussians, a 5x5 grid of them, a spiral",
       ParamType::Choice, 0, 0, "ring", toy_distribution_ids(), false},
      {"loss", "Loss",
       "gan: non-saturating; gan-minimax; lsgan; wgan: weight clipping; wgan-gp: gradient penalty; hinge: with "
       "spectral norm in D",
       ParamType::Choice, 0, 0, "gan", {"gan", "gan-minimax", "lsgan", "wgan", "wgan-gp", "hinge"}, false},
      {"latent_dim", "Latent size", "Dimension of z ~ N(0, I); 2 shows G's whole map as the latent mesh", ParamType::Int,
       1, 256, "2", {}, false},
      {"layers", "Hidden layers", "Hidden layers of G and of D", ParamType::Int, 1, 8, "3", {}, false},
      {"g_hidden", "G width", "ReLU units per hidden layer of G", ParamType::Int, 2, 2048, "128", {}, false},
      {"d_hidden", "D width", "ReLU units per hidden layer of D", ParamType::Int, 2, 2048, "128", {}, false},
      {"optimizer", "Optimizer", "Adam, or RMSProp (the WGAN paper's, for weight clipping)", ParamType::Choice, 0, 0,
       "adam", {"adam", "rmsprop"}, false},
      {"lr_g", "G learning rate", "Step size of the generator", ParamType::Float, 1e-6, 1.0, "1e-4", {}, true, true},
      {"lr_d", "D learning rate", "Step size of the discriminator", ParamType::Float, 1e-6, 1.0, "1e-4", {}, true, true},
      {"beta1", "Adam beta1", "First-moment decay of Adam", ParamType::Float, 0.0, 0.999, "0.5", {}, false, true},
      {"beta2", "Adam beta2", "Second-moment decay of Adam", ParamType::Float, 0.0, 0.9999, "0.999", {}, false, true},
      {"d_steps", "D steps per G step", "Discriminator (critic) updates before each generator update", ParamType::Int,
       1, 20, "1", {}, false, true},
      {"clip", "Weight clip", "wgan: every D weight is clipped to [-c, c] after each step", ParamType::Float, 1e-4, 10,
       "0.01", {}, false, true},
      {"gp_lambda", "Penalty weight", "wgan-gp: the weight of the gradient penalty (0.1 in WGAN-GP's toy code)",
       ParamType::Float, 0, 100, "0.1", {}, false, true},
  };
  for (auto& p : shared_params(512)) f.params.push_back(std::move(p));
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<Toy>(info, s);
  };
  f.resolution = [](const ParamSet&) { return kSide; };
  return f;
}

}  // namespace gan
