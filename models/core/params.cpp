#include "models/core/params.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace gan {

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end && *end == '\0' && std::isfinite(out);
}

std::string format_number(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

const std::string& ParamSet::text(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::invalid_argument("missing hyper-parameter '" + name + "'");
  return it->second;
}

double ParamSet::number(const std::string& name) const {
  double v = 0;
  if (!parse_number(text(name), v))
    throw std::invalid_argument("hyper-parameter '" + name + "' is not a number: " + text(name));
  return v;
}

long long ParamSet::integer(const std::string& name) const { return std::llround(number(name)); }

ParamSet ParamSet::validated(const std::vector<HyperParam>& specs, std::vector<std::string>& errors,
                             int revision) const {
  ParamSet out;
  for (const auto& [name, value] : values_) {
    bool known = false;
    for (const auto& s : specs) known = known || s.name == name;
    if (!known) errors.push_back("unknown hyper-parameter '" + name + "'");
  }
  for (const auto& s : specs) {
    auto it = values_.find(s.name);
    const bool legacy = revision < s.since_revision && !s.legacy_value.empty();
    const std::string value = it != values_.end() ? it->second : legacy ? s.legacy_value : s.default_value;
    if (s.type == ParamType::Choice) {
      bool ok = false;
      std::string list;
      for (const auto& c : s.choices) {
        ok = ok || c == value;
        list += (list.empty() ? "" : ", ") + c;
      }
      if (!ok) errors.push_back(s.label + " (" + s.name + ") must be one of " + list + ", not '" + value + "'");
      out.set(s.name, value);
      continue;
    }
    double v = 0;
    if (!parse_number(value, v)) {
      errors.push_back(s.label + " (" + s.name + ") must be a number, not '" + value + "'");
      continue;
    }
    if (s.type == ParamType::Int && v != std::floor(v)) {
      errors.push_back(s.label + " (" + s.name + ") must be a whole number, not " + value);
      continue;
    }
    if (v < s.min || v > s.max) {
      errors.push_back(s.label + " (" + s.name + ") must be between " + format_number(s.min) + " and " +
                       format_number(s.max) + ", not " + value);
      continue;
    }
    out.set(s.name, s.type == ParamType::Int ? std::to_string(std::llround(v)) : format_number(v));
  }
  return out;
}

}  // namespace gan
