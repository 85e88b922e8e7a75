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
#include "models/families/translation.h"
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

// A -> B -> A or B -> A -> B on a training batch.
struct Cycle {
  torch::Tensor output, reconstruction;
};

Cycle run_cycle(ResnetGenerator& ab, ResnetGenerator& ba, const torch::Tensor& x, bool a_to_b) {
  Cycle c;
  c.output = a_to_b ? ab->forward(x) : ba->forward(x);
  c.reconstruction = a_to_b ? ba->forward(c.output) : ab->forward(c.output);
  return c;
}

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
    const auto seed = static_cast<unsigned long long>(setup_.params.integer("seed"));
    preview_a_ = pick_previews(data, "A", kPreview, seed + 101, "CycleGAN");
    preview_b_ = pick_previews(data, "B", kPreview, seed + 202, "CycleGAN");
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
    auto fwd = run_cycle(g_ab_net_, g_ba_net_, real_a, true);   // A -> B -> A
    auto bwd = run_cycle(g_ab_net_, g_ba_net_, real_b, false);  // B -> A -> B
    g_ab_.zero_grad();
    g_ba_.zero_grad();
    set_requires_grad({d_a_net_.get(), d_b_net_.get()}, false);
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
    set_requires_grad({d_a_net_.get(), d_b_net_.get()}, true);

    // Discriminators: real images of their domain against generated ones from the history pools.
    d_a_.zero_grad();
    d_b_.zero_grad();
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
    return translation_snapshot_of<ResnetGenerator>(g_ab_net_, g_ba_net_, [this] { return ResnetGenerator(generator_options(setup_)); }, setup_.device, preview_a_, preview_b_,
                                       resolution_, setup_.image_channels);
  }

  int resolution() const override { return resolution_; }
  int image_channels() const override { return setup_.image_channels; }

 protected:
  void save_state(torch::serialize::OutputArchive& a) const override {
    a.write("cyclegan_steps", torch::tensor(static_cast<int64_t>(steps_)));
    pool_a_.save(a, "pool_A");
    pool_b_.save(a, "pool_B");
    save_previews(a, preview_a_, preview_b_);
  }
  void load_state(torch::serialize::InputArchive& a) override {
    torch::Tensor steps;
    a.read("cyclegan_steps", steps);
    steps_ = steps.item<int64_t>();
    pool_a_.load(a, "pool_A", setup_.device);
    pool_b_.load(a, "pool_B", setup_.device);
    load_previews(a, preview_a_, preview_b_);
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
  f.caps.views = {translate_view()};
  f.caps.translations = translation_directions();
  f.caps.translate_options = {translate_direction_option()};
  f.caps.noise_metrics = false;
  f.caps.truncation.why_none = translation_why_no_truncation();
  f.params = translation_adam_params();
  f.params.insert(f.params.end(), {
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
  });
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
