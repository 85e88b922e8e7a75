// Takes the README's screenshots of the real main window: optionally opens a checkpoint, presses
// Start, waits, moves the explorer, and saves a PNG. Run it under xvfb-run (scripts/screenshots.sh).
//   gan-screenshot --out shot.png [--checkpoint CKPT] [--seconds 60] [--steps N] [--processes N] [--truncation T] [--t 0.4]
//                  [--tab losses|metrics|schedule] [--metrics-every N] [--model ID] [--images FILE,FILE...]
//                  [--grid-option ID=VALUE] [--panel-option ID=VALUE] [--param NAME=VALUE] [--view ID]
//                  [--compare CKPT,CKPT...] (the comparison window instead) [--help-section TITLE] (the help window)
//                  [--animation-dialog FILE] (the animation export dialog) [--translate-dialog DIR]
//                  [--generator G.pt --latent-dim N [--classes K]] (a TorchScript generator opened)
//                  [--sweep VALUES [--sweep-samples N]] (the Fidelity-diversity window, shot once it is done)
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QPushButton>
#include <QSlider>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include "app/main_window.h"
#include "ui/animation_dialog.h"
#include "ui/compare_window.h"
#include "ui/translate_dialog.h"
#include "ui/control_panel.h"
#include "ui/help_window.h"
#include "ui/dataset_picker.h"
#include "ui/explore_panel.h"
#include "ui/hyperparam_form.h"
#include "ui/image_input.h"
#include "ui/metric_settings.h"
#include "ui/model_picker.h"
#include "ui/sample_grid.h"
#include "ui/sweep_window.h"
#include "ui/generator_dialog.h"
#include "ui/training_controls.h"

#include <QSpinBox>

int main(int argc, char** argv) {
  // Pictures do not depend on what earlier sessions remembered, nor change it: settings of their own.
  QTemporaryDir settings;
  qputenv("XDG_CONFIG_HOME", settings.path().toLocal8Bit());
  QApplication app(argc, argv);
  QCommandLineParser p;
  p.addOptions({{"out", "PNG to write", "file"},
                {"checkpoint", "checkpoint to open first", "file"},
                {"seconds", "seconds to train before the shot", "n", "60"},
                {"steps", "total steps for the run", "n", "0"},
                {"processes", "local processes to train on", "n", "1"},
                {"sample-every", "draw the sample grid every N steps (0: the form's value)", "n", "0"},
                {"truncation", "truncation threshold (0: off)", "t", "0"},
                {"t", "explorer position 0..1", "t", "0.4"},
                {"tab", "plot tab to show: losses, metrics or schedule", "name", "losses"},
                {"metrics-every", "turn live metrics on, every N steps", "n", "0"},
                {"model", "family to pick before starting (a registry id)", "id"},
                {"images", "images for the explore panels' image inputs, comma-separated", "files"},
                {"grid-option", "a sample-grid option, ID=VALUE", "option"},
                {"data", "a stream's data, STREAM=SOURCE[:CLASS]", "spec"},
                {"panel-option", "an explore-panel option, ID=VALUE", "option"},
                {"param", "a hyper-parameter set in the form before Start, NAME=VALUE", "param"},
                {"view", "the explore panel to show (a view id of the family)", "id"},
                {"compare", "checkpoints to compare, comma-separated: the comparison window is shot", "files"},
                {"help-section", "the help window, at this section, is shot", "title"},
                {"animation-dialog", "the Export › Interpolation dialog, proposing this file, is shot", "file"},
                {"translate-dialog", "the Translate a folder dialog, proposing this input folder, is shot", "folder"},
                {"generator", "a TorchScript generator to open first", "file"},
                {"generator-dialog", "the Open TorchScript generator dialog for this file is shot", "file"},
                {"latent-dim", "its latent size", "n", "100"},
                {"classes", "its classes (0: none)", "n", "0"},
                {"sweep", "measure a fidelity-diversity sweep of these values and shoot its window", "values"},
                {"sweep-samples", "samples per value of the sweep", "n", "1000"},
                {"no-start", "do not press Start"}});
  p.process(app);
  // More processes start the command-line program (this one is not it): the build's gan-explorer.
  if (qEnvironmentVariableIsEmpty("GAN_EXPLORER_EXE"))
    for (const QString& exe : {app.applicationDirPath() + "/../gan-explorer", app.applicationDirPath() + "/gan-explorer"})
      if (QFileInfo(exe).isExecutable()) {
        qputenv("GAN_EXPLORER_EXE", QFileInfo(exe).canonicalFilePath().toLocal8Bit());
        break;
      }
  MainWindow w;
  w.resize(1440, 900);
  w.show();
  if (p.isSet("model")) w.modelPicker()->setCurrentId(p.value("model"));
  for (const QString& kv : p.values("data"))
    if (auto* picker = w.datasetPicker(kv.section('=', 0, 0))) picker->setSpec(kv.section('=', 1), "train");
  if (p.isSet("checkpoint")) w.openCheckpoint(p.value("checkpoint"));
  if (p.isSet("generator"))
    w.openGenerator(p.value("generator"), p.value("latent-dim").toLongLong(), p.value("classes").toInt());
  const qint64 steps = p.value("steps").toLongLong();
  // Act once the window is ready: 3 s, or, with a checkpoint, once it has been opened and drawn
  // (a large one can take longer to load), then take the picture `seconds` later.
  auto act = [&] {
    if (steps > 0) w.controls()->setTotalSteps(steps);
    w.controls()->processesBox()->setValue(p.value("processes").toInt());
    if (const int every = p.value("sample-every").toInt(); every > 0) w.controls()->setSampleEvery(every);
    if (const int every = p.value("metrics-every").toInt(); every > 0)
      w.metricSettings()->setValues(true, every, w.metricSettings()->samples(), QString());
    if (p.value("tab") == "metrics") w.plotTabs()->setCurrentIndex(1);
    if (p.value("tab") == "schedule") w.plotTabs()->setCurrentIndex(2);
    if (p.isSet("param")) {
      gan::ParamSet values = w.form()->values();
      for (const QString& kv : p.values("param"))
        values.set(kv.section('=', 0, 0).toStdString(), kv.section('=', 1).toStdString());
      w.form()->setValues(values);
    }
    if (!p.isSet("no-start")) w.controls()->startButton()->click();
    const QString trunc = p.value("truncation");
    w.sampleGrid()->truncation()->setValue("truncation", trunc.toDouble() > 0 ? trunc : "off");
    for (auto* panel : w.explorePanels()) {
      panel->controls()->setValue("truncation", trunc.toDouble() > 0 ? trunc : "off");
      panel->controls()->setValue("t", p.value("t"));
      for (const QString& kv : p.values("panel-option"))
        panel->controls()->setValue(kv.section('=', 0, 0), kv.section('=', 1));
      if (p.isSet("images"))
        for (auto* input : panel->findChildren<ui::ImageInput*>()) input->addFiles(p.value("images").split(','));
    }
    if (auto* panel = w.explorePanel(p.value("view")))
      for (auto* tabs : w.findChildren<QTabWidget*>())
        if (tabs->indexOf(panel) >= 0) tabs->setCurrentWidget(panel);
    for (const QString& kv : p.values("grid-option")) {
      w.sampleGrid()->options()->setValue(kv.section('=', 0, 0), kv.section('=', 1));
      w.sampleGrid()->truncation()->setValue(kv.section('=', 0, 0), kv.section('=', 1));
    }
    QWidget* shot = &w;
    if (p.isSet("compare")) {
      auto* cmp = w.compare(p.value("compare").split(','));
      cmp->resize(1440, 760);
      cmp->controls()->setValue("t", p.value("t"));
      for (const QString& kv : p.values("panel-option")) cmp->controls()->setValue(kv.section('=', 0, 0), kv.section('=', 1));
      shot = cmp;
    }
    if (p.isSet("help-section")) {
      w.showHelp(p.value("help-section"));
      shot = w.helpWindow();
    }
    if (p.isSet("translate-dialog")) {
      shot = w.showTranslateDialog(p.value("translate-dialog"), p.value("translate-dialog") + "/translated");
    }
    if (p.isSet("generator-dialog")) {
      auto* d = new ui::GeneratorDialog(p.value("generator-dialog"), 100, 10, &w);
      d->show();
      shot = d;
    }
    if (p.isSet("animation-dialog")) {
      auto* d = new ui::AnimationDialog(p.value("animation-dialog"), &w);
      d->show();
      shot = d;
    }
    if (p.isSet("sweep")) {  // shot once every value is measured (or it stopped)
      w.startSweep(p.value("sweep"), p.value("sweep-samples").toLongLong());
      auto* sweep = w.sweepWindow();
      sweep->resize(760, 820);
      auto* poll = new QTimer(&app);
      QObject::connect(poll, &QTimer::timeout, [&, sweep, poll] {
        if (sweep->running()) return;
        poll->stop();
        QTimer::singleShot(500, [&, sweep] {
          sweep->grab().save(p.value("out"));
          w.closeWithoutAsking();
          app.quit();
        });
      });
      poll->start(1000);
      return;
    }
    QTimer::singleShot(p.value("seconds").toInt() * 1000, [&, shot] {
      shot->grab().save(p.value("out"));
      w.closeWithoutAsking();  // a run in training is saved, without the question a user would get
      app.quit();
    });
  };
  QTimer ready;
  int waited = 0;  // ticks of 3 s; after a minute, go on anyway (the picture then shows what went wrong)
  QObject::connect(&ready, &QTimer::timeout, [&] {
    if ((p.isSet("checkpoint") || p.isSet("generator")) && w.sampleGrid()->image().isNull() && ++waited < 20) return;
    ready.stop();
    act();
  });
  ready.start(3000);
  return app.exec();
}
