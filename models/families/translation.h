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

// `count` images of stream `name` picked by a seeded permutation (uint8, on the CPU). Throws when the
// stream is missing.
torch::Tensor pick_previews(const std::map<std::string, StreamData>& data, const std::string& name, int count,
                            unsigned long long seed, const std::string& family_name);

// The translation panel, its direction option for the command line, and the two directions.
ViewSpec translate_view();
ControlSpec translate_direction_option();
std::vector<TranslationSpec> translation_directions();

}  // namespace gan
