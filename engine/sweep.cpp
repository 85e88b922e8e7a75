#include "engine/sweep.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace gan {

Sweep parse_sweep(const std::string& text, const FamilyInfo& info) {
  const auto& caps = info.caps;
  std::string list_text = text;
  std::string id = caps.truncation.option;
  const auto eq = text.find('=');
  if (eq != std::string::npos) {  // ID=V1,V2,...: another sample option
    id = text.substr(0, eq);
    list_text = text.substr(eq + 1);
  } else if (!caps.truncation) {
    throw std::invalid_argument(info.name + " has no truncation to sweep (sweep one of its sample options with "
                                "ID=V1,V2,...)");
  }
  const ControlSpec* spec = caps.find_sample_option(id);
  if (!spec) throw std::invalid_argument(info.name + " has no sample option '" + id + "' to sweep");
  Sweep s;
  s.option = spec->id;
  s.label = spec->label;
  s.optional = spec->kind == ControlKind::Slider && spec->optional;
  if (list_text == "default" || list_text.empty()) {
    if (s.option != caps.truncation.option)
      throw std::invalid_argument("only the truncation has default values: give " + id + "=V1,V2,...");
    s.values = caps.truncation.sweep;
  } else {
    std::stringstream list(list_text);
    for (std::string item; std::getline(list, item, ',');)
      if (!item.empty()) s.values.push_back(item);
  }
  if (s.values.size() < 2) throw std::invalid_argument("a sweep needs at least two values, comma-separated");
  for (const auto& v : s.values) {
    if (v == "off" && spec->kind == ControlKind::Slider) {
      if (!spec->optional) throw std::invalid_argument(spec->label + " cannot be switched off");
      continue;
    }
    const auto errors = check_values(caps.sample_options, Values{{s.option, v}});
    if (!errors.empty()) throw std::invalid_argument(errors.front());
  }
  return s;
}

Values sweep_values(const Sweep& sweep, const Values& base, const std::string& value) {
  Values v = base;
  if (value == "off" && sweep.optional) v.erase(sweep.option);
  else v.set(sweep.option, value);
  return v;
}

Samples sweep_samples(Snapshot& snapshot, const Sweep& sweep, const SampleRequest& base) {
  // A row per value; where the family lays out several rows of its own (a row per class), its rows for
  // each value, each labelled with the value and its own label.
  Samples out;
  out.columns = static_cast<int>(base.n);
  std::vector<torch::Tensor> rows;
  for (const auto& value : sweep.values) {
    SampleRequest r = base;
    r.options = sweep_values(sweep, base.options, value);
    Samples s = snapshot.sample(r);
    rows.push_back(s.images);
    const std::string label = sweep.label + " " + value;
    if (s.row_labels.size() <= 1) {  // none, or one for the whole set (one class)
      out.row_labels.push_back(label);
    } else {
      out.columns = s.columns;
      for (const auto& own : s.row_labels) out.row_labels.push_back(label + ": " + own);
    }
  }
  out.images = torch::cat(rows);
  out.note = "a row per " + sweep.label + " value, the same latents in each";
  return out;
}

std::vector<SweepPoint> sweep_metrics(Snapshot& snapshot, const Capabilities& caps, MetricEvaluator& evaluator,
                                      const Sweep& sweep, long long n, long long step,
                                      const std::function<void(const std::string&)>& progress,
                                      const std::function<void(const SweepPoint&)>& on_point) {
  std::vector<SweepPoint> out;
  for (const auto& value : sweep.values) {
    if (progress) progress(sweep.label + " " + value + ": " + std::to_string(n) + " samples");
    Samples fake = metric_samples(snapshot, caps, n, kMetricSeed, sweep_values(sweep, {}, value));
    out.push_back({value, evaluator.evaluate(fake, step)});
    if (on_point) on_point(out.back());
  }
  return out;
}

nlohmann::json to_json(const Sweep& sweep, const std::vector<SweepPoint>& points) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& p : points) {
    nlohmann::json j = to_json(p.point);
    j["value"] = p.value;
    arr.push_back(j);
  }
  return {{"option", sweep.option}, {"label", sweep.label}, {"points", arr}};
}

std::string describe(const Sweep& sweep, const std::vector<SweepPoint>& points) {
  std::ostringstream s;
  char line[160];
  std::snprintf(line, sizeof line, "%-18s %9s %9s %13s %8s\n", sweep.label.c_str(), "FID", "KID", "IS", "MS-SSIM");
  s << line;
  for (const auto& p : points) {
    const auto& m = p.point;
    std::snprintf(line, sizeof line, "%-18s %9.2f %9.4f %7.2f ± %-4.2f %8.3f\n", p.value.c_str(), m.fid, m.kid_mean,
                  m.is_mean, m.is_std, m.ms_ssim);
    s << line;
  }
  if (!points.empty()) {
    const auto& m = points.front().point;
    std::snprintf(line, sizeof line, "%.3f", m.ms_ssim_real);
    s << "MS-SSIM among the samples: higher is less varied (real images: " << line << ").\n";
    const std::string how = describe(m);
    const auto nl = how.find('\n');
    if (nl != std::string::npos) s << "Measured as:" << how.substr(nl);
  }
  return s.str();
}

}  // namespace gan
