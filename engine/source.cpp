#include "engine/source.h"

#include <stdexcept>

#include "models/families/image_gan.h"
#include "models/networks/scripted.h"

namespace gan {

std::string generator_file_problem(const GeneratorFile& g) {
  if (g.path.empty()) return "no TorchScript file given";
  if (g.latent_dim < 1 || g.latent_dim > 100000) return "the latent size must be from 1 to 100000";
  if (g.classes < 0 || g.classes == 1 || g.classes > 100000) return "the classes must be 0 (none) or from 2 to 100000";
  return {};
}

FamilyInfo torchscript_family_info(bool conditional) {
  return image_family_info("torchscript", "TorchScript generator",
                           "A generator trained elsewhere, opened from a TorchScript file", "", {}, conditional,
                           conditional);
}

std::shared_ptr<Snapshot> Source::snapshot() const {
  return checkpoint ? checkpoint->family->snapshot() : latent_snapshot(generator, torch::kCPU, class_names);
}

int Source::resolution() const { return checkpoint ? checkpoint->family->resolution() : generator->resolution(); }

int Source::channels() const { return checkpoint ? checkpoint->family->image_channels() : generator->channels(); }

long long Source::parameters() const {
  if (checkpoint) return checkpoint->family->parameter_count();
  if (const auto* scripted = dynamic_cast<const ScriptedGeneratorImpl*>(generator.get()))
    return scripted->parameter_count();
  long long n = 0;
  for (const auto& p : generator->parameters()) n += p.numel();
  return n;
}

std::string Source::at() const { return checkpoint ? " at step " + std::to_string(step) : ""; }

Source open_checkpoint_source(const std::string& path, const Registry& registry) {
  Source s;
  s.checkpoint = std::make_unique<Checkpoint>(read_checkpoint(path, registry));
  s.info = s.checkpoint->family->info();
  s.name = s.checkpoint->config.model;
  s.step = s.checkpoint->step;
  s.class_names = s.checkpoint->config.class_names;
  return s;
}

Source open_generator_source(const GeneratorFile& g) {
  const std::string problem = generator_file_problem(g);
  if (!problem.empty()) throw std::invalid_argument(problem);
  Source s;
  s.generator = std::make_shared<ScriptedGeneratorImpl>(g.path, g.latent_dim, g.classes);
  s.info = torchscript_family_info(g.classes > 0);
  s.name = g.path;
  for (int c = 0; c < g.classes; ++c) s.class_names.push_back("Class " + std::to_string(c));
  return s;
}

}  // namespace gan
