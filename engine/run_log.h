#pragma once
// The run's JSONL log: one JSON object per line, appended and flushed as it goes.
#include <fstream>
#include <string>

#include "engine/config.h"
#include "engine/trainer.h"

namespace gan {

class RunLog {
 public:
  RunLog() = default;
  void open(const std::string& path);  // appends; throws std::runtime_error when it cannot
  bool is_open() const { return out_.is_open(); }
  void start(const TrainConfig& config, long long step, const std::string& dataset);
  void step(const StepStats& s);
  void metric(const MetricPoint& p);  // {"event": "metric", ...the point, with its labels}
  void event(const std::string& name, long long step, const std::string& detail);

 private:
  void line(const nlohmann::json& j);
  std::ofstream out_;
};

}  // namespace gan
