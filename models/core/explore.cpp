#include "models/core/explore.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "models/core/params.h"

namespace gan {

std::string Values::text(const std::string& id, const std::string& fallback) const {
  auto it = text_.find(id);
  return it == text_.end() ? fallback : it->second;
}

double Values::number(const std::string& id, double fallback) const {
  auto it = text_.find(id);
  if (it == text_.end()) return fallback;
  double v = 0;
  if (!parse_number(it->second, v)) throw std::invalid_argument(id + " must be a number, not '" + it->second + "'");
  return v;
}

long long Values::integer(const std::string& id, long long fallback) const {
  const double v = number(id, static_cast<double>(fallback));
  if (v != std::floor(v)) throw std::invalid_argument(id + " must be a whole number, not '" + text(id) + "'");
  return static_cast<long long>(v);
}

const std::vector<Image8>& Values::images(const std::string& id) const {
  static const std::vector<Image8> none;
  auto it = images_.find(id);
  return it == images_.end() ? none : it->second;
}

bool parse_point(const std::string& text, double& x, double& y) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) return false;
  if (!parse_number(text.substr(0, comma), x) || !parse_number(text.substr(comma + 1), y)) return false;
  return x >= 0 && x <= 1 && y >= 0 && y <= 1;
}

std::string format_point(double x, double y) { return format_number(x) + "," + format_number(y); }

std::vector<std::string> check_values(const std::vector<ControlSpec>& specs, const Values& values) {
  std::vector<std::string> errors;
  for (const auto& [id, value] : values.texts()) {
    const ControlSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.id == id) spec = &s;
    if (!spec) {
      errors.push_back("unknown option '" + id + "'");
      continue;
    }
    double v = 0;
    switch (spec->kind) {
      case ControlKind::Seed:
        if (!parse_number(value, v) || v != std::floor(v) || v < 0 || v > 2147483647.0)
          errors.push_back(spec->label + " (" + id + ") must be a whole number from 0 to 2147483647, not '" + value + "'");
        break;
      case ControlKind::Slider:
        if (!parse_number(value, v) || ((v < spec->min || v > spec->max) && !(spec->optional && v == 0)))
          errors.push_back(spec->label + " (" + id + ") must be a number from " + format_number(spec->min) +
                           " to " + format_number(spec->max) + ", not '" + value + "'");
        break;
      case ControlKind::Choice: {
        bool ok = false;
        std::string list;
        for (const auto& c : spec->choices) {
          ok = ok || c == value;
          list += (list.empty() ? "" : ", ") + c;
        }
        if (!ok) errors.push_back(spec->label + " (" + id + ") must be one of " + list + ", not '" + value + "'");
        break;
      }
      case ControlKind::Toggle:
        if (value != "on" && value != "off") errors.push_back(spec->label + " (" + id + ") must be on or off");
        break;
      case ControlKind::Point: {
        double x = 0, y = 0;
        if (!parse_point(value, x, y))
          errors.push_back(spec->label + " (" + id + ") must be x,y with each from 0 to 1, not '" + value + "'");
        break;
      }
      case ControlKind::Class:
      case ControlKind::Attributes:
      case ControlKind::Image:
      case ControlKind::LayerRange:
        break;  // checked by the family, which knows its classes, attributes and layers
    }
  }
  return errors;
}

int find_class(const std::vector<std::string>& names, const std::string& name) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  for (size_t k = 0; k < names.size(); ++k)
    if (lower(names[k]) == lower(name)) return static_cast<int>(k);
  // A number, short enough not to overflow.
  if (!name.empty() && name.size() < 10 && std::all_of(name.begin(), name.end(), ::isdigit) &&
      std::stoll(name) < static_cast<long long>(names.size()))
    return static_cast<int>(std::stoll(name));
  return -1;
}

}  // namespace gan
