#pragma once
// Hyper-parameter descriptions (what the UI and CLI generate their forms from) and the values a run uses.
#include <map>
#include <string>
#include <vector>

namespace gan {

enum class ParamType { Int, Float, Choice };

// The revision of the families' behaviour a run was created with. A checkpoint keeps its revision, so
// that a run continues exactly as it was trained; new runs get the current one.
//   1: the first families.
//   2: the fixes of a review against the papers: biases in the discriminators without batch norm
//      (SNGAN, SAGAN, WGAN-GP), spectral norm on minibatch discrimination's tensor in a spectral critic,
//      WGAN-GP's layer norm with per-channel scale and shift, dropout in cGAN's generator, power steps
//      of spectral norm at initialisation, and G's step on fresh noise (the param g_noise, "reuse" before).
//   3: the perceptrons' dropout (GAN's D, cGAN's G and D) draws its masks from the networks' own seeded
//      streams, saved with them; before, from LibTorch's global generator, so those runs neither repeated
//      from their seed nor resumed exactly.
constexpr int kModelRevision = 3;

struct HyperParam {
  std::string name;   // key used in configs and on the command line (--name value)
  std::string label;  // short label for forms
  std::string help;   // one line
  ParamType type = ParamType::Float;
  double min = 0.0;
  double max = 0.0;
  std::string default_value;         // as text, e.g. "2e-4", "64", "cpu"
  std::vector<std::string> choices;  // for ParamType::Choice
  bool log_scale = false;            // forms use a log-spaced editor (learning rates)
  // May change when a run resumes (learning rates, optimizer moments, loss weights): it shapes neither
  // the networks nor the data. Everything else is refused on resume.
  bool resumable = false;
  // For parameters added after the first revision: the revision that added it, and the value that
  // behaves as runs of earlier revisions did (what an older checkpoint's config means without it).
  int since_revision = 1;
  std::string legacy_value;
};

// Values by name, as text. Validated against the specs with ParamSet::validated().
class ParamSet {
 public:
  ParamSet() = default;
  explicit ParamSet(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  void set(const std::string& name, const std::string& value) { values_[name] = value; }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::string& text(const std::string& name) const;
  double number(const std::string& name) const;
  long long integer(const std::string& name) const;
  const std::map<std::string, std::string>& values() const { return values_; }

  // Fills in defaults (for a run of an earlier `revision`, the legacy value of a parameter added since)
  // and checks every value against its spec. Unknown names and out-of-range or malformed values give one
  // message each; the returned set is valid only when `errors` is empty.
  ParamSet validated(const std::vector<HyperParam>& specs, std::vector<std::string>& errors,
                     int revision = kModelRevision) const;

  bool operator==(const ParamSet& o) const { return values_ == o.values_; }

 private:
  std::map<std::string, std::string> values_;
};

// Parses a number the way the CLI and forms accept it ("2e-4", "64"); false when it is not one.
bool parse_number(const std::string& text, double& out);
// Shortest text that parses back to the same double.
std::string format_number(double v);

}  // namespace gan
