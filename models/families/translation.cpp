#include "models/families/translation.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "models/core/image.h"
#include "models/core/random.h"

namespace gan {
namespace {

// Translations of N x C x R x R inputs in [-1, 1] and their cycle: A -> B -> A or B -> A -> B.
struct Cycle {
  torch::Tensor input, output, reconstruction;
};

Cycle run_cycle(Translators& t, const torch::Tensor& x, bool a_to_b) {
  Cycle c;
  c.input = x;
  c.output = a_to_b ? t.ab(x) : t.ba(x);
  c.reconstruction = a_to_b ? t.ba(c.output) : t.ab(c.output);
  return c;
}

class TranslationSnapshot : public Snapshot {
 public:
  TranslationSnapshot(Translators t, torch::Device device, torch::Tensor preview_a, torch::Tensor preview_b,
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
        parts.push_back(to_uint8(ab ? t_.ab(x) : t_.ba(x)));
      }
      out.images = torch::cat(parts);
      out.output_names = {ab ? "AtoB" : "BtoA"};
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
    ExploreResult out;
    const auto x8 = panel_images(r.values, "images", resolution_, channels_);
    if (!x8.defined()) return out;
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

}  // namespace

std::shared_ptr<Snapshot> make_translation_snapshot(Translators t, torch::Device device, torch::Tensor preview_a,
                                                    torch::Tensor preview_b, int resolution, int channels) {
  return std::make_shared<TranslationSnapshot>(std::move(t), device, preview_a, preview_b, resolution, channels);
}

void save_previews(torch::serialize::OutputArchive& a, const torch::Tensor& preview_a, const torch::Tensor& preview_b) {
  a.write("preview_A", preview_a.defined() ? preview_a : torch::empty({0}, torch::kUInt8));
  a.write("preview_B", preview_b.defined() ? preview_b : torch::empty({0}, torch::kUInt8));
}

void load_previews(torch::serialize::InputArchive& a, torch::Tensor& preview_a, torch::Tensor& preview_b) {
  a.read("preview_A", preview_a);
  a.read("preview_B", preview_b);
}

torch::Tensor pick_previews(const std::map<std::string, StreamData>& data, const std::string& name, int count,
                            unsigned long long seed, const std::string& family_name) {
  auto it = data.find(name);
  if (it == data.end()) throw std::invalid_argument(family_name + " needs the stream " + name);
  const auto& images = it->second.images;
  auto gen = make_cpu_generator(seed);
  auto order = torch::randperm(images.size(0), gen, torch::TensorOptions(torch::kLong));
  return images.index_select(0, order.narrow(0, 0, std::min<int64_t>(count, images.size(0)))).clone();
}

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

ControlSpec translate_direction_option() {
  return command_line_only(choice_control("direction", "Direction",
                                          "With input images (gan-explorer translate): AtoB or BtoA", {"AtoB", "BtoA"},
                                          "AtoB", {"A \u2192 B", "B \u2192 A"}));
}

std::string translation_why_no_truncation() {
  return "It translates the images it is given: no latent is drawn, so there is nothing to truncate";
}

std::vector<HyperParam> translation_adam_params(const std::string& lr, const std::string& networks) {
  return {
      {"lr", "Learning rate", "Adam step size of " + networks + " (the paper: " + lr + ")", ParamType::Float, 1e-6, 1.0,
       lr, {}, true, /*resumable=*/true},
      {"beta1", "Adam beta1", "Momentum of the Adam optimizers (the paper: 0.5)", ParamType::Float, 0.0, 0.999, "0.5",
       {}, false, /*resumable=*/true},
      {"beta2", "Adam beta2", "Second-moment decay of the Adam optimizers", ParamType::Float, 0.0, 0.9999, "0.999", {},
       false, /*resumable=*/true},
  };
}

torch::Tensor panel_images(const Values& values, const std::string& id, int resolution, int channels) {
  std::vector<torch::Tensor> inputs;
  for (const auto& im : values.images(id)) inputs.push_back(prepare_image(im, resolution, channels));
  return inputs.empty() ? torch::Tensor() : torch::stack(inputs);
}

std::vector<TranslationSpec> translation_directions() { return {{"AtoB", "A", "B"}, {"BtoA", "B", "A"}}; }

}  // namespace gan
