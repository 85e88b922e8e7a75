#pragma once
// Exact resume, checked the same way for every family: a run straight through `total` steps against
// one stopped after `stop_at`, saved, read back and continued; every scalar of every later step must
// match bit for bit.
#include <QTemporaryDir>
#include <QtTest>

#include <vector>

#include "engine/trainer.h"

namespace testutil {

// Returns the straight run's scalars, one entry per step, for further checks; the checkpoint at
// `stop_at` is written to `path` (left for the caller to open).
inline std::vector<gan::Scalars> check_exact_resume(const gan::Registry& registry, const gan::TrainConfig& config,
                                                    const gan::StreamDatasets& data, int stop_at, int total,
                                                    const std::string& path) {
  gan::Trainer straight(registry, config, data);
  std::vector<gan::Scalars> expected;
  for (int i = 0; i < total; ++i) expected.push_back(straight.step().scalars);
  gan::Trainer first(registry, config, data);
  for (int i = 0; i < stop_at; ++i) first.step();
  first.save_checkpoint(path);
  gan::Trainer resumed(gan::read_checkpoint(path, registry), data);
  for (int i = stop_at; i < total; ++i) {
    const auto s = resumed.step().scalars;
    const auto& want = expected[size_t(i)];
    if (s.size() != want.size()) {
      QTest::qFail("a resumed step reports other scalars", __FILE__, __LINE__);
      return expected;
    }
    for (size_t k = 0; k < s.size(); ++k)
      if (s[k].first != want[k].first || s[k].second != want[k].second) {
        QTest::qFail(qPrintable(QString("step %1, %2: %3 resumed, %4 straight")
                                    .arg(i + 1)
                                    .arg(QString::fromStdString(s[k].first))
                                    .arg(s[k].second, 0, 'g', 17)
                                    .arg(want[k].second, 0, 'g', 17)),
                     __FILE__, __LINE__);
        return expected;
      }
  }
  return expected;
}

}  // namespace testutil
