#pragma once
// The registry of GAN families and their capabilities. The UI and the CLI are driven by this
// description: forms, enabled panels and listings come from here, never from family names.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/params.h"

namespace gan {

class Family;
struct FamilySetup;

enum class TruncationKind {
  None,            // the family has no truncation
  ResampleNormal,  // z ~ N(0, I); components beyond the threshold are resampled (BigGAN's trick)
};
const char* to_string(TruncationKind k);

struct Capabilities {
  long long latent_dim = 0;         // default latent size (the latent_dim hyper-parameter may change it)
  bool conditional = false;         // G takes a class (from the dataset's classes): explore per class
  // Classifiers the family trains, as the series their test accuracy is reported under ("acc_sgan", ...).
  std::vector<std::string> classifiers;
  TruncationKind truncation = TruncationKind::None;
  int progressive_stages = 0;       // 0 when the family does not grow
  std::vector<std::string> translation_domains;  // empty unless it translates images
  bool interpolation = true;        // latent interpolation makes sense
  std::vector<std::string> series;  // the scalars each step reports, in plot order
};

struct FamilyInfo {
  std::string id;       // "dcgan": what configs and `--model` use
  std::string name;     // "DCGAN"
  std::string summary;  // one paragraph for the picker
  std::string paper;    // reference
  Capabilities caps;
  std::vector<HyperParam> params;  // family hyper-parameters and the shared ones (batch, seed, device)
  std::function<std::unique_ptr<Family>(const FamilyInfo&, const FamilySetup&)> create;
  // The side of the images it makes with these (validated) params: the data are prepared at it.
  std::function<int(const ParamSet&)> resolution;
  // Checks across hyper-parameters that ranges cannot express (validated params); one message each.
  std::function<std::vector<std::string>(const ParamSet&)> check;
};

class Registry {
 public:
  // Every family this build has.
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
