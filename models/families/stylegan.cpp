// StyleGAN (Karras, Laine & Aila, 2019), scaled to small images: a mapping network from z to w, a
// synthesis network from a learned constant with AdaIN (or StyleGAN2's modulated convolutions) and noise
// inputs at every layer, style-mixing regularisation, R1 on D, the non-saturating logistic loss, and the
// tracked mean w_avg. Samples take truncation in W (psi, applied to the layers before `cutoff`), style
// mixing from a second seed, and noise on, off or re-seeded; the panels interpolate in Z or W and mix the
// coarse, middle and fine layers of two seeds.
#include <cmath>

#include "models/core/image.h"
#include "models/core/random.h"
#include "models/families/image_gan.h"
#include "models/networks/stylegan.h"

namespace gan {

namespace {

constexpr int kMaxLayers = 10;  // at 64 px

StyleGanOptions stylegan_options(const FamilySetup& s) {
  StyleGanOptions o;
  o.latent_dim = s.params.integer("latent_dim");
  o.w_dim = s.params.integer("w_dim");
  o.mapping_layers = static_cast<int>(s.params.integer("mapping_layers"));
  o.resolution = static_cast<int>(s.params.integer("resolution"));
  o.channels = s.image_channels;
  o.ngf = static_cast<int>(s.params.integer("ngf"));
  o.ndf = static_cast<int>(s.params.integer("ndf"));
  o.demodulate = s.params.text("modulation") == "demod";
  o.mixing_prob = s.params.number("mixing");
  o.seed = static_cast<unsigned long long>(s.params.integer("seed"));
  return o;
}

ImageGanNets stylegan_nets(const FamilySetup& s) {
  const StyleGanOptions o = stylegan_options(s);
  StyleGanGenerator g(o);
  StyleGanCritic d(o);
  torch::Generator init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
  stylegan_init(*g, init);
  stylegan_init(*d, init);
  return {g.ptr(), d.ptr(), [o] { return std::make_shared<StyleGanGeneratorImpl>(o); },
          [o] { return std::make_shared<StyleGanCriticImpl>(o); }};
}

// What a request asks of the styles: truncation, mixing and noise.
struct StyleChoices {
  double psi = 1;
  int cutoff = kMaxLayers;
  bool noise = true;
  long long noise_seed = -1;  // -1: from the sample's seed
};

StyleChoices style_choices(const Values& v, int layers) {
  StyleChoices c;
  c.psi = v.number("psi", 1.0);
  if (c.psi < -1 || c.psi > 2) throw std::invalid_argument("psi must be from -1 to 2");
  c.cutoff = static_cast<int>(v.integer("cutoff", layers));
  if (c.cutoff < 0) throw std::invalid_argument("the truncation cutoff must be 0 or more");
  const std::string noise = v.text("noise", "on");
  if (noise != "on" && noise != "off") throw std::invalid_argument("noise must be on or off, not '" + noise + "'");
  c.noise = noise == "on";
  if (v.has("noise_seed")) c.noise_seed = v.integer("noise_seed", 0);
  return c;
}

// "lo:hi" within 0..layers-1.
std::pair<int, int> layer_range(const std::string& text, int layers) {
  const auto colon = text.find(':');
  double lo = 0, hi = 0;
  if (colon == std::string::npos || !parse_number(text.substr(0, colon), lo) ||
      !parse_number(text.substr(colon + 1), hi) || lo != std::floor(lo) || hi != std::floor(hi) || lo < 0 ||
      hi < lo || hi >= layers)
    throw std::invalid_argument("the mixed layers must be lo:hi with 0 <= lo <= hi <= " + std::to_string(layers - 1) +
                                ", not '" + text + "'");
  return {static_cast<int>(lo), static_cast<int>(hi)};
}

class StyleGanSnapshot : public Snapshot {
 public:
  StyleGanSnapshot(std::shared_ptr<StyleGanGeneratorImpl> g, torch::Device device) : g_(std::move(g)), device_(device) {}

  Samples sample(const SampleRequest& r) override {
    if (r.inputs.defined()) throw std::invalid_argument("this model generates from noise: it takes no input images");
    if (r.n < 1) throw std::invalid_argument("the number of samples must be at least 1");
    torch::NoGradGuard no_grad;
    const int L = g_->layers();
    const StyleChoices c = style_choices(r.options, L);
    const long long dim = g_->latent_dim();
    Samples out;
    if (r.options.has("to_seed")) {  // frames from seed's latent to to_seed's, in Z or in W
      InterpMode mode = InterpMode::Slerp;
      if (!parse_interp_mode(r.options.text("mode", "slerp"), mode))
        throw std::invalid_argument("the interpolation mode must be lerp or slerp");
      const std::string space = r.options.text("space", "z");
      std::vector<torch::Tensor> ws;
      for (long long i = 0; i < r.n; ++i) {
        const double t = r.n > 1 ? static_cast<double>(i) / static_cast<double>(r.n - 1) : 0.0;
        ws.push_back(path_style(r.seed, r.options.integer("to_seed", 0), t, mode, space));
      }
      out.images = to_uint8(render(torch::cat(ws), c, r.seed, /*same_noise=*/true));
      out.columns = static_cast<int>(r.n);
      return out;
    }
    std::pair<int, int> mix{-1, -1};
    const bool mixing = r.options.has("mix_seed");
    if (mixing) mix = layer_range(r.options.text("mix_layers", default_mix(L)), L);
    torch::Generator gen = make_cpu_generator(static_cast<unsigned long long>(r.seed));
    torch::Generator gen_b = make_cpu_generator(static_cast<unsigned long long>(r.options.integer("mix_seed", 0)));
    torch::Generator noise = noise_generator(c, r.seed);
    constexpr long long kBatch = 250;
    std::vector<torch::Tensor> parts;
    for (long long i = 0; i < r.n; i += kBatch) {
      const long long b = std::min(kBatch, r.n - i);
      auto ws = styles(truncated_normal({b, dim}, 0, gen));
      if (mixing) ws = mix_styles(ws, styles(truncated_normal({b, dim}, 0, gen_b)), mix.first, mix.second);
      parts.push_back(to_uint8(synthesize(ws, c, noise)));
    }
    out.images = torch::cat(parts);
    out.columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(r.n))));
    if (c.psi != 1) out.note = "truncation in W: psi " + format_number(c.psi) + " on layers 0-" +
                               std::to_string(std::min(c.cutoff, L) - 1);
    return out;
  }

  ExploreResult explore(const ExploreRequest& r) override {
    torch::NoGradGuard no_grad;
    const auto& v = r.values;
    const int L = g_->layers();
    const StyleChoices c = style_choices(v, L);
    ExploreResult out;
    auto add_image = [&](const char* id, const torch::Tensor& images) { out.outputs.push_back(image_output(id, images[0])); };
    if (r.view == "latent") {
      InterpMode mode = InterpMode::Slerp;
      if (!parse_interp_mode(v.text("mode", "slerp"), mode))
        throw std::invalid_argument("the interpolation mode must be lerp or slerp");
      const double t = v.number("t", 0.0);
      auto ws = path_style(v.integer("seed_a", 1), v.integer("seed_b", 2), t, mode, v.text("space", "z"));
      add_image("image", render(ws, c, 1, true));
      out.scalars.emplace_back("|w - w_avg|", (ws.select(1, 0)[0] - g_->w_avg).norm().item<double>());
      return out;
    }
    if (r.view == "mixing") {
      auto wa = styles(latent_for_seed(v.integer("seed", 1), g_->latent_dim(), 0));
      auto wb = styles(latent_for_seed(v.integer("mix_seed", 2), g_->latent_dim(), 0));
      const LayerBands bands = stylegan_bands(g_->options.resolution);
      auto mixed = wa;
      int taken = 0;
      auto take = [&](const char* id, int lo, int hi) {
        if (v.text(id, "off") != "on" || hi < lo) return;
        mixed = mix_styles(mixed, wb, lo, hi);
        taken += hi - lo + 1;
      };
      take("coarse", bands.coarse_lo, bands.coarse_hi);
      take("middle", bands.middle_lo, bands.middle_hi);
      take("fine", bands.fine_lo, bands.fine_hi);
      add_image("a", render(wa, c, 1, true));
      add_image("b", render(wb, c, 1, true));
      add_image("mixed", render(mixed, c, 1, true));
      out.scalars.emplace_back("layers from B", static_cast<double>(taken));
      out.scalars.emplace_back("of", static_cast<double>(L));
      return out;
    }
    throw std::invalid_argument("no explore panel '" + r.view + "'");
  }

 private:
  static std::string default_mix(int layers) { return "0:" + std::to_string(std::min(3, layers - 1)); }

  // w broadcast to every layer for latents z.
  torch::Tensor styles(const torch::Tensor& z) {
    auto w = g_->map(z.to(device_));
    return w.unsqueeze(1).expand({w.size(0), g_->layers(), -1}).contiguous();
  }

  // The styles at t on the way from seed a's latent to seed b's: in Z (mode) and mapped, or between
  // their w (in W a line: the mode applies to Z only).
  torch::Tensor path_style(long long a, long long b, double t, InterpMode mode, const std::string& space) {
    if (t < 0 || t > 1) throw std::invalid_argument("t must be from 0 to 1");
    const long long dim = g_->latent_dim();
    auto za = latent_for_seed(a, dim, 0), zb = latent_for_seed(b, dim, 0);
    if (space == "z") return styles(interpolate(za, zb, t, mode));
    if (space == "w") {
      auto wa = styles(za), wb = styles(zb);
      return wa + t * (wb - wa);
    }
    throw std::invalid_argument("the interpolation space must be z or w, not '" + space + "'");
  }

  torch::Generator noise_generator(const StyleChoices& c, long long seed) const {
    const long long s = c.noise_seed >= 0 ? c.noise_seed : seed;
    return make_cpu_generator(static_cast<unsigned long long>(s) * 2654435761ull + 97);
  }

  torch::Tensor synthesize(torch::Tensor ws, const StyleChoices& c, torch::Generator& noise) {
    ws = truncate_styles(ws, g_->w_avg, c.psi, c.cutoff);
    auto n = g_->draw_noise(ws.size(0), noise);  // drawn either way, so that "off" leaves the next draws alone
    return g_->synthesize(ws, c.noise ? n : std::vector<torch::Tensor>{}).to(torch::kCPU);
  }

  // Renders styles with noise from the noise seed (or `seed`); with same_noise every row gets the noise
  // of one sample, so that frames of a path differ only by their styles.
  torch::Tensor render(const torch::Tensor& ws, const StyleChoices& c, long long seed, bool same_noise) {
    torch::Generator noise = noise_generator(c, seed);
    if (!same_noise) return synthesize(ws, c, noise);
    auto t = truncate_styles(ws, g_->w_avg, c.psi, c.cutoff);
    auto one = g_->draw_noise(1, noise);
    std::vector<torch::Tensor> n;
    for (auto& x : one) n.push_back(x.expand({ws.size(0), -1, -1, -1}));
    return g_->synthesize(t, c.noise ? n : std::vector<torch::Tensor>{}).to(torch::kCPU);
  }

  std::shared_ptr<StyleGanGeneratorImpl> g_;
  torch::Device device_;
};

class StyleGan : public ImageGan {
 public:
  StyleGan(const FamilyInfo& info, const FamilySetup& s)
      : ImageGan(info, s, stylegan_nets(s), log_loss(/*minimax=*/false), adam(s.params)),
        gamma_(s.params.number("r1_gamma")) {}

  std::shared_ptr<Snapshot> snapshot() const override {
    auto g = std::dynamic_pointer_cast<StyleGanGeneratorImpl>(generator_copy());
    if (!g) throw std::logic_error("StyleGAN's generator copy is another network");
    return std::make_shared<StyleGanSnapshot>(g, device());
  }

 protected:
  // R1 (Mescheder et al. 2018): gamma / 2 * E ||grad_x D(x)||^2 on real images.
  torch::Tensor add_d_terms(torch::Tensor loss_d, DStep& step) override {
    last_r1_ = 0;
    if (gamma_ <= 0) return loss_d;
    auto x = step.real.images.detach().requires_grad_(true);
    auto score = discriminator().judge(x, step.real.labels).score;
    auto grad = torch::autograd::grad({score.sum()}, {x}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
    auto r1 = 0.5 * gamma_ * grad.pow(2).sum({1, 2, 3}).mean();
    last_r1_ = r1.item<double>();
    return loss_d + r1;
  }
  void report(Scalars& out) override { out.emplace_back("r1", last_r1_); }

 private:
  double gamma_;
  double last_r1_ = 0;
};

ControlSpec psi_control() {
  return slider_control("psi", "Truncation psi",
                        "Truncation in W: w' = w_avg + psi (w - w_avg) on the layers before the cutoff. 1: none; 0: "
                        "every sample is the average image",
                        0.0, 1.5, 1.0, 2);
}

ControlSpec cutoff_control() {
  auto c = slider_control("cutoff", "Truncation cutoff",
                          "Truncation applies to the style layers before this one (8 at 32 px: all of them; fewer: "
                          "the coarse layers only, as the paper's Figure 8)",
                          1, kMaxLayers, 8, 0);
  return c;
}

ControlSpec noise_control() {
  return choice_control("noise", "Noise", "The per-pixel noise inputs: on, or off (zeros) to see what they add",
                        {"on", "off"}, "on");
}

std::vector<ControlSpec> stylegan_sample_options() {
  return {psi_control(), cutoff_control(), noise_control(),
          command_line_only(seed_control("noise_seed", "Noise seed",
                                         "Re-seeds the noise inputs (the sample seed's noise otherwise)", 1)),
          command_line_only(seed_control("mix_seed", "Mix seed",
                                         "Style mixing: the layers in mix-layers take the w of this seed's latents", 2)),
          command_line_only([] {
            ControlSpec c;
            c.id = "mix_layers";
            c.label = "Mixed layers";
            c.help = "The style layers lo:hi (inclusive) that come from the mix seed; 0:3 are the coarse layers at "
                     "32 px";
            c.kind = ControlKind::LayerRange;
            c.min = 0;
            c.max = kMaxLayers - 1;
            c.default_value = "0:3";
            return c;
          }()),
          command_line_only(seed_control("to_seed", "Interpolate to seed",
                                         "Frames from the latent of the seed to the latent of this one", 2)),
          command_line_only(choice_control("mode", "Interpolation", "slerp or lerp, in Z", {"slerp", "lerp"}, "slerp")),
          command_line_only(choice_control("space", "Interpolation space",
                                           "z: between the latents, then mapped; w: along the line between their w",
                                           {"z", "w"}, "z"))};
}

ViewSpec stylegan_latent_view() {
  ViewSpec v;
  v.id = "latent";
  v.title = "Latent explorer";
  v.help = "The image between two seeds' latents, in Z or in W, with truncation in W and the noise held";
  v.controls = {seed_control("seed_a", "Seed A", "The latent at t = 0", 1),
                seed_control("seed_b", "Seed B", "The latent at t = 1", 2),
                slider_control("t", "t", "Position between A (0) and B (1)", 0, 1, 0, 3),
                choice_control("space", "Space", "z: between the latents, then mapped; w: along the line between their w",
                               {"z", "w"}, "z"),
                choice_control("mode", "Path in Z", "slerp: along the great circle; lerp: along the line",
                               {"slerp", "lerp"}, "slerp"),
                psi_control(),
                cutoff_control(),
                noise_control(),
                seed_control("noise_seed", "Noise seed", "The noise inputs' draw", 1)};
  v.outputs = {{"image", "Image", OutputKind::Image, "G at the point between A and B"}};
  return v;
}

ViewSpec mixing_view() {
  ViewSpec v;
  v.id = "mixing";
  v.title = "Style mixing";
  v.help = "Seed A's styles with the coarse (4-8 px), middle (16 px) or fine (32 px and up) layers taken from seed B, "
           "as the paper's Figure 3";
  v.controls = {seed_control("seed", "Seed A", "The source of the styles not taken from B", 1),
                seed_control("mix_seed", "Seed B", "The source of the chosen layers' styles", 2),
                toggle_control("coarse", "Coarse from B", "Layers at 4 and 8 px: pose, shape", true),
                toggle_control("middle", "Middle from B", "Layers at 16 px: features", false),
                toggle_control("fine", "Fine from B", "Layers at 32 px and up: colour, texture", false),
                psi_control(),
                cutoff_control(),
                noise_control(),
                seed_control("noise_seed", "Noise seed", "The noise inputs' draw (the same for all three images)", 1)};
  v.outputs = {{"a", "A", OutputKind::Image, "Seed A's image"},
               {"b", "B", OutputKind::Image, "Seed B's image"},
               {"mixed", "Mixed", OutputKind::Image, "A with the chosen layers' styles from B"}};
  return v;
}

}  // namespace

FamilyInfo stylegan_family_info() {
  auto series = log_loss_series();
  series.push_back({"r1", "R1 penalty", SeriesAxis::Loss, SeriesKind::PerStep,
                    "gamma/2 E||grad D(x)||^2 on real images, part of D's loss"});
  FamilyInfo f = image_family_info(
      "stylegan", "StyleGAN",
      "A style-based generator: a mapping network turns z into an intermediate latent w, and the synthesis network "
      "starts from a learned constant and takes w at every layer through AdaIN (or StyleGAN2's modulated "
      "convolutions), with per-pixel noise for stochastic detail. Style mixing while training keeps the layers' "
      "styles separable; R1 on D, the non-saturating loss, Adam (2e-3, beta = (0, 0.99)), equalised learning rates. "
      "The truncation trick works in W: w' = w_avg + psi (w - w_avg). The Style mixing panel takes the coarse, middle "
      "or fine layers from a second seed.",
      "T. Karras, S. Laine, T. Aila. A Style-Based Generator Architecture for Generative Adversarial Networks. CVPR "
      "2019. arXiv:1812.04948",
      series, /*conditional=*/false, /*uses_classes=*/false);
  f.caps.sample_options = stylegan_sample_options();
  f.caps.views = {stylegan_latent_view(), mixing_view()};
  f.caps.truncation = {"psi", {"1", "0.8", "0.6", "0.4", "0.2", "0"}, {"cutoff"}, {}};
  f.params = adam_params("2e-3", "2e-3", "0", "0.99", "Momentum of both Adam optimizers (the paper uses 0)");
  f.params.push_back(d_steps_param("1"));
  f.params.push_back({"ema", "EMA of G",
                      "Decay of the moving average of G's weights that samples and metrics use; 0 = off", ParamType::Float,
                      0.0, 0.99999, "0.999", {}, false});
  f.params.push_back({"r1_gamma", "R1 gamma",
                      "Weight of the R1 penalty on D's gradient at real images (StyleGAN2's CIFAR-10 setting: 0.01); "
                      "0 = off",
                      ParamType::Float, 0.0, 100.0, "0.01", {}, false, /*resumable=*/true});
  f.params.push_back({"mixing", "Style mixing", "Share of training samples whose layers from a random crossover on "
                      "take a second latent's w (the paper's 0.9); 0 = off",
                      ParamType::Float, 0.0, 1.0, "0.9", {}, false});
  f.params.push_back({"modulation", "Modulation",
                      "adain: instance norm, then each channel scaled and shifted by w (StyleGAN); demod: the "
                      "convolution's weights scaled by w and renormalised (StyleGAN2)",
                      ParamType::Choice, 0, 0, "adain", {"adain", "demod"}, false});
  f.params.push_back({"latent_dim", "Latent size", "Dimension of z ~ N(0, I)", ParamType::Int, 2, 1024, "128", {}, false});
  f.params.push_back({"w_dim", "W size", "Dimension of the intermediate latent w", ParamType::Int, 2, 1024, "128", {}, false});
  f.params.push_back({"mapping_layers", "Mapping layers", "Fully connected layers from z to w (the paper's 8)",
                      ParamType::Int, 1, 16, "8", {}, false});
  f.params.push_back({"resolution", "Resolution", "Side of generated images; data are resized to it",
                      ParamType::Choice, 0, 0, "32", {"16", "32", "64"}, false});
  f.params.push_back({"ngf", "G width", "G's width unit: 8x at 4 and 8 px, halving with each doubling after",
                      ParamType::Int, 2, 256, "16", {}, false});
  f.params.push_back({"ndf", "D width", "D's width unit, as G's", ParamType::Int, 2, 256, "16", {}, false});
  for (auto& p : shared_params(64)) f.params.push_back(p);
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<StyleGan>(info, s);
  };
  return f;
}

}  // namespace gan
