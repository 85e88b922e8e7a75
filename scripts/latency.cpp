// Slider to painted image: the GUI half of the explore panels' latency (`gan-explorer bench` times a
// request to the 8-bit image the engine delivers; this times what a user sees). The real main window on
// the display it is given (Xvfb for the README's figures) trains a family with its defaults (32 px);
// its latent explorer's t slider is moved as a drag moves it, one move every 50 ms, and each move is
// timed from the slider's new value to the end of the paint of the image view that shows the result
// of that move (ExplorePanel's stamps: the result shown is that request's or a newer one's). First while
// the run trains, then with it paused (idle). DCGAN and StyleGAN (psi 0.7 in the Truncation box) in one
// go, side by side. Run it with scripts/latency.sh.
//   gan-latency [--moves 100] [--models dcgan,stylegan] [--warmup-seconds 5] [--out latency.json]
#include <QApplication>
#include <QEvent>
#include <QRegularExpression>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QPushButton>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/main_window.h"
#include "ui/control_panel.h"
#include "ui/explore_panel.h"
#include "ui/image_view.h"
#include "ui/model_picker.h"
#include "ui/sample_grid.h"
#include "ui/training_controls.h"

// Notes when a paint of the watched view starts, once armed and `when` holds.
struct PaintStart : QObject {
  PaintStart(qint64* at, const QElapsedTimer* clock) : at(at), clock(clock) {}
  bool eventFilter(QObject* o, QEvent* e) override {
    if (armed && e->type() == QEvent::Paint && *at < 0 && when && when()) *at = clock->nsecsElapsed();
    return QObject::eventFilter(o, e);
  }
  qint64* at;
  const QElapsedTimer* clock;
  bool armed = false;
  std::function<bool()> when;
};

static double percentile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

// Runs the event loop until `done` or `ms` have passed; false on the timeout.
static bool wait_until(const std::function<bool()>& done, int ms) {
  QElapsedTimer t;
  t.start();
  QTimer tick;  // wakes the loop to check the clock
  tick.start(5);
  while (!done()) {
    if (t.elapsed() > ms) return false;
    QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
  }
  return true;
}

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QCommandLineParser p;
  p.addHelpOption();
  p.addOptions({{"moves", "slider moves per phase", "n", "100"},
                {"models", "families, comma-separated", "ids", "dcgan,stylegan"},
                {"warmup-seconds", "training before the first move", "s", "5"},
                {"out", "JSON file for the figures", "file", "latency.json"}});
  p.process(app);
  const int moves = p.value("moves").toInt();
  MainWindow w;
  w.resize(1440, 900);
  w.show();
  QElapsedTimer clock;
  clock.start();
  nlohmann::json out = nlohmann::json::object();
  std::cout << "slider to painted image, ms (" << moves << " moves a phase, one every 50 ms):\n"
            << "  model        training: median    p95     idle: median    p95   (medians of the engine's render, "
               "training / idle, and of the paint)\n";
  for (const QString& model : p.value("models").split(',', Qt::SkipEmptyParts)) {
    w.newRun();
    w.modelPicker()->setCurrentId(model);
    w.controls()->setTotalSteps(100000000);
    if (w.sampleGrid()->truncation()->control("psi")) w.sampleGrid()->truncation()->setValue("psi", "0.7");
    ui::ExplorePanel* panel = w.explorePanel("latent");
    ui::ImageView* view = panel ? panel->imageView("image") : nullptr;
    if (!view) {
      std::cerr << model.toStdString() << ": no latent explorer\n";
      return 1;
    }
    w.controls()->startButton()->click();
    if (!wait_until([&] { return !panel->outputImage("image").isNull(); }, 120000)) {
      std::cerr << model.toStdString() << ": no image after 120 s\n";
      return 1;
    }
    wait_until([] { return false; }, p.value("warmup-seconds").toInt() * 1000);
    struct Phase {
      std::vector<double> ms, render_ms, paint_ms;  // move to painted; the engine's render; the paint itself
    };
    auto phase = [&](const char* name) {
      Phase out;
      std::vector<double>& ms = out.ms;
      qint64 painted_at = -1, paint_began = -1;
      quint64 stamp = 0;
      auto conn = QObject::connect(view, &ui::ImageView::painted, [&] {
        if (painted_at < 0 && panel->shownStamp() >= stamp) painted_at = clock.nsecsElapsed();
      });
      PaintStart began(&paint_began, &clock);  // when the paint that shows it starts
      view->installEventFilter(&began);
      for (int i = 0; i < moves; ++i) {
        const qint64 t0 = clock.nsecsElapsed();
        painted_at = paint_began = -1;
        began.armed = false;
        stamp = ~quint64(0);  // no paint counts until the request is sent
        panel->controls()->setValue("t", QString::number(0.05 + 0.9 * ((i * 37) % 100) / 99.0, 'f', 3));
        stamp = panel->requestedStamp();
        began.when = [&] { return panel->shownStamp() >= stamp; };
        began.armed = true;
        if (!wait_until([&] { return painted_at >= 0; }, 10000)) {
          std::cerr << model.toStdString() << " " << name << ": move " << i << " was not painted in 10 s\n";
          continue;
        }
        ms.push_back((painted_at - t0) / 1e6);
        if (paint_began >= 0) out.paint_ms.push_back((painted_at - paint_began) / 1e6);
        // The engine's own time for it, as the panel shows it ("... · 1.2 ms").
        const auto m = QRegularExpression(QStringLiteral("([0-9.]+) ms$")).match(panel->info());
        if (m.hasMatch()) out.render_ms.push_back(m.captured(1).toDouble());
        const qint64 next = t0 + 50000000;  // a drag's pace
        wait_until([&] { return clock.nsecsElapsed() >= next; }, 1000);
      }
      QObject::disconnect(conn);
      view->removeEventFilter(&began);
      return out;
    };
    const auto training = phase("training");
    w.controls()->pauseButton()->click();
    wait_until([&] { return w.state() == ui::UiState::Paused; }, 60000);
    const auto idle = phase("idle");
    w.controls()->stopButton()->click();
    wait_until([&] { return w.state() == ui::UiState::Finished; }, 120000);
    char line[200];
    std::snprintf(line, sizeof line, "  %-12s %16.2f %6.2f %14.2f %6.2f   (engine %.2f / %.2f, paint %.2f / %.2f)\n",
                  model.toStdString().c_str(), percentile(training.ms, 0.5), percentile(training.ms, 0.95),
                  percentile(idle.ms, 0.5), percentile(idle.ms, 0.95), percentile(training.render_ms, 0.5),
                  percentile(idle.render_ms, 0.5), percentile(training.paint_ms, 0.5), percentile(idle.paint_ms, 0.5));
    std::cout << line << std::flush;
    auto figures = [](const Phase& ph) {
      return nlohmann::json{{"median_ms", percentile(ph.ms, 0.5)},        {"p95_ms", percentile(ph.ms, 0.95)},
                            {"moves", ph.ms.size()},                      {"engine_median_ms", percentile(ph.render_ms, 0.5)},
                            {"paint_median_ms", percentile(ph.paint_ms, 0.5)}};
    };
    out[model.toStdString()] = {{"training", figures(training)}, {"idle", figures(idle)}};
  }
  std::ofstream(p.value("out").toStdString()) << out.dump(1) << "\n";
  w.closeWithoutAsking();
  return 0;
}
