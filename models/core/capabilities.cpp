#include "models/core/capabilities.h"

namespace gan {

const char* to_string(SeriesAxis a) {
  switch (a) {
    case SeriesAxis::Loss: return "loss";
    case SeriesAxis::Output: return "output";
    case SeriesAxis::Accuracy: return "accuracy";
    case SeriesAxis::Fraction: return "fraction";
  }
  return "loss";
}

const char* to_string(ControlKind k) {
  switch (k) {
    case ControlKind::Seed: return "seed";
    case ControlKind::Slider: return "slider";
    case ControlKind::Choice: return "choice";
    case ControlKind::Class: return "class";
    case ControlKind::Toggle: return "toggle";
    case ControlKind::Image: return "image";
    case ControlKind::LayerRange: return "layer-range";
  }
  return "slider";
}

const char* to_string(OutputKind k) {
  switch (k) {
    case OutputKind::Image: return "image";
    case OutputKind::Text: return "text";
    case OutputKind::Volume: return "volume";
  }
  return "image";
}

bool Capabilities::needs_labels() const {
  for (const auto& s : streams)
    if (s.needs_labels) return true;
  return false;
}

std::vector<std::string> Capabilities::classifiers() const {
  std::vector<std::string> out;
  for (const auto& s : series)
    if (s.kind == SeriesKind::Measured && s.axis == SeriesAxis::Accuracy) out.push_back(s.id);
  return out;
}

const SeriesSpec* Capabilities::find_series(const std::string& id) const {
  for (const auto& s : series)
    if (s.id == id) return &s;
  return nullptr;
}

const StreamSpec* Capabilities::find_stream(const std::string& name) const {
  for (const auto& s : streams)
    if (s.name == name) return &s;
  return nullptr;
}

const ControlSpec* Capabilities::find_sample_option(const std::string& id) const {
  for (const auto& c : sample_options)
    if (c.id == id) return &c;
  return nullptr;
}

const TranslationSpec* Capabilities::find_translation(const std::string& id) const {
  for (const auto& t : translations)
    if (t.id == id) return &t;
  return nullptr;
}

}  // namespace gan
