#include "models/registry.h"

#include <stdexcept>

#include "models/conv_gan.h"
#include "models/dcgan.h"
#include "models/gan_mlp.h"

namespace gan {

const char* to_string(TruncationKind k) {
  switch (k) {
    case TruncationKind::None: return "none";
    case TruncationKind::ResampleNormal: return "resample-normal";
  }
  return "none";
}

std::vector<HyperParam> shared_params(int default_batch) {
  return {
      {"batch", "Batch size", "Images per step, real and generated each", ParamType::Int, 1, 4096,
       std::to_string(default_batch), {}, false},
      {"seed", "Seed", "Seeds weights, noise and data order: the same seed gives the same run", ParamType::Int, 0,
       2147483647.0, "1", {}, false},
      {"device", "Device", "Where training runs; cuda needs a CUDA build of LibTorch", ParamType::Choice, 0, 0, "cpu",
       {"cpu", "cuda"}, false},
  };
}

Registry Registry::builtin() {
  Registry r;
  r.add(dcgan_family_info());  // first: the default
  r.add(gan_family_info());
  r.add(lsgan_family_info());
  r.add(wgan_family_info());
  r.add(wgan_gp_family_info());
  r.add(sngan_family_info());
  r.add(sagan_family_info());
  r.add(cgan_family_info());
  r.add(cgan_conv_family_info());
  r.add(acgan_family_info());
  r.add(sgan_family_info());
  return r;
}

void Registry::add(FamilyInfo info) {
  if (find(info.id)) throw std::logic_error("family registered twice: " + info.id);
  families_.push_back(std::move(info));
}

const FamilyInfo* Registry::find(const std::string& id) const {
  for (const auto& f : families_)
    if (f.id == id) return &f;
  return nullptr;
}

const FamilyInfo& Registry::at(const std::string& id) const {
  if (const auto* f = find(id)) return *f;
  std::string known;
  for (const auto& f : families_) known += (known.empty() ? "" : ", ") + f.id;
  throw std::invalid_argument("unknown model '" + id + "' (known: " + known + ")");
}

}  // namespace gan
