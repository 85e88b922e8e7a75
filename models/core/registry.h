#pragma once
// The registry of GAN families: each one's description, capabilities and hyper-parameters. The UI
// and the CLI are driven by this description (forms, panels, plots, listings), never by family names.
// No LibTorch here.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/core/capabilities.h"
#include "models/core/params.h"

namespace gan {

class Family;
struct FamilySetup;

struct FamilyInfo {
  std::string id;       // "dcgan": what configs and `--model` use
  std::string name;     // "DCGAN"
  std::string summary;  // one paragraph for the picker
  std::string paper;    // reference
  Capabilities caps;
  std::vector<HyperParam> params;  // family hyper-parameters and the shared ones (batch, seed, device)
  std::function<std::unique_ptr<Family>(const FamilyInfo&, const FamilySetup&)> create;
  // The side of the images it works at with these (validated) params: the data are prepared at it.
  std::function<int(const ParamSet&)> resolution;
  // Checks across hyper-parameters that ranges cannot express (validated params); one message each.
  std::function<std::vector<std::string>(const ParamSet&)> check;
};

class Registry {
 public:
  // Every family this build has (models/families/builtin.cpp).
  static Registry builtin();

  void add(FamilyInfo info);
  const std::vector<FamilyInfo>& families() const { return families_; }
  const FamilyInfo* find(const std::string& id) const;
  // find() that throws std::invalid_argument with the known ids listed.
  const FamilyInfo& at(const std::string& id) const;

 private:
  std::vector<FamilyInfo> families_;
};

// The hyper-parameters every family shares: batch size, seed, device.
std::vector<HyperParam> shared_params(int default_batch);

}  // namespace gan
