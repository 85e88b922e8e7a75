// SAGAN (Zhang et al., 2018): self-attention in G and D, spectral norm in both, hinge loss, TTUR; the
// attention panel shows where a position of G's feature map draws from, as the paper's Figure 1.
#include <cmath>

#include "models/core/image.h"
#include "models/core/random.h"
#include "models/families/image_gan.h"
#include "models/layers/blocks.h"

namespace gan {

namespace {

// The largest side the attention panel draws at (nearest-neighbour, so each feature-map cell is a square).
constexpr int kPanelSide = 256;

// C x H x W uint8 (1 or 3 channels) scaled up by whole pixels to side x side RGB, as float 0..255.
torch::Tensor rgb_scaled(const torch::Tensor& chw, int side) {
  auto x = chw.to(torch::kFloat).unsqueeze(0);
  if (x.size(1) == 1) x = x.repeat({1, 3, 1, 1});
  x = x.narrow(1, 0, 3);
  return torch::upsample_nearest2d(x, {side, side}).squeeze(0);
}

// A 2-pixel outline of the square [top, left, size] in colour rgb, on a 3 x S x S float image.
void outline(torch::Tensor& img, int top, int left, int size, const std::vector<float>& rgb) {
  const int s = static_cast<int>(img.size(1));
  for (int c = 0; c < 3; ++c) {
    auto ch = img[c];
    for (int t = 0; t < 2; ++t) {
      const int r0 = std::clamp(top + t, 0, s - 1), r1 = std::clamp(top + size - 1 - t, 0, s - 1);
      const int c0 = std::clamp(left + t, 0, s - 1), c1 = std::clamp(left + size - 1 - t, 0, s - 1);
      ch.select(0, r0).narrow(0, c0, c1 - c0 + 1).fill_(rgb[c]);
      ch.select(0, r1).narrow(0, c0, c1 - c0 + 1).fill_(rgb[c]);
      ch.select(1, c0).narrow(0, r0, r1 - r0 + 1).fill_(rgb[c]);
      ch.select(1, c1).narrow(0, r0, r1 - r0 + 1).fill_(rgb[c]);
    }
  }
}


// The latent explorer, and the attention panel on the same frozen generator.
class SaganSnapshot : public Snapshot {
 public:
  SaganSnapshot(std::shared_ptr<ImageGenerator> g, torch::Device device)
      : g_(std::move(g)), device_(device), latent_(latent_snapshot(g_, device, {})) {}

  Samples sample(const SampleRequest& r) override { return latent_->sample(r); }

  ExploreResult explore(const ExploreRequest& r) override {
    if (r.view != "attention") return latent_->explore(r);
    auto* g = dynamic_cast<DcganGeneratorImpl*>(g_.get());
    if (!g) throw std::logic_error("SAGAN's generator has no attention block");
    torch::NoGradGuard no_grad;
    double qx = 0.5, qy = 0.5;
    if (r.values.has("query") && !parse_point(r.values.text("query"), qx, qy))
      throw std::invalid_argument("the query position must be x,y with each from 0 to 1");
    auto z = latent_for_seed(r.values.integer("seed", 1), g->latent_dim(), 0).to(device_);
    auto map = g->attention(z).to(torch::kCPU);  // 1 x HW x HW
    if (!map.defined()) throw std::invalid_argument("this generator has no self-attention block");
    const int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(map.size(1)))));
    const int col = std::min(side - 1, static_cast<int>(qx * side)), row = std::min(side - 1, static_cast<int>(qy * side));
    auto weights = map[0][row * side + col].view({side, side});  // where position (row, col) draws from
    auto image = to_uint8(g->generate(z, {}).to(torch::kCPU))[0];
    const int scale = std::max(1, kPanelSide / g->resolution());
    const int shown = g->resolution() * scale, cell = shown / side;
    // The image with the query's cell outlined; the attention over it, scaled so that its largest weight
    // is white, blended with the image in grey.
    auto picture = rgb_scaled(image, shown);
    auto grey = picture.mean(0, true).repeat({3, 1, 1});
    const Image8 heat8 = heat_map(weights / weights.max());
    auto heat = torch::from_blob(const_cast<std::uint8_t*>(heat8.pixels.data()), {side, side, 3}, torch::kUInt8)
                    .permute({2, 0, 1}).clone();
    auto overlay = 0.35 * grey + 0.65 * rgb_scaled(heat, shown);
    const std::vector<float> cyan{0, 230, 255};
    outline(picture, row * cell, col * cell, cell, cyan);
    outline(overlay, row * cell, col * cell, cell, cyan);
    ExploreResult out;
    out.outputs = {image_output("image", picture / 127.5 - 1),  // 0..255 -> [-1, 1], as to_image8 takes
                   image_output("attention", overlay / 127.5 - 1)};
    // How much the block adds (gamma), and how spread its attention is: exp(entropy) is the number of
    // positions that uniform attention would spread over.
    auto p = weights.flatten().clamp_min(1e-12);
    out.scalars.emplace_back("gamma", block_gamma());
    out.scalars.emplace_back("positions attended", std::exp(-(p * p.log()).sum().item<double>()));
    out.scalars.emplace_back("of", static_cast<double>(side * side));
    out.scalars.emplace_back("largest weight", weights.max().item<double>());
    return out;
  }

 private:
  double block_gamma() const {
    for (const auto& m : g_->modules(false))
      if (auto* block = dynamic_cast<SelfAttentionImpl*>(m.get())) return block->gamma.item<double>();
    return 0;
  }

  std::shared_ptr<ImageGenerator> g_;
  torch::Device device_;
  std::shared_ptr<Snapshot> latent_;
};

class Sagan : public ImageGan {
 public:
  Sagan(const FamilyInfo& info, const FamilySetup& s)
      : ImageGan(info, s, conv_nets(s, spectral_critic), hinge_loss(), adam_or_sgd(s.params)) {}
  std::shared_ptr<Snapshot> snapshot() const override {
    return std::make_shared<SaganSnapshot>(generator_copy(), device());
  }
};

ViewSpec attention_view() {
  ViewSpec v;
  v.id = "attention";
  v.title = "Attention";
  v.help = "Where one position of G's attention layer draws from (the paper's Figure 1): click the image to "
           "choose the position";
  v.controls = {seed_control("seed", "Seed", "The latent whose image is shown", 1),
                point_control("query", "Query position",
                              "The position of the attention layer's feature map whose attention is shown (x, y from "
                              "the top left); click the image to set it",
                              0.5, 0.5)};
  v.outputs = {{"image", "Image", OutputKind::Image, "G(z), the query position's cell outlined"},
               {"attention", "Attention of the query", OutputKind::Image,
                "The weights over every position of the feature map (white: the largest), over the image in grey"}};
  return v;
}

}  // namespace

FamilyInfo sagan_family_info() {
  FamilyInfo f = image_family_info(
      "sagan", "SAGAN",
      "Self-attention GAN: a self-attention block in both networks lets each position of a feature map draw on "
      "every other, so distant parts of an image can agree. The block's output is gamma * attention + input with "
      "gamma starting at 0: the networks start convolutional and learn how much to attend. Spectral norm on every "
      "layer of both networks, the hinge loss, and two time-scale learning rates (D 4e-4, G 1e-4, Adam beta = "
      "(0, 0.9)). Here on DCGAN-shaped networks; the block sits on the feature map of the chosen side in G and D. "
      "The Attention panel shows where a chosen position of G's block draws from.",
      "H. Zhang, I. Goodfellow, D. Metaxas, A. Odena. Self-Attention Generative Adversarial Networks. ICML 2019. "
      "arXiv:1805.08318",
      score_series(), /*conditional=*/false, /*uses_classes=*/false);
  f.caps.views.push_back(attention_view());
  f.params = adam_params("1e-4", "4e-4", "0", "0.9", "Momentum of both Adam optimizers (the paper uses 0)");
  f.params.push_back(d_steps_param("1"));
  f.params.push_back({"attention_res", "Attention at", "Side of the feature map the self-attention block works on, "
                      "in G and D (at most half the image side)", ParamType::Choice, 0, 0, "16", {"4", "8", "16", "32"},
                      false});
  f.params.push_back({"g_spectral", "Spectral norm in G", "SAGAN normalises the generator's layers too", ParamType::Choice,
                      0, 0, "on", {"on", "off"}, false});
  f.check = [](const ParamSet& p) {
    std::vector<std::string> errors;
    if (p.integer("attention_res") > p.integer("resolution") / 2)
      errors.push_back("the attention resolution (" + p.text("attention_res") +
                       ") must be at most half the image resolution (" + p.text("resolution") + ")");
    return errors;
  };
  finish_conv_params(f, {});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<Sagan>(info, s);
  };
  return f;
}

}  // namespace gan
