#include "models/core/capabilities.h"

#include "models/core/explore.h"

#include <cstdio>

namespace gan {

const char* to_string(SeriesAxis a) {
  switch (a) {
    case SeriesAxis::Loss: return "loss";
    case SeriesAxis::Output: return "output";
    case SeriesAxis::Accuracy: return "accuracy";
    case SeriesAxis::Fraction: return "fraction";
    case SeriesAxis::Stage: return "stage";
    case SeriesAxis::Progress: return "progress";
    case SeriesAxis::Share: return "share";
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
    case ControlKind::Point: return "point";
    case ControlKind::Attributes: return "attributes";
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

static ControlSpec control(std::string id, std::string label, std::string help, ControlKind kind) {
  ControlSpec c;
  c.id = std::move(id);
  c.label = std::move(label);
  c.help = std::move(help);
  c.kind = kind;
  return c;
}

ControlSpec seed_control(std::string id, std::string label, std::string help, long long default_seed) {
  ControlSpec c = control(std::move(id), std::move(label), std::move(help), ControlKind::Seed);
  c.default_value = std::to_string(default_seed);
  return c;
}

ControlSpec slider_control(std::string id, std::string label, std::string help, double min, double max,
                           double default_value, int decimals, bool optional) {
  ControlSpec c = control(std::move(id), std::move(label), std::move(help), ControlKind::Slider);
  c.min = min;
  c.max = max;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", default_value);
  c.default_value = buf;
  c.decimals = decimals;
  c.optional = optional;
  return c;
}

ControlSpec choice_control(std::string id, std::string label, std::string help, std::vector<std::string> choices,
                           std::string default_value, std::vector<std::string> choice_labels) {
  ControlSpec c = control(std::move(id), std::move(label), std::move(help), ControlKind::Choice);
  c.choices = std::move(choices);
  c.default_value = std::move(default_value);
  c.choice_labels = std::move(choice_labels);
  return c;
}

ControlSpec class_control(std::string id, std::string label, std::string help, bool all_option) {
  ControlSpec c = control(std::move(id), std::move(label), std::move(help), ControlKind::Class);
  c.all_option = all_option;
  c.default_value = all_option ? "all" : "0";
  return c;
}

ControlSpec image_control(std::string id, std::string label, std::string help) {
  return control(std::move(id), std::move(label), std::move(help), ControlKind::Image);
}

ControlSpec toggle_control(std::string id, std::string label, std::string help, bool on) {
  ControlSpec c = control(std::move(id), std::move(label), std::move(help), ControlKind::Toggle);
  c.default_value = on ? "on" : "off";
  return c;
}

ControlSpec point_control(std::string id, std::string label, std::string help, double x, double y) {
  ControlSpec c = control(std::move(id), std::move(label), std::move(help), ControlKind::Point);
  c.default_value = format_point(x, y);
  return c;
}

ControlSpec attributes_control(std::string id, std::string label, std::string help) {
  return control(std::move(id), std::move(label), std::move(help), ControlKind::Attributes);
}

ControlSpec command_line_only(ControlSpec c) {
  c.on_grid = false;
  return c;
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

bool Capabilities::has_measures() const {
  for (const auto& s : series)
    if (s.kind == SeriesKind::Measured && s.axis != SeriesAxis::Accuracy) return true;
  return false;
}

const SeriesSpec* Capabilities::find_series(const std::string& id) const {
  for (const auto& s : series)
    if (s.id == id) return &s;
  return nullptr;
}

const SeriesSpec* Capabilities::first_on(SeriesAxis axis) const {
  for (const auto& s : series)
    if (s.axis == axis) return &s;
  return nullptr;
}

bool Capabilities::has_schedule() const { return first_on(SeriesAxis::Fraction) || first_on(SeriesAxis::Stage); }

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

const ControlSpec* Capabilities::find_translate_option(const std::string& id) const {
  for (const auto& c : translate_options)
    if (c.id == id) return &c;
  return nullptr;
}

const TranslationSpec* Capabilities::find_translation(const std::string& id) const {
  for (const auto& t : translations)
    if (t.id == id) return &t;
  return nullptr;
}

}  // namespace gan
