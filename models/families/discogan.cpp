// DiscoGAN (Kim, Cha, Kim, Lee & Kim, 2017): two generators, G_AB and G_BA, each made to fool the
// other domain's discriminator, and a reconstruction loss in both directions (G_BA(G_AB(a)) should be
// a, G_AB(G_BA(b)) should be b). Unlike CycleGAN: the standard GAN loss, an encoder-decoder generator
// with batch norm, a whole-image discriminator, no identity loss and no history of generated images.
#include <stdexcept>

#include "models/core/family.h"
#include "models/core/random.h"
#include "models/families/translation.h"
#include "models/layers/init.h"
#include "models/layers/state.h"
#include "models/losses/adversarial.h"
#include "models/networks/discogan.h"

namespace gan {
namespace {

constexpr int kPreview = 8;  // images of each domain in the training view

class DiscoGan : public Family {
 public:
  DiscoGan(const FamilyInfo& info, const FamilySetup& s)
      : Family(info),
        setup_(s),
        resolution_(static_cast<int>(s.params.integer("resolution"))),
        g_ab_net_(s.image_channels, static_cast<int>(s.params.integer("ngf")), resolution_),
        g_ba_net_(s.image_channels, static_cast<int>(s.params.integer("ngf")), resolution_),
        d_a_net_(s.image_channels, static_cast<int>(s.params.integer("ndf")), resolution_),
        d_b_net_(s.image_channels, static_cast<int>(s.params.integer("ndf")), resolution_),
        g_ab_("G_AB", g_ab_net_.ptr()),
        g_ba_("G_BA", g_ba_net_.ptr()),
        d_a_("D_A", d_a_net_.ptr()),
        d_b_("D_B", d_b_net_.ptr()),
        lambda_rec_(s.params.number("lambda_rec")),
        distance_(s.params.text("distance")),
        authors_(s.params.text("recipe") == "authors"),
        curriculum_(s.params.integer("curriculum_steps")),
        batch_(s.params.integer("batch")) {
    if (s.image_channels < 1 || s.image_channels > 3) throw std::invalid_argument("DiscoGAN needs 1 to 3 channels");
    torch::Generator init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
    const auto options = torch::optim::AdamOptions(s.params.number("lr"))
                             .betas(std::make_tuple(s.params.number("beta1"), s.params.number("beta2")))
                             .weight_decay(s.params.number("weight_decay"));
    for (Player* p : {&g_ab_, &g_ba_, &d_a_, &d_b_}) {
      dcgan_init(p->net(), init);
      p->to(s.device);
      p->set_optimizer(std::make_unique<torch::optim::Adam>(p->net().parameters(), options));
      add_player(*p);
    }
  }

  void attach_data(const std::map<std::string, StreamData>& data) override {
    const auto seed = static_cast<unsigned long long>(setup_.params.integer("seed"));
    preview_a_ = pick_previews(data, "A", kPreview, seed + 101, "DiscoGAN");
    preview_b_ = pick_previews(data, "B", kPreview, seed + 202, "DiscoGAN");
  }

  Scalars train_step(Streams& streams, torch::Generator&) override {
    for (Player* p : {&g_ab_, &g_ba_, &d_a_, &d_b_}) p->net().train();
    auto real_a = streams.next("A", batch_).images;
    auto real_b = streams.next("B", batch_).images;
    Scalars out = authors_ ? authors_step(real_a, real_b) : paper_step(real_a, real_b);
    ++steps_;
    return out;
  }

  // The paper's objective: L_G = L_GAN_B + L_CONST_A + L_GAN_A + L_CONST_B (reconstructions weighted by
  // lambda), then each D on its domain's real images against this step's translations into it.
  // Both translations of a batch, and both reconstructions with their distances (L_CONST_A, L_CONST_B).
  struct Cycles {
    torch::Tensor ab, ba, rec_a, rec_b;
  };
  Cycles cycles(const torch::Tensor& real_a, const torch::Tensor& real_b) {
    Cycles c;
    c.ab = g_ab_net_->forward(real_a);
    auto aba = g_ba_net_->forward(c.ab);  // this order: batch norm's running statistics follow it
    c.ba = g_ba_net_->forward(real_b);
    auto bab = g_ab_net_->forward(c.ba);
    c.rec_a = reconstruction_loss(real_a, aba, distance_);
    c.rec_b = reconstruction_loss(real_b, bab, distance_);
    return c;
  }

  Scalars paper_step(const torch::Tensor& real_a, const torch::Tensor& real_b) {
    auto [ab, ba, rec_a, rec_b] = cycles(real_a, real_b);
    g_ab_.zero_grad();
    g_ba_.zero_grad();
    set_requires_grad({d_a_net_.get(), d_b_net_.get()}, false);
    auto gan_b = non_saturating_g(d_b_net_->forward(ab));  // L_GAN_B: G_AB's images as B
    auto gan_a = non_saturating_g(d_a_net_->forward(ba));
    (gan_b + gan_a + lambda_rec_ * (rec_a + rec_b)).backward();
    g_ab_.step();
    g_ba_.step();
    set_requires_grad({d_a_net_.get(), d_b_net_.get()}, true);
    d_a_.zero_grad();
    d_b_.zero_grad();
    auto loss_d_a = log_loss_d(d_a_net_->forward(real_a), d_a_net_->forward(ba.detach()));
    auto loss_d_b = log_loss_d(d_b_net_->forward(real_b), d_b_net_->forward(ab.detach()));
    (loss_d_a + loss_d_b).backward();
    d_a_.step();
    d_b_.step();
    return scalars(loss_d_a, loss_d_b, gan_b, gan_a, rec_a, rec_b);
  }

  // The authors' code (SKTBrain/DiscoGAN): each generator's adversarial term is 0.1 of the GAN loss and
  // 0.9 of feature matching on D's normalised layers (the squared difference of the batch means);
  // G's loss is (1 - rate) of those and `rate` of the reconstructions, rate 0.01 for the first
  // curriculum steps and 0.5 after; D (half-weighted log losses) steps every third step, G the others.
  Scalars authors_step(const torch::Tensor& real_a, const torch::Tensor& real_b) {
    const double rate = steps_ < curriculum_ ? 0.01 : 0.5;
    const bool d_turn = steps_ % 3 == 0;
    auto [ab, ba, rec_a, rec_b] = cycles(real_a, real_b);
    set_requires_grad({d_a_net_.get(), d_b_net_.get()}, d_turn);
    auto [ra, ra_f] = d_a_net_->forward_features(real_a);
    auto [fa, fa_f] = d_a_net_->forward_features(d_turn ? ba.detach() : ba);
    auto [rb, rb_f] = d_b_net_->forward_features(real_b);
    auto [fb, fb_f] = d_b_net_->forward_features(d_turn ? ab.detach() : ab);
    auto loss_d_a = 0.5 * log_loss_d(ra, fa), loss_d_b = 0.5 * log_loss_d(rb, fb);
    auto matching = [](const std::vector<torch::Tensor>& real, const std::vector<torch::Tensor>& fake) {
      torch::Tensor sum = torch::zeros({}, real.front().options());
      for (size_t i = 0; i < real.size(); ++i) sum = sum + (real[i].mean(0).detach() - fake[i].mean(0)).pow(2).mean();
      return sum;
    };
    auto gen_b = 0.1 * non_saturating_g(fb) + 0.9 * matching(rb_f, fb_f);  // G_AB's, against D_B
    auto gen_a = 0.1 * non_saturating_g(fa) + 0.9 * matching(ra_f, fa_f);
    if (d_turn) {
      d_a_.zero_grad();
      d_b_.zero_grad();
      (loss_d_a + loss_d_b).backward();
      d_a_.step();
      d_b_.step();
    } else {
      g_ab_.zero_grad();
      g_ba_.zero_grad();
      ((gen_a + gen_b) * (1 - rate) + (rec_a + rec_b) * rate).backward();
      g_ab_.step();
      g_ba_.step();
    }
    set_requires_grad({d_a_net_.get(), d_b_net_.get()}, true);
    return scalars(loss_d_a, loss_d_b, gen_b, gen_a, rec_a, rec_b);
  }

  static Scalars scalars(const torch::Tensor& d_a, const torch::Tensor& d_b, const torch::Tensor& g_ab,
                         const torch::Tensor& g_ba, const torch::Tensor& rec_a, const torch::Tensor& rec_b) {
    return {{"loss_d_a", d_a.item<double>()},  {"loss_d_b", d_b.item<double>()},
            {"loss_g_ab", g_ab.item<double>()}, {"loss_g_ba", g_ba.item<double>()},
            {"loss_rec_a", rec_a.item<double>()}, {"loss_rec_b", rec_b.item<double>()}};
  }

  std::shared_ptr<Snapshot> snapshot() const override {
    return translation_snapshot_of<DiscoGenerator>(g_ab_net_, g_ba_net_, [this] { return DiscoGenerator(setup_.image_channels, static_cast<int>(setup_.params.integer("ngf")), resolution_); }, setup_.device, preview_a_, preview_b_,
                                       resolution_, setup_.image_channels);
  }

  int resolution() const override { return resolution_; }
  int image_channels() const override { return setup_.image_channels; }

 protected:
  void save_state(torch::serialize::OutputArchive& a) const override {
    a.write("discogan_steps", torch::tensor(static_cast<int64_t>(steps_)));
    save_previews(a, preview_a_, preview_b_);
  }
  void load_state(torch::serialize::InputArchive& a) override {
    torch::Tensor steps;
    a.read("discogan_steps", steps);
    steps_ = steps.item<int64_t>();
    load_previews(a, preview_a_, preview_b_);
  }

 private:

  FamilySetup setup_;
  int resolution_;
  DiscoGenerator g_ab_net_, g_ba_net_;
  DiscoDiscriminator d_a_net_, d_b_net_;  // D_A judges domain A, D_B domain B
  Player g_ab_, g_ba_, d_a_, d_b_;
  double lambda_rec_;
  std::string distance_;
  bool authors_;
  long long curriculum_;
  long long batch_;
  long long steps_ = 0;
  torch::Tensor preview_a_, preview_b_;  // kPreview fixed images of each domain, uint8 on the CPU
};

}  // namespace

FamilyInfo discogan_family_info() {
  FamilyInfo f;
  f.id = "discogan";
  f.name = "DiscoGAN";
  f.summary =
      "Learning cross-domain relations without pairs. G_AB maps domain A to B and G_BA back; D_B tells real B images "
      "from G_AB's, D_A real A images from G_BA's, with the standard GAN loss. Each generator's loss adds the "
      "reconstruction distance in its cycle (the mean squared error; cosine as an option), so that both "
      "translations are kept one-to-one. Encoder-decoder generators and whole-image discriminators with batch norm "
      "and leaky ReLU, Adam (2e-4, beta = (0.5, 0.999)) with the authors' weight decay (1e-5); no identity loss and "
      "no history of generated images (CycleGAN's additions). Defaults: two typefaces of the built-in glyphs, so the "
      "right answer is known. Measured here: with the paper's equal weights one direction collapses within 1000 "
      "steps on the glyphs; a reconstruction weight of 10, or the authors' recipe, keeps the variety.";
  f.paper = "T. Kim, M. Cha, H. Kim, J. K. Lee, J. Kim. Learning to Discover Cross-Domain Relations with Generative "
            "Adversarial Networks. ICML 2017. arXiv:1703.05192";
  f.caps.streams = {{"A", "Domain A", "Images of the first domain", false, "glyphs:DejaVu Sans"},
                    {"B", "Domain B", "Images of the second domain (unpaired with A)", false, "glyphs:DejaVu Serif"}};
  f.caps.series = {
      {"loss_d_a", "D_A loss", SeriesAxis::Loss, SeriesKind::PerStep, "Domain A's discriminator (log loss)"},
      {"loss_d_b", "D_B loss", SeriesAxis::Loss, SeriesKind::PerStep, "Domain B's discriminator (log loss)"},
      {"loss_g_ab", "Adversarial A\u2192B", SeriesAxis::Loss, SeriesKind::PerStep,
       "L_GAN_B: G_AB's non-saturating loss against D_B (the authors' recipe: 0.1 of it with 0.9 of feature matching)"},
      {"loss_g_ba", "Adversarial B\u2192A", SeriesAxis::Loss, SeriesKind::PerStep,
       "L_GAN_A: G_BA's non-saturating loss against D_A (the authors' recipe: 0.1 of it with 0.9 of feature matching)"},
      {"loss_rec_a", "Reconstruction A", SeriesAxis::Loss, SeriesKind::PerStep,
       "L_CONST_A = d(G_BA(G_AB(a)), a), before the weight"},
      {"loss_rec_b", "Reconstruction B", SeriesAxis::Loss, SeriesKind::PerStep,
       "L_CONST_B = d(G_AB(G_BA(b)), b), before the weight"}};
  f.caps.views = {translate_view()};
  f.caps.translations = translation_directions();
  f.caps.translate_options = {translate_direction_option()};
  f.caps.noise_metrics = false;
  f.caps.truncation.why_none = translation_why_no_truncation();
  f.params = translation_adam_params();
  f.params.insert(f.params.end(), {
      {"weight_decay", "Weight decay", "L2 weight decay of the Adam optimizers (the authors' code: 1e-5)",
       ParamType::Float, 0.0, 1.0, "1e-5", {}, false, /*resumable=*/true},
      {"lambda_rec", "Reconstruction weight", "Weight of each reconstruction distance in G's loss (the paper: 1)",
       ParamType::Float, 0, 1000, "1", {}, false, /*resumable=*/true},
      {"distance", "Reconstruction distance",
       "d(x, x'): the mean squared error (the authors' code), or the cosine distance of the pixels",
       ParamType::Choice, 0, 0, "mse", {"mse", "cosine"}, false},
      {"recipe", "Recipe",
       "paper: the GAN loss plus the reconstruction distance, both networks every step; authors: the authors' "
       "code, feature matching (0.9) with the GAN loss (0.1), reconstruction weighted 0.01 during a curriculum and "
       "0.5 after, D every third step",
       ParamType::Choice, 0, 0, "paper", {"paper", "authors"}, false},
      {"curriculum_steps", "Curriculum steps",
       "With the authors' recipe: steps at reconstruction weight 0.01 before 0.5 (their code: 10000)", ParamType::Int,
       0, 1e9, "10000", {}, false, /*resumable=*/true},
      {"resolution", "Resolution", "Side of the images; data are resized and centre-cropped to it (the paper: 64)",
       ParamType::Choice, 0, 0, "32", {"16", "32", "64", "128"}, false},
      {"ngf", "G width", "Generator channels at its first layer, doubling down to 8x (the paper: 64)", ParamType::Int,
       4, 256, "64", {}, false},
      {"ndf", "D width", "Discriminator channels at its first layer, doubling down to 8x (the paper: 64)",
       ParamType::Int, 4, 256, "64", {}, false},
  });
  for (auto& p : shared_params(64)) f.params.push_back(p);
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<DiscoGan>(info, s);
  };
  return f;
}

}  // namespace gan
