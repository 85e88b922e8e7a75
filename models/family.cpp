#include "models/family.h"

#include <stdexcept>

namespace gan {

std::unique_ptr<Family> create_family(const FamilyInfo& info, FamilySetup setup) {
  std::vector<std::string> errors;
  setup.params = setup.params.validated(info.params, errors);
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
