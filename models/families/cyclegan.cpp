// CycleGAN (Zhu, Park, Isola & Efros, 2017): two generators translate between two unpaired domains, A
// and B; two PatchGAN discriminators judge them; cycle consistency ties the two translations together.
#include <cmath>
#include <stdexcept>

#include "models/core/family.h"
#include "models/core/image.h"
#include "models/core/random.h"
#include "models/layers/image_pool.h"
#include "models/layers/init.h"
#include "models/layers/state.h"
#include "models/losses/adversarial.h"
#include "models/networks/cyclegan.h"

namespace gan {
namespace {

constexpr int kPreview = 8;  // images of each domain in the training view

// The PatchGAN depth for a resolution: the paper's 3 layers (70 px receptive field) at 128 px and
// above; at smaller sides one layer fewer per halving, so that a patch stays about half the image
// (16 px at 32 px, 34 px at 64 px).
int auto_patch_layers(int resolution) {
  int layers = 3;
  for (int r = 128; r > resolution && layers > 1; r /= 2) --layers;
  return layers;
}

struct Translators {
  ResnetGenerator ab{nullptr}, ba{nullptr};
};

// Translations of N x C x R x R inputs in [-1, 1] and their cycle: A -> B -> A or B -> A -> B.
struct Cycle {
  torch::Tensor input, output, reconstruction;
};

Cycle run_cycle(Translators& t, const torch::Tensor& x, bool a_to_b) {
  Cycle c;
  c.input = x;
  c.output = a_to_b ? t.ab->forward(x) : t.ba->forward(x);
  c.reconstruction = a_to_b ? t.ba->forward(c.output) : t.ab->forward(c.output);
  return c;
}

class CycleGanSnapshot : public Snapshot {
 public:
  CycleGanSnapshot(Translators t, torch::Device device, torch::Tensor preview_a, torch::Tensor preview_b,
                   int resolution, int channels)
      : t_(t), device_(device), preview_a_(preview_a), preview_b_(preview_b), resolution_(resolution),
        channels_(channels) {}

  // Without inputs: the fixed preview batches, a row each for A, A -> B, A -> B -> A, B, B -> A and
  // B -> A -> B. With inputs (N x C x R x R uint8): their translations in the direction asked for.
  Samples sample(const SampleRequest& r) override {
    torch::NoGradGuard no_grad;
    Samples out;
    if (r.inputs.defined()) {
      const bool ab = direction(r.options.text("direction", "AtoB"));
      if (r.inputs.dim() != 4 || r.inputs.size(1) != channels_ || r.inputs.size(2) != resolution_ ||
          r.inputs.size(3) != resolution_)
        throw std::invalid_argument("the inputs must be " + std::to_string(channels_) + " x " +
                                    std::to_string(resolution_) + " x " + std::to_string(resolution_) + " images");
      std::vector<torch::Tensor> parts;
      for (int64_t i = 0; i < r.inputs.size(0); i += 100) {
        auto x = from_uint8(r.inputs.narrow(0, i, std::min<int64_t>(100, r.inputs.size(0) - i))).to(device_);
        parts.push_back(to_uint8(ab ? t_.ab->forward(x) : t_.ba->forward(x)));
      }
      out.images = torch::cat(parts);
      out.columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(out.images.size(0)))));
      return out;
    }
    if (!preview_a_.defined() || preview_a_.size(0) == 0)
      throw std::invalid_argument("this model has no preview images yet");
    std::vector<torch::Tensor> rows;
    for (bool ab : {true, false}) {
      auto c = run_cycle(t_, from_uint8(ab ? preview_a_ : preview_b_).to(device_), ab);
      for (const auto& x : {c.input, c.output, c.reconstruction}) rows.push_back(to_uint8(x));
    }
    out.images = torch::cat(rows);
    out.columns = static_cast<int>(preview_a_.size(0));
    out.row_labels = {"A", "A \u2192 B", "A \u2192 B \u2192 A", "B", "B \u2192 A", "B \u2192 A \u2192 B"};
    return out;
  }

  // The translation panel: each image given, its translation, its reconstruction and a heat map of
  // the cycle error, one row per image.
  ExploreResult explore(const ExploreRequest& r) override {
    if (r.view != "translate") throw std::invalid_argument("no explore panel '" + r.view + "'");
    torch::NoGradGuard no_grad;
    const bool ab = direction(r.values.text("direction", "AtoB"));
    const auto& images = r.values.images("images");
    ExploreResult out;
    if (images.empty()) return out;
    std::vector<torch::Tensor> inputs;
    for (const auto& im : images) inputs.push_back(prepare_image(im, resolution_, channels_));
    auto x8 = torch::stack(inputs);
    auto c = run_cycle(t_, from_uint8(x8).to(device_), ab);
    auto rec8 = to_uint8(c.reconstruction);
    // |x - F(G(x))| in 8-bit levels, averaged over channels; the heat map is white at half the range.
    auto err = (x8.to(torch::kFloat) - rec8.to(torch::kFloat)).abs().mean(1);  // N x R x R
    std::vector<torch::Tensor> maps;
    std::string per_image;
    for (int64_t i = 0; i < err.size(0); ++i) {
      Image8 m = heat_map(err[i] / 127.5);
      maps.push_back(torch::from_blob(m.pixels.data(), {m.height, m.width, 3}, torch::kUInt8).permute({2, 0, 1}).clone());
      char line[64];
      std::snprintf(line, sizeof line, "%s%lld: %.1f", i ? "\n" : "", static_cast<long long>(i + 1),
                    err[i].mean().item<double>());
      per_image += line;
    }
    auto strip = [](const torch::Tensor& nchw) { return make_grid(nchw, 1); };
    out.outputs.push_back({"input", OutputKind::Image, strip(x8), "", {}});
    out.outputs.push_back({"translation", OutputKind::Image, strip(to_uint8(c.output)), "", {}});
    out.outputs.push_back({"reconstruction", OutputKind::Image, strip(rec8), "", {}});
    out.outputs.push_back({"error", OutputKind::Image, strip(torch::stack(maps)), "", {}});
    out.outputs.push_back({"errors", OutputKind::Text, {}, per_image, {}});
    out.scalars.emplace_back("mean cycle error (8-bit levels)", err.mean().item<double>());
    return out;
  }

 private:
  static bool direction(const std::string& d) {
    if (d != "AtoB" && d != "BtoA") throw std::invalid_argument("the direction must be AtoB or BtoA, not '" + d + "'");
    return d == "AtoB";
  }

  Translators t_;
  torch::Device device_;
  torch::Tensor preview_a_, preview_b_;
  int resolution_, channels_;
};

class CycleGan : public Family {
 public:
  CycleGan(const FamilyInfo& info, const FamilySetup& s)
      : Family(info),
        setup_(s),
        resolution_(static_cast<int>(s.params.integer("resolution"))),
        g_ab_net_(generator_options(s)),
        g_ba_net_(generator_options(s)),
        d_a_net_(s.image_channels, static_cast<int>(s.params.integer("ndf")), patch_layers(s.params)),
        d_b_net_(s.image_channels, static_cast<int>(s.params.integer("ndf")), patch_layers(s.params)),
        g_ab_("G_AB", g_ab_net_.ptr()),
        g_ba_("G_BA", g_ba_net_.ptr()),
        d_a_("D_A", d_a_net_.ptr()),
        d_b_("D_B", d_b_net_.ptr()),
        pool_a_(s.params.integer("pool_size")),
        pool_b_(s.params.integer("pool_size")),
        lambda_cycle_(s.params.number("lambda_cycle")),
        lambda_identity_(s.params.number("lambda_identity")),
        lr_(s.params.number("lr")),
        constant_steps_(s.params.integer("lr_constant_steps")),
        decay_steps_(s.params.integer("lr_decay_steps")),
        batch_(s.params.integer("batch")) {
    if (s.image_channels < 1 || s.image_channels > 3) throw std::invalid_argument("CycleGAN needs 1 to 3 channels");
    // The paper's "normal" initialisation: N(0, 0.02) weights, zero biases, from the run's seed.
    torch::Generator init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
    const auto betas = std::make_tuple(s.params.number("beta1"), s.params.number("beta2"));
    for (Player* p : {&g_ab_, &g_ba_, &d_a_, &d_b_}) {
      dcgan_init(p->net(), init);
      p->to(s.device);
      p->set_optimizer(std::make_unique<torch::optim::Adam>(p->net().parameters(),
                                                            torch::optim::AdamOptions(lr_).betas(betas)));
      add_player(*p);
    }
  }

  void attach_data(const std::map<std::string, StreamData>& data) override {
    auto pick = [&](const char* name, unsigned long long salt) {
      auto it = data.find(name);
      if (it == data.end()) throw std::invalid_argument(std::string("CycleGAN needs the stream ") + name);
      const auto& images = it->second.images;
      auto gen = make_cpu_generator(static_cast<unsigned long long>(setup_.params.integer("seed")) + salt);
      auto order = torch::randperm(images.size(0), gen, torch::TensorOptions(torch::kLong));
      return images.index_select(0, order.narrow(0, 0, std::min<int64_t>(kPreview, images.size(0)))).clone();
    };
    preview_a_ = pick("A", 101);
    preview_b_ = pick("B", 202);
  }

  Scalars train_step(Streams& streams, torch::Generator& noise) override {
    const double factor = linear_decay_factor(steps_, constant_steps_, decay_steps_);
    for (Player* p : {&g_ab_, &g_ba_, &d_a_, &d_b_})
      for (auto& group : p->optimizer().param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr_ * factor);
    for (Player* p : {&g_ab_, &g_ba_, &d_a_, &d_b_}) p->net().train();
    auto real_a = streams.next("A", batch_).images;
    auto real_b = streams.next("B", batch_).images;

    // Generators: fool both discriminators, come back where they started, leave the other domain alone.
    Translators t{g_ab_net_, g_ba_net_};
    auto fwd = run_cycle(t, real_a, true);   // A -> B -> A
    auto bwd = run_cycle(t, real_b, false);  // B -> A -> B
    g_ab_.optimizer().zero_grad();
    g_ba_.optimizer().zero_grad();
    set_requires_grad(false);
    auto adv_ab = least_squares_g(d_b_net_->forward(fwd.output), 1.0);  // G_AB's images judged as B
    auto adv_ba = least_squares_g(d_a_net_->forward(bwd.output), 1.0);
    auto cycle = lambda_cycle_ * (cycle_loss(real_a, fwd.reconstruction) + cycle_loss(real_b, bwd.reconstruction));
    torch::Tensor identity = torch::zeros({}, real_a.options());
    if (lambda_identity_ > 0) {
      auto g_ab = [this](const torch::Tensor& x) { return g_ab_net_->forward(x); };
      auto g_ba = [this](const torch::Tensor& x) { return g_ba_net_->forward(x); };
      identity = lambda_identity_ * lambda_cycle_ * (identity_loss(g_ab, real_b) + identity_loss(g_ba, real_a));
    }
    // The least-squares losses are halved MSEs; CycleGAN's are plain MSEs.
    auto loss_g = 2 * adv_ab + 2 * adv_ba + cycle + identity;
    loss_g.backward();
    g_ab_.step();
    g_ba_.step();
    set_requires_grad(true);

    // Discriminators: real images of their domain against generated ones from the history pools.
    d_a_.optimizer().zero_grad();
    d_b_.optimizer().zero_grad();
    auto old_b = pool_b_.query(fwd.output.detach(), noise);
    auto old_a = pool_a_.query(bwd.output.detach(), noise);
    auto loss_d_b = least_squares_d(d_b_net_->forward(real_b), d_b_net_->forward(old_b), 0.0, 1.0);
    auto loss_d_a = least_squares_d(d_a_net_->forward(real_a), d_a_net_->forward(old_a), 0.0, 1.0);
    (loss_d_a + loss_d_b).backward();
    d_a_.step();
    d_b_.step();
    ++steps_;
    return {{"loss_d_a", loss_d_a.item<double>()},
            {"loss_d_b", loss_d_b.item<double>()},
            {"loss_g_ab", 2 * adv_ab.item<double>()},
            {"loss_g_ba", 2 * adv_ba.item<double>()},
            {"loss_cycle", cycle.item<double>()},
            {"loss_identity", identity.item<double>()},
            {"lr_factor", factor}};
  }

  std::shared_ptr<Snapshot> snapshot() const override {
    Translators t{ResnetGenerator(generator_options(setup_)), ResnetGenerator(generator_options(setup_))};
    for (auto [src, dst] : {std::pair{g_ab_net_, t.ab}, std::pair{g_ba_net_, t.ba}}) {
      dst->to(setup_.device);
      copy_module_state(*src, *dst);
      dst->eval();
    }
    return std::make_shared<CycleGanSnapshot>(t, setup_.device, preview_a_, preview_b_, resolution_,
                                              setup_.image_channels);
  }

  int resolution() const override { return resolution_; }
  int image_channels() const override { return setup_.image_channels; }

 protected:
  void save_state(torch::serialize::OutputArchive& a) const override {
    a.write("cyclegan_steps", torch::tensor(static_cast<int64_t>(steps_)));
    pool_a_.save(a, "pool_A");
    pool_b_.save(a, "pool_B");
    a.write("preview_A", preview_a_.defined() ? preview_a_ : torch::empty({0}, torch::kUInt8));
    a.write("preview_B", preview_b_.defined() ? preview_b_ : torch::empty({0}, torch::kUInt8));
  }
  void load_state(torch::serialize::InputArchive& a) override {
    torch::Tensor steps;
    a.read("cyclegan_steps", steps);
    steps_ = steps.item<int64_t>();
    pool_a_.load(a, "pool_A", setup_.device);
    pool_b_.load(a, "pool_B", setup_.device);
    a.read("preview_A", preview_a_);
    a.read("preview_B", preview_b_);
  }

 private:
  static ResnetGeneratorOptions generator_options(const FamilySetup& s) {
    ResnetGeneratorOptions o;
    o.in_channels = o.out_channels = s.image_channels;
    o.ngf = static_cast<int>(s.params.integer("ngf"));
    o.blocks = static_cast<int>(s.params.integer("g_blocks"));
    return o;
  }
  static int patch_layers(const ParamSet& p) {
    const std::string v = p.text("d_layers");
    return v == "auto" ? auto_patch_layers(static_cast<int>(p.integer("resolution"))) : std::stoi(v);
  }
  void set_requires_grad(bool on) {
    for (auto* net : {&d_a_net_, &d_b_net_})
      for (auto& p : (*net)->parameters()) p.set_requires_grad(on);
  }

  FamilySetup setup_;
  int resolution_;
  ResnetGenerator g_ab_net_, g_ba_net_;
  PatchDiscriminator d_a_net_, d_b_net_;  // D_A judges domain A, D_B domain B
  Player g_ab_, g_ba_, d_a_, d_b_;
  ImagePool pool_a_, pool_b_;
  double lambda_cycle_, lambda_identity_, lr_;
  long long constant_steps_, decay_steps_, batch_;
  long long steps_ = 0;
  torch::Tensor preview_a_, preview_b_;  // kPreview fixed images of each domain, uint8 on the CPU
};

ViewSpec translate_view() {
  ViewSpec v;
  v.id = "translate";
  v.title = "Translation";
  v.help = "Open, paste or drop images of any size: each is resized and centre-cropped as the model expects, "
           "translated, and translated back";
  const auto images = image_control("images", "Images", "One or many images to translate");
  const auto dir = choice_control("direction", "Direction",
                                  "A to B uses G_AB and brings the result back with G_BA; B to A the other way round",
                                  {"AtoB", "BtoA"}, "AtoB", {"A \u2192 B", "B \u2192 A"});
  v.controls = {images, dir};
  v.outputs = {{"input", "Input", OutputKind::Image, "The image as the model sees it"},
               {"translation", "Translation", OutputKind::Image, "G(x): the image in the other domain"},
               {"reconstruction", "Reconstruction", OutputKind::Image, "F(G(x)): translated back"},
               {"error", "Cycle error", OutputKind::Image,
                "|x - F(G(x))| per pixel: black 0, white half the range or more"},
               {"errors", "Mean error per image", OutputKind::Text, "In 8-bit levels (0-255)"}};
  return v;
}

}  // namespace

FamilyInfo cyclegan_family_info() {
  FamilyInfo f;
  f.id = "cyclegan";
  f.name = "CycleGAN";
  f.summary =
      "Unpaired image-to-image translation. G_AB turns domain A into domain B and G_BA the other way; a PatchGAN "
      "discriminator per domain judges overlapping patches with the least-squares loss, and learns from a history "
      "of 50 generated images. The cycle loss (lambda = 10) asks G_BA(G_AB(a)) to give a back, and b likewise; the "
      "identity loss (0.5 lambda) asks each generator to leave images of its target domain alone. ResNet "
      "generators with instance norm (6 blocks), Adam (2e-4, beta1 0.5), a constant learning rate and then a linear "
      "decay to 0. The PatchGAN depth follows the image side: 1 layer (16 px patches) at 32 px, 2 at 64, the "
      "paper's 3 (70 px) from 128. Train on two folders, or on two Fashion-MNIST classes (sneaker and ankle boot); "
      "drop your own images on the translation panel.";
  f.paper = "J.-Y. Zhu, T. Park, P. Isola, A. A. Efros. Unpaired Image-to-Image Translation using Cycle-Consistent "
            "Adversarial Networks. ICCV 2017. arXiv:1703.10593";
  f.caps.streams = {{"A", "Domain A", "Images of the first domain", false, "fashion-mnist:Sneaker"},
                    {"B", "Domain B", "Images of the second domain (unpaired with A)", false, "fashion-mnist:Ankle boot"}};
  f.caps.series = {
      {"loss_d_a", "D_A loss", SeriesAxis::Loss, SeriesKind::PerStep, "Domain A's discriminator (least squares, halved)"},
      {"loss_d_b", "D_B loss", SeriesAxis::Loss, SeriesKind::PerStep, "Domain B's discriminator (least squares, halved)"},
      {"loss_g_ab", "Adversarial A\u2192B", SeriesAxis::Loss, SeriesKind::PerStep, "G_AB's loss against D_B"},
      {"loss_g_ba", "Adversarial B\u2192A", SeriesAxis::Loss, SeriesKind::PerStep, "G_BA's loss against D_A"},
      {"loss_cycle", "Cycle", SeriesAxis::Loss, SeriesKind::PerStep, "lambda (|F(G(a)) - a| + |G(F(b)) - b|), L1"},
      {"loss_identity", "Identity", SeriesAxis::Loss, SeriesKind::PerStep,
       "0.5 lambda (|G(b) - b| + |F(a) - a|), L1"},
      {"lr_factor", "Learning-rate factor", SeriesAxis::Fraction, SeriesKind::PerStep,
       "1 for the constant phase, then down to 0"}};
  const auto dir = command_line_only(choice_control(
      "direction", "Direction", "With input images (gan-explorer translate): AtoB or BtoA", {"AtoB", "BtoA"}, "AtoB"));
  f.caps.sample_options = {dir};
  f.caps.views = {translate_view()};
  f.caps.translations = {{"AtoB", "A", "B"}, {"BtoA", "B", "A"}};
  f.caps.noise_metrics = false;
  f.params = {
      {"lr", "Learning rate", "Adam step size of all four networks", ParamType::Float, 1e-6, 1.0, "2e-4", {}, true, /*resumable=*/true},
      {"beta1", "Adam beta1", "Momentum of the Adam optimizers (the paper: 0.5)", ParamType::Float, 0.0, 0.999, "0.5",
       {}, false, /*resumable=*/true},
      {"beta2", "Adam beta2", "Second-moment decay of the Adam optimizers", ParamType::Float, 0.0, 0.9999, "0.999", {},
       false, /*resumable=*/true},
      {"lambda_cycle", "Cycle weight lambda", "Weight of the cycle-consistency loss", ParamType::Float, 0, 1000, "10",
       {}, false, /*resumable=*/true},
      {"lambda_identity", "Identity weight", "Weight of the identity loss, as a fraction of lambda; 0 = off",
       ParamType::Float, 0, 10, "0.5", {}, false, /*resumable=*/true},
      {"pool_size", "History pool", "Generated images each discriminator keeps and learns from; 0 = none",
       ParamType::Int, 0, 1000, "50", {}, false},
      {"lr_constant_steps", "Constant-rate steps", "Steps at the full learning rate", ParamType::Int, 0, 1e9, "2000",
       {}, false},
      {"lr_decay_steps", "Decay steps",
       "Steps over which the learning rate then falls linearly to 0 (and stays there: cover the run with both)",
       ParamType::Int,
       0, 1e9, "2000", {}, false},
      {"resolution", "Resolution", "Side of the images; data are resized and centre-cropped to it", ParamType::Choice,
       0, 0, "32", {"16", "32", "64", "128", "256"}, false},
      {"ngf", "G width", "Generator channels after its first convolution (the paper: 64)", ParamType::Int, 4, 256, "32",
       {}, false},
      {"g_blocks", "G residual blocks", "Residual blocks at the generator's bottleneck (the paper: 6, or 9 at 256 px)",
       ParamType::Int, 1, 16, "6", {}, false},
      {"ndf", "D width", "Discriminator channels at its first layer (the paper: 64)", ParamType::Int, 4, 256, "32", {},
       false},
      {"d_layers", "PatchGAN layers",
       "Stride-2 layers of the discriminator: 1, 2, 3, 4 give 16, 34, 70, 142 px patches; auto: 3 from 128 px, one "
       "fewer per halving",
       ParamType::Choice, 0, 0, "auto", {"auto", "1", "2", "3", "4"}, false},
  };
  for (auto& p : shared_params(1)) f.params.push_back(p);
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  f.check = [](const ParamSet& p) {
    std::vector<std::string> errors;
    const std::string layers = p.text("d_layers");
    // Each stride-2 layer halves the side and the two stride-1 layers take 2 px off: at least 1 must be left.
    if (layers != "auto" && (p.integer("resolution") >> std::stoi(layers)) < 3)
      errors.push_back("a PatchGAN of " + layers + " layers needs images of at least " +
                       std::to_string(3 << std::stoi(layers)) + " px, not " + p.text("resolution"));
    return errors;
  };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<CycleGan>(info, s);
  };
  return f;
}

}  // namespace gan
