#include "engine/run_log.h"

#include <chrono>
#include <filesystem>
#include <stdexcept>

namespace gan {

static double unix_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void RunLog::open(const std::string& path) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  out_.open(path, std::ios::app);
  if (!out_) throw std::runtime_error("cannot write the log " + path);
}

void RunLog::line(const nlohmann::json& j) {
  if (!out_.is_open()) return;
  out_ << j.dump() << '\n';
  out_.flush();
}

void RunLog::start(const TrainConfig& config, long long step, const std::string& dataset) {
  line({{"event", "start"}, {"time", unix_time()}, {"step", step}, {"dataset", dataset}, {"config", to_json(config)}});
}

void RunLog::step(const StepStats& s) {
  nlohmann::json j = {{"step", s.step}, {"time", unix_time()}, {"step_ms", s.step_ms}};
  for (const auto& [k, v] : s.scalars) j[k] = v;
  line(j);
}

void RunLog::metric(const MetricPoint& p) {
  nlohmann::json j = to_json(p);
  j["event"] = "metric";
  j["time"] = unix_time();
  line(j);
}

void RunLog::event(const std::string& name, long long step, const std::string& detail) {
  line({{"event", name}, {"time", unix_time()}, {"step", step}, {"detail", detail}});
}

}  // namespace gan
