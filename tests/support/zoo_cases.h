#pragma once
// The zoo's reference runs: every family (and its techniques) for a few seeded steps on tiny networks,
// the runs tests/fixtures/zoo_losses.json was recorded from.
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/dataset.h"
#include "engine/trainer.h"
#include "models/core/registry.h"

namespace zootest {

constexpr long long kSteps = 20;
constexpr long long kCheckpointStep = 10;

struct ZooCase {
  std::string name;
  std::string model;
  std::map<std::string, std::string> params;  // beyond the tiny defaults
  bool accuracy = false;    // measure the family's classifiers every 10 steps on the training data
  bool checkpoint = false;  // a checkpoint at step 10 is kept as a fixture
};

const std::vector<ZooCase>& cases();
// The labelled 16 px data every case trains on.
std::shared_ptr<const gan::Dataset> data_for(const ZooCase& c);
// Runs the case: {"steps": [{scalar: value}...], "samples": fnv-1a of 16 metric samples as 8-bit}.
// `revision`: the families' behaviour revision the run is created with (models/core/params.h).
nlohmann::json run_case(const gan::Registry& registry, const ZooCase& c, const std::string& tmp,
                        int revision = gan::kModelRevision);
// The case's trainer, ready for its first step.
std::unique_ptr<gan::Trainer> make_trainer(const gan::Registry& registry, const ZooCase& c, const std::string& tmp,
                                           int revision = gan::kModelRevision);

}  // namespace zootest
