#include "models/core/registry.h"

#include <stdexcept>

namespace gan {

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

void Registry::add(FamilyInfo info) {
  if (find(info.id)) throw std::logic_error("family registered twice: " + info.id);
  for (const auto& name : info.caps.classifiers())
    if (!info.caps.find_series(name)) throw std::logic_error(info.id + ": classifier series " + name + " undeclared");
  const TruncationSpec& t = info.caps.truncation;  // the GUI's Truncation box shows it, or why there is none
  if (!t && t.why_none.empty()) throw std::logic_error(info.id + ": no truncation option and no reason why");
  if (t)
    for (const auto& id : t.with)
      if (!info.caps.find_sample_option(id)) throw std::logic_error(info.id + ": truncation's option " + id + " undeclared");
  if (t && !info.caps.find_sample_option(t.option))
    throw std::logic_error(info.id + ": truncation option " + t.option + " undeclared");
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
