#include "models/core/family.h"

#include <stdexcept>

namespace gan {

Player* Family::player(const std::string& key) const {
  for (auto* p : players_)
    if (p->key() == key) return p;
  return nullptr;
}

long long Family::parameter_count() const {
  long long n = 0;
  for (const auto* p : players_) n += p->parameter_count();
  return n;
}

void Family::save(torch::serialize::OutputArchive& archive) const {
  for (const auto* p : players_) p->save(archive);
  save_state(archive);
}

void Family::load(torch::serialize::InputArchive& archive) {
  for (auto* p : players_) p->load(archive);
  load_state(archive);
}

std::unique_ptr<Family> create_family(const FamilyInfo& info, FamilySetup setup) {
  std::vector<std::string> errors;
  setup.params = setup.params.validated(info.params, errors, setup.revision);
  if (setup.revision < 1 || setup.revision > kModelRevision)
    errors.push_back("model revision " + std::to_string(setup.revision) + " is not one this build knows (1 to " +
                     std::to_string(kModelRevision) + ")");
  if (!errors.empty()) {
    std::string msg = "invalid settings for " + info.name + ":";
    for (const auto& e : errors) msg += "\n  - " + e;
    throw std::invalid_argument(msg);
  }
  if (setup.device.is_cuda() && !torch::cuda::is_available())
    throw std::invalid_argument("device 'cuda' was chosen, but this LibTorch build sees no CUDA device");
  return info.create(info, setup);
}

}  // namespace gan
