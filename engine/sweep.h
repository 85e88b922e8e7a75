#pragma once
// Fidelity against diversity: the same samples drawn at several values of a family's truncation option
// (Capabilities::truncation), as a grid with a row per value, or measured (FID, KID, IS, and the MS-SSIM
// among samples, higher when they are less varied) at each value. The CLI's `sample --sweep` and
// `metrics --sweep` are these.
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "engine/metric_eval.h"

namespace gan {

struct Sweep {
  std::string option;               // the truncation option's id
  std::string label;                // its control's label
  std::vector<std::string> values;  // as text; "off" switches an optional slider off
  bool optional = false;            // the option is an optional slider ("off": absent)
};

// "default" (the family's truncation sweep), "V1,V2,..." (values of its truncation option) or
// "ID=V1,V2,..." (of any sample option: `mix_layers=0:3,4:5`), checked against the option's control. Throws
// std::invalid_argument naming the family when it has no such option or a value is out of range.
Sweep parse_sweep(const std::string& text, const FamilyInfo& info);

// `base` with the sweep's option at `value` ("off": absent).
Values sweep_values(const Sweep& sweep, const Values& base, const std::string& value);

// base.n samples of base.seed once per value, one row each, labelled "label value".
Samples sweep_samples(Snapshot& snapshot, const Sweep& sweep, const SampleRequest& base);

struct SweepPoint {
  std::string value;
  MetricPoint point;
};
// n metric samples (the metrics' seed and class order) at each value, evaluated against the reference.
// `progress` says what comes next before each value (it may throw to stop), `on_point` gets each point
// as it is measured.
std::vector<SweepPoint> sweep_metrics(Snapshot& snapshot, const Capabilities& caps, MetricEvaluator& evaluator,
                                      const Sweep& sweep, long long n, long long step,
                                      const std::function<void(const std::string&)>& progress = {},
                                      const std::function<void(const SweepPoint&)>& on_point = {});
nlohmann::json to_json(const Sweep& sweep, const std::vector<SweepPoint>& points);
// A table: a row per value with FID, KID, IS and MS-SSIM, then how they were measured.
std::string describe(const Sweep& sweep, const std::vector<SweepPoint>& points);

}  // namespace gan
