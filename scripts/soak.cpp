// The soak test of issue "Never crash, never lie, never lose a run": the real main window trains for a
// long time with live metrics while the explorer's sliders are dragged, and it reports what a user would
// feel. Run it under xvfb-run (scripts/soak.sh).
//   gan-soak --minutes 60 --out soak.json [--model dcgan] [--param NAME=VALUE ...] [--metrics-every 100]
//            [--metrics-samples 500] [--shot soak.png]
// It measures:
//   - GUI stalls: a 5 ms timer's late firings (the event loop blocked), as the longest one and
//     percentiles, and how many exceeded 100 ms;
//   - every 30 s: resident memory (all, anonymous, file-backed), the heap in use, the threads;
//   - steps and loss-plot points;
//   - at the end, the loss plot's repaint time (median of 20 full replots) at the points it then holds.
#include <malloc.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <nlohmann/json.hpp>
#include <vector>

#include "app/main_window.h"
#include "ui/control_panel.h"
#include "ui/explore_panel.h"
#include "ui/hyperparam_form.h"
#include "ui/loss_plot.h"
#include "ui/metric_plot.h"
#include "ui/metric_settings.h"
#include "ui/model_picker.h"
#include "ui/training_controls.h"
#include <qcustomplot.h>

// Resident memory from /proc/self/status, in MiB: "VmRSS" (all), "RssAnon" (the heap, stacks and other
// private memory: what a leak grows) or "RssFile" (pages of the libraries and files mapped in, which grow
// as new code paths run for the first time).
static double status_mib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024.0;  // kB
  }
  return 0;
}

// Bytes malloc has handed out and not had back (arenas plus mmapped blocks): against RSS it tells a leak
// (both grow) from fragmentation (only RSS grows).
static double heap_in_use_mib() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd) / 1048576.0;
}

static double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QCommandLineParser p;
  p.addOptions({{"minutes", "how long to train", "n", "60"},
                {"out", "JSON file for the figures", "file", "soak.json"},
                {"shot", "a screenshot at the end", "file"},
                {"model", "family (a registry id)", "id", "dcgan"},
                {"param", "a hyper-parameter, NAME=VALUE", "p"},
                {"metrics-every", "live metrics every N steps", "n", "100"},
                {"metrics-samples", "generated images per evaluation", "n", "500"}});
  p.process(app);
  MainWindow w;
  w.resize(1440, 900);
  w.show();
  w.modelPicker()->setCurrentId(p.value("model"));
  gan::ParamSet params = w.form()->values();
  for (const QString& kv : p.values("param")) params.set(kv.section('=', 0, 0).toStdString(), kv.section('=', 1).toStdString());
  w.form()->setValues(params);
  w.controls()->setTotalSteps(100000000);
  w.metricSettings()->setValues(true, p.value("metrics-every").toInt(), p.value("metrics-samples").toInt(), QString());

  const qint64 run_ms = static_cast<qint64>(p.value("minutes").toDouble() * 60000);
  QElapsedTimer clock;
  std::vector<double> lateness;  // ms a 5 ms tick came late
  nlohmann::json samples = nlohmann::json::array();
  double longest = 0, longest_at = 0;
  int over_100 = 0, drags = 0;

  QTimer heartbeat;
  heartbeat.setTimerType(Qt::PreciseTimer);
  qint64 last = -1;
  QObject::connect(&heartbeat, &QTimer::timeout, [&] {
    const qint64 now = clock.nsecsElapsed();
    if (last >= 0) {
      const double late = std::max(0.0, (now - last) / 1e6 - 5.0);
      lateness.push_back(late);
      if (late > longest) longest = late, longest_at = now / 6e10;
      over_100 += late > 100;
    }
    last = now;
  });
  // Drags the explorer along t and the truncation threshold, as a hand would: a step every 50 ms.
  QTimer drag;
  QObject::connect(&drag, &QTimer::timeout, [&] {
    ++drags;
    const double phase = std::fmod(drags * 0.02, 2.0);
    const double t = phase < 1 ? phase : 2 - phase;
    for (auto* panel : w.explorePanels()) {
      panel->controls()->setValue("t", QString::number(t, 'f', 3));
      panel->controls()->setValue("truncation", QString::number(0.3 + 1.5 * t, 'f', 2));
    }
  });
  QTimer probe;
  auto record = [&] {
    samples.push_back({{"minute", clock.elapsed() / 60000.0},
                       {"rss_mib", status_mib("VmRSS")},
                       {"rss_anon_mib", status_mib("RssAnon")},
                       {"rss_file_mib", status_mib("RssFile")},
                       {"threads", std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                                                 std::filesystem::directory_iterator())},
                       {"heap_in_use_mib", heap_in_use_mib()},
                       {"loss_points", w.lossPlot()->pointCount("loss_d")},
                       {"metric_points", w.metricPlot()->sampleCount()}});
  };
  QObject::connect(&probe, &QTimer::timeout, record);

  QTimer::singleShot(3000, [&] {
    w.controls()->startButton()->click();
    clock.start();
    heartbeat.start(5);
    drag.start(50);
    probe.start(30000);
    record();
    QTimer::singleShot(run_ms, [&] {
      drag.stop();
      heartbeat.stop();
      probe.stop();
      record();
      // The loss plot's repaint at the points it holds now.
      auto* plot = w.lossPlot()->plot();
      std::vector<double> repaint;
      for (int i = 0; i < 20; ++i) {
        QElapsedTimer t;
        t.start();
        plot->replot(QCustomPlot::rpImmediateRefresh);
        repaint.push_back(t.nsecsElapsed() / 1e6);
      }
      if (p.isSet("shot")) w.grab().save(p.value("shot"));
      const double minutes = clock.elapsed() / 60000.0;
      nlohmann::json out = {
          {"minutes", minutes},
          {"model", p.value("model").toStdString()},
          {"loss_points_per_series", w.lossPlot()->pointCount("loss_d")},
          {"slider_moves", drags},
          {"metric_points", w.metricPlot()->sampleCount()},
          {"stall_ms", {{"longest", longest}, {"longest_at_minute", longest_at}, {"p50", percentile(lateness, 0.5)},
                        {"p99", percentile(lateness, 0.99)}, {"p999", percentile(lateness, 0.999)},
                        {"over_100ms", over_100}, {"ticks", lateness.size()}}},
          {"repaint_ms", {{"median", percentile(repaint, 0.5)}, {"max", percentile(repaint, 1.0)}}},
          {"rss", samples}};
      std::ofstream(p.value("out").toStdString()) << out.dump(1) << "\n";
      w.closeWithoutAsking();  // the run is saved, without the question a user would get
      app.quit();
    });
  });
  return app.exec();
}
