#pragma once
// What the two-domain translation families (CycleGAN, DiscoGAN) share: a snapshot that translates a
// fixed preview batch of each domain (the training view) and any images given (the translation panel,
// `gan-explorer translate`), the panel's declaration, and the choice of preview images.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "models/core/capabilities.h"
#include "models/core/family.h"
#include "models/layers/state.h"

namespace gan {

// The two directions, evaluated without gradients on the snapshot's own copies of the generators.
struct Translators {
  std::function<torch::Tensor(const torch::Tensor&)> ab, ba;
};

// Rows A, A->B, A->B->A, B, B->A, B->A->B of the previews; the translation panel ("translate"): each
// image, its translation, its reconstruction and a heat map of the cycle error; with inputs, their
// translations in the direction asked for.
std::shared_ptr<Snapshot> make_translation_snapshot(Translators t, torch::Device device, torch::Tensor preview_a,
                                                    torch::Tensor preview_b, int resolution, int channels);

// The snapshot of two trained generators: fresh copies (from `make`) given their state, in eval mode.
template <class Net>
std::shared_ptr<Snapshot> translation_snapshot_of(const Net& ab_net, const Net& ba_net, const std::function<Net()>& make,
                                                  torch::Device device, torch::Tensor preview_a, torch::Tensor preview_b,
                                                  int resolution, int channels) {
  Net ab = make(), ba = make();
  for (auto [src, dst] : {std::pair{ab_net, ab}, std::pair{ba_net, ba}}) {
    dst->to(device);
    copy_module_state(*src, *dst);
    dst->eval();
  }
  Translators t{[ab](const torch::Tensor& x) mutable { return ab->forward(x); },
                [ba](const torch::Tensor& x) mutable { return ba->forward(x); }};
  return make_translation_snapshot(std::move(t), device, preview_a, preview_b, resolution, channels);
}

// The preview batches in a checkpoint ("preview_A", "preview_B"; empty when there were none yet).
void save_previews(torch::serialize::OutputArchive& a, const torch::Tensor& preview_a, const torch::Tensor& preview_b);
void load_previews(torch::serialize::InputArchive& a, torch::Tensor& preview_a, torch::Tensor& preview_b);

// `count` images of stream `name` picked by a seeded permutation (uint8, on the CPU). Throws when the
// stream is missing.
torch::Tensor pick_previews(const std::map<std::string, StreamData>& data, const std::string& name, int count,
                            unsigned long long seed, const std::string& family_name);

// The learning rate and Adam's betas (beta1 0.5, the papers') of a translation family's networks
// (resumable): `lr` its default, `networks` what they apply to ("all four networks", "G and D").
std::vector<HyperParam> translation_adam_params(const std::string& lr = "2e-4",
                                                const std::string& networks = "all four networks");

// The images of an Image control as N x C x R x R uint8, each resized and centre-cropped as the model
// expects; undefined when there are none.
torch::Tensor panel_images(const Values& values, const std::string& id, int resolution, int channels);

// The translation panel, its direction option for the command line, and the two directions.
ViewSpec translate_view();
// Why a translation family has no truncation (the greyed Truncation box says so).
std::string translation_why_no_truncation();
ControlSpec translate_direction_option();  // gan-explorer translate --direction, the folder dialog
std::vector<TranslationSpec> translation_directions();

}  // namespace gan
